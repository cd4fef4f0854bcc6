/** avg: the arithmetic mean, kept as a sum and a count so windows merge exactly. */
import type { AggregateFunction } from '../types';
import { addSum, createSumAcc, mergeSum, SumAcc, sumFromJSON, sumToJSON } from './sum';

/** Mean of the window's numbers; null (never NaN) when it had none. */
export const avgAggregate: AggregateFunction<number, SumAcc, number | null> = {
  createAccumulator: createSumAcc,
  add: addSum,
  merge: mergeSum,
  result: (acc) => (acc.n === 0 ? null : acc.s / acc.n),
  toJSON: sumToJSON,
  fromJSON: sumFromJSON,
};
