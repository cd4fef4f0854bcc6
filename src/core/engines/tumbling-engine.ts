/**
 * Tumbling windows. The key state itself holds the key's newest open window (start, accumulator,
 * count and state packed in one small integer), so an in-order event costs two comparisons and
 * one aggregate add, and an open window costs little more than its accumulator. Other windows of
 * the key (still open because of out-of-order data, or kept for allowed lateness) are Pane
 * objects in a side map that exists only for keys that have them. Timers are grouped per window
 * end (BucketTimers), as every key's windows end at the same instants. Windows have one size,
 * aligned to the epoch, or are calendar windows (days, weeks, shifts in a time zone) whose length
 * changes with daylight saving time: each window keeps its own end.
 */
import { alignedStart } from '../assigners/floor-mod';
import { CalendarSpec, assignCalendar } from '../assigners/calendar';
import { BucketTimers } from '../bucket-timers';
import { StreamEvent } from '../types';
import { Engine, EngineHost, KeyBase, Scope, isDue } from './engine';
import { snapArray, snapCount, snapObject, snapTime } from '../snapshot-check';
import { WindowStateCodes, windowStateCode, windowStateName } from '../snapshot-schema';

// Low 3 bits of `cs`: window state; the rest: event count (cs = count * 8 + state).
const EMPTY = 0;
const OPEN = 1;
const DIRTY = 2;
const FIRED = 3;
const REMOVED = 4;
const STATE = 7;
/** The saved names of the window states. */
const SAVED_STATES: WindowStateCodes = { open: OPEN, changed: DIRTY, fired: FIRED };
const ONE = 8;

/** A key's state, holding its newest open window inline. */
export class TumblingKey<ACC> implements KeyBase {
  /** Start of the inline window; NaN when there is none, so range checks fail without a branch. */
  start = NaN;
  /** End of the inline window (NaN when there is none). */
  end = NaN;
  acc: ACC | null = null;
  cs = EMPTY;
  constructor(
    public readonly key: string,
    public readonly scope: Scope,
  ) {}
}

class Pane<ACC> {
  constructor(
    public start: number,
    public end: number,
    public acc: ACC,
    public cs: number,
    public readonly ks: TumblingKey<ACC>,
  ) {}
}

type Item<ACC> = TumblingKey<ACC> | Pane<ACC>;

/** Tumbling windows. */
export class TumblingEngine<IN, ACC, OUT> implements Engine<IN, TumblingKey<ACC>> {
  private readonly retain: boolean;
  private readonly dueAtEqual: boolean;
  private readonly others = new Map<TumblingKey<ACC>, Map<number, Pane<ACC>>>();

  constructor(
    private readonly host: EngineHost<IN, ACC, OUT>,
    private readonly size: number,
    private readonly offset: number,
    private readonly calendar?: CalendarSpec,
  ) {
    this.dueAtEqual = !host.endInclusive;
    this.retain = host.lateData === 'update' && host.allowedLateness > 0;
  }

  newTimers(): BucketTimers<Item<ACC>> {
    return new BucketTimers<Item<ACC>>();
  }

  createKey(key: string, scope: Scope): TumblingKey<ACC> {
    return new TumblingKey<ACC>(key, scope);
  }

  add(ks: TumblingKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const host = this.host;
    const s = ks.start;
    const e = ks.end;
    if (host.endInclusive ? t > s && t <= e : t >= s && t < e) {
      const cs = ks.cs;
      if (cs >> 3 >= host.maxEventsPerWindow) {
        host.dropped++;
        return;
      }
      ks.acc = host.agg.add(ks.acc as ACC, event.value, t);
      ks.cs = host.trackDirty ? (cs & ~STATE) + ONE + DIRTY : cs + ONE;
      if (host.emitUpdates) host.emitWindow(ks.key, s, e, ks.cs >> 3, 'update', ks.acc);
      return;
    }
    this.addSlow(ks, event, t);
  }

