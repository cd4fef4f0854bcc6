/**
 * Tumbling windows: fixed size, no overlap, aligned to the epoch plus `offset`, so every key
 * shares the same window boundaries (and the operator can cache the current window per key).
 */
import { TimeWindow } from '../types';
import { alignedStart } from './floor-mod';

/** Start of the tumbling window of `size` ms (shifted by `offset`) that holds event time `t`. */
export function tumblingWindowStart(t: number, size: number, offset = 0, endInclusive = false): number {
  return alignedStart(t, size, offset, endInclusive);
}

/** The tumbling window that holds event time `t`. */
export function assignTumbling(t: number, size: number, offset = 0, endInclusive = false): TimeWindow {
  const start = alignedStart(t, size, offset, endInclusive);
  return { start, end: start + size };
}
