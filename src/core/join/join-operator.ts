/**
 * The keyed stream join: two inputs (left and right) with the same kind of key, joined per key
 * in event time by an interval join or a window join (see interval-join.ts, window-join.ts).
 *
 * Time follows the window operator's rules: one watermark for the stream = largest event time
 * seen − maxOutOfOrder (in processing time: the arrival time). An event is late when it can no
 * longer meet anything that is still kept (interval join: time < watermark − allowedLateness;
 * window join: its last window's end + allowedLateness ≤ watermark); late events are counted and
 * dropped. idleTimeout: when no input arrived for that long (processing time), every key is
 * flushed as if the watermark had passed all of it, and the watermark moves to the largest event
 * time seen. Each key waits on one timer heap ordered by the watermark its state next needs, so a
 * watermark step touches only keys with due work.
 *
 * Limits: events of new keys beyond maxKeys are dropped; maxEventsPerWindow bounds the events
 * kept per key and side (interval join) or per window, both sides together (window join). Every
 * drop is counted in stats().dropped.
 */
import { ConfigError, InputError, describeValue } from '../errors';
import { snapCount, snapKeyEntries } from '../snapshot-check';
import { KeyedOperator, KeyedSourceOptions } from '../keyed-operator';
import { finiteMs, nonNegative, oneOf, positiveLimit } from '../option-checks';
import { JOIN_TYPES } from '../setting-values';
import { StreamOperator } from '../stream-operator';
import { Watermark } from '../watermark';
import { EventTimeGuard, EventTimeGuardOptions } from '../event-time-guard';
import { Key, StreamEvent, TimeMode } from '../types';
import { IntervalJoin } from './interval-join';
import { JoinHost, JoinKey, JoinResult, JoinSide, JoinStrategy, JoinType } from './join-types';
import { TimeBuffer } from '../time-buffer';
import { WindowJoin } from './window-join';

/** How two events meet: within an interval of each other, or in the same window. */
export type JoinSpec =
  | { mode: 'interval'; lower: number; upper: number }
  /** slide = size (or unset) for tumbling windows. */
  | { mode: 'window'; size: number; slide?: number; offset?: number };

/** Options of a JoinOperator; durations in ms. */
export interface JoinOperatorOptions<IN> extends EventTimeGuardOptions, KeyedSourceOptions {
  join: JoinSpec;
  /** Default 'inner'. */
  joinType?: JoinType;
  /** Default 'event'. */
  timeMode?: TimeMode;
  maxOutOfOrder?: number;
  allowedLateness?: number;
  /** Processing time without input after which everything kept is flushed; 0 = never. */
  idleTimeout?: number;
  maxKeys?: number;
  maxEventsPerWindow?: number;
  /** Called synchronously with every pair and every unmatched event of an outer join. */
  onJoin: (result: JoinResult<IN>) => void;
}

/** An input event of a join: a stream event and the side it came in on. */
export interface JoinInput<IN> extends StreamEvent<IN> {
  side: JoinSide;
}

/** Keyed interval or window join of two streams; see the rules at the top of this file. */
export class JoinOperator<IN> extends KeyedOperator<JoinKey<IN>> implements StreamOperator, JoinHost<IN> {
  readonly leftOuter: boolean;
  readonly rightOuter: boolean;
  readonly allowedLateness: number;
  readonly maxEventsPerWindow: number;
  protected readonly kind = 'join';

  private readonly spec: JoinSpec;
  private readonly joinType: JoinType;
  protected readonly processingTime: boolean;
  private readonly idleTimeout: number;
  private readonly maxKeys: number;
  private readonly strategy: JoinStrategy<IN>;
  private readonly onJoin: (result: JoinResult<IN>) => void;

