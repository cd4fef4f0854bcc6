/**
 * The window operator: keyed event-time (or processing-time) windows over any incremental
 * AggregateFunction, with watermarks, allowed lateness, emit strategies, limits and snapshots.
 * Nodes feed it events and processing time; it calls onEmit synchronously and never reads a clock.
 *
 * Shape (Flink's): the operator keeps keys, watermarks and the scopes their timers sit in; the
 * engine of the window type (engines/) calls its assigner (assigners/) and stores the windows (find
 * or create, merge, evict); the WindowLifecycle (window-lifecycle.ts) applies the trigger of the
 * emit strategy (triggers/), fires and purges, and holds the rules below on lateness, limits and
 * counting once for every window type.
 *
 * Time and firing
 * - Watermark = max event time seen - maxOutOfOrder, per stream (default) or per key. In
 *   processing-time mode an event's time is `now` and the watermark is `now`.
 * - A window [start,end) fires 'final' once the watermark reaches end; a (start,end] window once
 *   the watermark passes end (`bounds` applies to tumbling and hopping windows). Sessions are
 *   [first event, last event + gap) and fire when the watermark reaches their end. Per-event
 *   sliding windows are (T - size, T], Azure Stream Analytics style, one per instant, and fire once
 *   the watermark has passed T (see engines/sliding-event-engine.ts). Count windows fire when full, or on flush,
 *   and report the time range of their events as start and end.
 * - idleTimeout: when no input arrived for idleTimeout ms of processing time (the whole stream,
 *   or the key with watermarkScope 'key'), the watermark jumps to the end of the latest open
 *   window, so every open window closes now. It does not jump to +Infinity: events that arrive
 *   later for new windows are on time, events for the closed windows are late. (Event time only:
 *   processing-time windows close as processing time passes.) Count windows are flushed.
 *
 * Late events (the exact rule)
 * - An event is late when the window it belongs to has already fired (for hopping windows: when
 *   the latest window holding it has fired; for sessions: when it would join a session that has
 *   fired; for per-event sliding windows: when it is behind the watermark, whatever the policy,
 *   as the windows it would change have been emitted). Every late event is counted in
 *   stats().late. Count windows have no late events.
 * - lateData 'drop': late events are counted and dropped. 'output': they are emitted as
 *   { kind: 'late', event, window, watermark } (window = the window they belonged to).
 * - lateData 'update': windows stay in memory until the watermark passes end + allowedLateness.
 *   A late event whose window is still kept is added and the window fires again with firing
 *   'late' (the corrected result); a late event beyond allowedLateness has no window left to
 *   take it and is emitted as a 'late' emission, as with 'output'.
 * - lateData 'adjust' (Azure Stream Analytics' "adjust" event-ordering policy): a late event is
 *   re-timed to the watermark of its scope and added as if it had that time (aggregates and
 *   records see the watermark as its time); an event at the watermark is on time for every
 *   window type, so it lands in the earliest window still open. It is counted in stats().late
 *   and never emitted as late. allowedLateness does not apply.
 *
 * Emit strategies
 * - 'final': one result per window when it closes.
 * - 'update': a running result ('update') after every event that changed a window, and the
 *   'final' result when it closes.
 * - 'early': every earlyEvery ms of processing time (driven by advance), an 'early' result of
 *   each open window that changed since the last one, and the 'final' result when it closes.
 * Per-event sliding windows emit every window once, complete ('final'), whatever the strategy.
 *
 * Limits: events of new keys beyond maxKeys and events that would take a window beyond
 * maxEventsPerWindow (every window holding them, for hopping windows) are dropped and counted in
 * stats().dropped. Keys without open state are
 * forgotten (in advance(), or when maxKeys is reached; with watermarkScope 'key' only then, and
 * such a key's clock starts afresh when it comes back).
 */
