/**
 * Session windows: events of a key closer than `gap` ms belong to one session [first, last + gap).
 * With `maxDuration`, no session crosses a multiple of maxDuration (the instants at which Azure
 * Stream Analytics checks the maximum duration), so a session is never longer than maxDuration
 * and the result does not depend on arrival order.
 */
import { TimeWindow } from '../types';
import { floorMod } from './floor-mod';

/** The one-event session that `t` opens: [t, t + gap), cut at the next maxDuration boundary. */
export function sessionWindowOf(t: number, gap: number, maxDuration?: number): TimeWindow {
  let end = t + gap;
  if (maxDuration !== undefined && maxDuration > 0) {
    const limit = sessionBucketStart(t, maxDuration) + maxDuration;
    if (end > limit) end = limit;
  }
  return { start: t, end };
}

/** Start of the maxDuration bucket a session with an event at `t` must stay within. */
export function sessionBucketStart(t: number, maxDuration: number): number {
  return t - floorMod(t, maxDuration);
}

/** Sessions merge when they overlap; sessions that merely touch stay apart (same rule for any arrival order). */
export function sessionsOverlap(a: TimeWindow, b: TimeWindow): boolean {
  return a.start < b.end && b.start < a.end;
}
