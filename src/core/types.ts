/**
 * The vocabulary every part of the core shares: events, windows, window specs, aggregate
 * functions and what a window operator emits. Pure types, no behaviour.
 */

/** The key that partitions a stream (a sensor id, a topic); '' when the stream is not keyed. */
import type { CalendarSpec } from './assigners/calendar';

export type Key = string;

/** One event as the core sees it: a key, an event time in ms since the epoch, and a value. */
export interface StreamEvent<T = unknown> {
  key: Key;
  time: number;
  value: T;
}

/** Which end of a window is inclusive: Flink-style `[start,end)` or ASA-style `(start,end]`. */
export type WindowBounds = '[start,end)' | '(start,end]';

/** A window in time, half-open at the end by default (see WindowBounds). */
export interface TimeWindow {
  start: number;
  end: number;
}

/** The four window types a user picks in the editor. */
export type WindowType = 'tumbling' | 'sliding' | 'session' | 'global';

/** What a user configured, with durations already parsed to milliseconds. */
export type WindowSpec =
  /** `calendar`: days, weeks or shifts in a time zone instead of `size` (which is then their nominal length). */
  | { type: 'tumbling'; size: number; offset?: number; calendar?: CalendarSpec }
  /** `slide: 'event'` is a window that moves with every event (ASA SlidingWindow). */
  | { type: 'sliding'; size: number; slide: number | 'event'; offset?: number }
  | { type: 'session'; gap: number; maxDuration?: number }
  /** Count windows of `count` events; consecutive windows share `overlap` events; no count = until flushed. */
  | { type: 'global'; count?: number; overlap?: number };

/**
 * An incremental, mergeable aggregate function (Flink's AggregateFunction). `add` and `merge`
 * may mutate and return their first argument. Mergeable so hopping panes and merging sessions
 * combine accumulators instead of events.
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  /** `time` is the event time, for time-aware aggregates (first, last, rate). */
  add(acc: ACC, input: IN, time: number): ACC;
  merge(a: ACC, b: ACC): ACC;
  result(acc: ACC): OUT;
  /** Plain-JSON form of an accumulator for snapshots; identity when omitted. */
  toJSON?(acc: ACC): unknown;
  /** Inverse of toJSON. */
  fromJSON?(json: unknown): ACC;
}

/**
 * An entry of the `aggregations` setting as a flow stores it, every field unchecked:
 * compileAggregations checks each one and says what is allowed.
 */
export interface AggregationSetting {
  op?: unknown;
  property?: unknown;
  as?: unknown;
  p?: unknown;
}

/** Why a window result is emitted. */
export type Firing = 'final' | 'early' | 'late' | 'update';

/** Description of a fired window, as it appears on `msg.window`. */
export interface WindowInfo {
  type: WindowType;
  key: Key;
  start: number;
  end: number;
  count: number;
  firing: Firing;
  /** Set on a result that a previous reader of its Kafka partition may already have sent (restored after a crash or move). */
  replay?: boolean;
}

/** A window result: what a window or aggregate node turns into one message. */
export interface WindowResult<OUT> {
  kind: 'window';
  window: WindowInfo;
  result: OUT;
}

/** A late event that the lateData policy sends to the late port instead of dropping it. */
export interface LateEvent<IN> {
  kind: 'late';
  event: StreamEvent<IN>;
  /** The window(s) the event would have belonged to (the first one). */
  window: { start: number; end: number };
  watermark: number;
}

/** Everything a window operator emits. */
export type Emission<IN, OUT> = WindowResult<OUT> | LateEvent<IN>;

/** What to do with an event whose time is beyond maxFutureSkew ahead of the clock. */
export type FutureDataPolicy = 'reject' | 'clamp';

/** What to do with events behind the watermark + allowed lateness ('adjust': re-time them to the watermark). */
export type LateDataPolicy = 'drop' | 'output' | 'update' | 'adjust';

/** When results are emitted: at close, on every event, or every `earlyEvery` ms of processing time. */
export type EmitStrategy = 'final' | 'update' | 'early';

/** Event time comes from the event, or is the processing time at arrival. */
export type TimeMode = 'event' | 'processing';

/** Counters a node shows in its status. */
export interface OperatorStats {
  keys: number;
  openWindows: number;
  /** Current (stream) watermark, -Infinity before the first event. */
  watermark: number;
  /** Largest event time seen, -Infinity before the first event. */
  maxEventTime: number;
  /** Events behind the watermark + allowed lateness (all policies count them). */
  late: number;
  /** Events dropped by a limit (maxKeys, maxEventsPerWindow). */
  dropped: number;
  /** Events beyond maxFutureSkew ahead of the clock (rejected or clamped). */
  ahead: number;
}