import { ConfigError } from './errors';
import {
  AggregateFunction,
  Emission,
  EmitStrategy,
  Key,
  LateDataPolicy,
  OperatorStats,
  StreamEvent,
  TimeMode,
  WindowBounds,
  WindowSpec,
  WindowInfo,
} from './types';
import { Watermark } from './watermark';
import { MAX_EVENT_TIME } from './time-range';
import { EventTimeGuard, EventTimeGuardOptions } from './event-time-guard';
import { SnapshotError, restoreSomeKeys, restoreWhole, snapArray, snapCount, snapKeyEntries, snapObject, snapTimeOr } from './snapshot-check';
import { SourceBusy } from './partitioned-watermark';
import { SOURCE_IDLE_DEFAULT, StreamSources } from './stream-sources';
import { KeySourceClocks } from './key-source-clocks';
import { Engine, KeyBase, Scope } from './engines/engine';
import type { TimerStore } from './timer-store';
import { WindowLifecycle } from './window-lifecycle';
import type { Trigger } from './triggers/trigger';
import { finalTrigger } from './triggers/final-trigger';
import { updateTrigger } from './triggers/update-trigger';
import { earlyTrigger } from './triggers/early-trigger';
import { TumblingEngine } from './engines/tumbling-engine';
import { HoppingEngine } from './engines/hopping-engine';
import { SessionEngine } from './engines/session-engine';
import { SlidingEventEngine } from './engines/sliding-event-engine';
import { CountEngine } from './engines/count-engine';
import { checkWindowSpec } from './window-spec';
import type { StreamOperator } from './stream-operator';
import type { KeyedPartitionState } from './keyed-partition-state';
import { finiteOrNull, nonNegative, oneOf, positiveLimit } from './option-checks';

/** How a WindowOperator windows, times, limits and emits; durations in ms. */
export interface WindowOperatorOptions<IN, ACC, OUT> extends EventTimeGuardOptions {
  /** Durations already in ms. */
  window: WindowSpec;
  aggregate: AggregateFunction<IN, ACC, OUT>;
  /** Default '[start,end)'. Sessions, per-event sliding and count windows have their own bounds (see above). */
  bounds?: WindowBounds;
  /** Default 'event'; 'processing': an event's time is `now` at arrival. */
  timeMode?: TimeMode;
  /** Watermark = max event time - maxOutOfOrder; default 0. */
  maxOutOfOrder?: number;
  /** How long fired windows stay correctable with lateData 'update'; default 0. */
  allowedLateness?: number;
  /** Default 'drop'; late events are always counted in stats().late. */
  lateData?: LateDataPolicy;
  /** Default 'final'. */
  emit?: EmitStrategy;
  /** Processing time between 'early' results (emit 'early'). */
  earlyEvery?: number;
  /** Processing time without input after which open windows close; 0/undefined = never. */
  idleTimeout?: number;
  /** Default 'stream'; 'key' = one watermark per key (devices with their own clocks). */
  watermarkScope?: 'stream' | 'key';
  /**
   * With events that name their source (process()'s third argument, e.g. a Kafka partition):
   * processing time without input after which a source no longer holds the stream watermark
   * (or, with watermarkScope 'key', a key's watermark) back. Default: idleTimeout when set, else 10 s.
   */
  sourceIdleTimeout?: number;
  /** Whether the reader still has records of a source (a Kafka partition's backlog): such a source is never idle. */
  sourceBusy?: SourceBusy;
  /** Default Infinity; events of new keys beyond it are dropped and counted. */
  maxKeys?: number;
  /** Default Infinity; events beyond it in one window are dropped and counted. */
  maxEventsPerWindow?: number;
  /** Called synchronously from process, advance and flush. */
  onEmit: (e: Emission<IN, OUT>) => void;
  /**
   * When given, window results go here instead of onEmit, without an Emission around them
   * (one object less per result on a per-event stream); late events still go to onEmit.
   */
  onWindow?: (window: WindowInfo, result: OUT) => void;
}

/** Upper bound on idle-advance rounds; sessions extended since their timer was set need a second one. */
const IDLE_ROUNDS = 8;

/** The trigger of each emit strategy. */
const TRIGGERS: Readonly<Record<EmitStrategy, Trigger>> = { final: finalTrigger, update: updateTrigger, early: earlyTrigger };

