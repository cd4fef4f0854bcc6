/**
 * Tumbling windows: one accumulator per (key, window). The key's current window is cached so an
 * in-order event costs two comparisons and one aggregate add; other windows of the key (open
 * because of out-of-order data, or kept for allowed lateness) live in a map created on demand.
 */
import { alignedStart } from '../assigners/floor-mod';
import { TimerHeap, Timed } from '../timer-heap';
import { StreamEvent } from '../types';
import { Watermark } from '../watermark';
import { Engine, EngineHost, KeyBase, isDue } from './engine';

const OPEN = 0;
const DIRTY = 1;
const FIRED = 2;

class Pane<ACC> implements Timed {
  timerAt = 0;
  heapIndex = -1;
  count = 0;
  state = OPEN;
  constructor(public start: number, public acc: ACC, public ks: TumblingKey<ACC>) {}
}

export interface TumblingKey<ACC> extends KeyBase {
  cur: Pane<ACC> | null;
  more: Map<number, Pane<ACC>> | null;
}

export class TumblingEngine<IN, ACC, OUT> implements Engine<IN, TumblingKey<ACC>> {
  readonly dueAtEqual: boolean;
  private readonly retain: boolean;

  constructor(
    private readonly host: EngineHost<IN, ACC, OUT>,
    private readonly size: number,
    private readonly offset: number,
  ) {
    this.dueAtEqual = !host.endInclusive;
    this.retain = host.lateData === 'update' && host.allowedLateness > 0;
  }

  createKey(key: string, wm: Watermark, timers: TimerHeap<Timed>): TumblingKey<ACC> {
    return { key, wm, timers, cur: null, more: null };
  }

  add(ks: TumblingKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const cur = ks.cur;
    const host = this.host;
    if (cur !== null) {
      const s = cur.start;
      if (host.endInclusive ? t > s && t <= s + this.size : t >= s && t < s + this.size) {
        if (cur.count >= host.maxEventsPerWindow) {
          host.dropped++;
          return;
        }
        cur.acc = host.agg.add(cur.acc, event.value, t);
        cur.count++;
        if (host.trackDirty) cur.state = DIRTY;
        if (host.emitUpdates) host.emitWindow(ks.key, s, s + this.size, cur.count, 'update', cur.acc);
        return;
      }
    }
    this.addSlow(ks, event, t);
  }

  private addSlow(ks: TumblingKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const host = this.host;
    const start = alignedStart(t, this.size, this.offset, host.endInclusive);
    const end = start + this.size;
    let pane = ks.cur !== null && ks.cur.start === start ? ks.cur : ks.more?.get(start);
    const w = ks.wm.value;
    if (pane === undefined) {
      if (isDue(end, w, this.dueAtEqual)) {
        // The window closed without state (purged, or never held an event).
        if (!this.retain || isDue(end + host.allowedLateness, w, this.dueAtEqual)) {
          host.lateEvent(event, start, end, w);
          return;
        }
        host.late++;
        pane = this.newPane(ks, start, true);
        ks.timers.schedule(pane, end + host.allowedLateness);
        this.addTo(pane, event, t);
        host.emitWindow(ks.key, start, end, pane.count, 'late', pane.acc);
        return;
      }
      pane = this.newPane(ks, start, false);
      ks.timers.schedule(pane, end);
    }
    if (pane.state === FIRED) {
      // Kept for allowed lateness: the correction goes out as a 'late' firing.
      host.late++;
      if (!this.addTo(pane, event, t)) return;
      host.emitWindow(ks.key, start, end, pane.count, 'late', pane.acc);
      return;
    }
    if (!this.addTo(pane, event, t)) return;
    if (host.trackDirty) pane.state = DIRTY;
    if (host.emitUpdates) host.emitWindow(ks.key, start, end, pane.count, 'update', pane.acc);
  }

  private addTo(pane: Pane<ACC>, event: StreamEvent<IN>, t: number): boolean {
    if (pane.count >= this.host.maxEventsPerWindow) {
      this.host.dropped++;
      return false;
    }
    pane.acc = this.host.agg.add(pane.acc, event.value, t);
    pane.count++;
    return true;
  }

