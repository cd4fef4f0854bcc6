/**
 * Hopping windows over shared panes: each event is added once, to the pane of gcd(size, slide)
 * ms that holds it; a window's result is the merge of its panes when it fires. Window objects
 * only carry timers and firing state. A pane is dropped once the last window holding it is.
 */
import { alignedStart } from '../assigners/floor-mod';
import { hoppingPaneSize } from '../assigners/hopping';
import { Timed } from '../timer-heap';
import { StreamEvent } from '../types';
import { Engine, EngineHost, HeapTimerEngine, Scope, SeqKey, isDue } from './engine';

const OPEN = 0;
const DIRTY = 1;
const FIRED = 2;

interface Pane<ACC> {
  start: number;
  acc: ACC;
  count: number;
}

class Win implements Timed {
  timerAt = 0;
  heapIndex = -1;
  state = OPEN;
  readonly seq: number;
  constructor(public start: number, public ks: HoppingKey<unknown>) {
    this.seq = ks.seq;
  }
}

export interface HoppingKey<ACC> extends SeqKey {
  cur: Pane<ACC> | null;
  panes: Map<number, Pane<ACC>>;
  windows: Map<number, Win>;
}

export class HoppingEngine<IN, ACC, OUT> extends HeapTimerEngine<Win> implements Engine<IN, HoppingKey<ACC>> {
  private readonly endDueAtEqual: boolean;
  private readonly pane: number;
  private readonly retain: boolean;

  constructor(
    private readonly host: EngineHost<IN, ACC, OUT>,
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
  ) {
    super();
    this.endDueAtEqual = !host.endInclusive;
    this.pane = hoppingPaneSize(size, slide);
    this.retain = host.lateData === 'update' && host.allowedLateness > 0;
  }

  protected dueAtEqual(): boolean {
    return this.endDueAtEqual;
  }

  createKey(key: string, scope: Scope, seq: number): HoppingKey<ACC> {
    return { key, scope, seq, cur: null, panes: new Map(), windows: new Map() };
  }

  add(ks: HoppingKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const host = this.host;
    const cur = ks.cur;
    if (cur !== null && !host.emitUpdates && !this.retain) {
      const s = cur.start;
      if (host.endInclusive ? t > s && t <= s + this.pane : t >= s && t < s + this.pane) {
        if (cur.count >= host.maxEventsPerWindow) {
          host.dropped++;
          return;
        }
        cur.acc = host.agg.add(cur.acc, event.value, t);
        cur.count++;
        if (host.trackDirty) this.markDirty(ks, s);
        return;
      }
    }
    this.addSlow(ks, event, t);
  }

  private addSlow(ks: HoppingKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const host = this.host;
    const p = alignedStart(t, this.pane, this.offset, host.endInclusive);
    const latest = alignedStart(p, this.slide, this.offset, false);
    const w = ks.scope.wm.value;
    const latestEnd = latest + this.size;
    const late = isDue(latestEnd, w, this.endDueAtEqual);
    let pane = ks.panes.get(p);
    if (late) {
      host.late++;
      if (!this.retain || pane === undefined) {
        host.late--;
        host.lateEvent(event, latest, latestEnd, w);
        return;
      }
    }
    if (pane === undefined) {
      pane = { start: p, acc: host.agg.createAccumulator(), count: 0 };
      ks.panes.set(p, pane);
      for (let s = latest; s + this.size > p; s -= this.slide) {
        if (isDue(s + this.size, w, this.endDueAtEqual) || ks.windows.has(s)) continue;
        const win = new Win(s, ks as HoppingKey<unknown>);
        ks.windows.set(s, win);
        host.openWindows++;
        this.heap(ks.scope).schedule(win, s + this.size);
      }
    }
    if (pane.count >= host.maxEventsPerWindow) {
      host.dropped++;
      return;
    }
    pane.acc = host.agg.add(pane.acc, event.value, t);
    pane.count++;
    if (!late && (ks.cur === null || p >= ks.cur.start)) ks.cur = pane;
    if (!this.retain && !host.trackDirty && !host.emitUpdates) return;
    let earliest = latest;
    while (earliest - this.slide + this.size > p) earliest -= this.slide;
    for (let s = earliest; s <= latest; s += this.slide) {
      const win = ks.windows.get(s);
      if (win === undefined) continue;
      if (win.state === FIRED) {
        if (this.retain) this.emit(ks, s, 'late');
      } else {
        if (host.trackDirty) win.state = DIRTY;
        if (host.emitUpdates) this.emit(ks, s, 'update');
      }
    }
  }

