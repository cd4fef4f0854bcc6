/**
 * A sliding window whose aggregates are updated on exit instead of rebuilt: count and sum/avg
 * subtract the leaving value, variance runs Welford's update backwards, min and max keep
 * monotonic deques, first/last/rate a queue of the values they used (events enter in event-time
 * order, so its ends are the first and the last). Nothing is allocated per event beyond the slots
 * of a few growing arrays.
 *
 * Subtracting floating-point values drifts a little with every exit, so sums and variances are
 * recomputed from the window's values once four times as many events have left as it holds
 * (amortized O(1) per event), and reset exactly whenever the window empties.
 *
 * The events themselves are not kept, only what the slots took from them (a number per event for
 * count, sum and variance, the deques' candidates, the values first/last used): an average over
 * 10,000 events holds 10,000 numbers, not 10,000 messages, and its snapshot holds no message.
 */
import type { CountAcc } from './aggregates/count';
import { dropFront } from './drop-front';
import type { ExtremesAcc } from './aggregates/extremes';
import type { FirstLastAcc } from './aggregates/first-last';
import type { SumAcc } from './aggregates/sum';
import type { VarianceAcc } from './aggregates/variance';
import { MonotonicDeque } from './monotonic-deque';
import { SlidingTimes } from './sliding-times';

/** Slot kinds: which accumulator a slot keeps and how a value leaves it. */
export const SLIDE_COUNT = 1;
export const SLIDE_SUM = 2;
export const SLIDE_EXTREMES = 3;
export const SLIDE_VARIANCE = 4;
/** first, last and rate: the oldest and newest used value, kept in a queue of the values used. */
export const SLIDE_FIRST_LAST = 5;

/** One accumulator of the window and where its input comes from. */
export interface SlideSlot {
  kind: number;
  /** Reads the slot's input from an event value. */
  get: (value: unknown) => unknown;
  /** Whether the slot uses an input (others are skipped, as the accumulator's add does). */
  accepts: (v: unknown) => boolean;
  /** Reads the same input as the slot before it. */
  reuse: boolean;
  /** Extremes only: which ends are asked for. */
  min: boolean;
  max: boolean;
}

const COMPACT_AT = 1024;

/** A slot's part of a snapshot (see InvertibleWindow.toJSON). */
interface SlotJSON {
  nums?: (number | null)[];
  lo?: [number, number][] | null;
  hi?: [number, number][] | null;
  used?: [number, number, unknown][];
}

/** Slots that keep the number each event added: count (1 or NaN), sum and variance. */
function takesNumbers(kind: number): boolean {
  return kind === SLIDE_COUNT || kind === SLIDE_SUM || kind === SLIDE_VARIANCE;
}
const MIN_REBUILD = 64;
/** Exits between recomputations, per event in the window: each event is re-added a quarter of a time on average. */
const REBUILD_FACTOR = 4;

/** FIFO window of (time, value) over count, sum, min/max and variance accumulators. */
export class InvertibleWindow<IN, OUT> extends SlidingTimes {
  /** Sequence number of times[0]; deques know events by sequence number. */
  private base = 0;
  /** Accumulator views handed to `finish`, in slot order. */
  private readonly accs: unknown[];
  /** Per slot: the number each event added (NaN when skipped; 1 for a counted event); count, sum and variance slots. */
  private readonly nums: (number[] | null)[];
  private readonly lo: (MonotonicDeque | null)[];
  private readonly hi: (MonotonicDeque | null)[];
  private readonly used: (UsedQueue | null)[];
  private readonly drifts: boolean;
  private exitsSinceRebuild = 0;

  constructor(
    private readonly slots: SlideSlot[],
    private readonly finish: (accs: unknown[]) => OUT,
  ) {
    super();
    this.accs = slots.map((s) => emptyAcc(s.kind));
    this.nums = slots.map((s) => (takesNumbers(s.kind) ? [] : null));
    this.lo = slots.map((s) => (s.kind === SLIDE_EXTREMES && s.min ? new MonotonicDeque(false) : null));
    this.hi = slots.map((s) => (s.kind === SLIDE_EXTREMES && s.max ? new MonotonicDeque(true) : null));
    this.used = slots.map((s) => (s.kind === SLIDE_FIRST_LAST ? new UsedQueue() : null));
    this.drifts = slots.some((s) => s.kind === SLIDE_SUM || s.kind === SLIDE_VARIANCE);
  }

