/**
 * regex rules: the value is a pattern, written bare (`^temp`) with optional flags in value2, or
 * as a literal (`/^temp/i`). The payload is untrusted input, and a backtracking engine takes
 * exponential time on patterns like `(a+)+$` (30 characters blocked the event loop for seconds),
 * so rules run on RE2 (the re2js port: pure JavaScript, time linear in the input). It takes the
 * JavaScript syntax except backreferences and lookaround, which no linear-time engine can offer;
 * those are refused at deploy, naming the construct.
 *
 * Flags: i, m and s mean what they mean in JavaScript; u, d and v are accepted and change
 * nothing (RE2 always reads code points); g and y are dropped: they make test() remember where
 * it stopped, so the same message could pass once and fail the next time.
 */
import { RE2JS } from 're2js';
import { ConfigError } from '../errors';
import { checkRulePattern } from './regex-syntax';
import type { ValueTest } from './rule';

export { unsupportedRegexSyntax } from './regex-syntax';

/** A compiled rule pattern: test() finds a match anywhere in the text. */
export interface RuleRegExp {
  test(text: string): boolean;
}

/** Builds the matcher of a rule; throws ConfigError naming the field for a bad pattern or flag. */
export function ruleRegExp(value: unknown, value2: unknown, field: string): RuleRegExp {
  const { pattern, flags } = checkRulePattern(value, value2, field);
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  try {
    return RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (err) {
    throw ConfigError.of(`${field}.value`, 'regexEngine', { pattern, reason: (err as Error).message.trim() });
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
