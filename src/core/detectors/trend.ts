/**
 * Trend over a sliding history: Mann–Kendall's S kept incrementally (O(history) per value) for
 * significance, the ordinary least-squares slope for the size of the trend, per second.
 */
import { normalTail } from './normal';
import { snapArray, snapNumbers, snapObject, snapRange } from '../snapshot-check';

/** Default confidence of the trend test (see TrendOptions.confidence). */
export const DEFAULT_TREND_CONFIDENCE = 0.9999;

/** Which way the series is going. */
export type TrendState = 'increasing' | 'decreasing' | 'stable';

/** Settings of the trend detector. */
export interface TrendOptions {
  /** Values in the sliding history (default 60). */
  history?: number;
  /** Values needed before a verdict (default 10). */
  minHistory?: number;
  /**
   * Confidence 0.5..0.999999. Default 0.9999: the test runs on every value over an overlapping
   * window, so 0.99 would call white noise a trend hundreds of times per 100 000 values; at
   * 0.9999 it is about twice, and a slow ramp takes a few dozen values longer to confirm.
   */
  confidence?: number;
}

/** Result for one value. */
export interface TrendResult {
  trend: TrendState;
  /** 1 − p-value of the Mann–Kendall test (0..1). */
  score: number;
  /** OLS slope in value units per second of event time. */
  slopePerSecond: number;
  /** The regression line's value at this time. */
  expected: number;
  ready: boolean;
}

/** The trend detector's state as plain data (see TrendDetector.snapshot). */
export interface TrendDetectorState {
  times: number[];
  values: number[];
  s: number;
}

/** Mann–Kendall test on a complete series: S, its normal score and the two-sided p-value. */
export function mannKendall(values: ArrayLike<number>): { s: number; z: number; p: number } {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(values[j] - values[i]);
  return mkSignificance(s, n);
}

function mkSignificance(s: number, n: number): { s: number; z: number; p: number } {
  const variance = (n * (n - 1) * (2 * n + 5)) / 18;
  const z = variance > 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  return { s, z, p: Math.min(1, 2 * normalTail(Math.abs(z))) };
}

/** OLS slope (per time unit) and intercept at time 0 of values against times. */
export function olsSlope(times: ArrayLike<number>, values: ArrayLike<number>): { slope: number; intercept: number } {
  const n = values.length;
  if (n === 0) return { slope: 0, intercept: NaN };
  const t0 = times[0];
  let st = 0,
    sv = 0,
    stt = 0,
    stv = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i] - t0;
    st += t;
    sv += values[i];
    stt += t * t;
    stv += t * values[i];
  }
  const den = n * stt - st * st;
  const slope = den > 0 ? (n * stv - st * sv) / den : 0;
  return { slope, intercept: (sv - slope * st) / n - slope * t0 };
}

/** Streaming trend detector for one key. */
export class TrendDetector {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private head = 0;
  private size = 0;
  private s = 0;
  private readonly capacity: number;
  private readonly minHistory: number;
  private readonly alpha: number;

  constructor(options: TrendOptions = {}) {
    this.capacity = Math.max(3, options.history ?? 60);
    this.minHistory = Math.max(3, Math.min(this.capacity, options.minHistory ?? 10));
    this.alpha = 1 - (options.confidence ?? DEFAULT_TREND_CONFIDENCE);
    this.times = new Float64Array(this.capacity);
    this.values = new Float64Array(this.capacity);
  }

  /** The history as plain data (oldest first) with its Mann–Kendall S, to go on elsewhere with restore(). */
  snapshot(): TrendDetectorState {
    const times: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) % this.capacity;
      times.push(this.times[j]);
      values.push(this.values[j]);
    }
    return { times, values, s: this.s };
  }

  /** Takes a snapshot() of a detector with the same options, every field checked; throws SnapshotError naming the first that does not fit. */
  restore(state: unknown): void {
    const o = snapObject(state, 'trend state');
    const values = snapNumbers(o.values, this.capacity, 'trend state values');
    const times = snapArray(snapNumbers(o.times, this.capacity, 'trend state times'), 'trend state times', values.length) as number[];
    // S sums the signs of every pair: an integer no larger than the number of pairs.
    const pairs = (values.length * (values.length - 1)) / 2;
    const s = snapRange(o.s, -pairs, pairs, 'trend state s', true);
    this.times.set(times);
    this.values.set(values);
    this.head = 0;
    this.size = values.length;
    this.s = s;
  }

  /** Adds a value and returns the trend of the history including it. */
  update(time: number, value: number): TrendResult {
    const cap = this.capacity;
    if (this.size === cap) {
      const old = this.values[this.head];
      for (let i = 1; i < this.size; i++) this.s -= Math.sign(this.values[(this.head + i) % cap] - old);
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    for (let i = 0; i < this.size; i++) this.s += Math.sign(value - this.values[(this.head + i) % cap]);
    const at = (this.head + this.size) % cap;
    this.times[at] = time;
    this.values[at] = value;
    this.size++;
    // Times relative to the oldest held value keep the sums exact enough with epoch milliseconds.
    const t0 = this.times[this.head];
    let st = 0,
      sv = 0,
      stt = 0,
      stv = 0;
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) % cap;
      const t = this.times[j] - t0;
      st += t;
      sv += this.values[j];
      stt += t * t;
      stv += t * this.values[j];
    }
    const n = this.size;
    const den = n * stt - st * st;
    const slope = den > 0 ? (n * stv - st * sv) / den : 0;
    const intercept = (sv - slope * st) / n - slope * t0;
    const { p } = mkSignificance(this.s, this.size);
    const ready = this.size >= this.minHistory;
    const trend: TrendState = ready && p < this.alpha ? (this.s > 0 ? 'increasing' : 'decreasing') : 'stable';
    return { trend, score: ready ? 1 - p : 0, slopePerSecond: slope * 1000, expected: intercept + slope * time, ready };
  }
}
