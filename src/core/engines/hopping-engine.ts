/**
 * Hopping windows over shared panes: each event is added once, to the pane of gcd(size, slide)
 * ms that holds it, and a window's result is the merge of its size/pane panes when it fires.
 * There are no window objects: a key keeps its panes in time order and `nextStart`, the first
 * window it has not fired; one timer per key waits for the end of the next window that holds a
 * pane (or for the next pane to purge when allowed lateness keeps fired windows). A pane is
 * dropped once the last window holding it is done.
 */
import { alignedStart, inWindow } from '../assigners/floor-mod';
import { hoppingPaneSize, latestHoppingStart } from '../assigners/hopping';
import { tumblingWindowStart } from '../assigners/tumbling';
import { TimerHeap, Timed } from '../timer-heap';
import { Firing, StreamEvent } from '../types';
import { Engine, HeapTimerEngine, Scope, SeqKey, isDue } from './engine';
import { SnapshotError, snapArray, snapCount, snapObject, snapTime, snapTimeOr } from '../snapshot-check';
import { LifecycleState, WindowLifecycle } from '../window-lifecycle';

/** The events of one pane of the key; its state is the early trigger's memory ('changed' since the last early round). */
interface Pane<ACC> {
  start: number;
  acc: ACC;
  count: number;
  state: LifecycleState;
}

/** A key's panes; the key itself waits in the timer heap. */
export interface HoppingKey<ACC> extends SeqKey<TimerHeap<HoppingKey<ACC>>>, Timed {
  /** Panes ordered by start; the ones before nextStart's windows are kept only for allowed lateness. */
  panes: Pane<ACC>[];
  /** The newest pane, for the in-order fast path; null when it may not take on-time adds. */
  cur: Pane<ACC> | null;
  /** Start of the first window not fired yet. */
  nextStart: number;
}

/** Hopping windows (slide ≤ size) over shared panes. */
export class HoppingEngine<IN, ACC, OUT> extends HeapTimerEngine<HoppingKey<ACC>> implements Engine<IN, HoppingKey<ACC>, TimerHeap<HoppingKey<ACC>>> {
  /** Whether a window is due when the watermark reaches its end ([start, end) windows). */
  protected readonly dueAtEqual: boolean;
  private readonly pane: number;

  constructor(
    private readonly life: WindowLifecycle<IN, ACC, OUT>,
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
  ) {
    super();
    this.dueAtEqual = !life.endInclusive;
    this.pane = hoppingPaneSize(size, slide);
  }

  createKey(key: string, scope: Scope<TimerHeap<HoppingKey<ACC>>>, seq: number): HoppingKey<ACC> {
    return { key, scope, seq, timerAt: 0, heapIndex: -1, start: 0, panes: [], cur: null, nextStart: -Infinity };
  }

  // ---- window arithmetic (panes and windows are on grids shifted by offset) ---------------------

  /** Latest window holding pane p. */
  private latestOf(p: number): number {
    return latestHoppingStart(p, this.slide, this.offset);
  }

  /** Earliest window holding pane p. */
  private earliestOf(p: number): number {
    return alignedStart(p - this.size, this.slide, this.offset, false) + this.slide;
  }

  /** First window whose end the watermark has not reached. */
  private firstOpenStart(w: number): number {
    if (w === -Infinity) return -Infinity;
    // Closed form, so no loop depends on floating point: the first grid point after w - size
    // (at or after it when a window whose end equals w is still open).
    return alignedStart(w - this.size, this.slide, this.offset, !this.dueAtEqual) + this.slide;
  }

