/**
 * previous: the value of the event just before the window's last one, by event time (Azure Stream
 * Analytics' LAG within the window; on a per-event sliding window of size D it is
 * LAG(x) OVER (PARTITION BY key LIMIT DURATION(D)) at each event). Equal times keep arrival
 * order, as for first and last: merge(a, b) treats b as having arrived after a. The accumulator
 * keeps the two latest values only.
 */
import type { AggregateFunction } from '../types';
import { readNumber, readObject } from './snapshot-json';

/** `l`/`lt` the latest value and its time, `p`/`pt` the one before it; `n` counts inputs (capped at 2). */
export interface PreviousAcc<T = unknown> {
  n: number;
  lt: number;
  l: T | undefined;
  pt: number;
  p: T | undefined;
}

/** Adds one value seen at event time `time`. */
export function addPrevious<T>(acc: PreviousAcc<T>, x: T, time: number): PreviousAcc<T> {
  if (acc.n === 0 || time >= acc.lt) {
    acc.pt = acc.lt;
    acc.p = acc.l;
    acc.lt = time;
    acc.l = x;
  } else if (acc.n === 1 || time >= acc.pt) {
    acc.pt = time;
    acc.p = x;
  }
  if (acc.n < 2) acc.n++;
  return acc;
}

/** Merges b (later arrivals) into a; b is left untouched. */
function mergePrevious<T>(a: PreviousAcc<T>, b: PreviousAcc<T>): PreviousAcc<T> {
  // The two latest of both are among a's two and b's two; adding b's older one first keeps b's arrival order.
  if (b.n === 2) addPrevious(a, b.p as T, b.pt);
  if (b.n >= 1) addPrevious(a, b.l as T, b.lt);
  return a;
}

/** The value before the last one by event time; null with fewer than two events. */
export const previousAggregate: AggregateFunction<unknown, PreviousAcc, unknown> = {
  createAccumulator: () => ({ n: 0, lt: 0, l: undefined, pt: 0, p: undefined }),
  add: addPrevious,
  merge: mergePrevious,
  result: (acc) => (acc.n < 2 ? null : acc.p),
  // Snapshot form: { count, lastTime, last, previousTime, previous }, the fields a count below 2 has not filled left out.
  toJSON: (acc) =>
    acc.n === 0
      ? { count: 0 }
      : acc.n === 1
        ? { count: 1, lastTime: acc.lt, last: acc.l }
        : { count: acc.n, lastTime: acc.lt, last: acc.l, previousTime: acc.pt, previous: acc.p },
  fromJSON(json) {
    const o = readObject(json, 'previous accumulator');
    const n = readNumber(o.count, 'count');
    return {
      n,
      lt: n >= 1 ? readNumber(o.lastTime, 'lastTime') : 0,
      l: o.last,
      pt: n >= 2 ? readNumber(o.previousTime, 'previousTime') : 0,
      p: o.previous,
    };
  },
};
