/**
 * variance and stddev with Welford's update and Chan et al.'s pairwise merge: the naive
 * Σx² − (Σx)²/n loses every digit when values sit far from zero (1e9 ± 0.001), these do not.
 *
 * Both are the sample statistics (divided by n − 1), like SQL STDDEV/VARIANCE and Azure Stream
 * Analytics STDEV/VAR; a window with a single value has 0 spread, an empty one null.
 */
import type { AggregateFunction } from '../types';
import { readNumber, readObject } from './snapshot-json';

/** `m` is the running mean and `q` the sum of squared deviations from it (M2). */
export interface VarianceAcc {
  n: number;
  m: number;
  q: number;
}

/** Creates an empty variance accumulator. */
export function createVarianceAcc(): VarianceAcc {
  return { n: 0, m: 0, q: 0 };
}

/** Adds one finite number (Welford). */
export function addVariance(acc: VarianceAcc, x: number): VarianceAcc {
  const n = ++acc.n;
  const d = x - acc.m;
  acc.m += d / n;
  acc.q += d * (x - acc.m);
  return acc;
}

/** Merges b into a (Chan et al.); b is left untouched. */
export function mergeVariance(a: VarianceAcc, b: VarianceAcc): VarianceAcc {
  if (b.n === 0) return a;
  if (a.n === 0) {
    a.n = b.n;
    a.m = b.m;
    a.q = b.q;
    return a;
  }
  const n = a.n + b.n;
  const d = b.m - a.m;
  a.m += (d * b.n) / n;
  a.q += b.q + ((d * d * a.n) / n) * b.n;
  a.n = n;
  return a;
}

/** Sample variance of the accumulated values; null when empty, 0 for one value. */
export function sampleVariance(acc: VarianceAcc): number | null {
  if (acc.n === 0) return null;
  if (acc.n === 1) return 0;
  const q = acc.q;
  if (q > 0) return q / (acc.n - 1);
  // Rounding can leave M2 a hair below zero when all values are equal; only a spread beyond the
  // double range (values near ±1.8e308 of both signs, ∞ − ∞ on the way) leaves it NaN or −∞.
  return q === q && q !== -Infinity ? 0 : Infinity;
}

/** Snapshot form: `{ count, mean, m2 }` (m2 the sum of squared deviations from the mean). */
export function varianceToJSON(acc: VarianceAcc): unknown {
  return { count: acc.n, mean: acc.m, m2: acc.q };
}

/** Restores a snapshot made by varianceToJSON. */
export function varianceFromJSON(json: unknown): VarianceAcc {
  const o = readObject(json, 'variance accumulator');
  return { n: readNumber(o.count, 'count'), m: readNumber(o.mean, 'mean'), q: readNumber(o.m2, 'm2') };
}

const shared = {
  createAccumulator: createVarianceAcc,
  add: addVariance,
  merge: mergeVariance,
  toJSON: varianceToJSON,
  fromJSON: varianceFromJSON,
};

/** Sample variance (n − 1) of the window's numbers. */
export const varianceAggregate: AggregateFunction<number, VarianceAcc, number | null> = {
  ...shared,
  result: sampleVariance,
};

/** Sample standard deviation (n − 1) of the window's numbers. */
export const stddevAggregate: AggregateFunction<number, VarianceAcc, number | null> = {
  ...shared,
  result: (acc) => {
    const v = sampleVariance(acc);
    return v === null ? null : Math.sqrt(v);
  },
};
