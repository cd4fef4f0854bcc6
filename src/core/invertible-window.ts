/**
 * A sliding window whose aggregates are updated as events enter and leave instead of rebuilt:
 * count subtracts the leaving event (integers are exact), min and max keep monotonic deques,
 * first/last/rate a queue of the values they used (events enter in event-time order, so its ends
 * are the first and the last). Nothing is allocated per event beyond the slots of a few growing
 * arrays.
 *
 * Sums (sum, avg) and variances never subtract a leaving value: subtracting floating-point
 * numbers cancels catastrophically when a huge reading (3.4e38, a sensor's error value) leaves a
 * window of ordinary ones, and the result stays wrong long after it left. They use the two-stacks
 * scheme on flat number arrays instead: the front part of the window holds, per event, the
 * aggregate of it and every newer front event (suffix aggregates, computed newest first when the
 * front runs empty), the back part one running aggregate; a result merges the two. Every
 * aggregate then covers events still in the window only: O(1) amortized per event, results as
 * accurate as a recompute, and a value that left has left no trace. Sums are compensated (see
 * CompensatedSum), variances Welford's update and Chan's merge.
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
import { addVariance, createVarianceAcc, mergeVariance, type VarianceAcc } from './aggregates/variance';
import {
  addCompensated,
  CompensatedSum,
  compensatedTotal,
  createCompensatedSum,
  isBigAddend,
  mergeCompensated,
  resetCompensatedSum,
} from './aggregates/compensated-sum';
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
  /** The slot's name in snapshots (an aggregation's output name); its position when omitted. */
  name?: string;
  /** Reads the slot's input from an event value. */
  get: (value: unknown) => unknown;
  /** Whether the slot uses an input (others are skipped, as the accumulator's add does). */
  accepts: (v: unknown) => boolean;
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

/** A window's state: the event times, each slot's by name, and how many events, oldest first, form the two-stacks front part. */
interface WindowJSON {
  times: number[];
  slots: Record<string, SlotJSON>;
  front?: number;
}

function slotName(slot: SlideSlot, i: number): string {
  return slot.name ?? String(i);
}

/** Slots that keep the number each event added: count (1 or NaN), sum and variance. */
function takesNumbers(kind: number): boolean {
  return kind === SLIDE_COUNT || kind === SLIDE_SUM || kind === SLIDE_VARIANCE;
}
/**
 * Numbers per event in a slot's front array: a CompensatedSum's n, hi and lo, or a VarianceAcc's
 * fields. A sum's scaled part (bigHi, bigLo) has its own array, filled only when a front part
 * holds a value beyond 2^512: most never do, and it would double the memory per event.
 */
const SUM_STRIDE = 3;
const VARIANCE_STRIDE = 3;

/** A window whose front part never held a sum or variance. */
const NO_SUFFIXES = new Float64Array(0);
/** Front array length (numbers) above which an emptied window releases it. */
const RELEASE_AT = 4096;

