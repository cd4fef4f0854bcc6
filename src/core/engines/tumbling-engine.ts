/**
 * Tumbling windows. The key state itself holds the key's newest window (start, end, accumulator,
 * count, lifecycle state), so an in-order event costs one range check and one aggregate add, and
 * an open window costs little more than its accumulator. Other windows of the key (still open
 * because of out-of-order data, or kept for allowed lateness) are TumblingWindow objects in a side
 * map that exists only for keys that have them. Timers are grouped per window end (BucketTimers),
 * as every key's windows end at the same instants. Windows have one size, aligned to the epoch,
 * or are calendar windows (days, weeks, shifts in a time zone) whose length changes with daylight
 * saving time: each window keeps its own end.
 */
import { inWindow } from '../assigners/floor-mod';
import { tumblingWindowStart } from '../assigners/tumbling';
import { CalendarSpec, assignCalendar } from '../assigners/calendar';
import { BucketTimers } from '../bucket-timers';
import { StreamEvent } from '../types';
import { Engine, KeyBase, Scope, isDue } from './engine';
import { snapArray, snapCount, snapObject, snapOneOf, snapTime } from '../snapshot-check';
import { WINDOW_STATES } from '../snapshot-schema';
import { LifecycleState, WindowLifecycle, isOpen } from '../window-lifecycle';

/** The timer store of tumbling windows: windows grouped by due time. */
type TumblingTimers<ACC> = BucketTimers<TumblingKey<ACC> | TumblingWindow<ACC>>;

/** A key's state, holding its newest window inline ('purged' when it has none there). */
export class TumblingKey<ACC> implements KeyBase<TumblingTimers<ACC>> {
  start = 0;
  end = 0;
  acc: ACC | null = null;
  count = 0;
  state: LifecycleState = 'purged';
  constructor(
    public readonly key: string,
    public readonly scope: Scope<TumblingTimers<ACC>>,
  ) {}
}

/** A window of the key other than its newest. */
class TumblingWindow<ACC> {
  constructor(
    public start: number,
    public end: number,
    public acc: ACC | null,
    public count: number,
    public state: LifecycleState,
    public readonly ks: TumblingKey<ACC>,
  ) {}
}

type Item<ACC> = TumblingKey<ACC> | TumblingWindow<ACC>;

/** Tumbling windows. */
export class TumblingEngine<IN, ACC, OUT> implements Engine<IN, TumblingKey<ACC>, TumblingTimers<ACC>> {
  private readonly dueAtEqual: boolean;
  private readonly others = new Map<TumblingKey<ACC>, Map<number, TumblingWindow<ACC>>>();

  constructor(
    private readonly life: WindowLifecycle<IN, ACC, OUT>,
    private readonly size: number,
    private readonly offset: number,
    private readonly calendar?: CalendarSpec,
  ) {
    this.dueAtEqual = !life.endInclusive;
  }

  newTimers(): TumblingTimers<ACC> {
    return new BucketTimers<Item<ACC>>();
  }

  createKey(key: string, scope: Scope<TumblingTimers<ACC>>): TumblingKey<ACC> {
    return new TumblingKey<ACC>(key, scope);
  }

  add(ks: TumblingKey<ACC>, event: StreamEvent<IN>, t: number): void {
    // The newest window takes in-order events.
    if (ks.state !== 'purged' && inWindow(t, ks.start, ks.end, this.life.endInclusive)) this.addTo(ks, ks.key, event, t);
    else this.addSlow(ks, event, t);
  }

