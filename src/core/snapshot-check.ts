/**
 * Checks for saved state read back from a context store: a snapshot may be corrupt, hand-edited
 * or written by another version, and each check throws a SnapshotError naming what is wrong, so
 * the operator can refuse the whole snapshot before any of it replaces the running state.
 */
import { ConfigError, describeValue } from './errors';
import { MAX_EVENT_TIME } from './time-range';

/** A snapshot that cannot be restored; `message` names the part and what was found. */
export class SnapshotError extends ConfigError {
  constructor(message: string) {
    super('snapshot', message);
    this.name = 'SnapshotError';
  }
}

/** An event time within the range of a date. */
export function snapTime(value: unknown, what: string): number {
  if (typeof value === 'number' && value >= -MAX_EVENT_TIME && value <= MAX_EVENT_TIME) return value;
  throw new SnapshotError(`${what}: expected a time in ms within ±${MAX_EVENT_TIME}, got ${describeValue(value)}`);
}

/** A time, or null for "none" (returned as `none`, e.g. -Infinity). */
export function snapTimeOr(value: unknown, none: number, what: string): number {
  return value === null || value === undefined ? none : snapTime(value, what);
}

/** A count: a whole number of 0 or more. */
export function snapCount(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new SnapshotError(`${what}: expected a whole number of 0 or more, got ${describeValue(value)}`);
}

/** An array (of `length` items when given). */
export function snapArray(value: unknown, what: string, length?: number): unknown[] {
  if (Array.isArray(value) && (length === undefined || value.length === length)) return value;
  throw new SnapshotError(`${what}: expected ${length === undefined ? 'a list' : `a list of ${length}`}, got ${describeValue(value)}${Array.isArray(value) ? ` of ${value.length}` : ''}`);
}

/** A plain object. */
export function snapObject(value: unknown, what: string): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new SnapshotError(`${what}: expected an object, got ${describeValue(value)}`);
}

/** One of the allowed values. */
export function snapOneOf<T>(value: unknown, allowed: readonly T[], what: string): T {
  if (allowed.includes(value as T)) return value as T;
  throw new SnapshotError(`${what}: expected one of ${allowed.join(', ')}, got ${describeValue(value)}`);
}

/** A window [start, end) with start < end. */
export function snapWindow(start: unknown, end: unknown, what: string): [number, number] {
  const s = snapTime(start, `${what} start`);
  const e = snapTime(end, `${what} end`);
  if (!(s < e)) throw new SnapshotError(`${what}: start ${s} is not before end ${e}`);
  return [s, e];
}
