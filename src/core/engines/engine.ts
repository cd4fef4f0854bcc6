/**
 * What the window operator shares with its per-window-type engines: the host (options, counters,
 * emission) and the engine contract. Internal to the core; nodes use WindowOperator only.
 */
import { TimerHeap, Timed } from '../timer-heap';
import type { TimerStore } from '../timer-store';
import { AggregateFunction, Firing, LateDataPolicy, StreamEvent, WindowType } from '../types';
import { Watermark } from '../watermark';

/** A watermark and the timers it drives: one for the stream, or one per key with watermarkScope 'key'. */
export interface Scope {
  wm: Watermark;
  /** Engine-specific timer store (see Engine.newTimers); its head says when fireDue can have work. */
  timers: TimerStore;
}

/** Per-key state every engine extends. */
export interface KeyBase {
  key: string;
  scope: Scope;
}

/** Key state of engines whose timers sit in a TimerHeap: `seq` breaks ties between keys. */
export interface SeqKey extends KeyBase {
  seq: number;
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

/** One window type's state handling; the operator owns keys, watermarks and options. */
export interface Engine<IN, KS extends KeyBase> {
  /** A fresh timer store for a scope. */
  newTimers(): TimerStore;
  /** Fires every timer of the scope due at watermark `w` (every timer up to `w` when inclusive). */
  fireDue(scope: Scope, w: number, inclusive: boolean): void;
  /** Earliest processing time at which a timer of the scope is due in processing-time mode. */
  nextTimer(scope: Scope): number | undefined;
  /** Latest timer of the scope (-Infinity when none), where an idle scope's watermark jumps. */
  latestTimer(scope: Scope): number;
  /** Whether the scope has timers (possibly stale ones). */
  hasTimers(scope: Scope): boolean;
  /** `seq` numbers keys in creation order (restores keep the order). */
  createKey(key: string, scope: Scope, seq: number): KS;
  /** Adds an event whose event time is `t` (the watermark already includes it). */
  add(ks: KS, event: StreamEvent<IN>, t: number): void;
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
  /** The key's windows in the saved form (named fields, see snapshot-schema.ts), beside `key` and `watermark`. */
  snapshotKey(ks: KS): Record<string, unknown>;
  /** Loads what snapshotKey saved (`saved` is the whole key entry); checks it whole and throws SnapshotError before changing anything. */
  restoreKey(ks: KS, saved: Record<string, unknown>): void;
}

/** Whether `time` is due at watermark `w`: strictly passed, or reached when dueAtEqual. */
export function isDue(time: number, w: number, dueAtEqual: boolean): boolean {
  return time < w || (dueAtEqual && time === w);
}

/**
 * Timer handling shared by the engines that keep their timers in a TimerHeap; `dueAtEqual`
 * says whether an item is due when the watermark equals its time.
 */
export abstract class HeapTimerEngine<T extends Timed> {
  protected abstract dueAtEqual(item: T): boolean;
  protected abstract fire(item: T, w: number, inclusive: boolean): void;

  newTimers(): TimerHeap<T> {
    return new TimerHeap<T>();
  }

  fireDue(scope: Scope, w: number, inclusive: boolean): void {
    const heap = scope.timers as TimerHeap<T>;
    for (;;) {
      const top = heap.peek();
      if (top === undefined || !isDue(top.timerAt, w, inclusive || this.dueAtEqual(top))) return;
      heap.pop();
      this.fire(top, w, inclusive);
    }
  }

  nextTimer(scope: Scope): number | undefined {
    const top = (scope.timers as TimerHeap<T>).peek();
    if (top === undefined) return undefined;
    // Processing time is whole ms: a timer due only once time has passed it wakes 1 ms later.
    return this.dueAtEqual(top) ? top.timerAt : top.timerAt + 1;
  }

  latestTimer(scope: Scope): number {
    return (scope.timers as TimerHeap<T>).maxTime();
  }

  hasTimers(scope: Scope): boolean {
    return (scope.timers as TimerHeap<T>).size > 0;
  }

  protected heap(scope: Scope): TimerHeap<T> {
    return scope.timers as TimerHeap<T>;
  }
}
