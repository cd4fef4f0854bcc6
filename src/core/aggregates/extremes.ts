/** min and max: one accumulator keeps both, so min, max and range on one property share it. */
import type { AggregateFunction } from '../types';
import { finiteOrNull, readNumberOr, readObject } from './snapshot-json';

/** Empty is lo = +Infinity, hi = -Infinity: inputs are finite, so no flag is needed. */
export interface ExtremesAcc {
  lo: number;
  hi: number;
}

/** Creates an empty extremes accumulator. */
export function createExtremesAcc(): ExtremesAcc {
  return { lo: Infinity, hi: -Infinity };
}

/** Adds one finite number. */
export function addExtremes(acc: ExtremesAcc, x: number): ExtremesAcc {
  if (x < acc.lo) acc.lo = x;
  if (x > acc.hi) acc.hi = x;
  return acc;
}

/** Merges b into a; b is left untouched. */
export function mergeExtremes(a: ExtremesAcc, b: ExtremesAcc): ExtremesAcc {
  if (b.lo < a.lo) a.lo = b.lo;
  if (b.hi > a.hi) a.hi = b.hi;
  return a;
}

/** Snapshot form `{ min, max }` (JSON has no Infinity, so empty ends become null). */
export function extremesToJSON(acc: ExtremesAcc): unknown {
  return { min: finiteOrNull(acc.lo), max: finiteOrNull(acc.hi) };
}

/** Restores a snapshot made by extremesToJSON. */
export function extremesFromJSON(json: unknown): ExtremesAcc {
  const o = readObject(json, 'min/max accumulator');
  return { lo: readNumberOr(o.min, 'min', Infinity), hi: readNumberOr(o.max, 'max', -Infinity) };
}

const shared = {
  createAccumulator: createExtremesAcc,
  add: addExtremes,
  merge: mergeExtremes,
  toJSON: extremesToJSON,
  fromJSON: extremesFromJSON,
};

/** Smallest number in the window; null when it had none. */
export const minAggregate: AggregateFunction<number, ExtremesAcc, number | null> = {
  ...shared,
  result: (acc) => (acc.lo === Infinity ? null : acc.lo),
};

/** Largest number in the window; null when it had none. */
export const maxAggregate: AggregateFunction<number, ExtremesAcc, number | null> = {
  ...shared,
  result: (acc) => (acc.hi === -Infinity ? null : acc.hi),
};