  /** Appends the newest event. */
  push(time: number, value: IN): void {
    const seq = this.base + this.times.length;
    this.times.push(time);
    const slots = this.slots;
    let v: unknown;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (!s.reuse) v = s.get(value);
      const ok = s.accepts(v);
      switch (s.kind) {
        case SLIDE_COUNT:
          (this.nums[i] as number[]).push(ok ? 1 : NaN);
          if (ok) (this.accs[i] as CountAcc).n++;
          break;
        case SLIDE_SUM: {
          const x = ok ? (v as number) : NaN;
          (this.nums[i] as number[]).push(x);
          if (ok) {
            const a = this.accs[i] as SumAcc;
            a.n++;
            a.s += x;
          }
          break;
        }
        case SLIDE_EXTREMES:
          if (ok) {
            this.lo[i]?.push(seq, v as number);
            this.hi[i]?.push(seq, v as number);
          }
          break;
        case SLIDE_VARIANCE: {
          const x = ok ? (v as number) : NaN;
          (this.nums[i] as number[]).push(x);
          if (ok) addWelford(this.accs[i] as VarianceAcc, x);
          break;
        }
        case SLIDE_FIRST_LAST:
          if (ok) (this.used[i] as UsedQueue).push(seq, time, v);
          break;
      }
    }
  }

  /** Removes the oldest event. */
  pop(): void {
    const head = this.head;
    if (head >= this.times.length) return;
    const seq = this.base + head;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      switch (s.kind) {
        case SLIDE_COUNT:
          if ((this.nums[i] as number[])[head] === 1) (this.accs[i] as CountAcc).n--;
          break;
        case SLIDE_SUM: {
          const x = (this.nums[i] as number[])[head];
          if (x === x) {
            const a = this.accs[i] as SumAcc;
            a.n--;
            a.s -= x;
          }
          break;
        }
        case SLIDE_EXTREMES:
          this.lo[i]?.evict(seq);
          this.hi[i]?.evict(seq);
          break;
        case SLIDE_VARIANCE: {
          const x = (this.nums[i] as number[])[head];
          if (x === x) removeWelford(this.accs[i] as VarianceAcc, x);
          break;
        }
        case SLIDE_FIRST_LAST:
          (this.used[i] as UsedQueue).evict(seq);
          break;
      }
    }
    this.head = head + 1;
    if (this.head === this.times.length) {
      this.clear();
      return;
    }
    if (this.drifts && ++this.exitsSinceRebuild >= Math.max(MIN_REBUILD, REBUILD_FACTOR * this.size)) this.rebuild();
    if (this.head >= COMPACT_AT && this.head * 2 >= this.times.length) this.compact();
  }

  /** Aggregate result of the whole window. */
  result(): OUT {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const kind = slots[i].kind;
      if (kind === SLIDE_EXTREMES) {
        const a = this.accs[i] as ExtremesAcc;
        a.lo = this.lo[i]?.front() ?? Infinity;
        a.hi = this.hi[i]?.front() ?? -Infinity;
      } else if (kind === SLIDE_FIRST_LAST) {
        (this.used[i] as UsedQueue).fill(this.accs[i] as FirstLastAcc);
      }
    }
    return this.finish(this.accs);
  }

  /**
   * Plain-JSON state: the event times and, per slot, what it took from the events (sequence
   * numbers counted from the oldest event; null stands for NaN, which JSON lacks).
   */
  toJSON(): unknown {
    const from = this.base + this.head;
    const deque = (d: MonotonicDeque | null): [number, number][] | null => {
      if (d === null) return null;
      const out: [number, number][] = [];
      d.forEach((seq, x) => out.push([seq - from, x]));
      return out;
    };
    const slots = this.slots.map((s, i) => {
      const nums = this.nums[i];
      if (nums !== null) return { nums: nums.slice(this.head).map((x) => (x === x ? x : null)) };
      if (s.kind === SLIDE_EXTREMES) return { lo: deque(this.lo[i]), hi: deque(this.hi[i]) };
      return { used: (this.used[i] as UsedQueue).entries(from) };
    });
    return { times: this.times.slice(this.head), slots };
  }

  /** Loads a toJSON state into an empty window; also takes a list of [time, value] events. */
  fromJSON(json: unknown): void {
    if (Array.isArray(json)) {
      for (const [t, v] of json as [number, IN][]) this.push(t, v);
      return;
    }
    const data = json as { times: number[]; slots: SlotJSON[] };
    if (!data || !Array.isArray(data.times) || !Array.isArray(data.slots) || data.slots.length !== this.slots.length) {
      throw new TypeError(`sliding window snapshot: expected times and ${this.slots.length} slot states`);
    }
    this.clear();
    const from = this.base;
    for (const t of data.times) this.times.push(t);
    this.slots.forEach((s, i) => {
      const state = data.slots[i];
      const nums = this.nums[i];
      if (nums !== null) {
        for (const x of state.nums ?? []) nums.push(x === null ? NaN : x);
        if (s.kind === SLIDE_COUNT) (this.accs[i] as CountAcc).n = nums.filter((x) => x === 1).length;
      } else if (s.kind === SLIDE_EXTREMES) {
        for (const [seq, x] of state.lo ?? []) this.lo[i]?.push(from + seq, x);
        for (const [seq, x] of state.hi ?? []) this.hi[i]?.push(from + seq, x);
      } else {
        for (const [seq, t, v] of state.used ?? []) (this.used[i] as UsedQueue).push(from + seq, t, v);
      }
    });
    if (this.drifts) this.rebuild();
  }

  /** Empties the window. */
  clear(): void {
    this.base += this.times.length;
    this.times.length = 0;
    this.head = 0;
    this.exitsSinceRebuild = 0;
    for (let i = 0; i < this.slots.length; i++) {
      resetAcc(this.slots[i].kind, this.accs[i]);
      const nums = this.nums[i];
      if (nums !== null) nums.length = 0;
      this.lo[i]?.clear();
      this.hi[i]?.clear();
      this.used[i]?.clear();
    }
  }

  /** Recomputes sums and variances from the values still in the window, oldest first. */
  private rebuild(): void {
    this.exitsSinceRebuild = 0;
    const end = this.times.length;
    for (let i = 0; i < this.slots.length; i++) {
      const nums = this.nums[i];
      const kind = this.slots[i].kind;
      // Counts are exact integers: nothing drifts.
      if (nums === null || kind === SLIDE_COUNT) continue;
      const acc = this.accs[i];
      resetAcc(kind, acc);
      for (let j = this.head; j < end; j++) {
        const x = nums[j];
        if (x !== x) continue;
        if (kind === SLIDE_SUM) {
          (acc as SumAcc).n++;
          (acc as SumAcc).s += x;
        } else {
          addWelford(acc as VarianceAcc, x);
        }
      }
    }
  }

  private compact(): void {
    const h = this.head;
    dropFront(this.times, h);
    for (const nums of this.nums) if (nums !== null) dropFront(nums, h);
    this.base += h;
    this.head = 0;
  }
}