  /** Builds a join; throws ConfigError naming the option and what is allowed. */
  constructor(options: JoinOperatorOptions<IN>) {
    super();
    // How code calls the operator, which no flow setting can cause: English only, without a reason code.
    if (!options || typeof options.onJoin !== 'function') throw new ConfigError('onJoin', 'expected a function receiving join results');
    this.onJoin = options.onJoin;
    this.spec = checkJoinSpec(options.join);
    this.joinType = oneOf(options.joinType, 'joinType', JOIN_TYPES, 'inner');
    this.leftOuter = this.joinType === 'left' || this.joinType === 'full';
    this.rightOuter = this.joinType === 'right' || this.joinType === 'full';
    this.processingTime = oneOf(options.timeMode, 'timeMode', ['event', 'processing'], 'event') === 'processing';
    this.wm = new Watermark(this.processingTime ? 0 : nonNegative(options.maxOutOfOrder, 'maxOutOfOrder', 0));
    this.guard = new EventTimeGuard(options);
    this.allowedLateness = nonNegative(options.allowedLateness, 'allowedLateness', 0);
    this.idleTimeout = nonNegative(options.idleTimeout, 'idleTimeout', 0);
    this.useSources(options, this.idleTimeout);
    this.maxKeys = positiveLimit(options.maxKeys, 'maxKeys');
    this.maxEventsPerWindow = positiveLimit(options.maxEventsPerWindow, 'maxEventsPerWindow');
    const spec = this.spec;
    this.strategy =
      spec.mode === 'interval'
        ? new IntervalJoin<IN>(this, spec.lower, spec.upper)
        : new WindowJoin<IN>(this, spec.size, spec.slide ?? spec.size, spec.offset ?? 0);
  }

  /**
   * Adds one event of `event.side`; `now` is the processing time in ms. `source` names where the
   * event was read (a partition of `sourceGroup`, its topic): see keyed-operator.ts.
   */
  process(event: JoinInput<IN>, now: number, source?: string, sourceGroup = ''): void {
    const side = event.side;
    if (side !== 'left' && side !== 'right') throw InputError.of('side', 'sideChoice', { got: describeValue(side) });
    const t = this.processingTime ? now : this.guard.check(event.time, now);
    this.wm.lastInputAt = now;
    this.idle = false;
    if (this.processingTime ? this.wm.advanceTo(now) : this.observeTime(t, now, source, sourceGroup)) this.fireDue();
    if (this.strategy.isLate(t, this.wm.value)) {
      this.late++;
      return;
    }
    let ks = this.keys.get(event.key);
    if (ks === undefined) {
      if (this.keys.size >= this.maxKeys) this.forgetEmptyKeys();
      if (this.keys.size >= this.maxKeys) return this.drop();
      ks = this.newKey(event.key);
    }
    this.strategy.add(ks, side, { time: t, value: event.value, matched: false }, this.wm.value);
    this.reschedule(ks);
  }

  advance(now: number): void {
    if (this.processingTime) {
      if (this.wm.advanceTo(now)) this.fireDue();
    } else if (this.idleTimeout > 0 && !this.idle && now - this.wm.lastInputAt >= this.idleTimeout && this.timers.size > 0) {
      this.idle = true;
      this.wm.advanceTo(this.wm.maxEventTime);
      this.flushKeys([...this.keys.values()]);
    }
    this.forgetEmptyKeys();
  }

  nextWakeup(): number | undefined {
    if (this.timers.size === 0) return undefined;
    // In processing time the watermark is the clock: wake when the earliest key is due.
    if (this.processingTime) return this.timers.head + 1;
    if (this.idleTimeout > 0 && !this.idle) return this.wm.lastInputAt + this.idleTimeout;
    return undefined;
  }

  flush(now: number, key?: Key): void {
    void now;
    const targets = key === undefined ? [...this.keys.values()] : [this.keys.get(key)].filter((k): k is JoinKey<IN> => k !== undefined);
    this.flushKeys(targets);
    this.forgetEmptyKeys();
  }

  reset(key?: Key): void {
    if (key === undefined) {
      this.keys.clear();
      this.timers.clear();
      this.wm = new Watermark(this.wm.maxOutOfOrder);
      this.sources.clear();
      return;
    }
    const ks = this.keys.get(key);
    if (ks === undefined) return;
    if (ks.heapIndex >= 0) this.timers.remove(ks);
    this.keys.delete(key);
  }

  protected openCount(): number {
    let open = 0;
    for (const ks of this.keys.values()) open += this.strategy.open(ks);
    return open;
  }

  /** The join's whole state in the saved form (snapshot-schema.ts). */
  snapshot(): unknown {
    const keys: unknown[] = [];
    for (const ks of this.keys.values()) keys.push(this.keyEntry(ks));
    return { kind: 'join', config: this.fingerprint(), watermark: this.wm.toJSON(), late: this.late, dropped: this.dropped, keys, ...this.partitionsEntry() };
  }

  protected load(snap: Record<string, unknown>): void {
    this.reset();
    this.wm.load(snap.watermark);
    this.late = snapCount(snap.late, 'late');
    this.dropped = snapCount(snap.dropped, 'dropped');
    this.loadKeys(snap);
    this.loadPartitions(snap);
  }