  /** A new window; the newest open one becomes the cached current window (never a fired one). */
  private newPane(ks: TumblingKey<ACC>, start: number, fired: boolean): Pane<ACC> {
    const pane = new Pane<ACC>(start, this.host.agg.createAccumulator(), ks);
    const cur = ks.cur;
    if (fired) {
      pane.state = FIRED;
      (ks.more ??= new Map()).set(start, pane);
    } else {
      this.host.openWindows++;
      if (cur === null || cur.start < start) {
        if (cur !== null) (ks.more ??= new Map()).set(cur.start, cur);
        ks.cur = pane;
      } else {
        (ks.more ??= new Map()).set(start, pane);
      }
    }
    return pane;
  }

  fire(item: Timed, w: number): void {
    const pane = item as Pane<ACC>;
    const ks = pane.ks;
    if (pane.state !== FIRED) {
      this.host.openWindows--;
      this.host.emitWindow(ks.key, pane.start, pane.start + this.size, pane.count, 'final', pane.acc);
      const purgeAt = pane.start + this.size + this.host.allowedLateness;
      if (this.retain && !isDue(purgeAt, w, this.dueAtEqual)) {
        pane.state = FIRED;
        if (ks.cur === pane) {
          ks.cur = null;
          (ks.more ??= new Map()).set(pane.start, pane);
        }
        ks.timers.schedule(pane, purgeAt);
        return;
      }
    }
    this.removePane(ks, pane);
  }

  private removePane(ks: TumblingKey<ACC>, pane: Pane<ACC>): void {
    if (ks.cur === pane) ks.cur = null;
    else ks.more?.delete(pane.start);
    if (ks.more !== null && ks.more.size === 0) ks.more = null;
  }

  private panes(ks: TumblingKey<ACC>): Pane<ACC>[] {
    const out: Pane<ACC>[] = [];
    if (ks.cur !== null) out.push(ks.cur);
    if (ks.more !== null) for (const p of ks.more.values()) out.push(p);
    return out.sort((a, b) => a.start - b.start);
  }

  flush(ks: TumblingKey<ACC>): void {
    for (const pane of this.panes(ks)) {
      ks.timers.remove(pane);
      if (pane.state !== FIRED) {
        this.host.openWindows--;
        this.host.emitWindow(ks.key, pane.start, pane.start + this.size, pane.count, 'final', pane.acc);
      }
    }
    ks.cur = null;
    ks.more = null;
  }

  idle(): void {
    // Time windows close by watermark; the operator advances it.
  }

  early(ks: TumblingKey<ACC>): void {
    for (const pane of this.panes(ks)) {
      if (pane.state !== DIRTY) continue;
      pane.state = OPEN;
      this.host.emitWindow(ks.key, pane.start, pane.start + this.size, pane.count, 'early', pane.acc);
    }
  }

  reset(ks: TumblingKey<ACC>): void {
    for (const pane of this.panes(ks)) {
      ks.timers.remove(pane);
      if (pane.state !== FIRED) this.host.openWindows--;
    }
    ks.cur = null;
    ks.more = null;
  }

  isEmpty(ks: TumblingKey<ACC>): boolean {
    return ks.cur === null && ks.more === null;
  }

  snapshotKey(ks: TumblingKey<ACC>): unknown {
    return this.panes(ks).map((p) => [p.start, p.count, p.state, this.host.accToJSON(p.acc)]);
  }

  restoreKey(ks: TumblingKey<ACC>, json: unknown): void {
    for (const [start, count, state, acc] of json as [number, number, number, unknown][]) {
      const pane = this.newPane(ks, start, state === FIRED);
      pane.acc = this.host.accFromJSON(acc);
      pane.count = count;
      pane.state = state;
      if (state === FIRED) {
        ks.timers.schedule(pane, start + this.size + this.host.allowedLateness);
      } else {
        ks.timers.schedule(pane, start + this.size);
      }
    }
  }
}
