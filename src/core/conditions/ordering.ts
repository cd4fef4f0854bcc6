/**
 * gt, gte, lt, lte and between. A numeric rule value compares numbers; a text rule value
 * compares text in code-point order (ISO-8601 times sort correctly that way). An input of the
 * other kind — text against a number, a missing property — fails the rule: filters let
 * through only what they can vouch for.
 */
import { ConfigError, describeValue } from '../errors';
import type { ValueTest } from './rule';
import { numericValue } from './rule-value';

/** The order comparisons. */
export type OrderOp = 'gt' | 'gte' | 'lt' | 'lte';

function bound(value: unknown, field: string, op: string): number | string {
  const num = numericValue(value);
  if (num !== undefined) return num;
  if (typeof value === 'string' && value !== '') return value;
  throw ConfigError.of(field, 'orderBound', { op, got: describeValue(value) });
}

/** Compiles one order comparison against `value`. */
export function orderTest(op: OrderOp, value: unknown, field: string): ValueTest {
  const b = bound(value, field, op);
  const kind = typeof b;
  switch (op) {
    case 'gt':
      return (x) => typeof x === kind && (x as number) > (b as number);
    case 'gte':
      return (x) => typeof x === kind && (x as number) >= (b as number);
    case 'lt':
      return (x) => typeof x === kind && (x as number) < (b as number);
    case 'lte':
      return (x) => typeof x === kind && (x as number) <= (b as number);
  }
}

/** Compiles "between value and value2, both inclusive"; the ends may be given either way round. */
export function betweenTest(value: unknown, value2: unknown, field: string): ValueTest {
  const a = bound(value, `${field}.value`, 'between');
  const b = bound(value2, `${field}.value2`, 'between');
  if (typeof a !== typeof b) {
    throw ConfigError.of(`${field}.value2`, 'betweenKinds', { a: describeValue(value), b: describeValue(value2) });
  }
  const lo = a <= b ? a : b;
  const hi = a <= b ? b : a;
  const kind = typeof lo;
  return (x) => typeof x === kind && (x as number) >= (lo as number) && (x as number) <= (hi as number);
}
