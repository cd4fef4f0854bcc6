/**
 * The range of times and durations the core accepts. Window arithmetic adds durations to times and
 * steps through window grids; below 2^53 ms every whole-millisecond sum is exact, so a step always
 * moves and a count of windows is always a whole number. Beyond it `t + slide === t` can hold,
 * which would turn a grid walk into an endless loop. Times and durations are therefore checked
 * once where they enter, and everything inside can rely on exact arithmetic.
 */

/** Largest event time magnitude, ms: the range of a JavaScript Date (±100,000,000 days from 1970). */
export const MAX_EVENT_TIME = 8.64e15;

/** Longest duration, ms (about 3,170 years): a time plus a duration stays below 2^53. */
export const MAX_DURATION = 1e14;

/** Whether `t` is a number within ±MAX_EVENT_TIME (NaN and ±Infinity are not). */
export function isEventTimeInRange(t: number): boolean {
  return t >= -MAX_EVENT_TIME && t <= MAX_EVENT_TIME;
}

/**
 * Names the unit a far-future epoch number was most likely written in, for error messages:
 * microseconds of this century look like 1.7e15, nanoseconds like 1.7e18.
 */
export function likelyTimeUnit(t: number): 'microseconds' | 'nanoseconds' | undefined {
  const a = Math.abs(t);
  if (a >= 1e17 && a < 1e20) return 'nanoseconds';
  if (a >= 1e14 && a < 1e17) return 'microseconds';
  return undefined;
}

const SPANS: readonly [number, string][] = [
  [365.25 * 86_400_000, 'year'],
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1000, 'second'],
];

/** A time span in the largest whole unit, for people: "74 years", "3 hours", "250 ms". */
export function describeSpan(ms: number): string {
  for (const [size, unit] of SPANS) {
    if (ms >= size) {
      const n = Math.floor(ms / size);
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${Math.round(ms)} ms`;
}
