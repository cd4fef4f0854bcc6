/**
 * Sequence patterns: an ordered list of named steps, each a condition in the filter node's rule
 * language, with a repetition count, or a negation ("not followed by": no such event between
 * the steps around it). Compiled once into bit masks: every event is tested against every
 * condition once, on arrival, and the matcher then only compares bits.
 */
import { FilterRule, compileRules } from '../conditions';
import { ConfigError, describeValue } from '../errors';

/** One step as configured: `name` of the step, its rules, and how often it repeats. */
export interface SequenceStep {
  name: string;
  rules: FilterRule[];
  /** 'all' (default) or 'any' of the rules. */
  combine?: 'all' | 'any';
  /** '' or '{1}' once, '{3}' exactly 3, '{2,}' 2 or more, '{2,4}' 2 to 4, '+' 1 or more. */
  times?: string;
  /** A negation: no event matching it may come between the previous step and the next one. */
  not?: boolean;
}

/** A positive step of a compiled pattern. */
export interface CompiledStep {
  name: string;
  /** The bit of its condition in an event's mask. */
  bit: number;
  min: number;
  max: number;
  /** Bit of the negation that follows it (0 when none). */
  guard: number;
}

/** A pattern ready for matching: positive steps, and the conditions that set each event's mask. */
export interface CompiledPattern<IN> {
  steps: CompiledStep[];
  /** The last step is followed by a negation: a match completes when `within` has passed without such an event. */
  trailingGuard: boolean;
  /** The event's mask: bit i set when condition i holds. */
  mask(input: IN): number;
}

/** At most one bit per step in a 32-bit mask. */
export const MAX_STEPS = 30;
const QUANTIFIER = /^\s*(?:\+|\{\s*(\d+)\s*(?:(,)\s*(\d*)\s*)?\})?\s*$/;

/** Parses a repetition count ('', '+', '{3}', '{2,}', '{2,4}') to [min, max]; throws ConfigError naming `field`. */
export function parseTimes(text: unknown, field: string): [number, number] {
  const value = text === undefined || text === null ? '' : String(text);
  const m = QUANTIFIER.exec(value);
  if (!m) throw new ConfigError(field, `must be empty (once), +, {n}, {n,} or {n,m}, got ${describeValue(text)}`);
  if (value.trim() === '') return [1, 1];
  if (value.trim() === '+') return [1, Infinity];
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  if (!(min >= 1) || !(max >= min) || min > 1e6 || (max !== Infinity && max > 1e6)) {
    throw new ConfigError(field, `needs 1 ≤ n ≤ m ≤ 1000000, got ${describeValue(text)}`);
  }
  return [min, max];
}

/**
 * Compiles the steps. Rules compile as in the filter node (`custom` adds ops the core cannot
 * run itself). Throws ConfigError naming the step field (`steps[1].rules[0].value …`).
 */
export function compilePattern<IN>(steps: SequenceStep[], hasWithin: boolean): CompiledPattern<IN> {
  if (!Array.isArray(steps) || steps.length === 0) throw new ConfigError('steps', 'add at least one step (e.g. warning: payload.level eq "warning")');
  if (steps.length > MAX_STEPS) throw new ConfigError('steps', `at most ${MAX_STEPS} steps, got ${steps.length}`);
  const names = new Set<string>();
  const conditions: ((input: IN) => boolean)[] = [];
  const compiled: CompiledStep[] = [];
  let trailingGuard = false;
  steps.forEach((step, i) => {
    const field = `steps[${i}]`;
    if (!step || typeof step !== 'object') throw new ConfigError(field, `must be an object { name, rules, times, not }, got ${describeValue(step)}`);
    const name = typeof step.name === 'string' ? step.name.trim() : '';
    if (!name) throw new ConfigError(`${field}.name`, 'every step needs a name (it names the step in the output)');
    if (names.has(name)) throw new ConfigError(`${field}.name`, `"${name}" is used twice; step names must differ`);
    names.add(name);
    let predicate: (input: IN) => boolean;
    try {
      predicate = compileRules<IN>(step.rules, step.combine ?? 'all', {
        custom: {
          jsonata: (_rule, r) => {
            throw new ConfigError(`rules[${r}].op`, 'jsonata is not available in sequence steps; use eq, neq, gt, gte, lt, lte, between, contains, regex or exists');
          },
        },
      });
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(`${field}.${err.field}`, err.message.slice(err.field.length + 2));
      throw err;
    }
    conditions.push(predicate);
    const bit = 1 << i;
    if (step.not) {
      if (compiled.length === 0) throw new ConfigError(`${field}.not`, 'a pattern cannot start with a negation; put the step it follows first');
      const prev = compiled[compiled.length - 1];
      // Two negations in a row guard the same gap: either one ends the match.
      prev.guard |= bit;
      if (i === steps.length - 1 || steps.slice(i + 1).every((s) => s && s.not)) trailingGuard = true;
      return;
    }
    const [min, max] = parseTimes(step.times, `${field}.times`);
    compiled.push({ name, bit, min, max, guard: 0 });
  });
  if (trailingGuard && !hasWithin) {
    throw new ConfigError('within', 'a pattern that ends with a negation needs a within duration (the time in which the event must not come)');
  }
  const n = conditions.length;
  const mask = (input: IN): number => {
    let m = 0;
    for (let i = 0; i < n; i++) if (conditions[i](input)) m |= 1 << i;
    return m;
  };
  return { steps: compiled, trailingGuard, mask };
}
