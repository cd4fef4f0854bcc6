/**
 * The rules every window type shares, written once: the trigger (emit strategy), the one cleanup
 * rule for allowed lateness, late events, the per-window event limit and the open-window count.
 * The operator owns one and hands it to its engine; engines store windows (find or create, merge,
 * evict) and ask it what to do with them.
 *
 * A window's lifecycle: 'open' (collecting) → 'changed' (collecting, with changes the early
 * trigger has not emitted) → 'fired' (its final result went out; kept for late events while
 * allowed lateness lasts) → 'purged' (its state is gone; a timer may still point at it).
 */
import { SnapshotError } from './snapshot-check';
import type { WindowState } from './snapshot-schema';
import type { Trigger, TriggerWindow } from './triggers/trigger';
import { AggregateFunction, Emission, Firing, LateDataPolicy, StreamEvent, WindowInfo, WindowType } from './types';

/** A window's place in its lifecycle, in memory (the saved form knows all but 'purged'). */
export type LifecycleState = WindowState | 'purged';

/** Whether a window is collecting: it holds state and has not fired 'final'. */
export function isOpen(state: LifecycleState): boolean {
  return state === 'open' || state === 'changed';
}

/** Whether `time` is due at watermark `w`: strictly passed, or reached when dueAtEqual. */
export function isDue(time: number, w: number, dueAtEqual: boolean): boolean {
  return time < w || (dueAtEqual && time === w);
}

/** What a WindowLifecycle needs from the operator's settings. */
export interface LifecycleOptions<IN, ACC, OUT> {
  agg: AggregateFunction<IN, ACC, OUT>;
  type: WindowType;
  endInclusive: boolean;
  allowedLateness: number;
  lateData: LateDataPolicy;
  maxEventsPerWindow: number;
  trigger: Trigger;
  onEmit: (e: Emission<IN, OUT>) => void;
  onWindow: ((window: WindowInfo, result: OUT) => void) | undefined;
}

/** The shared window rules and counters; see the top of this file. */
export class WindowLifecycle<IN, ACC, OUT> {
  readonly agg: AggregateFunction<IN, ACC, OUT>;
  readonly type: WindowType;
  readonly endInclusive: boolean;
  readonly allowedLateness: number;
  readonly maxEventsPerWindow: number;
  readonly trigger: Trigger;
  /** lateData 'update' with allowedLateness: fired windows stay until end + allowedLateness. */
  readonly retains: boolean;
  /** Windows holding state that have not fired 'final' yet. */
  openWindows = 0;
  late = 0;
  dropped = 0;
  /** lateData 'adjust': the watermark the late event just refused is to be re-timed to. */
  retimeTo: number | undefined;
  private readonly lateData: LateDataPolicy;
  private readonly onEmit: (e: Emission<IN, OUT>) => void;
  private readonly onWindow: ((window: WindowInfo, result: OUT) => void) | undefined;

  constructor(o: LifecycleOptions<IN, ACC, OUT>) {
    this.agg = o.agg;
    this.type = o.type;
    this.endInclusive = o.endInclusive;
    this.allowedLateness = o.allowedLateness;
    this.lateData = o.lateData;
    this.maxEventsPerWindow = o.maxEventsPerWindow;
    this.trigger = o.trigger;
    this.onEmit = o.onEmit;
    this.onWindow = o.onWindow;
    this.retains = o.lateData === 'update' && o.allowedLateness > 0;
  }

  /** An engine made a window that holds state and has not fired. */
  opened(n = 1): void {
    this.openWindows += n;
  }

  /** A window fired 'final' or lost its state without firing. */
  closed(n = 1): void {
    this.openWindows -= n;
  }

  /** Whether a window holding `count` events has reached maxEventsPerWindow. */
  full(count: number): boolean {
    return count >= this.maxEventsPerWindow;
  }

  /** Whether a window holding `count` events may take one more; a refused event is counted as dropped. */
  admits(count: number): boolean {
    if (!this.full(count)) return true;
    this.dropped++;
    return false;
  }

  /** Counts an event that a limit (maxKeys, or a window full in a way only the engine can tell) refused. */
  drop(): void {
    this.dropped++;
  }

  /**
   * An event for a window that has fired. Counted as late; `kept` says whether a window kept for
   * allowed lateness takes it (then true is returned and the engine adds it). Otherwise it goes
   * by lateData: dropped, emitted as late, or re-timed to the watermark ('adjust').
   */
  lateEvent(event: StreamEvent<IN>, start: number, end: number, watermark: number, kept: boolean): boolean {
    this.late++;
    if (kept) return true;
    if (this.lateData === 'adjust') this.retimeTo = watermark;
    else if (this.lateData !== 'drop') this.onEmit({ kind: 'late', event, window: { start, end }, watermark });
    return false;
  }

  /** When a fired window ending at `end` loses its state: the one cleanup rule for allowed lateness. */
  cleanupTime(end: number): number {
    return end + this.allowedLateness;
  }

  /** Whether a fired window ending at `end` is still kept at watermark `w`. */
  isKept(end: number, w: number, dueAtEqual: boolean): boolean {
    return this.retains && !isDue(this.cleanupTime(end), w, dueAtEqual);
  }

  /**
   * An event was added to `window`: the firing to emit now, if any. A fired window kept for
   * allowed lateness fires again ('late', the corrected result); an open one asks the trigger.
   */
  added(window: TriggerWindow): Firing | undefined {
    if (window.state === 'fired') return 'late';
    return this.trigger.onElement(window) === 'fire' ? 'update' : undefined;
  }

  /** An early-firing round reached `window`: whether it emits 'early' now. */
  early(window: TriggerWindow): boolean {
    return window.state !== 'fired' && this.trigger.onProcessingTime(window) === 'fire';
  }

  /**
   * The watermark reached the end of an open `window`: it fires 'final' (the caller emits) and is
   * either kept for allowed lateness ('fired', true: the engine schedules its cleanup at
   * cleanupTime) or purged (false: the engine drops its state).
   */
  fire(window: TriggerWindow, end: number, w: number, dueAtEqual: boolean): boolean {
    this.closed();
    window.state = this.isKept(end, w, dueAtEqual) ? 'fired' : 'purged';
    return window.state === 'fired';
  }

  /** Emits a window result computed from `acc`. */
  emit(key: string, start: number, end: number, count: number, firing: Firing, acc: ACC): void {
    this.emitResult(key, start, end, count, firing, this.agg.result(acc));
  }

  /** Emits an already computed window result. */
  emitResult(key: string, start: number, end: number, count: number, firing: Firing, result: OUT): void {
    const window: WindowInfo = { type: this.type, key, start, end, count, firing };
    if (this.onWindow !== undefined) this.onWindow(window, result);
    else this.onEmit({ kind: 'window', window, result });
  }

  /** Plain-JSON accumulator. */
  accToJSON(acc: ACC): unknown {
    return this.agg.toJSON ? this.agg.toJSON(acc) : acc;
  }

  /** Accumulator from its plain-JSON form; throws SnapshotError when it cannot give a result. */
  accFromJSON(json: unknown): ACC {
    if (json === undefined) throw SnapshotError.because('snapshotNoAccumulator');
    let acc: ACC;
    try {
      acc = this.agg.fromJSON ? this.agg.fromJSON(json) : (json as ACC);
      // An accumulator that cannot give a result would fail only when its window fires.
      this.agg.result(acc);
    } catch (err) {
      throw SnapshotError.quoting('snapshotAccumulator', {}, err);
    }
    return acc;
  }
}