/** Keyed windows over an AggregateFunction; see the rules at the top of this file. */
export class WindowOperator<IN, ACC, OUT> implements StreamOperator, KeyedPartitionState {
  /** Trigger, lateness, limits and counters, shared with the engine. */
  private readonly life: WindowLifecycle<IN, ACC, OUT>;
  /** emit 'early': results every earlyEvery ms of processing time. */
  private readonly earlyRounds: boolean;
  private readonly spec: WindowSpec;
  private readonly bounds: WindowBounds;
  private readonly processingTime: boolean;
  private readonly maxOutOfOrder: number;
  private readonly earlyEvery: number;
  private readonly idleTimeout: number;
  private readonly keyScope: boolean;
  private readonly sourceIdleTimeout: number;
  private readonly sourceBusy: SourceBusy | undefined;
  /** Per-source watermarks, made when the first event names its source (event time). */
  private readonly sources: StreamSources;
  /** With watermarkScope 'key' and sources: each key's clock per source (see key-source-clocks.ts). */
  private keySources: KeySourceClocks<KeyBase> | undefined;
  private readonly maxKeys: number;
  private readonly guard: EventTimeGuard;
  private readonly engine: Engine<IN, KeyBase, TimerStore>;

  private readonly keys = new Map<string, KeyBase>();
  /** The stream's watermark and timers (every key's, unless watermarkScope is 'key'). */
  private scope: Scope;
  private maxEventTime = -Infinity;
  private nextEarlyAt = Infinity;
  private streamIdle = false;
  private keySeq = 0;
  /** With watermarkScope 'key': no key needs advance() before this processing time. */
  private keyWake = Infinity;
  /** The partitions' watermark moved during this input: keys it held back may move too. */
  private floorMoved = false;
  /** Whether the key of the event being added is held back by the partitions' watermark (key scope with sources). */
  private heldNow: boolean | undefined;

  /** Builds an operator; throws ConfigError naming the option and what is allowed. */
  constructor(options: WindowOperatorOptions<IN, ACC, OUT>) {
    // How code calls the operator, which no flow setting can cause: English only, without a reason code.
    if (!options || typeof options !== 'object') throw new ConfigError('options', 'expected an options object');
    if (typeof options.onEmit !== 'function') throw new ConfigError('onEmit', 'expected a function receiving emissions');
    const agg = options.aggregate;
    if (
      !agg ||
      typeof agg.createAccumulator !== 'function' ||
      typeof agg.add !== 'function' ||
      typeof agg.merge !== 'function' ||
      typeof agg.result !== 'function'
    ) {
      throw new ConfigError('aggregate', 'expected an AggregateFunction (createAccumulator, add, merge, result)');
    }
    if (options.onWindow !== undefined && typeof options.onWindow !== 'function')
      throw new ConfigError('onWindow', 'expected a function receiving window results');
    this.spec = checkWindowSpec(options.window);
    this.bounds = oneOf(options.bounds, 'bounds', ['[start,end)', '(start,end]'], '[start,end)');
    const endInclusive = this.bounds === '(start,end]';
    if (endInclusive && this.spec.type === 'tumbling' && this.spec.calendar) {
      throw ConfigError.of('bounds', 'calendarBounds');
    }
    this.processingTime = oneOf(options.timeMode, 'timeMode', ['event', 'processing'], 'event') === 'processing';
    this.maxOutOfOrder = nonNegative(options.maxOutOfOrder, 'maxOutOfOrder', 0);
    const allowedLateness = nonNegative(options.allowedLateness, 'allowedLateness', 0);
    const lateData = oneOf<LateDataPolicy>(options.lateData, 'lateData', ['drop', 'output', 'update', 'adjust'], 'drop');
    const emit = oneOf<EmitStrategy>(options.emit, 'emit', ['final', 'update', 'early'], 'final');
    this.earlyRounds = emit === 'early';
    this.earlyEvery = nonNegative(options.earlyEvery, 'earlyEvery', 0);
    if (emit === 'early' && !(this.earlyEvery > 0)) throw ConfigError.of('earlyEvery', 'earlyEveryPositive');
    this.idleTimeout = nonNegative(options.idleTimeout, 'idleTimeout', 0);
    this.keyScope = oneOf(options.watermarkScope, 'watermarkScope', ['stream', 'key'], 'stream') === 'key';
    this.sourceIdleTimeout = nonNegative(options.sourceIdleTimeout, 'sourceIdleTimeout', 0) || this.idleTimeout || SOURCE_IDLE_DEFAULT;
    this.sourceBusy = options.sourceBusy;
    this.sources = new StreamSources(this.maxOutOfOrder, this.sourceIdleTimeout, this.sourceBusy);
    this.maxKeys = positiveLimit(options.maxKeys, 'maxKeys');
    this.life = new WindowLifecycle<IN, ACC, OUT>({
      agg,
      type: this.spec.type,
      endInclusive,
      allowedLateness,
      lateData,
      maxEventsPerWindow: positiveLimit(options.maxEventsPerWindow, 'maxEventsPerWindow'),
      trigger: TRIGGERS[emit],
      onEmit: options.onEmit,
      onWindow: options.onWindow,
    });
    // Count windows have no watermark for a future time to poison.
    this.guard = new EventTimeGuard(options.window?.type === 'global' ? { ...options, maxFutureSkew: Infinity } : options);
    this.engine = this.createEngine();
    this.scope = this.newScope();
  }