  private addSlow(ks: TumblingKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const life = this.life;
    let start: number;
    let end: number;
    if (this.calendar !== undefined) {
      const cw = assignCalendar(t, this.calendar);
      start = cw.start;
      end = cw.end;
    } else {
      start = tumblingWindowStart(t, this.size, this.offset, life.endInclusive);
      end = start + this.size;
    }
    const w = ks.scope.wm.value;
    const side = this.others.size > 0 ? this.others.get(ks) : undefined;
    const kept = side?.get(start);
    if (kept !== undefined) {
      // Fired and kept for allowed lateness: the correction goes out as a 'late' firing.
      if (kept.state === 'fired' && !life.lateEvent(event, start, end, w, true)) return;
      this.addTo(kept, ks.key, event, t);
      return;
    }
    if (isDue(end, w, this.dueAtEqual)) {
      // The window closed without state left (purged, or it never held an event).
      if (!life.lateEvent(event, start, end, w, life.isKept(end, w, this.dueAtEqual))) return;
      const late = this.sideWindow(ks, start, end, life.agg.createAccumulator(), 0, 'fired');
      ks.scope.timers.schedule(late, life.cleanupTime(end));
      this.addTo(late, ks.key, event, t);
      return;
    }
    this.addTo(this.openWindow(ks, start, end, life.agg.createAccumulator(), 0, 'open'), ks.key, event, t);
  }

  /** A new open window: inline when it is the key's newest, else a side window. */
  private openWindow(ks: TumblingKey<ACC>, start: number, end: number, acc: ACC, count: number, state: LifecycleState): Item<ACC> {
    const timers = ks.scope.timers;
    this.life.opened();
    if (ks.state !== 'purged' && ks.start > start) {
      const win = this.sideWindow(ks, start, end, acc, count, state);
      timers.schedule(win, end);
      return win;
    }
    if (ks.state !== 'purged') {
      // The inline window is still open (out-of-order allowance): it moves aside.
      const moved = this.sideWindow(ks, ks.start, ks.end, ks.acc, ks.count, ks.state);
      timers.schedule(moved, moved.end);
    }
    ks.start = start;
    ks.end = end;
    ks.acc = acc;
    ks.count = count;
    ks.state = state;
    timers.schedule(ks, end);
    return ks;
  }

  private sideWindow(ks: TumblingKey<ACC>, start: number, end: number, acc: ACC | null, count: number, state: LifecycleState): TumblingWindow<ACC> {
    const win = new TumblingWindow<ACC>(start, end, acc, count, state, ks);
    let side = this.others.get(ks);
    if (side === undefined) {
      side = new Map();
      this.others.set(ks, side);
    }
    side.set(start, win);
    return win;
  }

  /** Adds the event to a window holding state, within the event limit, and emits what the trigger asks for. */
  private addTo(item: Item<ACC>, key: string, event: StreamEvent<IN>, t: number): void {
    const life = this.life;
    if (!life.admits(item.count)) return;
    const acc = life.agg.add(item.acc as ACC, event.value, t);
    item.acc = acc;
    item.count++;
    const firing = life.added(item);
    if (firing !== undefined) life.emit(key, item.start, item.end, item.count, firing, acc);
  }

  fireDue(scope: Scope<TumblingTimers<ACC>>, w: number, inclusive: boolean): void {
    const timers = scope.timers;
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
    const life = this.life;
    const end = item.end;
    const ks = item instanceof TumblingWindow ? item.ks : item;
    if (isOpen(item.state)) {
      if (end !== time) return;
      const kept = life.fire(item, end, w, this.dueAtEqual);
      life.emit(ks.key, item.start, end, item.count, 'final', item.acc as ACC);
      if (kept) {
        const win = item instanceof TumblingWindow ? item : this.sideWindow(ks, item.start, end, item.acc, item.count, 'fired');
        ks.scope.timers.schedule(win, life.cleanupTime(end));
        if (win !== item) this.clearInline(ks);
        return;
      }
      if (item instanceof TumblingWindow) this.removeSide(item);
      else this.clearInline(ks);
    } else if (item.state === 'fired' && item instanceof TumblingWindow && life.cleanupTime(end) === time) {
      this.removeSide(item);
    }
  }

