/**
 * Window join (Flink's window join): left and right events of the same key that fall into the
 * same tumbling or hopping window [start, end) form pairs, emitted together when the watermark
 * reaches the window's end (in event-time order: left by left, each with the right events by
 * time). Outer joins emit, per window, the events of their side that met nobody in it, once the
 * window's state is dropped (watermark ≥ end + allowed lateness). An event arriving after its
 * window fired but within allowed lateness pairs with what the window holds at once (late).
 */
import { TimeWindow } from '../types';
import { assignHopping } from '../assigners/hopping';
import { assignTumbling } from '../assigners/tumbling';
import { Buffered, JoinHost, JoinKey, JoinSide, JoinStrategy, JoinWindow } from './join-types';
import { loadEvents, saveEvents } from './saved-events';
import { SnapshotError, snapArray, snapObject, snapWindow } from '../snapshot-check';

const byTime = (a: Buffered<unknown>, b: Buffered<unknown>): number => a.time - b.time;

/** The window join over tumbling (slide = size) or hopping windows. */
export class WindowJoin<IN> implements JoinStrategy<IN> {
  constructor(
    private readonly host: JoinHost<IN>,
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {}

  /** The windows holding `time`, earliest first. */
  windowsOf(time: number): TimeWindow[] {
    return this.slide === this.size ? [assignTumbling(time, this.size, this.offset)] : assignHopping(time, this.size, this.slide, this.offset);
  }

  isLate(time: number, watermark: number): boolean {
    const ws = this.windowsOf(time);
    return ws.length === 0 || ws[ws.length - 1].end + this.host.allowedLateness <= watermark;
  }

  add(ks: JoinKey<IN>, side: JoinSide, event: Buffered<IN>, watermark: number): void {
    const kept = this.windowsOf(event.time).filter((w) => w.end + this.host.allowedLateness > watermark);
    // An event enters every window holding it or none (as the window nodes do with a full window).
    for (const w of kept) {
      const open = ks.windows.get(w.start);
      if (open !== undefined && open.left.length + open.right.length >= this.host.maxEventsPerWindow) return this.host.drop();
    }
    const left = side === 'left';
    for (const w of kept) {
      let win = ks.windows.get(w.start);
      if (win === undefined) {
        win = { start: w.start, end: w.end, left: [], right: [], fired: false };
        ks.windows.set(w.start, win);
      }
      // Per window, so an outer join can tell in which window an event met nobody.
      const entry: Buffered<IN> = { time: event.time, value: event.value, matched: false };
      if (win.fired) {
        for (const o of left ? win.right : win.left) {
          o.matched = entry.matched = true;
          this.host.emit({ key: ks.key, left: left ? entry : o, right: left ? o : entry, window: { start: win.start, end: win.end }, late: true });
        }
      }
      (left ? win.left : win.right).push(entry);
    }
  }

  expire(ks: JoinKey<IN>, watermark: number): void {
    const due: JoinWindow<IN>[] = [];
    for (const w of ks.windows.values()) if (watermark >= (w.fired ? w.end + this.host.allowedLateness : w.end)) due.push(w);
    due.sort((a, b) => a.end - b.end || a.start - b.start);
    for (const w of due) {
      if (!w.fired) this.fire(ks, w);
      if (watermark >= w.end + this.host.allowedLateness) this.close(ks, w);
    }
  }

  flush(ks: JoinKey<IN>): void {
    const all = [...ks.windows.values()].sort((a, b) => a.end - b.end || a.start - b.start);
    for (const w of all) {
      if (!w.fired) this.fire(ks, w);
      this.close(ks, w);
    }
  }

  dueAt(ks: JoinKey<IN>): number {
    let at = Infinity;
    for (const w of ks.windows.values()) {
      const t = w.fired ? w.end + this.host.allowedLateness : w.end;
      if (t < at) at = t;
    }
    return at;
  }

  open(ks: JoinKey<IN>): number {
    return ks.windows.size;
  }

  snapshotKey(ks: JoinKey<IN>): Record<string, unknown> {
    return {
      windows: [...ks.windows.values()].map((w) => ({ start: w.start, end: w.end, fired: w.fired, left: saveEvents(w.left), right: saveEvents(w.right) })),
    };
  }

  restoreKey(ks: JoinKey<IN>, saved: Record<string, unknown>): void {
    const what = `key ${JSON.stringify(ks.key)}`;
    const windows = snapArray(saved.windows, `${what} windows`).map((entry, i): JoinWindow<IN> => {
      const at = `${what} window ${i}`;
      const w = snapObject(entry, at);
      const [start, end] = snapWindow(w.start, w.end, at);
      if (typeof w.fired !== 'boolean') throw SnapshotError.because('snapshotBoolean', { what: `${at} fired` });
      return { start, end, fired: w.fired, left: loadEvents<IN>(w.left, `${at} left`), right: loadEvents<IN>(w.right, `${at} right`) };
    });
    for (const w of windows) {
      if (ks.windows.has(w.start)) throw SnapshotError.because('snapshotSameStart', { what, start: w.start });
      ks.windows.set(w.start, w);
    }
  }

  private fire(ks: JoinKey<IN>, w: JoinWindow<IN>): void {
    w.fired = true;
    // Events arrive out of order within the bound; pairs leave in event-time order (sort is stable).
    w.left.sort(byTime);
    w.right.sort(byTime);
    if (w.left.length === 0 || w.right.length === 0) return;
    const window = { start: w.start, end: w.end };
    for (const l of w.left) {
      for (const r of w.right) {
        l.matched = r.matched = true;
        this.host.emit({ key: ks.key, left: l, right: r, window, late: false });
      }
    }
  }

  private close(ks: JoinKey<IN>, w: JoinWindow<IN>): void {
    ks.windows.delete(w.start);
    const window = { start: w.start, end: w.end };
    if (this.host.leftOuter) for (const l of w.left) if (!l.matched) this.host.emit({ key: ks.key, left: l, right: null, window, late: false });
    if (this.host.rightOuter) for (const r of w.right) if (!r.matched) this.host.emit({ key: ks.key, left: null, right: r, window, late: false });
  }
}