  /** The engine of the window type; it only ever receives the keys and scopes it made itself. */
  private createEngine(): Engine<IN, KeyBase, TimerStore> {
    const spec = this.spec;
    const life = this.life;
    switch (spec.type) {
      case 'tumbling':
        return new TumblingEngine(life, spec.size, spec.offset ?? 0, spec.calendar);
      case 'sliding':
        if (spec.slide === 'event') return new SlidingEventEngine(life, spec.size);
        return new HoppingEngine(life, spec.size, spec.slide, spec.offset ?? 0);
      case 'session':
        return new SessionEngine(life, spec.gap, spec.maxDuration);
      case 'global':
        return new CountEngine(life, spec.count, spec.overlap ?? 0);
    }
  }

  /** Events dropped by a limit (maxKeys, maxEventsPerWindow) so far; the node warns when it grows. */
  get dropped(): number {
    return this.life.dropped;
  }

  /**
   * Adds one event; `now` is the processing time in ms. `source` names where the event was read
   * (a partition of `sourceGroup`, its topic): the stream watermark then is the minimum over the
   * sources (see partitioned-watermark.ts), and events that name none count as one more source
   * (UNNAMED_SOURCE). Processing time ignores it.
   */
  process(event: StreamEvent<IN>, now: number, source?: string, sourceGroup = ''): void {
    let t: number;
    if (this.processingTime) {
      t = now;
    } else {
      t = event.time;
      // The guard's own test, inline for the common case: in range and not ahead of the clock.
      if (!(t >= -MAX_EVENT_TIME && t <= MAX_EVENT_TIME && t <= now + this.guard.maxFutureSkew)) t = this.guard.check(t, now);
    }
    let ks = this.keys.get(event.key);
    if (ks === undefined) {
      if (this.keys.size >= this.maxKeys) this.forgetEmptyKeys(true);
      if (this.keys.size >= this.maxKeys) {
        this.life.drop();
        return;
      }
      ks = this.newKey(event.key);
    }
    const scope = ks.scope;
    const wm = scope.wm;
    wm.lastInputAt = now;
    this.streamIdle = false;
    if (t > this.maxEventTime) this.maxEventTime = t;
    let moved: boolean;
    const counted = this.processingTime ? undefined : this.sources.sourceOf(source);
    if (this.processingTime) moved = wm.advanceTo(now);
    else if (counted === undefined) moved = wm.observe(t);
    else if (!this.keyScope) moved = this.observeStreamSource(counted, sourceGroup, t, now);
    else moved = this.observeKeySource(ks, counted, sourceGroup, t, now);
    if (moved && wm.value >= scope.timers.head) this.engine.fireDue(scope, wm.value, false);
    this.engine.add(ks, event, t);
    const at = this.life.retimeTo;
    if (at !== undefined) {
      this.life.retimeTo = undefined;
      this.engine.add(ks, event, at);
    }
    if (this.heldNow !== undefined) {
      // After add: the key's earliest timer may be the window this event just opened.
      this.keySources!.hold(ks, this.heldNow, scope.timers.head);
      this.heldNow = undefined;
    }
    if (this.floorMoved) this.releaseHeldKeys();
    if (this.earlyRounds && this.nextEarlyAt === Infinity) this.nextEarlyAt = now + this.earlyEvery;
    if (this.keyScope && (this.processingTime || this.idleTimeout > 0)) {
      const at = this.scopeWake(scope, this.hasPending(ks));
      if (at < this.keyWake) this.keyWake = at;
    }
  }

