/**
 * eq and neq. Equality is strict (===), with two config-side conveniences: a numeric rule value
 * matches input numbers numerically ("21.5" equals 21.5), and "true"/"false" match booleans.
 * Input text is never turned into a number: the string "21.5" does not equal the number 21.5
 * unless the rule value is that same text.
 */
import { ConfigError, describeValue } from '../errors';
import type { ValueTest } from './rule';
import { booleanValue, deepEqual, numericValue } from './rule-value';

/** Compiles "equals `value`"; throws ConfigError naming `field` when there is no value. */
export function equalsTest(value: unknown, field: string): ValueTest {
  if (value === undefined) throw ConfigError.of(field, 'compareValueRequired');
  const num = numericValue(value);
  if (num !== undefined) return (x) => (typeof x === 'number' ? x === num : x === value);
  const bool = booleanValue(value);
  if (bool !== undefined) return (x) => (typeof x === 'boolean' ? x === bool : x === value);
  if (typeof value === 'object' && value !== null) return (x) => deepEqual(x, value);
  if (typeof value === 'number') {
    throw ConfigError.of(field, 'notComparable', { got: describeValue(value) });
  }
  return (x) => x === value;
}

/** Compiles "does not equal `value`": true for anything eq rejects, a missing property included. */
export function notEqualsTest(value: unknown, field: string): ValueTest {
  const eq = equalsTest(value, field);
  return (x) => !eq(x);
}
