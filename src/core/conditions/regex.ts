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
import { ConfigError, describeValue } from '../errors';
import type { ValueTest } from './rule';

const LITERAL = /^\/([\s\S]+)\/([a-z]*)$/;
const FLAGS = /^[dimsuvgy]*$/;

/** What regex rules allow, for messages. */
export const REGEX_SUPPORT =
  'regex rules run on a linear-time engine (RE2): JavaScript syntax without backreferences (\\1, \\k<name>) and without lookahead or lookbehind ((?=…), (?!…), (?<=…), (?<!…))';

/** A compiled rule pattern: test() finds a match anywhere in the text. */
export interface RuleRegExp {
  test(text: string): boolean;
}

/** The first construct of `pattern` a linear-time engine cannot run, described; undefined if none. */
export function unsupportedRegexSyntax(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && next >= '1' && next <= '9') return `the backreference \\${/^\d+/.exec(pattern.slice(i + 1))![0]}`;
      if (!inClass && next === 'k' && pattern[i + 2] === '<') return `the named backreference ${/^\\k<[^>]*>?/.exec(pattern.slice(i))![0]}`;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(' && pattern[i + 1] === '?') {
      const look = /^\(\?(=|!|<=|<!)/.exec(pattern.slice(i));
      if (look) return `the ${look[1].startsWith('<') ? 'lookbehind' : 'lookahead'} ${look[0]}…)`;
    }
  }
  return undefined;
}

/** Builds the matcher of a rule; throws ConfigError naming the field for a bad pattern or flag. */
export function ruleRegExp(value: unknown, value2: unknown, field: string): RuleRegExp {
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
  // JavaScript's own parser first: its messages are the ones users know.
  try {
    new RegExp(pattern, flags.replace(/[gy]/g, ''));
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: /, '');
    throw new ConfigError(`${field}.value`, `invalid regular expression ${reason}`);
  }
  const unsupported = unsupportedRegexSyntax(pattern);
  if (unsupported) throw new ConfigError(`${field}.value`, `${unsupported} cannot be used: ${REGEX_SUPPORT}`);
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  try {
    return RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (err) {
    throw new ConfigError(`${field}.value`, `regular expression /${pattern}/ is not supported (${(err as Error).message.trim()}); ${REGEX_SUPPORT}`);
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