  private markDirty(ks: HoppingKey<ACC>, p: number): void {
    for (let s = alignedStart(p, this.slide, this.offset, false); s + this.size > p; s -= this.slide) {
      const win = ks.windows.get(s);
      if (win !== undefined && win.state === OPEN) win.state = DIRTY;
    }
  }

  /** Emits window `start` of the key as the merge of its panes. */
  private emit(ks: HoppingKey<ACC>, start: number, firing: 'final' | 'early' | 'late' | 'update'): void {
    const agg = this.host.agg;
    let acc = agg.createAccumulator();
    let count = 0;
    for (let p = start; p < start + this.size; p += this.pane) {
      const pane = ks.panes.get(p);
      if (pane === undefined) continue;
      acc = agg.merge(acc, pane.acc);
      count += pane.count;
    }
    this.host.emitWindow(ks.key, start, start + this.size, count, firing, acc);
  }

  protected fire(win: Win, w: number): void {
    const ks = win.ks as HoppingKey<ACC>;
    if (win.state !== FIRED) {
      this.host.openWindows--;
      this.emit(ks, win.start, 'final');
      // Panes of this window that no later window holds must not take on-time adds any more.
      if (ks.cur !== null && ks.cur.start < win.start + this.slide) ks.cur = null;
      const purgeAt = win.start + this.size + this.host.allowedLateness;
      if (this.retain && !isDue(purgeAt, w, this.endDueAtEqual)) {
        win.state = FIRED;
        this.heap(ks.scope).schedule(win, purgeAt);
        return;
      }
    }
    this.purge(ks, win);
  }

  private purge(ks: HoppingKey<ACC>, win: Win): void {
    ks.windows.delete(win.start);
    const until = win.start + Math.min(this.slide, this.size);
    for (let p = win.start; p < until; p += this.pane) ks.panes.delete(p);
    if (ks.cur !== null && !ks.panes.has(ks.cur.start)) ks.cur = null;
  }

  private sortedWindows(ks: HoppingKey<ACC>): Win[] {
    return [...ks.windows.values()].sort((a, b) => a.start - b.start);
  }

  flush(ks: HoppingKey<ACC>): void {
    for (const win of this.sortedWindows(ks)) {
      this.heap(ks.scope).remove(win);
      if (win.state !== FIRED) {
        this.host.openWindows--;
        this.emit(ks, win.start, 'final');
      }
    }
    this.clear(ks);
  }

  idle(): void {
    // Time windows close by watermark; the operator advances it.
  }

  early(ks: HoppingKey<ACC>): void {
    for (const win of this.sortedWindows(ks)) {
      if (win.state !== DIRTY) continue;
      win.state = OPEN;
      this.emit(ks, win.start, 'early');
    }
  }

  reset(ks: HoppingKey<ACC>): void {
    for (const win of ks.windows.values()) {
      this.heap(ks.scope).remove(win);
      if (win.state !== FIRED) this.host.openWindows--;
    }
    this.clear(ks);
  }

  private clear(ks: HoppingKey<ACC>): void {
    ks.windows.clear();
    ks.panes.clear();
    ks.cur = null;
  }

  isEmpty(ks: HoppingKey<ACC>): boolean {
    return ks.windows.size === 0 && ks.panes.size === 0;
  }

  snapshotKey(ks: HoppingKey<ACC>): unknown {
    const panes = [...ks.panes.values()].sort((a, b) => a.start - b.start).map((p) => [p.start, p.count, this.host.accToJSON(p.acc)]);
    const windows = this.sortedWindows(ks).map((win) => [win.start, win.state]);
    return { panes, windows, cur: ks.cur === null ? null : ks.cur.start };
  }

  restoreKey(ks: HoppingKey<ACC>, json: unknown): void {
    const data = json as { panes: [number, number, unknown][]; windows: [number, number][]; cur: number | null };
    for (const [start, count, acc] of data.panes) ks.panes.set(start, { start, count, acc: this.host.accFromJSON(acc) });
    for (const [start, state] of data.windows) {
      const win = new Win(start, ks as HoppingKey<unknown>);
      win.state = state;
      ks.windows.set(start, win);
      if (state === FIRED) {
        this.heap(ks.scope).schedule(win, start + this.size + this.host.allowedLateness);
      } else {
        this.host.openWindows++;
        this.heap(ks.scope).schedule(win, start + this.size);
      }
    }
    ks.cur = data.cur === null ? null : ks.panes.get(data.cur) ?? null;
  }
}
