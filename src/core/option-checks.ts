/**
 * Checks of operator options given in code (durations already in ms): the operators call them in
 * their constructors so a bad option names itself and what is allowed.
 */
import { ConfigError, describeValue } from './errors';
import { MAX_DURATION } from './time-range';

/** A duration of 0 ms or more; `fallback` when unset. */
export function nonNegative(value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_DURATION)) {
    throw ConfigError.of(field, 'msRange', { max: MAX_DURATION, got: describeValue(value) });
  }
  return value;
}

/** A whole number ≥ 1, or Infinity when unset. */
export function positiveLimit(value: unknown, field: string): number {
  if (value === undefined || value === null || value === Infinity) return Infinity;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw ConfigError.of(field, 'limitOrUnset', { got: describeValue(value) });
  }
  return value;
}

/** One of `allowed`; `fallback` when unset or empty. */
export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (!allowed.includes(value as T)) {
    throw ConfigError.of(field, 'oneOf', { allowed: allowed.map((a) => `"${a}"`).join(', '), got: describeValue(value) });
  }
  return value as T;
}

/** A number of ms within ±MAX_DURATION (negative allowed: join bounds). */
export function finiteMs(value: unknown, field: string): number {
  if (typeof value !== 'number' || !(Math.abs(value) <= MAX_DURATION))
    throw ConfigError.of(field, 'msSigned', { max: MAX_DURATION, got: describeValue(value) });
  return value;
}

// The operators' snapshots write ±Infinity as null with the accumulators' own helper.
export { finiteOrNull } from './aggregates/snapshot-json';
