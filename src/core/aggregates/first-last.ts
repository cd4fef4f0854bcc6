/**
 * first and last by event time (the `time` given to add), not by arrival: a late-arriving early
 * reading is still the window's first. Equal times keep arrival order: the earliest arrival is
 * first, the latest arrival is last — merge(a, b) treats b as having arrived after a.
 */
import type { AggregateFunction } from '../types';
import { readNumber, readObject } from './snapshot-json';

/** `f`/`ft` the first value and its time, `l`/`lt` the last; `n` counts inputs. */
export interface FirstLastAcc<T = unknown> {
  n: number;
  ft: number;
  f: T | undefined;
  lt: number;
  l: T | undefined;
}

/** Creates an empty first/last accumulator. */
export function createFirstLastAcc<T>(): FirstLastAcc<T> {
  return { n: 0, ft: 0, f: undefined, lt: 0, l: undefined };
}

/** Adds one value seen at event time `time`. */
export function addFirstLast<T>(acc: FirstLastAcc<T>, x: T, time: number): FirstLastAcc<T> {
  if (acc.n === 0 || time < acc.ft) {
    acc.ft = time;
    acc.f = x;
  }
  if (acc.n === 0 || time >= acc.lt) {
    acc.lt = time;
    acc.l = x;
  }
  acc.n++;
  return acc;
}

/** Merges b (later arrivals) into a; b is left untouched. */
export function mergeFirstLast<T>(a: FirstLastAcc<T>, b: FirstLastAcc<T>): FirstLastAcc<T> {
  if (b.n === 0) return a;
  if (a.n === 0 || b.ft < a.ft) {
    a.ft = b.ft;
    a.f = b.f;
  }
  if (a.n === 0 || b.lt >= a.lt) {
    a.lt = b.lt;
    a.l = b.l;
  }
  a.n += b.n;
  return a;
}

/** Snapshot form `{ count, firstTime, first, lastTime, last }`; the values must be JSON-able (they came from messages). */
export function firstLastToJSON<T>(acc: FirstLastAcc<T>): unknown {
  return acc.n === 0 ? { count: 0 } : { count: acc.n, firstTime: acc.ft, first: acc.f, lastTime: acc.lt, last: acc.l };
}

/** Restores a snapshot made by firstLastToJSON. */
export function firstLastFromJSON<T>(json: unknown): FirstLastAcc<T> {
  const o = readObject(json, 'first/last accumulator');
  const n = readNumber(o.count, 'count');
  if (n === 0) return createFirstLastAcc<T>();
  return { n, ft: readNumber(o.firstTime, 'firstTime'), f: o.first as T, lt: readNumber(o.lastTime, 'lastTime'), l: o.last as T };
}

const shared = {
  createAccumulator: createFirstLastAcc,
  add: addFirstLast,
  merge: mergeFirstLast,
  toJSON: firstLastToJSON,
  fromJSON: firstLastFromJSON,
};

/** The value with the earliest event time; null for an empty window. */
export const firstAggregate: AggregateFunction<unknown, FirstLastAcc, unknown> = {
  ...shared,
  result: (acc) => (acc.n === 0 ? null : acc.f),
};

/** The value with the latest event time; null for an empty window. */
export const lastAggregate: AggregateFunction<unknown, FirstLastAcc, unknown> = {
  ...shared,
  result: (acc) => (acc.n === 0 ? null : acc.l),
};
