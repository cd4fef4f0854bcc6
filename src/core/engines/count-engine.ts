/**
 * Global windows per key, in arrival order: with a count, every `count` events form a window and a
 * new one opens every count - overlap events (each event is added to the ≤ ceil(count / step)
 * windows open at that moment); without a count, one window collects until it is flushed.
 * Watermarks do not apply. A window reports the event-time range of its events as start and end.
 */
import { countWindowStep, opensCountWindow } from '../assigners/global-count';
import { StreamEvent } from '../types';
import { Engine, KeyBase, Scope } from './engine';
import { snapArray, snapCount, snapObject, snapTime } from '../snapshot-check';
import { NO_TIMERS, TimerStore } from '../timer-store';
import { LifecycleState, WindowLifecycle } from '../window-lifecycle';

interface CountWindow<ACC> {
  acc: ACC;
  count: number;
  start: number;
  end: number;
  state: LifecycleState;
}

/** A key's count-window state. */
export interface CountKey<ACC> extends KeyBase {
  /** Events of the key so far (modulo the step), to know when a window opens. */
  n: number;
  /** Open windows, oldest first. */
  open: CountWindow<ACC>[];
}

/** Count (and flush-only) global windows. */
export class CountEngine<IN, ACC, OUT> implements Engine<IN, CountKey<ACC>, TimerStore> {
  private readonly step: number;

  constructor(
    private readonly life: WindowLifecycle<IN, ACC, OUT>,
    private readonly count: number | undefined,
    private readonly overlap: number,
  ) {
    this.step = count === undefined ? Infinity : countWindowStep(count, overlap);
  }

  newTimers(): TimerStore {
    return NO_TIMERS;
  }

  fireDue(): void {
    // Count windows have no timers.
  }

  nextTimer(): undefined {
    return undefined;
  }

  latestTimer(): number {
    return -Infinity;
  }

  hasTimers(): boolean {
    return false;
  }

  createKey(key: string, scope: Scope<TimerStore>): CountKey<ACC> {
    return { key, scope, n: 0, open: [] };
  }

  add(ks: CountKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const life = this.life;
    const open = ks.open;
    if (this.count === undefined ? open.length === 0 : opensCountWindow(ks.n, this.count, this.overlap)) {
      open.push({ acc: life.agg.createAccumulator(), count: 0, start: t, end: t, state: 'open' });
      life.opened();
    }
    if (this.count !== undefined) ks.n = (ks.n + 1) % this.step;
    let added = false;
    for (const win of open) {
      // A full window lets the others take the event; it is dropped only when none can.
      if (life.full(win.count)) continue;
      win.acc = life.agg.add(win.acc, event.value, t);
      win.count++;
      if (t < win.start) win.start = t;
      if (t > win.end) win.end = t;
      added = true;
      const firing = life.added(win);
      if (firing !== undefined) life.emit(ks.key, win.start, win.end, win.count, firing, win.acc);
    }
    if (!added) life.drop();
    const full = this.count !== undefined && open.length > 0 && open[0].count >= this.count ? open.shift() : undefined;
    if (full !== undefined) {
      life.closed();
      full.state = 'purged';
      life.emit(ks.key, full.start, full.end, full.count, 'final', full.acc);
    }
  }

  flush(ks: CountKey<ACC>): void {
    for (const win of ks.open) {
      this.life.closed();
      this.life.emit(ks.key, win.start, win.end, win.count, 'final', win.acc);
    }
    ks.open = [];
    ks.n = 0;
  }

  idle(ks: CountKey<ACC>): void {
    this.flush(ks);
  }

  early(ks: CountKey<ACC>): void {
    for (const win of ks.open) if (this.life.early(win)) this.life.emit(ks.key, win.start, win.end, win.count, 'early', win.acc);
  }

  reset(ks: CountKey<ACC>): void {
    this.life.closed(ks.open.length);
    ks.open = [];
    ks.n = 0;
  }

  isEmpty(ks: CountKey<ACC>): boolean {
    return ks.open.length === 0;
  }

  snapshotKey(ks: CountKey<ACC>): Record<string, unknown> {
    return { sinceLastOpen: ks.n, windows: ks.open.map((w) => ({ start: w.start, end: w.end, count: w.count, acc: this.life.accToJSON(w.acc) })) };
  }

  restoreKey(ks: CountKey<ACC>, saved: Record<string, unknown>): void {
    const what = `key ${JSON.stringify(ks.key)}`;
    const n = snapCount(saved.sinceLastOpen, `${what} sinceLastOpen`);
    const open = snapArray(saved.windows, `${what} windows`).map((entry, i) => {
      const w = snapObject(entry, `${what} window ${i}`);
      return {
        acc: this.life.accFromJSON(w.acc),
        count: snapCount(w.count, `${what} window ${i} count`),
        start: snapTime(w.start, `${what} window ${i} start`),
        end: snapTime(w.end, `${what} window ${i} end`),
        state: 'open' as const,
      };
    });
    ks.n = n;
    for (const w of open) {
      ks.open.push(w);
      this.life.opened();
    }
  }
}
