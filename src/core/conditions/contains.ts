/** contains: a substring of text input, or an element of array input (matched like eq). */
import { ConfigError } from '../errors';
import { equalsTest } from './equality';
import type { ValueTest } from './rule';

/** Compiles "contains `value`"; other input types (numbers, objects, missing) fail the rule. */
export function containsTest(value: unknown, field: string): ValueTest {
  if (value === undefined || value === null || value === '') throw ConfigError.of(field, 'containsValueRequired');
  const text = typeof value === 'object' ? undefined : String(value);
  const element = equalsTest(value, field);
  return (x) => {
    if (typeof x === 'string') return text !== undefined && x.includes(text);
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) if (element(x[i])) return true;
    }
    return false;
  };
}
