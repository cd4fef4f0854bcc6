import { SNAPSHOT_VERSION } from '../../core/snapshot-schema';
import type { KeyedPartitionState } from '../../core/keyed-partition-state';
import type { WindowInfo } from '../../core/types';
import { SnapshotError, toError } from '../../core/errors';
import { partitionKey, partitionUnitKey, type PartitionRef, type PartitionSource, type PartitionStateOwner } from '../../connectors/partition-sources';
import { configErrorText } from './config-error';
import { connectorErrorText } from './connection-hint';
import { text } from './i18n';
import type { NodeMessage, RedNode } from './red';

/**
 * Version of the changelog record a partition's state is written as: the saved form's version
 * (snapshot-schema.ts), since the record carries key entries in that form.
 */
const RECORD_VERSION = SNAPSHOT_VERSION;
// The oldest record version read: version 3's key entries differ from version 4's only in lists
// of numbers that the detectors read in either form (snapshot-schema.ts).
const OLDEST_RECORD_VERSION = 3;

/** What a window node keeps of one source partition. */
interface Part {
  topic: string;
  partition: number;
  /** The unit whose state holds this partition's events. */
  unit: Unit;
  /** Lowest offset taken since the last snapshot began; undefined when nothing new. */
  first: number | undefined;
  /** Highest offset taken or restored: records at or below it are skipped, not counted twice. */
  last: number;
  /** `first` of each snapshot being written, oldest first. */
  writing: number[];
  /** Records below this offset may have been handled by the previous owner before it stopped. */
  zoneEnd: number;
  /** The partition's log end was not known at the restore (not fetched yet): zoneEnd is taken at its first record. */
  zoneOpen: boolean;
}

/**
 * The partitions whose keys' state is one: one partition of one topic, or, for a reader of
 * several co-partitioned topics, partition number p of each of them (Kafka Streams' task). It
 * moves as a whole and is one changelog record.
 */
interface Unit {
  /** Its changelog record key. */
  id: string;
  /** Several topics' partitions: the record holds an offset per topic. */
  joint: boolean;
  parts: Part[];
  /** The keys whose events came from the unit's partitions. */
  keys: Set<string>;
  /** Highest event time taken (or restored): windows starting at or before it hold some of these events. */
  maxTime: number;
  /** Windows of the unit's keys that start at or before it may repeat a result the previous owner sent. */
  replayTime: number;
}

/** What the host does with a message from a Kafka reader. */
export type Admission = 'process' | 'skip' | 'restore';

/**
 * A changelog record as written: the unit's keys' state and the highest offset it includes, of
 * its one partition (`offset`) or of each topic's partition of a joint unit (`offsets`).
 */
interface SavedPart {
  v: number;
  offset?: number;
  offsets?: Record<string, number>;
  maxTime: number | null;
  state: unknown;
}

/** Whether `n` is an offset a record may hold: -1 (nothing taken) or more. */
const isSavedOffset = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= -1;

/**
 * Keyed state that follows Kafka partitions (a window operator's, a join's, a sequence's or a
 * detector's, see keyed-partition-state.ts), for one stateful node fed by one stream-kafka-in:
 * which keys came from which partition (or unit: partition number p of every topic of a reader
 * of co-partitioned topics, which a key's records of each topic share), how far each partition's records are in the changelog
 * (the hold that caps the reader's commit), checkpoints of each changed partition's keys,
 * restoring a partition's keys before its first record is processed, skipping records the
 * restored state already includes, and marking results that a previous owner may have sent.
 */
export class KafkaWindowState implements PartitionStateOwner {
  /** Records skipped because the restored state already included them, or their partition moved. */
  skipped = 0;
  /**
   * Events of a key that came from another partition than the key's first (its state cannot
   * follow both); for co-partitioned topics, from another partition number.
   */
  crossPartitionKeys = 0;
  /** Last restore: partitions, keys and how long it took (ms). */
  lastRestore: { partitions: number; keys: number; ms: number } | undefined;

