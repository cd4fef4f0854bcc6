/**
 * distinct: how many different values a property took in the window. Any JSON primitive counts
 * (string, finite number, boolean, null) and types stay apart: 1 and "1" are two values.
 * Exact up to `limit` distinct values (default 10,000); past that the window switches to a
 * HyperLogLog sketch (≈ 0.81 % standard error, 16 KiB, see hyperloglog.ts).
 */
import type { AggregateFunction } from '../types';
import { createHll, DistinctValue, hllAdd, hllEstimate, hllFromJSON, hllMerge, hllToJSON } from './hyperloglog';
import { readArray, readObject } from './snapshot-json';

/** Distinct values kept exactly before the count switches to the sketch. */
export const DEFAULT_DISTINCT_LIMIT = 10000;

/** Exactly one of `s` (the values, exact mode) and `h` (sketch registers) is set. */
export interface DistinctAcc {
  s: Set<DistinctValue> | null;
  h: Uint8Array | null;
}

/** True for the values distinct can count: JSON primitives (finite numbers only). */
export function isDistinctValue(v: unknown): v is DistinctValue {
  return typeof v === 'string' || typeof v === 'boolean' || v === null || Number.isFinite(v);
}

function toSketch(values: Iterable<DistinctValue>, into: Uint8Array = createHll()): Uint8Array {
  for (const v of values) hllAdd(into, v);
  return into;
}

/** Counts distinct values; 0 for an empty window. */
export function distinctAggregate(limit: number = DEFAULT_DISTINCT_LIMIT): AggregateFunction<DistinctValue, DistinctAcc, number> {
  return {
    createAccumulator: () => ({ s: new Set(), h: null }),
    add(acc, x) {
      const s = acc.s;
      if (s === null) {
        hllAdd(acc.h as Uint8Array, x);
      } else if (s.add(x).size > limit) {
        acc.h = toSketch(s);
        acc.s = null;
      }
      return acc;
    },
    merge(a, b) {
      if (a.s !== null && b.s !== null) {
        for (const v of b.s) a.s.add(v);
        if (a.s.size > limit) {
          a.h = toSketch(a.s);
          a.s = null;
        }
      } else if (a.s !== null) {
        a.h = toSketch(a.s, (b.h as Uint8Array).slice());
        a.s = null;
      } else if (b.s !== null) {
        toSketch(b.s, a.h as Uint8Array);
      } else {
        hllMerge(a.h as Uint8Array, b.h as Uint8Array);
      }
      return a;
    },
    result: (acc) => (acc.s !== null ? acc.s.size : Math.round(hllEstimate(acc.h as Uint8Array))),
    // Snapshot form: { values } while exact, { sketch } (the registers) after the switch.
    toJSON: (acc) => (acc.s !== null ? { values: Array.from(acc.s) } : { sketch: hllToJSON(acc.h as Uint8Array) }),
    fromJSON(json) {
      const o = readObject(json, 'distinct accumulator');
      if (o.values !== undefined) {
        const values = readArray(o.values, 'values');
        for (const v of values) if (!isDistinctValue(v)) throw new TypeError('accumulator snapshot: distinct values must be JSON primitives');
        return { s: new Set(values as DistinctValue[]), h: null };
      }
      return { s: null, h: hllFromJSON(o.sketch) };
    },
  };
}
