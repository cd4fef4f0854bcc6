/**
 * The sequence settings of stream-sequence's flow JSON, converted and checked as the node reads
 * them at deploy. Pure of Node-RED, so the editor's rules (editor-rules.ts) run the same checks.
 */
import { ConfigError } from '../../core/errors';
import { SequenceStep, checkStepList } from '../../core/sequence/step-list';
import { optionalDuration, optionalLimit } from './window-config';

/** What stream-sequence reads of its steps, within and partial-match limit. */
export interface SequenceSettings {
  steps: SequenceStep[];
  /** ms; 0 = no time limit. */
  within: number;
  maxPartialMatches: number;
}

/** The steps from flow JSON: `times` and `not` as the editor stores them (text, boolean). */
function stepsOf(steps: unknown): SequenceStep[] {
  if (!Array.isArray(steps) || steps.length === 0) throw ConfigError.of('steps', 'stepsRequired');
  return (steps as Record<string, unknown>[]).map((s) => ({
    name: typeof s?.name === 'string' ? s.name : '',
    rules: Array.isArray(s?.rules) ? s.rules : [],
    combine: s?.combine === 'any' ? 'any' : 'all',
    times: typeof s?.times === 'string' ? s.times : s?.times === undefined || s?.times === null ? '' : String(s.times),
    not: s?.not === true || s?.not === 'true',
  }));
}

/** Converts and checks steps, within and maxPartialMatches; throws ConfigError naming the field. The steps' rules compile in the operator. */
export function parseSequenceSettings(config: { steps?: unknown; within?: unknown; maxPartialMatches?: unknown }): SequenceSettings {
  const within = optionalDuration(config.within, 'within');
  const maxPartialMatches =
    config.maxPartialMatches === undefined || config.maxPartialMatches === '' ? 100 : optionalLimit(config.maxPartialMatches, 'maxPartialMatches');
  const steps = stepsOf(config.steps);
  checkStepList(steps, within > 0);
  return { steps, within, maxPartialMatches };
}