  private clearInline(ks: TumblingKey<ACC>): void {
    ks.acc = null;
    ks.count = 0;
    ks.state = 'purged';
  }

  private removeSide(win: TumblingWindow<ACC>): void {
    // Its timer may still hold the window until its time comes; the accumulator need not wait.
    win.state = 'purged';
    win.acc = null;
    const side = this.others.get(win.ks);
    if (side === undefined) return;
    side.delete(win.start);
    if (side.size === 0) this.others.delete(win.ks);
  }

  nextTimer(scope: Scope<TumblingTimers<ACC>>): number | undefined {
    const time = scope.timers.peekTime();
    if (time === undefined) return undefined;
    return this.dueAtEqual ? time : time + 1;
  }

  latestTimer(scope: Scope<TumblingTimers<ACC>>): number {
    return scope.timers.maxTime();
  }

  hasTimers(scope: Scope<TumblingTimers<ACC>>): boolean {
    return scope.timers.size > 0;
  }

  /** The key's windows holding state, oldest first. */
  private windowsOf(ks: TumblingKey<ACC>): Item<ACC>[] {
    const out: Item<ACC>[] = [];
    if (ks.state !== 'purged') out.push(ks);
    const side = this.others.get(ks);
    if (side !== undefined) for (const win of side.values()) out.push(win);
    return out.sort((a, b) => a.start - b.start);
  }

  flush(ks: TumblingKey<ACC>): void {
    for (const item of this.windowsOf(ks)) {
      if (isOpen(item.state)) {
        this.life.closed();
        this.life.emit(ks.key, item.start, item.end, item.count, 'final', item.acc as ACC);
      }
    }
    this.drop(ks);
  }

  private drop(ks: TumblingKey<ACC>): void {
    const side = this.others.get(ks);
    if (side !== undefined) for (const win of side.values()) this.removeSide(win);
    this.others.delete(ks);
    this.clearInline(ks);
  }

  idle(): void {
    // Time windows close by watermark; the operator advances it.
  }

  early(ks: TumblingKey<ACC>): void {
    for (const item of this.windowsOf(ks)) {
      if (this.life.early(item)) this.life.emit(ks.key, item.start, item.end, item.count, 'early', item.acc as ACC);
    }
  }

  reset(ks: TumblingKey<ACC>): void {
    for (const item of this.windowsOf(ks)) if (isOpen(item.state)) this.life.closed();
    this.drop(ks);
  }

  isEmpty(ks: TumblingKey<ACC>): boolean {
    return ks.state === 'purged' && !this.others.has(ks);
  }

  snapshotKey(ks: TumblingKey<ACC>): Record<string, unknown> {
    return {
      windows: this.windowsOf(ks).map((item) => ({ start: item.start, count: item.count, state: item.state, acc: this.life.accToJSON(item.acc as ACC) })),
    };
  }

  restoreKey(ks: TumblingKey<ACC>, saved: Record<string, unknown>): void {
    // Checked whole before any window is opened, so a bad entry leaves nothing behind.
    const windows = snapArray(saved.windows, `key ${JSON.stringify(ks.key)} windows`).map((entry, i) => {
      const what = `key ${JSON.stringify(ks.key)} window ${i}`;
      const w = snapObject(entry, what);
      return [
        snapTime(w.start, `${what} start`),
        snapCount(w.count, `${what} count`),
        snapOneOf(w.state, WINDOW_STATES, `${what} state`),
        this.life.accFromJSON(w.acc),
      ] as const;
    });
    for (const [start, count, state, acc] of windows) {
      const end = this.calendar !== undefined ? assignCalendar(start, this.calendar).end : start + this.size;
      if (state === 'fired') {
        const win = this.sideWindow(ks, start, end, acc, count, state);
        ks.scope.timers.schedule(win, this.life.cleanupTime(end));
      } else {
        this.openWindow(ks, start, end, acc, count, state);
      }
    }
  }
}
