/**
 * What the window operator shares with its per-window-type engines: the host (options, counters,
 * emission) and the engine contract. Internal to the core; nodes use WindowOperator only.
 */
import { Watermark } from '../watermark';
import { TimerHeap, Timed } from '../timer-heap';
import { AggregateFunction, Firing, LateDataPolicy, StreamEvent, WindowType } from '../types';

/** Per-key state every engine extends. */
export interface KeyBase {
  key: string;
  /** The stream's watermark, or the key's own with watermarkScope 'key'. */
  wm: Watermark;
  /** The stream's timers, or the key's own with watermarkScope 'key'. */
  timers: TimerHeap<Timed>;
}

/** The operator as its engines see it. */
export interface EngineHost<IN, ACC, OUT> {
  readonly agg: AggregateFunction<IN, ACC, OUT>;
  readonly type: WindowType;
  readonly endInclusive: boolean;
  readonly allowedLateness: number;
  readonly lateData: LateDataPolicy;
  /** emit 'update': a running result after every event. */
  readonly emitUpdates: boolean;
  /** emit 'early': windows remember whether they changed since the last early result. */
  readonly trackDirty: boolean;
  readonly maxEventsPerWindow: number;
  /** Windows holding state that have not fired 'final' yet. */
  openWindows: number;
  late: number;
  dropped: number;
  /** Emits a window result computed from `acc`. */
  emitWindow(key: string, start: number, end: number, count: number, firing: Firing, acc: ACC): void;
  /** Emits an already computed window result. */
  emitResult(key: string, start: number, end: number, count: number, firing: Firing, result: OUT): void;
  /** Counts a late event and, unless lateData is 'drop', emits it. */
  lateEvent(event: StreamEvent<IN>, start: number, end: number, watermark: number): void;
  /** Plain-JSON accumulator. */
  accToJSON(acc: ACC): unknown;
  /** Accumulator from its plain-JSON form. */
  accFromJSON(json: unknown): ACC;
}

/** One window type's state handling; the operator owns keys, watermarks, timers and options. */
export interface Engine<IN, KS extends KeyBase> {
  /** Whether an item with timer `time` is due at watermark `w` when time === w. */
  readonly dueAtEqual: boolean;
  createKey(key: string, wm: Watermark, timers: TimerHeap<Timed>): KS;
  /** Adds an event whose event time is `t` (the watermark already includes it). */
  add(ks: KS, event: StreamEvent<IN>, t: number): void;
  /** A timer of this engine came due at watermark `w`. */
  fire(item: Timed, w: number): void;
  /** Fires every window of the key now ('final') and drops its state. */
  flush(ks: KS): void;
  /** Input stopped: close what can be closed (time engines advance the watermark instead). */
  idle(ks: KS): void;
  /** Emits 'early' results of the key's open windows that changed since the last ones. */
  early(ks: KS): void;
  /** Drops the key's state and timers without emitting. */
  reset(ks: KS): void;
  /** Whether the key holds any state (keys without state are forgotten in stream scope). */
  isEmpty(ks: KS): boolean;
  snapshotKey(ks: KS): unknown;
  restoreKey(ks: KS, json: unknown): void;
}

/** Whether `time` is due at watermark `w`: strictly passed, or reached when dueAtEqual. */
export function isDue(time: number, w: number, dueAtEqual: boolean): boolean {
  return time < w || (dueAtEqual && time === w);
}
