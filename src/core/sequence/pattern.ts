/**
 * Sequence patterns: an ordered list of named steps, each a condition in the filter node's rule
 * language, with a repetition count, or a negation ("not followed by": no such event between
 * the steps around it). Compiled once into bit masks: every event is tested against every
 * condition once, on arrival, and the matcher then only compares bits.
 */
import { compileRules } from '../conditions';
import { ConfigError } from '../errors';
import { SequenceStep, checkStepList } from './step-list';

export { MAX_STEPS, parseTimes } from './step-list';
export type { SequenceStep } from './step-list';

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

/**
 * Compiles the steps: the step list is checked first (step-list.ts), then each step's rules
 * compile as in the filter node. Throws ConfigError naming the step field (`steps[1].rules[0].value …`).
 */
export function compilePattern<IN>(steps: SequenceStep[], hasWithin: boolean): CompiledPattern<IN> {
  const plan = checkStepList(steps, hasWithin);
  const conditions: ((input: IN) => boolean)[] = [];
  const compiled: CompiledStep[] = [];
  steps.forEach((step, i) => {
    const field = `steps[${i}]`;
    try {
      conditions.push(compileRules<IN>(step.rules, step.combine ?? 'all'));
    } catch (err) {
      if (err instanceof ConfigError) throw err.within(field);
      throw err;
    }
    const bit = 1 << i;
    const { name, min, max } = plan.steps[i];
    if (step.not) {
      // Two negations in a row guard the same gap: either one ends the match.
      compiled[compiled.length - 1].guard |= bit;
      return;
    }
    compiled.push({ name, bit, min, max, guard: 0 });
  });
  const n = conditions.length;
  const mask = (input: IN): number => {
    let m = 0;
    for (let i = 0; i < n; i++) if (conditions[i](input)) m |= 1 << i;
    return m;
  };
  return { steps: compiled, trailingGuard: plan.trailingGuard, mask };
}