  /** Index of the first pane starting at or after `start`. */
  private lowerBound(panes: Pane<ACC>[], start: number): number {
    let lo = 0;
    let hi = panes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (panes[mid].start < start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // ---- events -------------------------------------------------------------------------------------

  add(ks: HoppingKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const cur = ks.cur;
    if (cur !== null && inWindow(t, cur.start, cur.start + this.pane, this.life.endInclusive)) {
      // The newest pane, whose windows are all open and whose trigger did not fire on the last add.
      if (this.rejectsFull(ks, cur.start, ks.nextStart)) return;
      if (this.addTo(cur, event, t) !== undefined) this.emitUpdates(ks, cur.start);
      return;
    }
    this.addSlow(ks, event, t);
  }

  private addSlow(ks: HoppingKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const life = this.life;
    const p = tumblingWindowStart(t, this.pane, this.offset, life.endInclusive);
    const latest = this.latestOf(p);
    const w = ks.scope.wm.value;
    // Windows of this key that closed while it had no pane there never fire: move past them.
    const open = this.firstOpenStart(w);
    if (open > ks.nextStart) ks.nextStart = open;
    if (isDue(latest + this.size, w, this.dueAtEqual)) {
      // Every window holding the event has closed.
      if (!life.lateEvent(event, latest, latest + this.size, w, life.isKept(latest + this.size, w, this.dueAtEqual))) return;
      if (this.rejectsFull(ks, p, -Infinity)) return;
      // Its windows have all fired: the kept ones fire again as 'late', none takes an update.
      this.addTo(this.paneAt(ks, p), event, t);
      this.refireLate(ks, p, w);
      this.reschedule(ks);
      return;
    }
    // Checked before the pane exists, so a dropped event leaves no empty pane behind.
    if (this.rejectsFull(ks, p, ks.nextStart)) return;
    const pane = this.paneAt(ks, p);
    const firing = this.addTo(pane, event, t);
    const panes = ks.panes;
    // Only the newest pane takes the fast path, and not when every add must emit something.
    ks.cur = pane === panes[panes.length - 1] && !life.retains && firing === undefined ? pane : null;
    if (life.retains) this.refireLate(ks, p, w);
    if (firing !== undefined) this.emitUpdates(ks, p);
    this.reschedule(ks);
  }

  /** Emits an 'update' of every open window holding pane p. */
  private emitUpdates(ks: HoppingKey<ACC>, p: number): void {
    for (let s = Math.max(ks.nextStart, this.earliestOf(p)), latest = this.latestOf(p); s <= latest; s += this.slide) this.emit(ks, s, 'update');
  }

  private paneAt(ks: HoppingKey<ACC>, p: number): Pane<ACC> {
    const panes = ks.panes;
    const n = panes.length;
    const last = n > 0 ? panes[n - 1] : undefined;
    if (last !== undefined && last.start === p) return last;
    const append = last === undefined || last.start < p;
    const i = append ? n : this.lowerBound(panes, p);
    if (!append && panes[i].start === p) return panes[i];
    this.life.opened(this.newWindows(ks, p, append ? last : undefined));
    const pane: Pane<ACC> = { start: p, acc: this.life.agg.createAccumulator(), count: 0, state: 'open' };
    if (append) panes.push(pane);
    else panes.splice(i, 0, pane);
    return pane;
  }

  /** Windows not fired yet that hold pane p and no other pane yet (before p is inserted). */
  private newWindows(ks: HoppingKey<ACC>, p: number, newestBefore: Pane<ACC> | undefined): number {
    const from = Math.max(ks.nextStart, this.earliestOf(p));
    const to = this.latestOf(p);
    if (from > to) return 0;
    if (newestBefore !== undefined || ks.panes.length === 0) {
      // p is the newest pane: the windows holding it that already hold a pane are the ones holding the previous newest.
      const first = newestBefore === undefined ? from : Math.max(from, this.latestOf(newestBefore.start) + this.slide);
      return first > to ? 0 : Math.round((to - first) / this.slide) + 1;
    }
    let count = 0;
    for (let s = from; s <= to; s += this.slide) {
      const i = this.lowerBound(ks.panes, s);
      if (i >= ks.panes.length || ks.panes[i].start >= s + this.size) count++;
    }
    return count;
  }

  /**
   * Whether a window holding pane p (from window start `from` on) already holds maxEventsPerWindow
   * events. The limit is per window, as users read it, not per pane: a window is the sum of its
   * panes. Only called when a limit is set, so the unlimited hot path pays nothing.
   */
  private windowFull(ks: HoppingKey<ACC>, p: number, from: number): boolean {
    const panes = ks.panes;
    for (let s = Math.max(from, this.earliestOf(p)), last = this.latestOf(p); s <= last; s += this.slide) {
      let count = 0;
      for (let i = this.lowerBound(panes, s); i < panes.length && panes[i].start < s + this.size; i++) count += panes[i].count;
      if (this.life.full(count)) return true;
    }
    return false;
  }

  /** Counts and drops the event when a limit is set and a window holding pane p is full. */
  private rejectsFull(ks: HoppingKey<ACC>, p: number, from: number): boolean {
    if (this.life.maxEventsPerWindow === Infinity || !this.windowFull(ks, p, from)) return false;
    this.life.drop();
    return true;
  }

  /** Adds the event to the pane; returns the firing the trigger asks of the pane's open windows. */
  private addTo(pane: Pane<ACC>, event: StreamEvent<IN>, t: number): Firing | undefined {
    pane.acc = this.life.agg.add(pane.acc, event.value, t);
    pane.count++;
    return this.life.added(pane);
  }

  /** Fires again, as 'late', every fired window holding pane p that allowed lateness still keeps. */
  private refireLate(ks: HoppingKey<ACC>, p: number, w: number): void {
    const end = Math.min(this.latestOf(p), ks.nextStart - this.slide);
    for (let s = this.earliestOf(p); s <= end; s += this.slide) {
      if (this.life.isKept(s + this.size, w, this.dueAtEqual)) this.emit(ks, s, 'late');
    }
  }

  /** Emits window `start` of the key as the merge of its panes; false when it holds none. */
  private emit(ks: HoppingKey<ACC>, start: number, firing: Firing): boolean {
    const agg = this.life.agg;
    const panes = ks.panes;
    const end = start + this.size;
    let i = this.lowerBound(panes, start);
    if (i >= panes.length || panes[i].start >= end) return false;
    let acc = agg.createAccumulator();
    let count = 0;
    for (; i < panes.length && panes[i].start < end; i++) {
      acc = agg.merge(acc, panes[i].acc);
      count += panes[i].count;
    }
    this.life.emit(ks.key, start, end, count, firing, acc);
    return true;
  }

  // ---- timers ---------------------------------------------------------------------------------

  /** The first window at or after nextStart that holds a pane, or undefined. */
  private nextWindow(ks: HoppingKey<ACC>): number | undefined {
    const panes = ks.panes;
    // Windows at or after nextStart hold only panes starting at or after it.
    const i = this.lowerBound(panes, ks.nextStart);
    if (i >= panes.length) return undefined;
    return Math.max(ks.nextStart, this.earliestOf(panes[i].start));
  }

  /** When the oldest kept pane can go, if allowed lateness keeps panes of fired windows. */
  private nextPurge(ks: HoppingKey<ACC>): number | undefined {
    const panes = ks.panes;
    if (panes.length === 0) return undefined;
    const latest = this.latestOf(panes[0].start);
    if (latest >= ks.nextStart) return undefined;
    return this.life.cleanupTime(latest + this.size);
  }

  private reschedule(ks: HoppingKey<ACC>): void {
    const heap = ks.scope.timers;
    const next = this.nextWindow(ks);
    let at = next === undefined ? Infinity : next + this.size;
    const purge = this.nextPurge(ks);
    if (purge !== undefined && purge < at) at = purge;
    if (at === Infinity) heap.remove(ks);
    else if (ks.heapIndex < 0 || ks.timerAt !== at) heap.schedule(ks, at);
  }

  /** A key waits for its next window only; an idle scope must jump past its last one (and its lateness). */
  override latestTimer(scope: Scope<TimerHeap<HoppingKey<ACC>>>): number {
    const keep = this.life.retains ? this.life.allowedLateness : 0;
    return scope.timers.maxTime((ks) => {
      const last = ks.panes[ks.panes.length - 1];
      return last === undefined ? ks.timerAt : Math.max(ks.timerAt, this.latestOf(last.start) + this.size + keep);
    });
  }

  protected fire(ks: HoppingKey<ACC>, w: number, inclusive: boolean): void {
    const dueAtEqual = inclusive || this.dueAtEqual;
    for (let s = this.nextWindow(ks); s !== undefined && isDue(s + this.size, w, dueAtEqual); s = this.nextWindow(ks)) {
      this.emit(ks, s, 'final');
      ks.nextStart = s + this.slide;
      this.life.closed();
      // Panes no later window holds stop taking on-time adds.
      if (ks.cur !== null && this.latestOf(ks.cur.start) < ks.nextStart) ks.cur = null;
      this.purge(ks, w, inclusive);
    }
    this.purge(ks, w, inclusive);
    this.reschedule(ks);
  }

  /** Drops panes whose windows have all fired and are past allowed lateness. */
  private purge(ks: HoppingKey<ACC>, w: number, inclusive: boolean): void {
    const panes = ks.panes;
    let n = 0;
    while (n < panes.length) {
      const latest = this.latestOf(panes[n].start);
      if (latest >= ks.nextStart) break;
      if (this.life.isKept(latest + this.size, w, inclusive || this.dueAtEqual)) break;
      n++;
    }
    if (n > 0) panes.splice(0, n);
  }

  // ---- flush, early, reset, snapshot ----------------------------------------------------------

  /** Every window not fired yet that holds a pane, earliest first. */
  private openStarts(ks: HoppingKey<ACC>): number[] {
    const out: number[] = [];
    const panes = ks.panes;
    let s = this.nextWindow(ks);
    while (s !== undefined) {
      out.push(s);
      let next = s + this.slide;
      // Skip windows without panes.
      const i = this.lowerBound(panes, next);
      const lastHeld = this.lowerBound(panes, next + this.size);
      if (i === lastHeld) {
        if (i >= panes.length) break;
        next = Math.max(next, this.earliestOf(panes[i].start));
      }
      s = next;
    }
    return out;
  }

  flush(ks: HoppingKey<ACC>): void {
    for (const s of this.openStarts(ks)) {
      this.emit(ks, s, 'final');
      this.life.closed();
    }
    this.clear(ks);
  }

  idle(): void {
    // Time windows close by watermark; the operator advances it.
  }

  early(ks: HoppingKey<ACC>): void {
    const panes = ks.panes;
    const starts = this.openStarts(ks);
    // The trigger is asked once per pane; a window fires when it fires for any of its panes.
    const fires = panes.map((pane) => this.life.early(pane));
    for (const s of starts) {
      let fire = false;
      for (let i = this.lowerBound(panes, s); i < panes.length && panes[i].start < s + this.size && !fire; i++) fire = fires[i];
      if (fire) this.emit(ks, s, 'early');
    }
  }

  reset(ks: HoppingKey<ACC>): void {
    this.life.closed(this.openStarts(ks).length);
    this.clear(ks);
  }

  private clear(ks: HoppingKey<ACC>): void {
    ks.panes = [];
    ks.cur = null;
    ks.scope.timers.remove(ks);
  }

  isEmpty(ks: HoppingKey<ACC>): boolean {
    return ks.panes.length === 0;
  }

  snapshotKey(ks: HoppingKey<ACC>): Record<string, unknown> {
    return {
      nextStart: Number.isFinite(ks.nextStart) ? ks.nextStart : null,
      panes: ks.panes.map((p) => ({ start: p.start, count: p.count, acc: this.life.accToJSON(p.acc) })),
    };
  }

  restoreKey(ks: HoppingKey<ACC>, saved: Record<string, unknown>): void {
    const what = `key ${JSON.stringify(ks.key)}`;
    const nextStart = snapTimeOr(saved.nextStart, -Infinity, `${what} nextStart`);
    let previous = -Infinity;
    const panes = snapArray(saved.panes, `${what} panes`).map((entry, i) => {
      const { start, count, acc } = snapObject(entry, `${what} pane ${i}`);
      const s = snapTime(start, `${what} pane ${i} start`);
      // Panes are kept in time order: binary searches over them rely on it.
      if (!(s > previous)) throw SnapshotError.because('snapshotPaneOrder', { what: `${what} pane ${i}`, start: s });
      previous = s;
      return { start: s, count: snapCount(count, `${what} pane ${i} count`), acc: this.life.accFromJSON(acc), state: 'open' as const };
    });
    ks.nextStart = nextStart;
    ks.panes = panes;
    this.life.opened(this.openStarts(ks).length);
    // The first add finds its pane the slow way and sets the fast path up.
    ks.cur = null;
    this.reschedule(ks);
  }
}