  /**
   * Declares every source of `group` that feeds this operator (e.g. the partitions of a topic
   * its reader owns): until each has delivered, or turned idle, the stream watermark waits.
   */
  expectSources(group: string, sources: readonly string[], now: number): void {
    if (this.processingTime) return;
    if (this.sources.expect(group, sources, now) && this.keyScope) this.releaseHeldKeys();
  }

  /**
   * Stream scope read from partitions: the stream watermark follows the partitions' minimum, and
   * a partition's first event takes it back to that partition's clock (see stream-sources.ts):
   * with no saved state for the partition nothing else would.
   */
  private observeStreamSource(source: string, group: string, t: number, now: number): boolean {
    return this.sources.observe(this.scope.wm, source, group, t, now);
  }

  /** With watermarkScope 'key': moved a key's watermark to the minimum of its sources' clocks and the partitions' watermark. */
  private observeKeySource(ks: KeyBase, source: string, group: string, t: number, now: number): boolean {
    const pw = this.sources.clocks();
    const before = pw.value;
    const floor = pw.observe(source, group, t, now);
    if (floor > before) this.floorMoved = true;
    const clocks = (this.keySources ??= new KeySourceClocks(this.maxOutOfOrder, this.sourceIdleTimeout, this.sourceBusy));
    const own = clocks.observe(ks, source, group, t, pw.activityClock);
    this.heldNow = own > floor;
    return ks.scope.wm.advanceTo(own < floor ? own : floor);
  }

  /** The partitions' watermark moved: keys it held back advance to the minimum of it and their own clocks. */
  private releaseHeldKeys(): void {
    this.floorMoved = false;
    const clocks = this.keySources;
    if (clocks === undefined || !this.sources.known) return;
    clocks.release(this.sources.clocks().value, (ks, to) => {
      const scope = ks.scope;
      if (scope.wm.advanceTo(to) && scope.wm.value >= scope.timers.head) this.engine.fireDue(scope, scope.wm.value, false);
      return scope.timers.head;
    });
  }

  /** Processing time moved on: idle advance, early results and processing-time windows. */
  advance(now: number): void {
    if (this.processingTime) {
      for (const scope of this.scopes()) if (scope.wm.advanceTo(now)) this.engine.fireDue(scope, now, false);
    }
    if (this.earlyRounds && now >= this.nextEarlyAt) {
      for (const ks of [...this.keys.values()]) this.engine.early(ks);
      this.nextEarlyAt = this.life.openWindows > 0 ? now + this.earlyEvery : Infinity;
    }
    if (this.idleTimeout > 0 && !this.processingTime) this.idleAdvance(now);
    this.forgetEmptyKeys(false);
    if (this.keyScope) this.recomputeKeyWake();
  }

  /**
   * The processing time at which advance() next has work; undefined when nothing waits. O(1):
   * nodes ask after every message. With per-key watermarks it may be early (a key had input
   * since), never late; advance() then finds nothing to do and recomputes it.
   */
  nextWakeup(): number | undefined {
    let next = Infinity;
    if (this.earlyRounds && this.life.openWindows > 0) next = this.nextEarlyAt;
    if (this.keyScope) {
      if (this.keyWake < next) next = this.keyWake;
    } else {
      const at = this.scopeWake(this.scope, !this.streamIdle && this.hasPendingStream());
      if (at < next) next = at;
    }
    return next === Infinity ? undefined : next;
  }