/** The values a first/last slot used, oldest first, known by sequence number. */
class UsedQueue {
  private seqs: number[] = [];
  private times: number[] = [];
  private vals: unknown[] = [];
  private head = 0;

  push(seq: number, time: number, v: unknown): void {
    this.seqs.push(seq);
    this.times.push(time);
    this.vals.push(v);
  }

  /** The event `seq` left the window (if it was used, it is the oldest here). */
  evict(seq: number): void {
    if (this.head < this.seqs.length && this.seqs[this.head] === seq) {
      this.vals[this.head] = undefined;
      this.head++;
      if (this.head === this.seqs.length) this.clear();
      else if (this.head >= COMPACT_AT && this.head * 2 >= this.seqs.length) {
        dropFront(this.seqs, this.head);
        dropFront(this.times, this.head);
        dropFront(this.vals, this.head);
        this.head = 0;
      }
    }
  }

  /** The used values as [seq − from, time, value], oldest first. */
  entries(from: number): [number, number, unknown][] {
    const out: [number, number, unknown][] = [];
    for (let i = this.head; i < this.seqs.length; i++) out.push([this.seqs[i] - from, this.times[i], this.vals[i]]);
    return out;
  }

  /** Writes the first/last accumulator these values make. */
  fill(acc: FirstLastAcc): void {
    const n = this.seqs.length - this.head;
    acc.n = n;
    if (n === 0) {
      acc.f = acc.l = undefined;
      acc.ft = acc.lt = 0;
      return;
    }
    const last = this.seqs.length - 1;
    acc.ft = this.times[this.head];
    acc.f = this.vals[this.head];
    acc.lt = this.times[last];
    acc.l = this.vals[last];
  }

  clear(): void {
    this.seqs.length = 0;
    this.times.length = 0;
    this.vals.length = 0;
    this.head = 0;
  }
}

function emptyAcc(kind: number): unknown {
  switch (kind) {
    case SLIDE_FIRST_LAST:
      return { n: 0, ft: 0, f: undefined, lt: 0, l: undefined };
    case SLIDE_COUNT:
      return { n: 0 };
    case SLIDE_SUM:
      return { n: 0, s: 0 };
    case SLIDE_EXTREMES:
      return { lo: Infinity, hi: -Infinity };
    default:
      return { n: 0, m: 0, q: 0 };
  }
}

function resetAcc(kind: number, acc: unknown): void {
  switch (kind) {
    case SLIDE_FIRST_LAST:
      // Filled from the queue on every result.
      break;
    case SLIDE_COUNT:
      (acc as CountAcc).n = 0;
      break;
    case SLIDE_SUM:
      (acc as SumAcc).n = 0;
      (acc as SumAcc).s = 0;
      break;
    case SLIDE_EXTREMES:
      (acc as ExtremesAcc).lo = Infinity;
      (acc as ExtremesAcc).hi = -Infinity;
      break;
    default:
      (acc as VarianceAcc).n = 0;
      (acc as VarianceAcc).m = 0;
      (acc as VarianceAcc).q = 0;
  }
}

/** Welford's update, as the variance aggregate adds. */
function addWelford(acc: VarianceAcc, x: number): void {
  const n = ++acc.n;
  const d = x - acc.m;
  acc.m += d / n;
  acc.q += d * (x - acc.m);
}

/** Welford's update run backwards: removes x from the running mean and M2. */
function removeWelford(acc: VarianceAcc, x: number): void {
  const n = --acc.n;
  if (n === 0) {
    acc.m = 0;
    acc.q = 0;
    return;
  }
  const old = acc.m;
  acc.m = old - (x - old) / n;
  acc.q -= (x - old) * (x - acc.m);
  // Rounding can push a tiny M2 below zero; a spread is never negative.
  if (acc.q < 0) acc.q = 0;
}
