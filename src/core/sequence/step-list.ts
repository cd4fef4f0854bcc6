/**
 * The shape of a sequence pattern: named steps, repetition counts, negations, and the within a
 * trailing negation needs. Checked apart from the steps' rules (conditions/), so the editor's
 * rules can run the same checks without the regular-expression engine.
 */
import type { FilterRule } from '../conditions/rule';
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

/** At most one bit per step in a 32-bit mask. */
export const MAX_STEPS = 30;
const QUANTIFIER = /^\s*(?:\+|\{\s*(\d+)\s*(?:(,)\s*(\d*)\s*)?\})?\s*$/;

/** Parses a repetition count ('', '+', '{3}', '{2,}', '{2,4}') to [min, max]; throws ConfigError naming `field`. */
export function parseTimes(text: unknown, field: string): [number, number] {
  const value = text === undefined || text === null ? '' : String(text);
  const m = QUANTIFIER.exec(value);
  if (!m) throw ConfigError.of(field, 'repeatForm', { got: describeValue(text) });
  if (value.trim() === '') return [1, 1];
  if (value.trim() === '+') return [1, Infinity];
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  if (!(min >= 1) || !(max >= min) || min > 1e6 || (max !== Infinity && max > 1e6)) {
    throw ConfigError.of(field, 'repeatRange', { got: describeValue(text) });
  }
  return [min, max];
}

/** A step as the matcher reads it: its trimmed name and, for a positive step, its repetition bounds. */
export interface PlannedStep {
  name: string;
  min: number;
  max: number;
}

/**
 * Checks everything of a step list but the rules: at least one and at most MAX_STEPS steps, a name
 * each and no name twice, no leading negation, repetition counts, and `within` after a trailing
 * negation. Throws ConfigError naming the step field (`steps[1].times`).
 */
export function checkStepList(steps: SequenceStep[], hasWithin: boolean): { steps: PlannedStep[]; trailingGuard: boolean } {
  if (!Array.isArray(steps) || steps.length === 0) throw ConfigError.of('steps', 'stepsRequired');
  if (steps.length > MAX_STEPS) throw ConfigError.of('steps', 'tooManySteps', { max: MAX_STEPS, got: steps.length });
  const names = new Set<string>();
  const planned: PlannedStep[] = [];
  let positive = 0;
  let trailingGuard = false;
  steps.forEach((step, i) => {
    const field = `steps[${i}]`;
    if (!step || typeof step !== 'object') throw ConfigError.of(field, 'stepObject', { got: describeValue(step) });
    const name = typeof step.name === 'string' ? step.name.trim() : '';
    if (!name) throw ConfigError.of(`${field}.name`, 'stepNameRequired');
    if (names.has(name)) throw ConfigError.of(`${field}.name`, 'stepNameTwice', { name });
    names.add(name);
    // The filter node runs JSONata through Node-RED; the core matches steps on its own.
    (Array.isArray(step.rules) ? step.rules : []).forEach((rule, r) => {
      if (rule && rule.op === 'jsonata') throw ConfigError.of(`${field}.rules[${r}].op`, 'stepNoJsonata');
    });
    if (step.not) {
      if (positive === 0) throw ConfigError.of(`${field}.not`, 'negationFirst');
      if (i === steps.length - 1 || steps.slice(i + 1).every((s) => s && s.not)) trailingGuard = true;
      planned.push({ name, min: 0, max: 0 });
      return;
    }
    const [min, max] = parseTimes(step.times, `${field}.times`);
    positive++;
    planned.push({ name, min, max });
  });
  if (trailingGuard && !hasWithin) {
    throw ConfigError.of('within', 'negationWithin');
  }
  return { steps: planned, trailingGuard };
}