  private addSlow(ks: TumblingKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const host = this.host;
    let start: number;
    let end: number;
    if (this.calendar !== undefined) {
      const cw = assignCalendar(t, this.calendar);
      start = cw.start;
      end = cw.end;
    } else {
      start = alignedStart(t, this.size, this.offset, host.endInclusive);
      end = start + this.size;
    }
    const w = ks.scope.wm.value;
    const timers = ks.scope.timers as BucketTimers<Item<ACC>>;
    const side = this.others.size > 0 ? this.others.get(ks) : undefined;
    const pane = side?.get(start);
    if (pane !== undefined) {
      if ((pane.cs & STATE) === FIRED) {
        // Kept for allowed lateness: the correction goes out as a 'late' firing.
        host.late++;
        if (this.addTo(pane, event, t, false)) host.emitWindow(ks.key, start, end, pane.cs >> 3, 'late', pane.acc);
        return;
      }
      if (this.addTo(pane, event, t, host.trackDirty) && host.emitUpdates) host.emitWindow(ks.key, start, end, pane.cs >> 3, 'update', pane.acc);
      return;
    }
    if (isDue(end, w, this.dueAtEqual)) {
      // The window closed without state left (purged, or it never held an event).
      if (!this.retain || isDue(end + host.allowedLateness, w, this.dueAtEqual)) {
        host.lateEvent(event, start, end, w);
        return;
      }
      host.late++;
      const late = this.sidePane(ks, start, end, host.agg.createAccumulator(), FIRED);
      timers.schedule(late, end + host.allowedLateness);
      if (this.addTo(late, event, t, false)) host.emitWindow(ks.key, start, end, late.cs >> 3, 'late', late.acc);
      return;
    }
    const target = this.openWindow(ks, start, end, host.agg.createAccumulator(), OPEN);
    if (this.addTo(target, event, t, host.trackDirty) && host.emitUpdates) host.emitWindow(ks.key, start, end, target.cs >> 3, 'update', target.acc as ACC);
  }

  /** A new open window: inline when it is the key's newest, else a side pane. */
  private openWindow(ks: TumblingKey<ACC>, start: number, end: number, acc: ACC, cs: number): Item<ACC> {
    const timers = ks.scope.timers as BucketTimers<Item<ACC>>;
    this.host.openWindows++;
    if ((ks.cs & STATE) !== EMPTY && ks.start > start) {
      const pane = this.sidePane(ks, start, end, acc, cs);
      timers.schedule(pane, end);
      return pane;
    }
    if ((ks.cs & STATE) !== EMPTY) {
      // The inline window is still open (out-of-order allowance): it moves aside.
      const moved = this.sidePane(ks, ks.start, ks.end, ks.acc as ACC, ks.cs);
      timers.schedule(moved, moved.end);
    }
    ks.start = start;
    ks.end = end;
    ks.acc = acc;
    ks.cs = cs;
    timers.schedule(ks, end);
    return ks;
  }

  private sidePane(ks: TumblingKey<ACC>, start: number, end: number, acc: ACC, cs: number): Pane<ACC> {
    const pane = new Pane<ACC>(start, end, acc, cs, ks);
    let side = this.others.get(ks);
    if (side === undefined) {
      side = new Map();
      this.others.set(ks, side);
    }
    side.set(start, pane);
    return pane;
  }

  private addTo(item: Item<ACC>, event: StreamEvent<IN>, t: number, dirty: boolean): boolean {
    const host = this.host;
    if (item.cs >> 3 >= host.maxEventsPerWindow) {
      host.dropped++;
      return false;
    }
    item.acc = host.agg.add(item.acc as ACC, event.value, t);
    item.cs = dirty ? (item.cs & ~STATE) + ONE + DIRTY : item.cs + ONE;
    return true;
  }

  fireDue(scope: Scope, w: number, inclusive: boolean): void {
    const timers = scope.timers as BucketTimers<Item<ACC>>;
    const dueAtEqual = inclusive || this.dueAtEqual;
    for (;;) {
      const time = timers.peekTime();
      if (time === undefined || !isDue(time, w, dueAtEqual)) return;
      const group = timers.popGroup();
      for (let i = 0; i < group.length; i++) this.fire(group[i], time, w);
    }
  }

  /** A timer at `time` for `item`; stale when the item no longer has a window due then. */
  private fire(item: Item<ACC>, time: number, w: number): void {
    const state = item.cs & STATE;
    const host = this.host;
    const end = item.end;
    const ks = item instanceof Pane ? item.ks : item;
    if (state === OPEN || state === DIRTY) {
      if (end !== time) return;
      host.openWindows--;
      host.emitWindow(ks.key, item.start, end, item.cs >> 3, 'final', item.acc as ACC);
      const purgeAt = end + host.allowedLateness;
      if (this.retain && !isDue(purgeAt, w, this.dueAtEqual)) {
        const kept = item instanceof Pane ? item : this.sidePane(ks, item.start, item.end, item.acc as ACC, 0);
        kept.cs = (item.cs & ~STATE) + FIRED;
        (ks.scope.timers as BucketTimers<Item<ACC>>).schedule(kept, purgeAt);
        if (kept !== item) this.clearInline(ks);
        return;
      }
      if (item instanceof Pane) this.removePane(item);
      else this.clearInline(ks);
    } else if (state === FIRED && item instanceof Pane && end + host.allowedLateness === time) {
      this.removePane(item);
    }
  }