  private readonly parts = new Map<string, Part>();
  /** Units by record key. */
  private readonly units = new Map<string, Unit>();
  private readonly keyUnit = new Map<string, Unit>();
  private readonly restored = new Set<string>();
  /** The partition of the message being handled. */
  private cur: Part | undefined;
  private curInZone = false;
  private lastKey: string | undefined;
  private lastKeyUnit: Unit | undefined;
  /** The topics' partition counts differ: said once. */
  private toldCounts = false;
  /**
   * The partition of the last message admitted and of the last hold asked for: records come in
   * runs of one partition, so these find its part without building its id per record. Cleared
   * whenever a partition's part goes or is replaced.
   */
  private admitted: Part | undefined;
  private held: Part | undefined;
  private writeFailed = false;
  /**
   * Per partition: the lowest offset of a record the host completed without taking it (the node
   * closed first). No state holds it, so the commit must stay before it until the partition moves.
   */
  private readonly untaken = new Map<string, number>();
  private closed = false;

  constructor(
    readonly source: PartitionSource,
    private readonly node: RedNode,
    /** The node's keyed state: a window operator's keys, a join's, a sequence's or a detector's. */
    private readonly operator: KeyedPartitionState,
    /** True while an input is half-way (an async handler): no snapshot then. */
    private readonly busy: () => boolean,
    /** The operator's maxOutOfOrder (ms): a taken-over partition's watermark is its latest event time less this. */
    private readonly maxOutOfOrder = 0,
  ) {
    source.attach(this);
  }

  /**
   * Stops taking part (the node closes or its reader was replaced): the state taken since the
   * last checkpoint is written first, so a new instance of the node (a redeploy of it alone)
   * restores it rather than miss records the reader will not deliver again. Aligned like a
   * checkpoint: a window that fired has left the state, and its result may still be on its way
   * to a node that is closing too and drops it; so the state is written only once what was in
   * flight has been handled. When that is given up (the whole flow stops), nothing is written
   * and the holds stay: the partition's next owner reads those records again.
   */
  close(): void {
    const write = this.snapshot();
    this.closed = true;
    // Records completed untaken while closing keep this owner attached: their holds must outlive the write.
    const written = (write ? this.source.aligned().then((go) => write(go)) : Promise.resolve()).finally(() => this.leaveIfFree());
    this.source.retiring(this.node.id, written);
  }

  /**
   * The host completes a message of the reader without taking it (it was waiting, or arrived,
   * when the node closed): its partition's commit stays before it, so whoever reads the
   * partition next gets the record again rather than a commit past a record no state holds.
   */
  refuse(msg: NodeMessage): void {
    const k = msg.kafka as { topic?: unknown; partition?: unknown; offset?: unknown; firstOffset?: unknown; source?: unknown } | undefined;
    if (!k || typeof k !== 'object' || k.source !== this.source.id || typeof k.topic !== 'string' || !Number.isInteger(k.partition)) return;
    if (!this.source.owns(k.topic, k.partition as number)) return;
    const lo = Number(msg.batch === true ? k.firstOffset : k.offset);
    if (!Number.isSafeInteger(lo) || lo < 0) return;
    const id = `${k.partition}:${k.topic}`;
    const before = this.untaken.get(id);
    if (before === undefined || lo < before) this.untaken.set(id, lo);
    // The close's write may have finished and detached this owner already.
    this.source.attach(this);
  }

  /**
   * A closed node leaves the reader once it holds nothing back: no record it completed untaken,
   * and no record whose state its last write did not store (given up or failed). Until then,
   * or until those partitions move, the reader's commit stays before them.
   */
  private leaveIfFree(): void {
    if (!this.closed || this.untaken.size) return;
    for (const p of this.parts.values()) if (p.first !== undefined || p.writing.length) return;
    this.source.detach(this);
  }

