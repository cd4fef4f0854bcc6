/** count: how many inputs a window received, whatever their value. */
import type { AggregateFunction } from '../types';
import { readNumber, readObject } from './snapshot-json';

/** A one-field object rather than a bare number so every accumulator can be updated in place. */
export interface CountAcc {
  n: number;
}

/** Counts inputs; an empty window counts 0. */
export const countAggregate: AggregateFunction<unknown, CountAcc, number> = {
  createAccumulator: () => ({ n: 0 }),
  add(acc) {
    acc.n++;
    return acc;
  },
  merge(a, b) {
    a.n += b.n;
    return a;
  },
  result: (acc) => acc.n,
  toJSON: (acc) => ({ count: acc.n }),
  fromJSON: (json) => ({ n: readNumber(readObject(json, 'count accumulator').count, 'count') }),
};
