/** range: max − min of the window, on the shared min/max accumulator. */
import type { AggregateFunction } from '../types';
import { addExtremes, createExtremesAcc, ExtremesAcc, extremesFromJSON, extremesToJSON, mergeExtremes } from './extremes';

/** Spread between the largest and smallest number; 0 for one value, null for none. */
export const rangeAggregate: AggregateFunction<number, ExtremesAcc, number | null> = {
  createAccumulator: createExtremesAcc,
  add: addExtremes,
  merge: mergeExtremes,
  result: (acc) => (acc.lo === Infinity ? null : acc.hi - acc.lo),
  toJSON: extremesToJSON,
  fromJSON: extremesFromJSON,
};
