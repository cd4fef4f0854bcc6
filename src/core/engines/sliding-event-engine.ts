/**
 * Per-event sliding windows (Azure Stream Analytics SlidingWindow). For each key, events wait in
 * a small time-ordered buffer until the watermark passes them, then enter the key's window in
 * event-time order. A result is emitted for every instant the window's content changes: when
 * events enter at T the window is (T - size, T], one result for all the events at T; when events
 * leave at X = their time + size (and no event enters at X) the window is (X - size, X], emitted
 * only if still non-empty. Every result is 'final' and sent once, complete: it fires when the
 * watermark has passed its end, because until then another event at that very instant is on
 * time. An event behind the watermark cannot enter any more: it is late whatever the policy
 * ('update' sends it out as a late emission), because the windows it would change have been
 * emitted. flush() and an idle close fire the same windows: every entry and every exit left.
 *
 * Bounds: these windows are (end - size, end] under either `bounds` setting. A window that moves
 * with every event is defined by the instant at its end, so it must hold the event there; read as
 * [start, end) windows instead, the window just after each change holds exactly the same events,
 * so the other reading would only relabel the same results.
 *
 * The window is the cheapest structure the aggregate allows (see sliding-aggregator.ts): deques
 * for min/max, subtract-on-exit for count/sum/avg/variance, a queue for first/last/rate,
 * two-stacks for the rest (percentiles, distinct, custom aggregates).
 */
import { slidingEventWindow, slidingExitTime } from '../assigners/sliding-event';
import { TimerHeap, Timed } from '../timer-heap';
import { createSlidingAggregator, SlidingAggregator } from '../sliding-aggregator';
import { StreamEvent } from '../types';
import { Engine, HeapTimerEngine, Scope, SeqKey } from './engine';
import { WindowLifecycle } from '../window-lifecycle';
import { SnapshotError, snapArray, snapObject, snapTime } from '../snapshot-check';

/** What a key's timer waits for: its next buffered event to enter, or its oldest event to leave. */
type TimerKind = 'enter' | 'exit';

/** At equal times entries fire before exits, across keys too (both fire once the watermark passes them). */
function entriesFirst(a: { kind: TimerKind }, b: { kind: TimerKind }): number {
  return a.kind === b.kind ? 0 : a.kind === 'enter' ? -1 : 1;
}

/** A key's buffered and in-window events; the key itself waits in the timer heap. */
export interface SlidingKey<IN, OUT> extends SeqKey<TimerHeap<SlidingKey<IN, OUT>>>, Timed {
  /**
   * Buffered events (not yet passed by the watermark), ordered by time: the first pendN slots.
   * The arrays keep their capacity when they empty (nearly every in-order event passes through
   * the buffer, and an array cut to length 0 gives its storage back and reallocates on the next push).
   */
  pendT: number[];
  pendV: IN[];
  pendN: number;
  win: SlidingAggregator<IN, OUT>;
  /** What the key's timer waits for; it orders the heap, so it changes only while the key is out of it. */
  kind: TimerKind;
}

