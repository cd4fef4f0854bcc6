/**
 * The sliding window of a lone min, max or range: one or two monotonic deques and the event
 * times, with no per-slot dispatch, so an event costs a few array operations. The events
 * themselves are not kept: a value the deques dropped can never be the answer again, so the
 * window holds one number per event instead of a message (a 10,000-event window no longer keeps
 * 10,000 messages alive), and its snapshot is the times plus the deques.
 */
import type { ExtremesAcc } from './aggregates/extremes';
import { dropFront } from './drop-front';
import { MonotonicDeque } from './monotonic-deque';
import { SlidingTimes } from './sliding-times';

/** FIFO window of (time, value) answering min/max through monotonic deques. */
export class ExtremesWindow<IN, OUT> extends SlidingTimes {
  /** Sequence number of times[0]. */
  private base = 0;
  private readonly lo: MonotonicDeque | null;
  private readonly hi: MonotonicDeque | null;
  /** Handed to `finish`; refreshed from the deques on every result. */
  private readonly view: ExtremesAcc = { lo: Infinity, hi: -Infinity };

  /** `get` reads the number from an event value; values it refuses are skipped, as add() does. */
  constructor(
    private readonly get: (value: IN) => unknown,
    private readonly accepts: (v: unknown) => boolean,
    min: boolean,
    max: boolean,
    private readonly finish: (acc: ExtremesAcc) => OUT,
  ) {
    super();
    this.lo = min ? new MonotonicDeque(false) : null;
    this.hi = max ? new MonotonicDeque(true) : null;
  }

  /** Appends the newest event. */
  push(time: number, value: IN): void {
    const seq = this.base + this.times.length;
    this.times.push(time);
    const v = this.get(value);
    if (!this.accepts(v)) return;
    if (this.lo !== null) this.lo.push(seq, v as number);
    if (this.hi !== null) this.hi.push(seq, v as number);
  }

  /** Removes the oldest event. */
  pop(): void {
    const head = this.head;
    const n = this.times.length;
    if (head >= n) return;
    if (head + 1 === n) {
      this.clear();
      return;
    }
    const seq = this.base + head;
    if (this.lo !== null) this.lo.evict(seq);
    if (this.hi !== null) this.hi.evict(seq);
    this.head = head + 1;
    if (head >= 1024 && head * 2 >= n) this.compact();
  }

  /** Aggregate result of the whole window. */
  result(): OUT {
    const view = this.view;
    const lo = this.lo === null ? undefined : this.lo.front();
    const hi = this.hi === null ? undefined : this.hi.front();
    view.lo = lo === undefined ? Infinity : lo;
    view.hi = hi === undefined ? -Infinity : hi;
    return this.finish(view);
  }

  /** The event times and the deques' candidates (sequence numbers counted from the oldest event). */
  toJSON(): unknown {
    const from = this.base + this.head;
    const deque = (d: MonotonicDeque | null): [number, number | string][] | null => {
      if (d === null) return null;
      const out: [number, number | string][] = [];
      // JSON has no Infinity; a plain min/max may hold one.
      d.forEach((seq, x) => out.push([seq - from, Number.isFinite(x) ? x : String(x)]));
      return out;
    };
    return { times: this.times.slice(this.head), lo: deque(this.lo), hi: deque(this.hi) };
  }

  /** Loads a toJSON state, or pushes a list of [time, value] events. */
  fromJSON(json: unknown): void {
    if (Array.isArray(json)) {
      for (const [t, v] of json as [number, IN][]) this.push(t, v);
      return;
    }
    const data = json as { times: number[]; lo: [number, number | string][] | null; hi: [number, number | string][] | null };
    this.clear();
    const from = this.base;
    for (const t of data.times) this.times.push(t);
    for (const [seq, x] of data.lo ?? []) this.lo?.push(from + seq, Number(x));
    for (const [seq, x] of data.hi ?? []) this.hi?.push(from + seq, Number(x));
  }

  /** Empties the window. */
  clear(): void {
    this.base += this.times.length;
    this.times.length = 0;
    this.head = 0;
    if (this.lo !== null) this.lo.clear();
    if (this.hi !== null) this.hi.clear();
  }

  private compact(): void {
    const h = this.head;
    dropFront(this.times, h);
    this.base += h;
    this.head = 0;
  }
}
