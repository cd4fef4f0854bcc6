/**
 * Compiles the filter node's rules once into a single predicate: paths, numbers and regular
 * expressions are parsed here, so testing a message only reads properties and compares. The
 * regex op's factory is given (compile-rules.ts gives the RE2 one), so the editor's rules can run
 * every other check of a rule without the regular-expression engine.
 */
import { ConfigError, describeValue } from '../errors';
import { compilePath } from '../path';
import { containsTest } from './contains';
import { equalsTest, notEqualsTest } from './equality';
import { betweenTest, orderTest } from './ordering';
import { FilterRule, Predicate, RULE_OPS, ValueTest } from './rule';

/** Builds a predicate for a rule op the core cannot evaluate itself (jsonata) or a custom op. */
export type RuleFactory<IN> = (rule: FilterRule, index: number) => Predicate<IN>;

/** Builds the test of a regex rule from its pattern (value) and flags (value2); throws ConfigError naming `field`. */
export type RegexRuleFactory = (value: unknown, value2: unknown, field: string) => ValueTest;

/** Options of compileRules. */
export interface CompileRulesOptions<IN> {
  /** Predicate factories by op name; they take precedence over the built-in ops. */
  custom?: Partial<Record<string, RuleFactory<IN>>>;
}

// Spellings people bring from other tools (Node-RED's switch node, SQL, code).
const ALIASES: Record<string, string> = {
  '=': 'eq',
  '==': 'eq',
  '===': 'eq',
  '!=': 'neq',
  '!==': 'neq',
  '<>': 'neq',
  ne: 'neq',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  btwn: 'between',
  cont: 'contains',
};

function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

function valueTest(op: string, rule: FilterRule, field: string, regex: RegexRuleFactory): ValueTest | undefined {
  switch (op) {
    case 'eq':
      return equalsTest(rule.value, `${field}.value`);
    case 'neq':
      return notEqualsTest(rule.value, `${field}.value`);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return orderTest(op, rule.value, `${field}.value`);
    case 'between':
      return betweenTest(rule.value, rule.value2, field);
    case 'contains':
      return containsTest(rule.value, `${field}.value`);
    case 'regex':
      return regex(rule.value, rule.value2, field);
    case 'exists':
      return (x) => x !== undefined;
    default:
      return undefined;
  }
}

function compileRule<IN>(rule: FilterRule, index: number, options: CompileRulesOptions<IN>, regex: RegexRuleFactory): Predicate<IN> {
  const field = `rules[${index}]`;
  if (rule === null || typeof rule !== 'object') {
    throw ConfigError.of(field, 'ruleObject', { got: describeValue(rule) });
  }
  const raw = typeof rule.op === 'string' ? rule.op.trim() : '';
  const custom = options.custom && hasOwn(options.custom, raw) ? options.custom[raw] : undefined;
  if (custom) return custom(rule, index);
  const op = hasOwn(ALIASES, raw) ? ALIASES[raw] : raw.toLowerCase();
  if (op === 'jsonata') {
    throw ConfigError.of(`${field}.op`, 'jsonataNotCompiled');
  }
  const property = typeof rule.property === 'string' && rule.property.trim() !== '' ? rule.property : 'payload';
  if (rule.property !== undefined && rule.property !== null && typeof rule.property !== 'string') {
    throw ConfigError.of(`${field}.property`, 'propertyPath', { got: describeValue(rule.property) });
  }
  const test = valueTest(op, rule, field, regex);
  if (!test) {
    const allowed = [...RULE_OPS, ...Object.keys(options.custom ?? {}).filter((k) => !(RULE_OPS as readonly string[]).includes(k))];
    const got = typeof rule.op === 'string' ? `"${rule.op}"` : describeValue(rule.op);
    throw ConfigError.of(`${field}.op`, 'ruleOpUnknown', { got, allowed: allowed.join(', ') });
  }
  const get = compilePath(property, `${field}.property`);
  return (input) => test(get(input));
}

/** The rules as one predicate, regex rules built by `regex` (see compileRules in compile-rules.ts). */
function compileWith<IN>(rules: FilterRule[], combine: 'all' | 'any', options: CompileRulesOptions<IN>, regex: RegexRuleFactory): Predicate<IN> {
  if (!Array.isArray(rules)) throw ConfigError.of('rules', 'ruleList', { got: describeValue(rules) });
  const mode = combine === undefined || (combine as unknown) === '' ? 'all' : combine;
  if (mode !== 'all' && mode !== 'any') throw ConfigError.of('combine', 'useEither', { got: String(combine), a: 'all', b: 'any' });
  const preds = rules.map((r, i) => compileRule(r, i, options, regex));
  const all = mode === 'all';
  switch (preds.length) {
    case 0:
      return () => all;
    case 1:
      return preds[0];
    case 2: {
      const [a, b] = preds;
      return all ? (x) => a(x) && b(x) : (x) => a(x) || b(x);
    }
    default:
      return all
        ? (x) => {
            for (let i = 0; i < preds.length; i++) if (!preds[i](x)) return false;
            return true;
          }
        : (x) => {
            for (let i = 0; i < preds.length; i++) if (preds[i](x)) return true;
            return false;
          };
  }
}

/** compileRules' shape: `(rules, combine = 'all', options = {}) => predicate`. */
export type CompileRules = <IN = unknown>(rules: FilterRule[], combine?: 'all' | 'any', options?: CompileRulesOptions<IN>) => Predicate<IN>;

/** The rule compiler whose regex rules are built by `regex`. */
export function ruleCompiler(regex: RegexRuleFactory): CompileRules {
  return (rules, combine = 'all', options = {}) => compileWith(rules, combine, options, regex);
}