  /**
   * Looks at a message from the reader before it is handled: 'skip' when the restored state
   * already holds it or its partition moved, 'restore' when its partition's state must be read
   * first (the host queues the message and calls restore()), else 'process' (the message's
   * offsets now hold the commit until a checkpoint includes them).
   */
  admit(msg: NodeMessage): Admission {
    this.cur = undefined;
    const k = msg.kafka as { topic: string; partition: number; offset?: unknown; firstOffset?: unknown; lastOffset?: unknown };
    let p = this.admitted;
    if (p === undefined || p.partition !== k.partition || p.topic !== k.topic) {
      if (!this.source.owns(k.topic, k.partition)) {
        this.skipped++;
        return 'skip';
      }
      const id = `${k.partition}:${k.topic}`;
      if (!this.restored.has(id)) return 'restore';
      p = this.admitted = this.parts.get(id)!;
    }
    const batch = msg.batch === true;
    const lo = Number(batch ? k.firstOffset : k.offset);
    // Kafka offsets are strings: a single record's is parsed once.
    const hi = batch ? Number(k.lastOffset) : lo;
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || hi < lo) return 'process';
    // At or below `last`: in the restored state, or taken already and delivered again (the
    // reader fetches a partition it kept through a rebalance again from its last commit).
    const seen = p.last;
    if (hi <= seen) {
      this.skipped += batch && Array.isArray(msg.payload) ? msg.payload.length : 1;
      return 'skip';
    }
    if (lo <= seen && batch && Array.isArray(msg.payload)) {
      const keep = (msg.payload as { kafka?: { offset?: unknown } }[]).filter((e) => !(Number(e?.kafka?.offset) <= seen));
      this.skipped += msg.payload.length - keep.length;
      msg.payload = keep;
    }
    if (p.zoneOpen) {
      // The reader hands a batch out after it noted the batch's log end.
      p.zoneOpen = false;
      p.zoneEnd = this.source.endOf(k.topic, k.partition) ?? p.zoneEnd;
    }
    const from = Math.max(lo, seen + 1);
    if (p.first === undefined || from < p.first) p.first = from;
    if (hi > p.last) p.last = hi;
    this.cur = p;
    this.curInZone = from < p.zoneEnd;
    return 'process';
  }

  /** The message has been handled (its events are in the operator). */
  handled(): void {
    this.cur = undefined;
  }

  /** An event of `key` at event time `time` of the message being handled; call before the operator takes it. */
  note(key: string, time: number): void {
    const p = this.cur;
    if (p === undefined) return;
    const u = p.unit;
    if (time > u.maxTime) u.maxTime = time;
    if (this.curInZone && time > u.replayTime) u.replayTime = time;
    if (key === this.lastKey && u === this.lastKeyUnit) return;
    const owner = this.keyUnit.get(key);
    if (owner === undefined) {
      this.keyUnit.set(key, u);
      u.keys.add(key);
    } else if (owner !== u) {
      if (!this.crossPartitionKeys) {
        const first = owner.parts[0];
        this.warn('keyAcrossPartitions', { key, owner: first.partition, ownerTopic: first.topic, other: p.partition, topic: p.topic });
      }
      this.crossPartitionKeys++;
      return;
    }
    this.lastKey = key;
    this.lastKeyUnit = u;
  }

  /** Marks a result that a previous owner of its partition may already have sent (msg.window.replay). */
  mark(window: WindowInfo): void {
    if (this.mayRepeat(String(window.key), window.start)) window.replay = true;
  }

  /** Whether a result of `key` that includes event time `time` may have been sent by a previous owner of the key's partition. */
  mayRepeat(key: string, time: number): boolean {
    const u = this.keyUnit.get(key);
    return u !== undefined && time <= u.replayTime;
  }

  hold(topic: string, partition: number): number | undefined {
    // Asked for every record the flow finishes: the partition asked for last needs no id built.
    let p = this.held;
    if (p === undefined || p.partition !== partition || p.topic !== topic) {
      p = this.parts.get(`${partition}:${topic}`);
      if (p !== undefined) this.held = p;
    }
    const fence = this.untaken.size ? this.untaken.get(`${partition}:${topic}`) : undefined;
    let h: number | undefined;
    if (p !== undefined) {
      const w = p.writing.length ? p.writing[0] : undefined;
      h = w === undefined ? p.first : p.first === undefined || w < p.first ? w : p.first;
    }
    return fence !== undefined && (h === undefined || fence < h) ? fence : h;
  }

  snapshot(): ((write: boolean) => Promise<void>) | undefined {
    // A closed node wrote its last state on close; what it holds since is records it never took.
    if (this.busy() || this.closed) return undefined;
    const records: { key: string; value: string }[] = [];
    const written: Unit[] = [];
    const taken: [Part, number][] = [];
    for (const u of this.units.values()) {
      if (!u.parts.some((p) => p.first !== undefined)) continue;
      // Keys whose windows all fired are gone from the operator: their state is done.
      for (const key of u.keys) {
        if (!this.operator.hasKey(key)) {
          u.keys.delete(key);
          this.keyUnit.delete(key);
        }
      }
      records.push({ key: u.id, value: JSON.stringify(this.saved(u, this.operator.snapshotKeys(u.keys))) });
      written.push(u);
      // Every partition of the unit that took records is held until the record is written.
      for (const p of u.parts) {
        if (p.first === undefined) continue;
        taken.push([p, p.first]);
        p.writing.push(p.first);
        p.first = undefined;
      }
    }
    this.lastKey = this.lastKeyUnit = undefined;
    if (!records.length) return undefined;
    return async (write: boolean) => {
      const changelog = this.source.changelog(this.node.id);
      try {
        if (!write) throw new Error('abandoned');
        // A unit revoked since the snapshot is read elsewhere now: its next owner may have
        // restored an earlier state and written its own since, which this older one must not
        // overwrite (the commit stays with the next owner's state; its records would be lost).
        const owned = records.filter((_, i) => this.units.get(written[i].id) === written[i]);
        if (owned.length) await changelog.write(owned);
        for (const [p] of taken) p.writing.shift();
        this.writeFailed = false;
      } catch (err) {
        // The records stay held: the next checkpoint writes them again.
        for (const [p, from] of taken) {
          p.writing.shift();
          if (p.first === undefined || from < p.first) p.first = from;
        }
        if (!write) return;
        if (!this.writeFailed) this.warn('changelogWriteFailed', { changelog: changelog.topic, message: toError(err).message });
        this.writeFailed = true;
      }
    };
  }

  /** A unit's changelog record: `state` and the highest offset taken of each of its partitions. */
  private saved(u: Unit, state: unknown): SavedPart {
    const maxTime = Number.isFinite(u.maxTime) ? u.maxTime : null;
    if (!u.joint) return { v: RECORD_VERSION, offset: u.parts[0].last, maxTime, state };
    return { v: RECORD_VERSION, offsets: Object.fromEntries(u.parts.map((p) => [p.topic, p.last])), maxTime, state };
  }

  /**
   * The record of a unit read for the first time: no state, no offset. Written before the
   * unit's first record is taken, so an instance that stops before its first checkpoint
   * still leaves a trace: its successor finds the record, knows that someone read the unit
   * before it, and marks the results of the records below the log end it starts from as
   * possible repeats (an absent record means nobody did, and nothing is marked).
   */
  private claim(u: Unit): { key: string; value: string } {
    return { key: u.id, value: JSON.stringify(this.saved(u, this.operator.snapshotKeys([]))) };
  }

  /**
   * Declares the owned partitions of the topics of `parts` to the operator: one that left is
   * forgotten with its clock, one that arrived holds the watermark back until it delivers. The
   * host does the same when msg.kafka.assigned changes, but a partition that leaves and comes
   * back with no message in between would otherwise keep the clock it had before it left.
   */
  private expectOwned(parts: readonly PartitionRef[]): void {
    const owned = this.source.assigned();
    for (const topic of new Set(parts.map((r) => r.topic))) {
      this.operator.expectSources?.(
        topic,
        owned.filter((r) => r.topic === topic).map((r) => `${r.partition}:${topic}`),
        Date.now(),
      );
    }
  }

  revoked(parts: readonly PartitionRef[]): void {
    const moved = new Set<string>();
    for (const r of parts) {
      const id = `${r.partition}:${r.topic}`;
      moved.add(id);
      this.restored.delete(id);
      this.untaken.delete(id);
      const p = this.parts.get(id);
      if (p === undefined || this.units.get(p.unit.id) !== p.unit) continue;
      const u = p.unit;
      this.operator.dropKeys(u.keys);
      for (const key of u.keys) this.keyUnit.delete(key);
      this.units.delete(u.id);
      // A unit goes whole: a partition of it still owned (its topics were co-located, now they
      // are not) is restored afresh before its next record.
      for (const q of u.parts) {
        const qid = `${q.partition}:${q.topic}`;
        this.parts.delete(qid);
        this.restored.delete(qid);
      }
    }
    this.cur = this.lastKey = this.lastKeyUnit = this.admitted = this.held = undefined;
    this.expectOwned(parts);
    this.leaveIfFree();
  }

  /**
   * Groups the owned partitions not restored yet into units. A reader of several topics keeps
   * partition number p of them as one unit when it owns all of them and none is live already
   * (the co-partitioning assigner gives them to one member together); otherwise, and for a
   * reader of one topic, each partition is a unit of its own, as a key whose records come from
   * two partitions cannot have its state follow both.
   */
  private unitsOf(wanted: readonly PartitionRef[]): Unit[] {
    const counts = this.source.partitionCounts();
    if (counts.size > 1 && new Set(counts.values()).size > 1 && !this.toldCounts) {
      this.toldCounts = true;
      this.warn('topicsNotCoPartitioned', { counts: [...counts].map(([t, n]) => `${t}: ${n}`).join(', ') });
    }
    const unit = (id: string, joint: boolean, refs: readonly PartitionRef[]): Unit => {
      const u: Unit = { id, joint, parts: [], keys: new Set(), maxTime: -Infinity, replayTime: -Infinity };
      for (const r of refs) {
        u.parts.push({ topic: r.topic, partition: r.partition, unit: u, first: undefined, last: -1, writing: [], zoneEnd: -1, zoneOpen: false });
      }
      return u;
    };
    const out: Unit[] = [];
    const grouped = new Set<string>();
    const isWanted = new Set(wanted.map((r) => `${r.partition}:${r.topic}`));
    for (const r of wanted) {
      const id = `${r.partition}:${r.topic}`;
      if (grouped.has(id)) continue;
      if (counts.size > 1 && counts.has(r.topic)) {
        const topics = [...counts].filter(([, n]) => r.partition < n).map(([t]) => t);
        const together = topics.every((t) => this.source.owns(t, r.partition) && isWanted.has(`${r.partition}:${t}`));
        if (together) {
          for (const t of topics) grouped.add(`${r.partition}:${t}`);
          out.push(
            unit(
              partitionUnitKey(r.partition),
              true,
              topics.sort().map((topic) => ({ topic, partition: r.partition })),
            ),
          );
          continue;
        }
      }
      grouped.add(id);
      out.push(unit(partitionKey(r.topic, r.partition), false, [r]));
    }
    return out;
  }

  /**
   * A unit's saved form: its record, or for a joint unit with no record or one older than its
   * partitions' own records (written while its topics were not co-located, or by an older
   * version), those records. Undefined when there is none (nobody read the unit before).
   * Throws when a record is damaged.
   */
  private savedOf(u: Unit, saved: ReadonlyMap<string, string>): { offsets: Map<Part, number>; maxTime: number; states: unknown[] } | undefined {
    const parse = (raw: string): SavedPart => {
      const rec = JSON.parse(raw) as SavedPart;
      const ok =
        rec &&
        typeof rec.v === 'number' &&
        rec.v >= OLDEST_RECORD_VERSION &&
        rec.v <= RECORD_VERSION &&
        (isSavedOffset(rec.offset) ||
          (rec.offset === undefined && typeof rec.offsets === 'object' && rec.offsets !== null && Object.values(rec.offsets).every(isSavedOffset)));
      if (!ok) throw SnapshotError.because('snapshotPartitionRecord', { version: `${OLDEST_RECORD_VERSION}–${RECORD_VERSION}` });
      return rec;
    };
    const timeOf = (rec: SavedPart) => (typeof rec.maxTime === 'number' && Number.isFinite(rec.maxTime) ? rec.maxTime : -Infinity);
    const own = saved.get(u.id);
    const unitRec = own === undefined ? undefined : parse(own);
    const offsetIn = (rec: SavedPart, p: Part): number | undefined => (rec.offsets ? rec.offsets[p.topic] : rec.offset);
    if (!u.joint) return unitRec && { offsets: new Map([[u.parts[0], offsetIn(unitRec, u.parts[0])!]]), maxTime: timeOf(unitRec), states: [unitRec.state] };
    const single = new Map<Part, SavedPart>();
    for (const p of u.parts) {
      const raw = saved.get(partitionKey(p.topic, p.partition));
      if (raw !== undefined) single.set(p, parse(raw));
    }
    const newer = [...single].some(([p, rec]) => rec.offset! > (unitRec ? (offsetIn(unitRec, p) ?? -1) : -Infinity));
    if (unitRec && !newer) return { offsets: new Map(u.parts.map((p) => [p, offsetIn(unitRec, p) ?? -1])), maxTime: timeOf(unitRec), states: [unitRec.state] };
    if (!single.size) return undefined;
    return {
      offsets: new Map(u.parts.map((p) => [p, single.get(p)?.offset ?? -1])),
      maxTime: Math.max(...[...single.values()].map(timeOf)),
      states: [...single.values()].map((rec) => rec.state),
    };
  }

  /**
   * Reads the changelog to its end and restores the keys of every owned partition not restored
   * yet (with the other partitions of its unit); until then the host holds their records back.
   * A changelog that cannot be read is reported and its partitions start empty.
   */
  async restore(): Promise<void> {
    const started = Date.now();
    const wanted = this.source.assigned().filter((r) => !this.restored.has(`${r.partition}:${r.topic}`));
    if (!wanted.length) return;
    const changelog = this.source.changelog(this.node.id);
    let saved = new Map<string, string>();
    let read = false;
    try {
      await this.source.retired(this.node.id);
      saved = await changelog.read();
      read = true;
    } catch (err) {
      this.warn('changelogReadFailed', {
        changelog: changelog.topic,
        message: connectorErrorText(this.node.type, err),
        partitions: wanted.map((r) => r.partition).join(', '),
      });
    }
    // Units with no record yet get one before their first record is taken (see claim()).
    const claims: { key: string; value: string }[] = [];
    let keys = 0;
    let partitions = 0;
    // The lowest event time of the partitions taken over, where this node's watermark must be.
    let behind = Infinity;
    const through: string[] = [];
    // Partitions restored or revoked while the changelog was read are left as they are now.
    const still = wanted.filter((r) => !this.restored.has(`${r.partition}:${r.topic}`) && this.source.owns(r.topic, r.partition));
    for (const u of this.unitsOf(still)) {
      this.units.set(u.id, u);
      for (const p of u.parts) {
        const id = `${p.partition}:${p.topic}`;
        this.parts.set(id, p);
        this.restored.add(id);
      }
      try {
        const rec = this.savedOf(u, saved);
        if (rec === undefined) {
          if (read) claims.push(this.claim(u));
          continue;
        }
        let names: string[] = [];
        for (const state of rec.states) names = names.concat(this.operator.restoreKeys(state));
        for (const key of names) {
          const other = this.keyUnit.get(key);
          if (other !== undefined && other !== u) other.keys.delete(key);
          this.keyUnit.set(key, u);
          u.keys.add(key);
        }
        u.maxTime = u.replayTime = rec.maxTime;
        for (const p of u.parts) {
          p.last = rec.offsets.get(p) ?? -1;
          // Someone held this unit before: what it read beyond the checkpoint it may have turned into results already.
          const end = this.source.endOf(p.topic, p.partition);
          p.zoneEnd = end ?? p.last + 1;
          p.zoneOpen = end === undefined;
          const label = u.joint ? `${p.partition} (${p.topic})` : p.partition;
          through.push(text(this.node.type, 'log.restoredThrough', { partition: label, offset: p.last }));
          partitions++;
        }
        if (u.maxTime < behind) behind = u.maxTime;
        keys += u.keys.size;
      } catch (err) {
        const p = u.parts[0];
        this.warn('partitionDiscarded', {
          partition: p.partition,
          topic: u.parts.map((q) => q.topic).join(', '),
          changelog: changelog.topic,
          message: configErrorText(this.node.type, err),
        });
      }
    }
    if (behind !== Infinity) this.operator.holdBack?.(behind - this.maxOutOfOrder);
    // A partition that comes back holds the watermark from the start again, on a fresh clock.
    this.expectOwned(wanted);
    if (claims.length) {
      try {
        await changelog.write(claims);
      } catch (err) {
        this.warn('claimWriteFailed', {
          changelog: changelog.topic,
          message: toError(err).message,
          partitions: claims.map((c) => c.key.slice(c.key.lastIndexOf(':') + 1)).join(', '),
        });
      }
    }
    this.lastKey = this.lastKeyUnit = this.admitted = this.held = undefined;
    this.lastRestore = { partitions, keys, ms: Date.now() - started };
    if (partitions)
      this.node.log(
        text(this.node.type, 'log.restored', { keys, partitions, changelog: changelog.topic, ms: this.lastRestore.ms, through: through.join(', ') }),
      );
  }

  /** Warns in the user's language: the node catalog's warning.<key> with `params`. */
  private warn(key: string, params: Record<string, string | number>): void {
    this.node.warn(text(this.node.type, `warning.${key}`, params));
  }
}
