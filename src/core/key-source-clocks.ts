/**
 * Per-key watermarks (watermarkScope 'key') for a stream read from several sources (the
 * partitions of a Kafka topic). A key has its own clock, but its readings may come from more
 * than one partition (the window key is a site, the record key a device), and partitions are
 * read at different speeds: a key's clock fed by its fastest partition would make the readings
 * still waiting in the slower ones late. So a key's watermark is the minimum of
 *
 * - its own clock in each partition it has come from (partitions it has stopped coming from are
 *   left out after the idle time, as for the stream), and
 * - the watermark of the partitions as a whole (PartitionedWatermark): a partition that has not
 *   yet delivered this key may still hold its readings up to that partition's progress.
 *
 * The second term is never above the first for the partitions the key came from (a partition's
 * progress includes the key's own readings), so it only holds a key back for partitions it has
 * not been seen in. A key held by it does not move when it gets no input of its own, so the keys
 * held back are remembered, and when the partitions' watermark passes the earliest timer of one
 * of them, they advance (release()).
 */
import { PartitionedWatermark, SourceBusy, SourcesJSON, sourceEntry } from './partitioned-watermark';
import { SnapshotError, snapArray } from './snapshot-check';
import { describeValue } from './errors';
import { finiteOrNull } from './option-checks';

/** Where a key's readings came from: one partition (the usual case, no map) or several. */
interface Origin {
  first: string;
  group: string;
  /** Largest event time from `first` while it is the only source. */
  max: number;
  /** From the second source on: the key's clock per source. */
  many: PartitionedWatermark | undefined;
}

/** The per-key source clocks of a window operator with watermarkScope 'key'; `K` is its key state. */
export class KeySourceClocks<K> {
  private readonly origins = new Map<K, Origin>();
  /** Keys whose own clock is ahead of the partitions' watermark. */
  private readonly held = new Set<K>();
  /** Earliest timer of a held key (a lower bound): below it, a release has nothing to do. */
  private heldWake = Infinity;

  /** `busy`: whether the reader still has records of a source, so it is not idle for any key. */
  constructor(
    private readonly maxOutOfOrder: number,
    private readonly idleAfter: number,
    private readonly busy?: SourceBusy,
  ) {}

  /**
   * Records an event of key `k` from `source` at event time `t`; `activity` is the stream's
   * activity clock (PartitionedWatermark.activityClock). Returns the key's own watermark
   * candidate: the minimum over the sources the key came from.
   */
  observe(k: K, source: string, group: string, t: number, activity: number): number {
    let o = this.origins.get(k);
    if (o === undefined) {
      o = { first: source, group, max: t, many: undefined };
      this.origins.set(k, o);
      return t - this.maxOutOfOrder;
    }
    if (o.many === undefined) {
      if (source === o.first) {
        if (t > o.max) o.max = t;
        return o.max - this.maxOutOfOrder;
      }
      // A second source: from now on one clock per source. Gaps in the activity clock are
      // already capped by the stream's, so none is capped here.
      o.many = new PartitionedWatermark(this.maxOutOfOrder, this.idleAfter, Infinity, this.busy);
      o.many.observe(o.first, o.group, o.max, activity);
    }
    return o.many.observe(source, group, t, activity);
  }

  /** The key's own watermark candidate (-Infinity for a key with no source). */
  own(k: K): number {
    const o = this.origins.get(k);
    if (o === undefined) return -Infinity;
    return o.many === undefined ? o.max - this.maxOutOfOrder : o.many.value;
  }

  /** Notes whether key `k` is held back by the partitions' watermark; `head` is its earliest timer. */
  hold(k: K, held: boolean, head: number): void {
    if (held) {
      this.held.add(k);
      if (head < this.heldWake) this.heldWake = head;
    } else if (this.held.size !== 0) {
      this.held.delete(k);
    }
  }

  /**
   * The partitions' watermark moved to `floor`: each held key moves to the minimum of its own
   * clock and `floor` through `advance`, which returns the key's earliest timer afterwards. Only
   * runs when `floor` reached the earliest timer of a held key; O(held keys) then.
   */
  release(floor: number, advance: (k: K, to: number) => number): void {
    if (!(floor >= this.heldWake)) return;
    let wake = Infinity;
    for (const k of this.held) {
      const own = this.own(k);
      const head = advance(k, Math.min(own, floor));
      if (own <= floor) this.held.delete(k);
      else if (head < wake) wake = head;
    }
    this.heldWake = wake;
  }

  /** Forgets a key (its state is gone). */
  forget(k: K): void {
    this.origins.delete(k);
    this.held.delete(k);
  }

  /** Forgets every key. */
  clear(): void {
    this.origins.clear();
    this.held.clear();
    this.heldWake = Infinity;
  }

  /** Plain JSON: [key name, sources] for every key that has a source. */
  toJSON(name: (k: K) => string): [string, SourcesJSON][] {
    const out: [string, SourcesJSON][] = [];
    for (const [k, o] of this.origins) {
      out.push([name(k), o.many !== undefined ? o.many.toJSON() : [[o.first, o.group, finiteOrNull(o.max)]]]);
    }
    return out;
  }

  /**
   * Loads what toJSON produced (after clear()); `find` gives a restored key's state by name.
   * Every key is held until the next release checks it. Throws SnapshotError for anything else.
   */
  load(json: unknown, find: (name: string) => K | undefined): void {
    for (const [i, entry] of snapArray(json, 'key sources').entries()) {
      const [name, list] = snapArray(entry, `key sources ${i}`, 2);
      const k = typeof name === 'string' ? find(name) : undefined;
      if (k === undefined) throw SnapshotError.because('snapshotKeyNotRestored', { what: `key sources ${i}`, got: describeValue(name) });
      if (this.origins.has(k)) throw SnapshotError.because('snapshotKeyTwice', { what: `key sources ${i}`, key: JSON.stringify(name) });
      const sources = snapArray(list, `key sources ${i}`);
      if (sources.length === 0) throw SnapshotError.because('snapshotNoSource', { what: `key sources ${i}` });
      let o: Origin;
      if (sources.length === 1) {
        const [id, group, max] = sourceEntry(sources[0], `key sources ${i}`);
        if (max === -Infinity) throw SnapshotError.because('snapshotSourceNoTime', { what: `key sources ${i}` });
        o = { first: id, group, max, many: undefined };
      } else {
        const many = new PartitionedWatermark(this.maxOutOfOrder, this.idleAfter, Infinity, this.busy);
        many.load(sources);
        o = { first: sourceEntry(sources[0], `key sources ${i}`)[0], group: '', max: -Infinity, many };
      }
      this.origins.set(k, o);
      this.held.add(k);
    }
    this.heldWake = -Infinity;
  }
}