  private clearInline(ks: TumblingKey<ACC>): void {
    ks.start = NaN;
    ks.end = NaN;
    ks.acc = null;
    ks.cs = EMPTY;
  }

  private removePane(pane: Pane<ACC>): void {
    // Its timer may still hold the pane until its time comes; the accumulator need not wait.
    pane.cs = REMOVED;
    pane.acc = null as ACC;
    const side = this.others.get(pane.ks);
    if (side === undefined) return;
    side.delete(pane.start);
    if (side.size === 0) this.others.delete(pane.ks);
  }

  nextTimer(scope: Scope): number | undefined {
    const time = (scope.timers as BucketTimers<Item<ACC>>).peekTime();
    if (time === undefined) return undefined;
    return this.dueAtEqual ? time : time + 1;
  }

  latestTimer(scope: Scope): number {
    return (scope.timers as BucketTimers<Item<ACC>>).maxTime();
  }

  hasTimers(scope: Scope): boolean {
    return (scope.timers as BucketTimers<Item<ACC>>).size > 0;
  }

  /** The key's windows, oldest first: [start, acc, count, state, item]. */
  private windowsOf(ks: TumblingKey<ACC>): Item<ACC>[] {
    const out: Item<ACC>[] = [];
    if ((ks.cs & STATE) !== EMPTY) out.push(ks);
    const side = this.others.get(ks);
    if (side !== undefined) for (const p of side.values()) out.push(p);
    return out.sort((a, b) => a.start - b.start);
  }

  flush(ks: TumblingKey<ACC>): void {
    for (const item of this.windowsOf(ks)) {
      const state = item.cs & STATE;
      if (state === OPEN || state === DIRTY) {
        this.host.openWindows--;
        this.host.emitWindow(ks.key, item.start, item.end, item.cs >> 3, 'final', item.acc as ACC);
      }
    }
    this.drop(ks);
  }

  private drop(ks: TumblingKey<ACC>): void {
    const side = this.others.get(ks);
    if (side !== undefined) for (const p of side.values()) this.removePane(p);
    this.others.delete(ks);
    this.clearInline(ks);
  }

  idle(): void {
    // Time windows close by watermark; the operator advances it.
  }

  early(ks: TumblingKey<ACC>): void {
    for (const item of this.windowsOf(ks)) {
      if ((item.cs & STATE) !== DIRTY) continue;
      item.cs = (item.cs & ~STATE) + OPEN;
      this.host.emitWindow(ks.key, item.start, item.end, item.cs >> 3, 'early', item.acc as ACC);
    }
  }

  reset(ks: TumblingKey<ACC>): void {
    for (const item of this.windowsOf(ks)) {
      const state = item.cs & STATE;
      if (state === OPEN || state === DIRTY) this.host.openWindows--;
    }
    this.drop(ks);
  }

  isEmpty(ks: TumblingKey<ACC>): boolean {
    return (ks.cs & STATE) === EMPTY && !this.others.has(ks);
  }

  snapshotKey(ks: TumblingKey<ACC>): Record<string, unknown> {
    return {
      windows: this.windowsOf(ks).map((item) => ({ start: item.start, count: item.cs >> 3, state: windowStateName(item.cs & STATE, SAVED_STATES), acc: this.host.accToJSON(item.acc as ACC) })),
    };
  }

  restoreKey(ks: TumblingKey<ACC>, saved: Record<string, unknown>): void {
    // Checked whole before any window is opened, so a bad entry leaves nothing behind.
    const windows = snapArray(saved.windows, `key ${JSON.stringify(ks.key)} windows`).map((entry, i) => {
      const what = `key ${JSON.stringify(ks.key)} window ${i}`;
      const w = snapObject(entry, what);
      return [snapTime(w.start, `${what} start`), snapCount(w.count, `${what} count`), windowStateCode(w.state, SAVED_STATES, `${what} state`), this.host.accFromJSON(w.acc)] as const;
    });
    for (const [start, count, state, acc] of windows) {
      const cs = count * ONE + state;
      const end = this.calendar !== undefined ? assignCalendar(start, this.calendar).end : start + this.size;
      if (state === FIRED) {
        const pane = this.sidePane(ks, start, end, acc, cs);
        (ks.scope.timers as BucketTimers<Item<ACC>>).schedule(pane, end + this.host.allowedLateness);
      } else {
        this.openWindow(ks, start, end, acc, cs);
      }
    }
  }
}