  /** Forgets the state of some keys without emitting. */
  dropKeys(keys: Iterable<Key>): void {
    for (const key of keys) this.reset(key);
  }

  protected keyEntry(ks: JoinKey<IN>): Record<string, unknown> {
    return { key: ks.key, ...this.strategy.snapshotKey(ks) };
  }

  /** Adds the key entries of a saved form; the keys are not held yet. */
  protected loadKeys(snap: Record<string, unknown>): void {
    for (const saved of snapKeyEntries(snap.keys)) {
      const ks = this.newKey(saved.key);
      this.strategy.restoreKey(ks, saved);
      this.reschedule(ks);
    }
  }

  // ---- JoinHost ------------------------------------------------------------------------------

  emit(result: JoinResult<IN>): void {
    this.onJoin(result);
  }

  drop(): void {
    this.dropped++;
  }

  // ---- internals -----------------------------------------------------------------------------

  private newKey(key: Key): JoinKey<IN> {
    const ks: JoinKey<IN> = {
      key,
      left: new TimeBuffer(),
      right: new TimeBuffer(),
      windows: new Map(),
      timerAt: Infinity,
      heapIndex: -1,
      start: 0,
      seq: this.keySeq++,
    };
    this.keys.set(key, ks);
    return ks;
  }

  /**
   * Queues the key at the watermark its state next needs. A key already queued earlier stays
   * there: when it comes due, expire() finds what is due then and the key is queued again, so a
   * busy key costs one heap update per due time, not one per event.
   */
  private reschedule(ks: JoinKey<IN>): void {
    const at = this.strategy.dueAt(ks);
    if (at === Infinity) {
      if (ks.heapIndex >= 0 && this.strategy.open(ks) === 0) this.timers.remove(ks);
    } else if (ks.heapIndex < 0 || at < ks.timerAt) {
      this.timers.schedule(ks, at);
    }
  }

  /** Runs expire() on every key whose state is due at the current watermark. */
  private fireDue(): void {
    const wm = this.wm.value;
    if (this.timers.head > wm) return;
    // Popped first, rescheduled after: an interval join key due exactly at the watermark stays due.
    const due: JoinKey<IN>[] = [];
    while (this.timers.head <= wm) due.push(this.timers.pop()!);
    for (const ks of due) {
      this.strategy.expire(ks, wm);
      this.reschedule(ks);
    }
  }

  private flushKeys(keys: JoinKey<IN>[]): void {
    keys.sort((a, b) => a.seq - b.seq);
    for (const ks of keys) {
      this.strategy.flush(ks);
      this.reschedule(ks);
    }
  }

  private forgetEmptyKeys(): void {
    if (this.keys.size <= this.timers.size) return;
    for (const [key, ks] of this.keys) if (ks.heapIndex < 0) this.keys.delete(key);
  }

  protected fingerprint(): unknown {
    return { join: this.spec, joinType: this.joinType, timeMode: this.processingTime ? 'processing' : 'event' };
  }
}

function checkJoinSpec(spec: JoinSpec): JoinSpec {
  // How code calls the operator (the node builds the spec), which no flow setting can cause: English only, without a reason code.
  if (!spec || typeof spec !== 'object') throw new ConfigError('join', 'expected { mode: "interval", lower, upper } or { mode: "window", size, slide }');
  if (spec.mode === 'interval') {
    const lower = finiteMs(spec.lower, 'lower');
    const upper = finiteMs(spec.upper, 'upper');
    if (lower > upper) throw ConfigError.of('upper', 'notBeforeLowerMs', { lower, got: upper });
    return { mode: 'interval', lower, upper };
  }
  if (spec.mode === 'window') {
    const size = finiteMs(spec.size, 'size');
    if (!(size > 0) || !Number.isInteger(size)) throw ConfigError.of('size', 'joinSizeMs', { got: size });
    const slide = spec.slide === undefined ? size : finiteMs(spec.slide, 'slide');
    if (!(slide > 0) || !Number.isInteger(slide) || slide > size) throw ConfigError.of('slide', 'joinSlideMs', { size, got: slide });
    const offset = spec.offset === undefined ? 0 : finiteMs(spec.offset, 'offset');
    return { mode: 'window', size, slide, offset };
  }
  throw ConfigError.of('joinMode', 'eitherOf', { a: '"interval"', b: '"window"', got: describeValue((spec as { mode?: unknown }).mode) });
}