function stride(kind: number): number {
  return kind === SLIDE_SUM ? SUM_STRIDE : kind === SLIDE_VARIANCE ? VARIANCE_STRIDE : 0;
}

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
  /** Some slot sums or keeps a variance: the window is split in a front and a back part. */
  private readonly stacked: boolean;
  /** Index of the first back event; events [head, mid) are the front part. */
  private mid = 0;
  /**
   * Sum and variance slots: the suffix aggregates of the front part, `stride` numbers per event,
   * event j at (j − frontBase) × stride. Typed: a plain array regrown by push after each
   * compaction is several times slower to fill.
   */
  private readonly front: (Float64Array | null)[];
  /** Index of the event whose suffix aggregate is the first of the front arrays. */
  private frontBase = 0;
  /** Sum slots: the scaled parts of the front suffixes, 2 numbers per event; null when all are 0. */
  private readonly frontBig: (Float64Array | null)[];
  /** Sum slots: the last scaled-part array, kept for reuse. */
  private readonly spareBig: (Float64Array | null)[];
  /** Sum and variance slots: the aggregate of the back part. */
  private readonly back: (CompensatedSum | VarianceAcc | null)[];
  /** Sum and variance slots: where a result merges front and back. */
  private readonly merged: (CompensatedSum | VarianceAcc | null)[];

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
    this.stacked = slots.some((s) => stride(s.kind) > 0);
    const part = (kind: number): CompensatedSum | VarianceAcc | null =>
      kind === SLIDE_SUM ? createCompensatedSum() : kind === SLIDE_VARIANCE ? createVarianceAcc() : null;
    this.front = slots.map((s) => (stride(s.kind) > 0 ? NO_SUFFIXES : null));
    this.back = slots.map((s) => part(s.kind));
    this.merged = slots.map((s) => part(s.kind));
    this.frontBig = slots.map(() => null);
    this.spareBig = slots.map(() => null);
  }

  /** Appends the newest event. */
  push(time: number, value: IN): void {
    const seq = this.base + this.times.length;
    this.times.push(time);
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      const v = s.get(value);
      const ok = s.accepts(v);
      switch (s.kind) {
        case SLIDE_COUNT:
          (this.nums[i] as number[]).push(ok ? 1 : NaN);
          if (ok) (this.accs[i] as CountAcc).n++;
          break;
        case SLIDE_SUM: {
          const x = ok ? (v as number) : NaN;
          (this.nums[i] as number[]).push(x);
          if (ok) addCompensated(this.back[i] as CompensatedSum, x);
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
          if (ok) addVariance(this.back[i] as VarianceAcc, x);
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
    // The front part ran empty: the back part becomes the front (sums and variances leave by moving head).
    if (this.stacked && head === this.mid) this.flip();
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      switch (s.kind) {
        case SLIDE_COUNT:
          if ((this.nums[i] as number[])[head] === 1) (this.accs[i] as CountAcc).n--;
          break;
        case SLIDE_EXTREMES:
          this.lo[i]?.evict(seq);
          this.hi[i]?.evict(seq);
          break;
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
      } else if (kind === SLIDE_SUM) {
        const sum = this.whole(i) as CompensatedSum;
        const a = this.accs[i] as SumAcc;
        a.n = sum.n;
        a.s = compensatedTotal(sum);
      } else if (kind === SLIDE_VARIANCE) {
        const v = this.whole(i) as VarianceAcc;
        const a = this.accs[i] as VarianceAcc;
        a.n = v.n;
        a.m = v.m;
        a.q = v.q;
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
    const slots: Record<string, SlotJSON> = {};
    this.slots.forEach((s, i) => {
      const nums = this.nums[i];
      slots[slotName(s, i)] =
        nums !== null
          ? { nums: nums.slice(this.head).map((x) => (x === x ? x : null)) }
          : s.kind === SLIDE_EXTREMES
            ? { lo: deque(this.lo[i]), hi: deque(this.hi[i]) }
            : { used: (this.used[i] as UsedQueue).entries(from) };
    });
    const json: WindowJSON = { times: this.times.slice(this.head), slots };
    // Restored with the same split, the window goes on with exactly the same roundings.
    if (this.stacked) json.front = this.mid - this.head;
    return json;
  }

  /** Loads a toJSON state into an empty window; also takes a list of [time, value] events. */
  fromJSON(json: unknown): void {
    if (Array.isArray(json)) {
      for (const [t, v] of json as [number, IN][]) this.push(t, v);
      return;
    }
    const data = json as WindowJSON;
    const names = this.slots.map(slotName);
    const saved = data?.slots;
    if (
      !data ||
      !Array.isArray(data.times) ||
      saved === null ||
      typeof saved !== 'object' ||
      Array.isArray(saved) ||
      names.some((n) => !Object.hasOwn(saved, n))
    ) {
      throw new TypeError(`sliding window snapshot: expected times and the slot states of ${names.join(', ')}`);
    }
    this.clear();
    const from = this.base;
    for (const t of data.times) this.times.push(t);
    this.slots.forEach((s, i) => {
      const state = saved[names[i]];
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
    if (this.stacked) {
      const front = data.front;
      this.restack(typeof front === 'number' && Number.isInteger(front) && front >= 0 && front <= this.times.length ? front : 0);
    }
  }

  /** Empties the window. */
  clear(): void {
    this.base += this.times.length;
    this.times.length = 0;
    this.head = 0;
    this.mid = 0;
    for (let i = 0; i < this.slots.length; i++) {
      resetAcc(this.slots[i].kind, this.accs[i]);
      const back = this.back[i];
      if (back !== null) resetPart(this.slots[i].kind, back);
      // An emptied window gives back a large front array; a small one is kept for the next events.
      if ((this.front[i]?.length ?? 0) > RELEASE_AT) this.front[i] = NO_SUFFIXES;
      this.frontBig[i] = this.spareBig[i] = null;
      const nums = this.nums[i];
      if (nums !== null) nums.length = 0;
      this.lo[i]?.clear();
      this.hi[i]?.clear();
      this.used[i]?.clear();
    }
  }

  /** Sum and variance slot i over the whole window: the front part's oldest suffix merged with the back part. */
  private whole(i: number): CompensatedSum | VarianceAcc {
    const back = this.back[i] as CompensatedSum | VarianceAcc;
    if (this.head >= this.mid) return back;
    const front = this.front[i] as Float64Array;
    const m = this.merged[i] as CompensatedSum | VarianceAcc;
    const at = this.head - this.frontBase;
    if (this.slots[i].kind === SLIDE_SUM) {
      const o = at * SUM_STRIDE;
      const sum = m as CompensatedSum;
      sum.n = front[o];
      sum.hi = front[o + 1];
      sum.lo = front[o + 2];
      const big = this.frontBig[i];
      sum.bigHi = big === null ? 0 : big[at * 2];
      sum.bigLo = big === null ? 0 : big[at * 2 + 1];
      return mergeCompensated(sum, back as CompensatedSum);
    }
    const o = at * VARIANCE_STRIDE;
    const v = m as VarianceAcc;
    v.n = front[o];
    v.m = front[o + 1];
    v.q = front[o + 2];
    return mergeVariance(v, back as VarianceAcc);
  }

  /** Makes every back event a front event: suffix aggregates from the newest back event down to mid. */
  private flip(): void {
    const end = this.times.length;
    this.suffixes(this.mid, end);
    this.mid = end;
    for (let i = 0; i < this.slots.length; i++) {
      const back = this.back[i];
      if (back !== null) resetPart(this.slots[i].kind, back);
    }
  }

  /** Splits freshly loaded events: the oldest `front` of them the front part, the rest the back part. */
  private restack(front: number): void {
    const end = this.times.length;
    this.suffixes(0, front);
    this.mid = front;
    for (let i = 0; i < this.slots.length; i++) {
      const kind = this.slots[i].kind;
      const back = this.back[i];
      if (back === null) continue;
      resetPart(kind, back);
      const nums = this.nums[i] as number[];
      for (let j = front; j < end; j++) {
        const x = nums[j];
        if (x !== x) continue;
        if (kind === SLIDE_SUM) addCompensated(back as CompensatedSum, x);
        else addVariance(back as VarianceAcc, x);
      }
    }
  }

  /**
   * Writes the suffix aggregates of events [from, to) into the front arrays, newest first; they
   * become the whole front part (the old one is empty or not loaded yet, so nothing is copied).
   */
  private suffixes(from: number, to: number): void {
    this.frontBase = from;
    for (let i = 0; i < this.slots.length; i++) {
      const kind = this.slots[i].kind;
      const w = stride(kind);
      if (w === 0) continue;
      let front = this.front[i] as Float64Array;
      const need = (to - from) * w;
      if (front.length < need) front = this.front[i] = new Float64Array(Math.max(need + (need >> 3), 16 * w));
      const nums = this.nums[i] as number[];
      const run = this.merged[i] as CompensatedSum | VarianceAcc;
      resetPart(kind, run);
      let big: Float64Array | null = null;
      if (kind === SLIDE_SUM) {
        let anyBig = false;
        for (let j = from; j < to && !anyBig; j++) anyBig = isBigAddend(nums[j]);
        if (anyBig) {
          const spare = this.spareBig[i];
          big = spare !== null && spare.length >= (to - from) * 2 ? spare : new Float64Array((to - from) * 2);
          this.spareBig[i] = big;
        }
        this.frontBig[i] = big;
      }
      for (let j = to - 1; j >= from; j--) {
        const x = nums[j];
        const o = (j - from) * w;
        if (kind === SLIDE_SUM) {
          const sum = run as CompensatedSum;
          if (x === x) addCompensated(sum, x);
          front[o] = sum.n;
          front[o + 1] = sum.hi;
          front[o + 2] = sum.lo;
          if (big !== null) {
            big[(j - from) * 2] = sum.bigHi;
            big[(j - from) * 2 + 1] = sum.bigLo;
          }
        } else {
          const v = run as VarianceAcc;
          if (x === x) addVariance(v, x);
          front[o] = v.n;
          front[o + 1] = v.m;
          front[o + 2] = v.q;
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
    this.mid -= h;
    this.frontBase -= h;
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

/** Empties a sum or variance slot's part in place. */
function resetPart(kind: number, part: CompensatedSum | VarianceAcc): void {
  if (kind === SLIDE_SUM) resetCompensatedSum(part as CompensatedSum);
  else {
    const v = part as VarianceAcc;
    v.n = 0;
    v.m = 0;
    v.q = 0;
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
