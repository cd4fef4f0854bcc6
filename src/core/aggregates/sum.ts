/** sum: the running total of a numeric property; also the state behind avg. */
import type { AggregateFunction } from '../types';
import { readNumber, readObject } from './snapshot-json';

/** `n` tells an empty window (null) apart from values that sum to 0. */
export interface SumAcc {
  n: number;
  s: number;
}

/** Creates an empty sum accumulator. */
export function createSumAcc(): SumAcc {
  return { n: 0, s: 0 };
}

/** Adds one finite number. */
export function addSum(acc: SumAcc, x: number): SumAcc {
  acc.n++;
  acc.s += x;
  return acc;
}

/** Adds b into a; b is left untouched. */
export function mergeSum(a: SumAcc, b: SumAcc): SumAcc {
  a.n += b.n;
  a.s += b.s;
  return a;
}

/** Snapshot form: `{ count, sum }`. */
export function sumToJSON(acc: SumAcc): unknown {
  return { count: acc.n, sum: acc.s };
}

/** Restores a snapshot made by sumToJSON. */
export function sumFromJSON(json: unknown): SumAcc {
  const o = readObject(json, 'sum accumulator');
  return { n: readNumber(o.count, 'count'), s: readNumber(o.sum, 'sum') };
}

/** Sum of the window's numbers; null when it had none. */
export const sumAggregate: AggregateFunction<number, SumAcc, number | null> = {
  createAccumulator: createSumAcc,
  add: addSum,
  merge: mergeSum,
  result: (acc) => (acc.n === 0 ? null : acc.s),
  toJSON: sumToJSON,
  fromJSON: sumFromJSON,
};
