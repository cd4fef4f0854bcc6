/**
 * Session windows: events of a key closer than `gap` ms belong to one session [first, last + gap).
 *
 * With `maxDuration` the rule is Azure Stream Analytics': the maximum duration is checked at the
 * multiples of maxDuration (counted from the epoch, 1970-01-01T00:00Z). At a check instant c, a
 * session that started at s with c − s ≥ maxDuration is cut: [s, c) closes and the session goes
 * on as a new window starting at c, whose next check is c + maxDuration. A session is therefore
 * cut first at the first multiple of maxDuration at or after s + maxDuration, and every
 * maxDuration after that; it is never cut before it has lasted maxDuration, and a first part lasts
 * less than twice maxDuration. Since cuts only fall on multiples of maxDuration, a session's
 * events can be kept per maxDuration bucket and the parts fixed when the session's start is known,
 * whatever order the events arrive in.
 */
import { TimeWindow } from '../types';
import { floorMod } from './floor-mod';

/** The one-event session that `t` opens: [t, t + gap) (maxDuration cuts only sessions that last that long). */
export function sessionWindowOf(t: number, gap: number): TimeWindow {
  return { start: t, end: t + gap };
}

/** Start of the maxDuration bucket (a multiple of maxDuration) that holds `t`. */
export function sessionBucketStart(t: number, maxDuration: number): number {
  return t - floorMod(t, maxDuration);
}

/** The first check instant that cuts a session starting at `start`: the first multiple of maxDuration at or after start + maxDuration. */
export function sessionFirstCut(start: number, maxDuration: number): number {
  const reach = start + maxDuration;
  const r = floorMod(reach, maxDuration);
  return r === 0 ? reach : reach - r + maxDuration;
}

/** Sessions merge when they overlap; sessions that merely touch stay apart (same rule for any arrival order). */
export function sessionsOverlap(a: TimeWindow, b: TimeWindow): boolean {
  return a.start < b.end && b.start < a.end;
}
