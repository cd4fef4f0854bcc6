/**
 * rate: how fast a value changes, per second, between the window's first and last event by
 * event time: (last − first) / (tLast − tFirst) × 1000. Meant for counters such as energy
 * meters (kWh read every minute → kWh per second). Needs two distinct event times, otherwise
 * null; a counter reset inside the window shows as a negative rate.
 */
import type { AggregateFunction } from '../types';
import { addFirstLast, createFirstLastAcc, FirstLastAcc, firstLastFromJSON, firstLastToJSON, mergeFirstLast } from './first-last';

/** Per-second change between the first and last reading; null with fewer than two distinct times. */
export const rateAggregate: AggregateFunction<number, FirstLastAcc<number>, number | null> = {
  createAccumulator: createFirstLastAcc,
  add: addFirstLast,
  merge: mergeFirstLast,
  result: (acc) => (acc.n < 2 || acc.lt === acc.ft ? null : (((acc.l as number) - (acc.f as number)) / (acc.lt - acc.ft)) * 1000),
  toJSON: firstLastToJSON,
  fromJSON: (json) => firstLastFromJSON<number>(json),
};