  /** When a scope next needs advance(): its next processing-time timer, or its idle deadline if it holds state. */
  private scopeWake(scope: Scope, pending: boolean): number {
    if (this.processingTime) return this.engine.nextTimer(scope) ?? Infinity;
    if (this.idleTimeout > 0 && pending) return scope.wm.lastInputAt + this.idleTimeout;
    return Infinity;
  }

  /** Exact earliest wakeup over the keys (watermarkScope 'key'). */
  private recomputeKeyWake(): void {
    let next = Infinity;
    if (this.processingTime || this.idleTimeout > 0) {
      for (const ks of this.keys.values()) {
        const at = this.scopeWake(ks.scope, this.hasPending(ks));
        if (at < next) next = at;
      }
    }
    this.keyWake = next;
  }

  /** Fires every open window (of `key`) now with firing 'final' and drops its state. */
  flush(now: number, key?: Key): void {
    void now;
    const targets = key === undefined ? [...this.keys.values()] : [this.keys.get(key)].filter((k): k is KeyBase => k !== undefined);
    for (const ks of targets) this.engine.flush(ks);
    // Every key's state is gone, so every timer is stale: fresh stores let the memory go now
    // rather than when event time reaches the old windows' ends.
    if (key === undefined) for (const scope of this.scopes()) scope.timers = this.engine.newTimers();
    this.forgetEmptyKeys(false);
    if (this.keyScope) this.recomputeKeyWake();
  }

  /** Drops the state (of `key`) without emitting; a full reset also restarts the watermark. */
  reset(key?: Key): void {
    if (key === undefined) {
      for (const ks of this.keys.values()) this.engine.reset(ks);
      this.keys.clear();
      this.scope = this.newScope();
      this.maxEventTime = -Infinity;
      this.life.openWindows = 0;
      this.nextEarlyAt = Infinity;
      this.keyWake = Infinity;
      this.sources.clear();
      this.keySources = undefined;
    } else {
      const ks = this.keys.get(key);
      if (ks === undefined) return;
      this.engine.reset(ks);
      this.keys.delete(key);
      this.keySources?.forget(ks);
    }
  }

  /** Counters for the node status. */
  stats(): OperatorStats {
    let watermark = this.scope.wm.value;
    if (this.keyScope) {
      // The laggard key is what holds results back.
      watermark = Infinity;
      for (const ks of this.keys.values()) if (ks.scope.wm.value < watermark) watermark = ks.scope.wm.value;
      if (watermark === Infinity) watermark = -Infinity;
    }
    return {
      keys: this.keys.size,
      openWindows: this.life.openWindows,
      watermark,
      maxEventTime: this.maxEventTime,
      late: this.life.late,
      dropped: this.life.dropped,
      ahead: this.guard.ahead,
    };
  }

  /** The operator's whole state as plain JSON in the saved form (snapshot-schema.ts), accumulators included (through aggregate.toJSON). */
  snapshot(): unknown {
    const keys: unknown[] = [];
    for (const ks of this.keys.values()) keys.push(this.keyEntry(ks));
    return {
      kind: 'window',
      config: this.configFingerprint(),
      watermark: this.scope.wm.toJSON(),
      maxEventTime: finiteOrNull(this.maxEventTime),
      nextEarlyAt: finiteOrNull(this.nextEarlyAt),
      late: this.life.late,
      dropped: this.life.dropped,
      ahead: this.guard.ahead,
      keys,
      // Only for a stream read from partitions: their clocks, so a restart does not take the
      // watermark of the partitions read so far for the whole stream's.
      ...(this.sources.known && { partitions: { sources: this.sources.toJSON(), keys: this.keySources?.toJSON((ks) => ks.key) ?? [] } }),
    };
  }