/** Per-event sliding windows. */
export class SlidingEventEngine<IN, ACC, OUT>
  extends HeapTimerEngine<SlidingKey<IN, OUT>>
  implements Engine<IN, SlidingKey<IN, OUT>, TimerHeap<SlidingKey<IN, OUT>>>
{
  /** Entries at T and exits at X are due once the watermark has passed them: another event at that instant may still come. */
  protected readonly dueAtEqual = false;

  constructor(
    private readonly life: WindowLifecycle<IN, ACC, OUT>,
    private readonly size: number,
  ) {
    super();
  }

  override newTimers(): TimerHeap<SlidingKey<IN, OUT>> {
    return new TimerHeap<SlidingKey<IN, OUT>>(entriesFirst);
  }

  createKey(key: string, scope: Scope<TimerHeap<SlidingKey<IN, OUT>>>, seq: number): SlidingKey<IN, OUT> {
    return { key, scope, seq, timerAt: 0, heapIndex: -1, start: 0, kind: 'enter', pendT: [], pendV: [], pendN: 0, win: createSlidingAggregator(this.life.agg) };
  }

  add(ks: SlidingKey<IN, OUT>, event: StreamEvent<IN>, t: number): void {
    const w = ks.scope.wm.value;
    // The windows it would change have been emitted: late whatever the policy, and no window is kept.
    if (t < w) {
      this.life.lateEvent(event, t - this.size, t, w, false);
      return;
    }
    const pendT = ks.pendT;
    const pendV = ks.pendV;
    const n = ks.pendN;
    let at = n;
    while (at > 0 && pendT[at - 1] > t) {
      pendT[at] = pendT[at - 1];
      pendV[at] = pendV[at - 1];
      at--;
    }
    pendT[at] = t;
    pendV[at] = event.value;
    ks.pendN = n + 1;
    // Not passed by the watermark yet (t >= w): nothing can be due, the key's timer only may move.
    if (at === 0) this.reschedule(ks);
  }

  /** Emits everything the watermark `w` has passed (reached too, when inclusive), in event-time order. */
  private drain(ks: SlidingKey<IN, OUT>, w: number, inclusive = false): void {
    const pendT = ks.pendT;
    const pendV = ks.pendV;
    const n = ks.pendN;
    let taken = 0;
    while (taken < n && (inclusive ? pendT[taken] <= w : pendT[taken] < w)) {
      // All the events of one instant enter together: one window, one result.
      const t = pendT[taken];
      let last = taken + 1;
      while (last < n && pendT[last] === t) last++;
      this.enter(ks, pendT, pendV, taken, last);
      taken = last;
    }
    if (taken > 0) {
      const left = n - taken;
      for (let i = 0; i < left; i++) {
        pendT[i] = pendT[i + taken];
        pendV[i] = pendV[i + taken];
      }
      // The buffer holds no event it has let go of.
      for (let i = left; i < n; i++) pendV[i] = undefined as IN;
      ks.pendN = left;
    }
    this.exitUntil(ks, w, inclusive);
    this.reschedule(ks);
  }

  /** Emits the exits at or before `limit` (before it when !inclusive), oldest first. */
  private exitUntil(ks: SlidingKey<IN, OUT>, limit: number, inclusive: boolean): void {
    const win = ks.win;
    const size = this.size;
    for (;;) {
      const oldest = win.oldestTime();
      if (oldest === undefined) return;
      const x = slidingExitTime(oldest, size);
      if (inclusive ? x > limit : x >= limit) return;
      win.popThrough(oldest);
      if (win.size === 0) {
        this.life.closed();
        continue;
      }
      const left = slidingEventWindow(x, size);
      this.life.emitResult(ks.key, left.start, left.end, win.size, 'final', win.result());
    }
  }

  /** Enters the events from..to-1 of the buffer, which share one time T, and emits (T - size, T] once. */
  private enter(ks: SlidingKey<IN, OUT>, times: number[], values: IN[], from: number, to: number): void {
    const life = this.life;
    const win = ks.win;
    const t = times[from];
    this.exitUntil(ks, t, false);
    const size = this.size;
    const wasOpen = win.size > 0;
    win.popThrough(t - size);
    let entered = 0;
    for (let i = from; i < to; i++) {
      if (!life.admits(win.size)) continue;
      win.push(t, values[i]);
      entered++;
    }
    // All dropped by the limit: the window still holds maxEventsPerWindow events, unchanged.
    if (entered === 0) return;
    if (!wasOpen) life.opened();
    const window = slidingEventWindow(t, size);
    life.emitResult(ks.key, window.start, window.end, win.size, 'final', win.result());
  }

  private reschedule(ks: SlidingKey<IN, OUT>): void {
    const nextEnter = ks.pendN > 0 ? ks.pendT[0] : Infinity;
    const oldest = ks.win.oldestTime();
    const nextExit = oldest === undefined ? Infinity : slidingExitTime(oldest, this.size);
    const heap = ks.scope.timers;
    if (nextEnter === Infinity && nextExit === Infinity) {
      heap.remove(ks);
      return;
    }
    const enter = nextEnter <= nextExit;
    const next = enter ? nextEnter : nextExit;
    const kind: TimerKind = enter ? 'enter' : 'exit';
    if (ks.kind === kind) {
      if (ks.heapIndex < 0 || ks.timerAt !== next) heap.schedule(ks, next);
      return;
    }
    // The kind orders the heap, so it may only change while the key is out of it.
    heap.remove(ks);
    ks.kind = kind;
    heap.schedule(ks, next);
  }

  /** A key waits for its next instant only; an idle scope must jump past its last exit. */
  override latestTimer(scope: Scope<TimerHeap<SlidingKey<IN, OUT>>>): number {
    return scope.timers.maxTime((ks) => {
      const pending = ks.pendN > 0 ? ks.pendT[ks.pendN - 1] : -Infinity;
      const newest = ks.win.newestTime() ?? -Infinity;
      return Math.max(ks.timerAt, Math.max(pending, newest) + this.size);
    });
  }

  protected fire(ks: SlidingKey<IN, OUT>, w: number, inclusive: boolean): void {
    this.drain(ks, w, inclusive);
  }

  /** Fires what an idle close would: every buffered entry, then every exit that leaves a non-empty window. */
  flush(ks: SlidingKey<IN, OUT>): void {
    this.drain(ks, Infinity, true);
    this.clear(ks);
  }

  idle(): void {
    // Exits close by watermark; the operator advances it.
  }

  early(): void {
    // Every per-event window fires once, when complete.
  }

  reset(ks: SlidingKey<IN, OUT>): void {
    this.clear(ks);
  }

  private clear(ks: SlidingKey<IN, OUT>): void {
    if (ks.win.size > 0) this.life.closed();
    ks.win.clear();
    ks.pendT = [];
    ks.pendV = [];
    ks.pendN = 0;
    ks.scope.timers.remove(ks);
  }

  isEmpty(ks: SlidingKey<IN, OUT>): boolean {
    return ks.win.size === 0 && ks.pendN === 0;
  }

  snapshotKey(ks: SlidingKey<IN, OUT>): Record<string, unknown> {
    return { window: ks.win.toJSON(), pending: ks.pendT.slice(0, ks.pendN).map((time, i) => ({ time, value: ks.pendV[i] })) };
  }

  restoreKey(ks: SlidingKey<IN, OUT>, saved: Record<string, unknown>): void {
    const what = `key ${JSON.stringify(ks.key)}`;
    let previous = -Infinity;
    const pending = snapArray(saved.pending, `${what} pending`).map((entry, i) => {
      const p = snapObject(entry, `${what} pending ${i}`);
      const time = snapTime(p.time, `${what} pending ${i} time`);
      if (time < previous) throw SnapshotError.because('snapshotTimeOrder', { what: `${what} pending ${i}`, time });
      previous = time;
      return [time, p.value as IN] as const;
    });
    let disorder: SnapshotError | undefined;
    try {
      ks.win.fromJSON(saved.window);
      // The window's own format is checked by its loader; its ends and result are checked here.
      const oldest = ks.win.oldestTime();
      const newest = ks.win.newestTime();
      if (oldest !== undefined && !(snapTime(oldest, 'oldest') <= snapTime(newest, 'newest')))
        disorder = SnapshotError.because('snapshotEventOrder', { what: `${what} window`, oldest, newest: String(newest) });
      else ks.win.result();
    } catch (err) {
      ks.win.clear();
      throw SnapshotError.quoting('snapshotPart', { what: `${what} window` }, err);
    }
    if (disorder) {
      ks.win.clear();
      throw disorder;
    }
    if (ks.win.size > 0) this.life.opened();
    for (const [t, v] of pending) {
      ks.pendT[ks.pendN] = t;
      ks.pendV[ks.pendN] = v;
      ks.pendN++;
    }
    this.reschedule(ks);
  }
}
