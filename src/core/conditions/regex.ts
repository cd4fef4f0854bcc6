/**
 * regex rules: the value is a pattern, written bare (`^temp`) with optional flags in value2, or
 * as a literal (`/^temp/i`). The g and y flags are dropped: they make test() remember where it
 * stopped, so the same message could pass once and fail the next time.
 */
import { ConfigError, describeValue } from '../errors';
import type { ValueTest } from './rule';

const LITERAL = /^\/([\s\S]+)\/([a-z]*)$/;
const FLAGS = /^[dimsuvgy]*$/;

/** Builds the RegExp of a rule; throws ConfigError naming the field for a bad pattern or flag. */
export function ruleRegExp(value: unknown, value2: unknown, field: string): RegExp {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(`${field}.value`, `regex needs a pattern such as ^temp or /^temp/i, got ${describeValue(value)}`);
  }
  const literal = LITERAL.exec(value);
  const pattern = literal ? literal[1] : value;
  const flagsField = literal ? `${field}.value` : `${field}.value2`;
  const flags = literal ? literal[2] : value2 === undefined || value2 === null ? '' : String(value2).trim();
  if (!FLAGS.test(flags) || new Set(flags).size !== flags.length) {
    throw new ConfigError(flagsField, `invalid regular expression flags "${flags}"; allowed: i m s u d v`);
  }
  try {
    return new RegExp(pattern, flags.replace(/[gy]/g, ''));
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: /, '');
    throw new ConfigError(`${field}.value`, `invalid regular expression ${reason}`);
  }
}

/** Compiles a regex rule: text is tested as is, numbers and booleans as their text. */
export function regexTest(value: unknown, value2: unknown, field: string): ValueTest {
  const re = ruleRegExp(value, value2, field);
  return (x) => {
    if (typeof x === 'string') return re.test(x);
    if (typeof x === 'number' || typeof x === 'boolean') return re.test(String(x));
    return false;
  };
}