  /**
   * Replaces the state with a snapshot in the current saved form (older forms go through
   * readSavedState first), all or nothing: a snapshot taken with other options, or one that is
   * corrupt anywhere, throws ConfigError (SnapshotError) and leaves the state as it was.
   */
  restore(snapshot: unknown): void {
    restoreWhole(snapshot, {
      kind: 'window',
      label: 'window operator',
      config: this.configFingerprint(),
      current: () => (this.keys.size > 0 || this.scope.wm.value !== -Infinity ? (this.snapshot() as Record<string, unknown>) : undefined),
      load: (snap) => this.load(snap),
      reset: () => this.reset(),
    });
  }

  /** Loads a snapshot whose kind and settings restore() checked; the parts check themselves and throw. */
  private load(snap: Record<string, unknown>): void {
    const entries = snapKeyEntries(snap.keys);
    this.reset();
    this.scope.wm.load(snap.watermark);
    this.maxEventTime = snapTimeOr(snap.maxEventTime, -Infinity, 'maxEventTime');
    this.nextEarlyAt = snapTimeOr(snap.nextEarlyAt, Infinity, 'nextEarlyAt');
    this.life.late = snapCount(snap.late, 'late');
    this.life.dropped = snapCount(snap.dropped, 'dropped');
    this.guard.ahead = snapCount(snap.ahead, 'ahead');
    for (const entry of entries) {
      const ks = this.newKey(entry.key);
      if (this.keyScope) ks.scope.wm.load(entry.watermark);
      this.engine.restoreKey(ks, entry);
    }
    if (snap.partitions !== undefined && snap.partitions !== null) this.loadPartitions(snap.partitions);
    if (this.keyScope) this.recomputeKeyWake();
  }

  /** One key's saved entry: its name, its own watermark in key scope, and its engine's state. */
  private keyEntry(ks: KeyBase): Record<string, unknown> {
    const entry: Record<string, unknown> = { key: ks.key };
    if (this.keyScope) entry.watermark = ks.scope.wm.toJSON();
    return Object.assign(entry, this.engine.snapshotKey(ks));
  }

  /**
   * The state of some keys only (those of one Kafka partition, say), with key entries as
   * snapshot() writes them; keys without state here are left out. The stream's watermark is not
   * part of it: whoever restores these keys keeps its own.
   */
  snapshotKeys(keys: Iterable<string>): unknown {
    const out: unknown[] = [];
    for (const key of keys) {
      const ks = this.keys.get(key);
      if (ks !== undefined) out.push(this.keyEntry(ks));
    }
    return { kind: 'window-keys', config: this.configFingerprint(), keys: out };
  }

  /**
   * Adds the keys of a snapshotKeys() result, replacing local state of the same keys; all or
   * nothing like restore(). Returns the keys restored. Their windows fire as this operator's
   * watermark passes them.
   */
  restoreKeys(snapshot: unknown): string[] {
    const names = restoreSomeKeys(snapshot, {
      kind: 'window-keys',
      label: 'window operator',
      config: this.configFingerprint(),
      current: (keys) => this.snapshotKeys(keys),
      drop: (keys) => this.dropKeys(keys),
      load: (snap) => {
        for (const entry of snapKeyEntries(snap.keys)) {
          const ks = this.newKey(entry.key);
          if (this.keyScope) ks.scope.wm.load(entry.watermark);
          this.engine.restoreKey(ks, entry);
        }
      },
    });
    if (this.keyScope) this.recomputeKeyWake();
    return names;
  }

  /**
   * Takes the stream watermark back to `to` when it is ahead (stream scope, event time): a
   * partition taken over mid-stream may be behind the partitions this operator read so far,
   * and its records must not be late for it. Open windows then wait for the partition; a
   * window already fired stays fired (its key's state is gone, so a record for it opens a
   * new one only if it is out of order beyond maxOutOfOrder within its own partition).
   */
  holdBack(to: number): void {
    if (this.keyScope || this.processingTime) return;
    this.scope.wm.holdBack(to);
  }

