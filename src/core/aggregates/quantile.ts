/**
 * median and percentiles. Small windows keep their values and answer exactly; once a window
 * holds more than `exactLimit` values (default 1,000) it switches to a DDSketch (±1 % relative
 * error, see ddsketch.ts), so memory stays bounded however busy the window is.
 *
 * The exact percentile interpolates linearly between the two nearest ranks (rank = p/100 ×
 * (n − 1), like Excel PERCENTILE.INC and numpy's default), so the median of an even count is
 * the mean of the middle two. The discrete percentile (SQL PERCENTILE_DISC) is a value of the
 * window: the smallest whose cumulative distribution (the share of values ≤ it) is at least
 * p/100, i.e. the value at rank ⌈p/100 × n⌉ (1-based; the smallest value for p = 0). Once a
 * window has switched to the sketch, it is the sketch's value at that rank: within its relative
 * accuracy of a value of the window, but not necessarily one that occurred.
 */
import { ConfigError, describeValue } from '../errors';
import type { AggregateFunction } from '../types';
import { cloneSketch, createSketch, DDSketch, sketchAdd, sketchFromJSON, sketchMerge, sketchQuantile, sketchToJSON, sketchValueAtRank } from './ddsketch';
import { readArray, readNumber, readObject } from './snapshot-json';

/** Values a window keeps for an exact answer before it switches to the sketch. */
export const DEFAULT_EXACT_LIMIT = 1000;

/** Exactly one of `v` (the values, exact mode) and `s` (the sketch) is set. */
export interface QuantileAcc {
  v: number[] | null;
  s: DDSketch | null;
}

/** The accumulator operations shared by every percentile over the same exact limit. */
export interface QuantileState {
  createAccumulator(): QuantileAcc;
  add(acc: QuantileAcc, x: number): QuantileAcc;
  merge(a: QuantileAcc, b: QuantileAcc): QuantileAcc;
  toJSON(acc: QuantileAcc): unknown;
  fromJSON(json: unknown): QuantileAcc;
}

function toSketch(values: number[], into: DDSketch = createSketch()): DDSketch {
  for (let i = 0; i < values.length; i++) sketchAdd(into, values[i]);
  return into;
}

/** Accumulator operations for windows that stay exact up to `exactLimit` values. */
export function quantileState(exactLimit: number = DEFAULT_EXACT_LIMIT): QuantileState {
  return {
    createAccumulator: () => ({ v: [], s: null }),
    add(acc, x) {
      const v = acc.v;
      if (v === null) {
        sketchAdd(acc.s as DDSketch, x);
      } else {
        v.push(x);
        if (v.length > exactLimit) {
          acc.s = toSketch(v);
          acc.v = null;
        }
      }
      return acc;
    },
    merge(a, b) {
      if (a.v !== null && b.v !== null) {
        if (a.v.length + b.v.length <= exactLimit) {
          for (let i = 0; i < b.v.length; i++) a.v.push(b.v[i]);
        } else {
          a.s = toSketch(b.v, toSketch(a.v));
          a.v = null;
        }
      } else if (a.v !== null) {
        a.s = toSketch(a.v, cloneSketch(b.s as DDSketch));
        a.v = null;
      } else if (b.v !== null) {
        toSketch(b.v, a.s as DDSketch);
      } else {
        sketchMerge(a.s as DDSketch, b.s as DDSketch);
      }
      return a;
    },
    // Snapshot form: { values } while exact, { sketch } after the switch.
    toJSON: (acc) => (acc.v !== null ? { values: acc.v.slice() } : { sketch: sketchToJSON(acc.s as DDSketch) }),
    fromJSON(json) {
      const o = readObject(json, 'percentile accumulator');
      if (o.values !== undefined) return { v: readArray(o.values, 'values').map((x, i) => readNumber(x, `values[${i}]`)), s: null };
      return { v: null, s: sketchFromJSON(o.sketch) };
    },
  };
}

/** Exact q-quantile (0 ≤ q ≤ 1) of ascending-sorted values, interpolated between ranks. */
export function exactQuantile(sorted: readonly number[], q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = q * (n - 1);
  const lo = Math.floor(h);
  const v = sorted[lo];
  return h === lo ? v : v + (h - lo) * (sorted[lo + 1] - v);
}

function ascending(a: number, b: number): number {
  return a - b;
}

/** The q-quantile (0 ≤ q ≤ 1) of an accumulator, exact or from its sketch; null when empty. */
export function quantileOf(acc: QuantileAcc, q: number): number | null {
  if (acc.v === null) return sketchQuantile(acc.s as DDSketch, q);
  // Sorting in place is harmless (the accumulator is a multiset) and cheap when re-asked.
  acc.v.sort(ascending);
  return exactQuantile(acc.v, q);
}

/** 0-based rank of the discrete p-th percentile (0–100) among n values: ⌈p/100 × n⌉ − 1, at least 0. */
export function discreteRank(p: number, n: number): number {
  // p × n / 100 rather than p / 100 × n: exact for whole p, where 30 / 100 × 10 would give 3.0000000000000004.
  return Math.max(0, Math.ceil((p * n) / 100) - 1);
}

/** The discrete p-th percentile (0–100) of an accumulator, exact or from its sketch; null when empty. */
export function discreteQuantileOf(acc: QuantileAcc, p: number): number | null {
  if (acc.v === null) {
    const s = acc.s as DDSketch;
    return sketchValueAtRank(s, discreteRank(p, s.n));
  }
  if (acc.v.length === 0) return null;
  acc.v.sort(ascending);
  return acc.v[discreteRank(p, acc.v.length)];
}

/** Checks a percentile setting; throws ConfigError naming `field` unless 0 ≤ p ≤ 100. */
export function checkPercentile(p: unknown, field = 'p'): number {
  const n = typeof p === 'string' && p.trim() !== '' ? Number(p) : p;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw ConfigError.of(field, 'percentile', { got: typeof p === 'string' ? JSON.stringify(p) : describeValue(p) });
  }
  return n;
}

/** The p-th percentile (0–100) of the window's numbers; exact up to `exactLimit` values. */
export function percentileAggregate(p: number, exactLimit: number = DEFAULT_EXACT_LIMIT): AggregateFunction<number, QuantileAcc, number | null> {
  const q = checkPercentile(p) / 100;
  return { ...quantileState(exactLimit), result: (acc) => quantileOf(acc, q) };
}

/** The median (50th percentile) of the window's numbers. */
export const medianAggregate = percentileAggregate(50);

/** The discrete p-th percentile (0–100, SQL PERCENTILE_DISC): a value of the window, exact up to `exactLimit` values. */
export function percentileDiscAggregate(p: number, exactLimit: number = DEFAULT_EXACT_LIMIT): AggregateFunction<number, QuantileAcc, number | null> {
  const pc = checkPercentile(p);
  return { ...quantileState(exactLimit), result: (acc) => discreteQuantileOf(acc, pc) };
}
