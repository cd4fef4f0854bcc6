/**
 * The syntax a regex rule may use, checked without compiling it: the runtime checks it at deploy
 * (regex.ts) and the editor runs the same checks from its generated rules file, so both refuse the
 * same patterns and flags for the same reason.
 */
import { ConfigError, describeValue } from '../errors';

const LITERAL = /^\/([\s\S]+)\/([a-z]*)$/;
const FLAGS = /^[dimsuvgy]*$/;

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

/** A rule's pattern and flags (from a /literal/flags value or value2) once every syntax check passed; throws ConfigError naming the field. */
export function checkRulePattern(value: unknown, value2: unknown, field: string): { pattern: string; flags: string } {
  if (typeof value !== 'string' || value === '') {
    throw ConfigError.of(`${field}.value`, 'regexPatternRequired', { got: describeValue(value) });
  }
  const literal = LITERAL.exec(value);
  const pattern = literal ? literal[1] : value;
  const flagsField = literal ? `${field}.value` : `${field}.value2`;
  const flags = literal ? literal[2] : value2 === undefined || value2 === null ? '' : String(value2).trim();
  if (!FLAGS.test(flags) || new Set(flags).size !== flags.length) {
    throw ConfigError.of(flagsField, 'regexFlags', { flags });
  }
  // JavaScript's own parser first: its messages are the ones users know.
  try {
    new RegExp(pattern, flags.replace(/[gy]/g, ''));
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: /, '');
    throw ConfigError.of(`${field}.value`, 'regexInvalid', { reason });
  }
  const unsupported = unsupportedRegexSyntax(pattern);
  if (unsupported) throw ConfigError.of(`${field}.value`, 'regexSyntax', { syntax: unsupported });
  return { pattern, flags };
}