  /** Forgets the state of some keys without emitting (their partition is now read elsewhere). */
  dropKeys(keys: Iterable<string>): void {
    for (const key of keys) {
      const ks = this.keys.get(key);
      if (ks === undefined) continue;
      this.engine.reset(ks);
      this.keys.delete(key);
    }
  }

  /** Whether the operator holds the key (keys without state are forgotten, see forgetEmptyKeys). */
  hasKey(key: string): boolean {
    return this.keys.get(key) !== undefined;
  }

  /** Loads the partitions' clocks of a snapshot (after its keys); throws SnapshotError when they are not what snapshot() writes. */
  private loadPartitions(json: unknown): void {
    const p = snapObject(json, 'partitions');
    const keys = snapArray(p.keys ?? [], 'partitions keys');
    let keySources: KeySourceClocks<KeyBase> | undefined;
    if (keys.length > 0) {
      if (!this.keyScope) throw SnapshotError.because('snapshotKeySources');
      keySources = new KeySourceClocks(this.maxOutOfOrder, this.sourceIdleTimeout, this.sourceBusy);
      keySources.load(keys, (name) => this.keys.get(name));
    }
    // Loaded last: a damaged part above leaves the sources as they were.
    this.sources.load(p.sources);
    this.keySources = keySources;
  }

  // ---- internals ----------------------------------------------------------------------------

  private newScope(): Scope<TimerStore> {
    return { wm: new Watermark(this.processingTime ? 0 : this.maxOutOfOrder), timers: this.engine.newTimers() };
  }

  private newKey(key: string): KeyBase {
    const ks = this.engine.createKey(key, this.keyScope ? this.newScope() : this.scope, this.keySeq++);
    this.keys.set(key, ks);
    return ks;
  }

  private idleAdvance(now: number): void {
    if (this.keyScope) {
      for (const ks of this.keys.values()) {
        if (now - ks.scope.wm.lastInputAt >= this.idleTimeout && this.hasPending(ks)) this.closeIdle(ks.scope, [ks]);
      }
    } else if (!this.streamIdle && now - this.scope.wm.lastInputAt >= this.idleTimeout && this.hasPendingStream()) {
      this.closeIdle(this.scope, [...this.keys.values()]);
      this.streamIdle = true;
    }
  }

  private closeIdle(scope: Scope, keys: KeyBase[]): void {
    for (let round = 0; round < IDLE_ROUNDS && this.engine.hasTimers(scope); round++) {
      const target = this.engine.latestTimer(scope);
      scope.wm.advanceTo(target);
      this.engine.fireDue(scope, target, true);
    }
    for (const ks of keys) this.engine.idle(ks);
  }

  private hasPending(ks: KeyBase): boolean {
    return this.engine.hasTimers(ks.scope) || (this.spec.type === 'global' && !this.engine.isEmpty(ks));
  }

  private hasPendingStream(): boolean {
    return this.life.openWindows > 0 || this.engine.hasTimers(this.scope);
  }

  private scopes(): Scope<TimerStore>[] {
    return this.keyScope ? [...this.keys.values()].map((k) => k.scope) : [this.scope];
  }

  /**
   * Forgets keys without state. In stream scope they hold nothing else; with per-key watermarks
   * a key's clock is state too, so those keys are forgotten only to make room under maxKeys
   * (the key's clock then starts afresh).
   */
  private forgetEmptyKeys(underPressure: boolean): void {
    if (this.keyScope && !underPressure) return;
    // As many open windows as keys: most likely every key holds one, so a scan (per event, when
    // new keys flood in at the limit) would find nothing.
    if (this.keys.size <= this.life.openWindows) return;
    for (const [key, ks] of this.keys) {
      if (this.engine.isEmpty(ks)) {
        this.keys.delete(key);
        this.keySources?.forget(ks);
      }
    }
  }

  private configFingerprint(): unknown {
    return { window: this.spec, bounds: this.bounds, timeMode: this.processingTime ? 'processing' : 'event', watermarkScope: this.keyScope ? 'key' : 'stream' };
  }
}
