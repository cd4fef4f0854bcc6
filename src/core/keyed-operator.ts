/**
 * What the join and the sequence operators share: a key table whose key states wait on one timer
 * heap, one stream watermark, the event-time guard and the late/dropped counters; from them the
 * status counters, and the whole and per-key saved forms built from each operator's key entries.
 *
 * When events name their source (a Kafka partition, process()'s third argument), the stream
 * watermark is the minimum of the sources' clocks, as for the window operator (stream-sources.ts):
 * a partition read behind the others does not find its records late.
 */
import { EventTimeGuard } from './event-time-guard';
import { Keyed, KeyTable } from './key-table';
import { KeyedPartitionState } from './keyed-partition-state';
import { restoreSomeKeys, restoreWhole, snapObject } from './snapshot-check';
import { SourceBusy } from './partitioned-watermark';
import { SOURCE_IDLE_DEFAULT, StreamSources } from './stream-sources';
import { Timed, TimerHeap } from './timer-heap';
import { Key, OperatorStats } from './types';
import { Watermark } from './watermark';
import { nonNegative } from './option-checks';

/** How a keyed operator treats the sources (partitions) its events name; durations in ms. */
export interface KeyedSourceOptions {
  /** Processing time without input after which a source no longer holds the watermark back. Default: idleTimeout when set, else 10 s. */
  sourceIdleTimeout?: number;
  /** Whether the reader still has records of a source (a Kafka partition's backlog): such a source is never idle. */
  sourceBusy?: SourceBusy;
}

/** The shared part of a keyed event-time operator whose key states are queued on a timer heap. */
export abstract class KeyedOperator<KS extends Keyed & Timed> implements KeyedPartitionState {
  late = 0;
  dropped = 0;

  protected keys = new KeyTable<KS>();
  protected timers = new TimerHeap<KS>();
  protected keySeq = 0;
  protected idle = false;
  /** Set by the operator's constructor, which checks its options in its own order. */
  protected guard!: EventTimeGuard;
  protected wm!: Watermark;
  /** The sources behind the stream watermark (see useSources). */
  protected sources!: StreamSources;
  /** Processing time: the watermark is the clock, sources play no part. */
  protected abstract readonly processingTime: boolean;

  /** The saved form's kind ('join', 'sequence'); the state of some keys is `<kind>-keys`. */
  protected abstract readonly kind: string;
  /** The settings a saved form must have been taken with. */
  protected abstract fingerprint(): unknown;
  /** One key's saved entry: its name and its state. */
  protected abstract keyEntry(ks: KS): Record<string, unknown>;
  /** Replaces everything with a whole saved form whose kind and settings were checked. */
  protected abstract load(snap: Record<string, unknown>): void;
  /** Adds the keys of a snapshotKeys() form whose kind and settings were checked (the keys are not held). */
  protected abstract loadKeys(snap: Record<string, unknown>): void;
  /** What the status counts as open: buffered events, windows or partial matches. */
  protected abstract openCount(): number;
  /** The whole state in the saved form (snapshot-schema.ts). */
  abstract snapshot(): unknown;
  /** Drops the state (of `key`) without emitting. */
  abstract reset(key?: Key): void;
  /** Forgets the state of some keys without emitting. */
  abstract dropKeys(keys: Iterable<Key>): void;

  /** Called by the operator's constructor once `wm` is set: the sources its events may name. */
  protected useSources(options: KeyedSourceOptions, idleTimeout: number): void {
    const idleAfter = nonNegative(options.sourceIdleTimeout, 'sourceIdleTimeout', 0) || idleTimeout || SOURCE_IDLE_DEFAULT;
    this.sources = new StreamSources(this.wm.maxOutOfOrder, idleAfter, options.sourceBusy);
  }

  /**
   * Moves the stream watermark by an event at event time `t`: bounded out-of-orderness, or with
   * `source` (or once any event named one) the minimum of the sources' clocks, an event naming
   * none counting as the source UNNAMED_SOURCE. Returns true when it moved forward.
   */
  protected observeTime(t: number, now: number, source: string | undefined, group: string): boolean {
    const counted = this.sources.sourceOf(source);
    if (counted === undefined) return this.wm.observe(t);
    // Idle flushes move the watermark to the largest event time seen.
    if (t > this.wm.maxEventTime) this.wm.maxEventTime = t;
    return this.sources.observe(this.wm, counted, group, t, now);
  }

  /**
   * Declares every source of `group` that feeds the operator (the partitions of a topic its reader
   * owns): until each has delivered, or turned idle, the stream watermark waits for it.
   */
  expectSources(group: string, sources: readonly string[], now: number): void {
    if (!this.processingTime) this.sources.expect(group, sources, now);
  }

  /** Takes the stream watermark back to `to` when it is ahead (a partition taken over may be behind the others). */
  holdBack(to: number): void {
    if (!this.processingTime) this.wm.holdBack(to);
  }

  /** The sources' part of a whole saved form: only for a stream read from partitions. */
  protected partitionsEntry(): Record<string, unknown> {
    const sources = this.sources.toJSON();
    return sources === undefined ? {} : { partitions: { sources } };
  }

  /** Loads the sources' part of a whole saved form (absent in state saved without partitions); throws SnapshotError. */
  protected loadPartitions(snap: Record<string, unknown>): void {
    this.sources.clear();
    if (snap.partitions !== undefined && snap.partitions !== null) this.sources.load(snapObject(snap.partitions, 'partitions').sources);
  }

  /** Counters for the node status. */
  stats(): OperatorStats {
    return {
      keys: this.keys.size,
      openWindows: this.openCount(),
      watermark: this.wm.value,
      maxEventTime: this.wm.maxEventTime,
      late: this.late,
      dropped: this.dropped,
      ahead: this.guard.ahead,
    };
  }

  /** Replaces the state with a saved one, all or nothing: anything unusable throws ConfigError (SnapshotError) and changes nothing. */
  restore(snapshot: unknown): void {
    restoreWhole(snapshot, {
      kind: this.kind,
      label: this.kind,
      config: this.fingerprint(),
      current: () => this.snapshot() as Record<string, unknown>,
      load: (snap) => this.load(snap),
      reset: () => this.reset(),
    });
  }

  /** The state of some keys only, with key entries as snapshot() writes them; the watermark stays. */
  snapshotKeys(keys: Iterable<Key>): unknown {
    const out: unknown[] = [];
    for (const key of keys) {
      const ks = this.keys.get(key);
      if (ks !== undefined) out.push(this.keyEntry(ks));
    }
    return { kind: `${this.kind}-keys`, config: this.fingerprint(), keys: out };
  }

  /** Adds the keys of a snapshotKeys() result, replacing their local state, all or nothing; returns the keys restored. */
  restoreKeys(saved: unknown): Key[] {
    return restoreSomeKeys(saved, {
      kind: `${this.kind}-keys`,
      label: this.kind,
      config: this.fingerprint(),
      current: (keys) => this.snapshotKeys(keys),
      drop: (keys) => this.dropKeys(keys),
      load: (snap) => this.loadKeys(snap),
    });
  }

  /** Whether the operator holds state of the key (keys without state are forgotten). */
  hasKey(key: Key): boolean {
    return this.keys.get(key) !== undefined;
  }
}
