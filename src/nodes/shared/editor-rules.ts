/**
 * The runtime's own setting rules, for the editor. The build bundles this module and every module it
 * imports into resources/stream-rules.js (scripts/build-editor-rules.js); the dialogs read it as
 * window.streamProcessingRules, so a dialog accepts and refuses exactly what a deployed node does,
 * with the same reason, and offers exactly the choices the runtime takes.
 */
import { checkRulePattern } from '../../core/conditions/regex-syntax';
import { parseDuration } from '../../core/duration';
import { ConfigError } from '../../core/errors';
import { WindowType } from '../../core/types';
import { WindowConfig, keyLimit, optionalDuration, optionalLimit, parseFutureSettings, parseWindowSpec, positiveDuration } from './window-config';

export { DURATION_FORMS, formatDuration } from '../../core/duration';
export { MAX_DURATION } from '../../core/time-range';
export { CALENDAR_UNITS } from '../../core/assigners/calendar';
export { EMIT_STRATEGIES, FUTURE_DATA_POLICIES, LATE_DATA_POLICIES, TIME_MODES, WATERMARK_SCOPES, WINDOW_BOUNDS, WINDOW_TYPES } from '../../core/setting-values';
export { AGGREGATION_OPS } from '../../core/aggregates/aggregation-ops';
export { RULE_OPS, SEQUENCE_RULE_OPS } from '../../core/conditions/rule';
export { DEFAULT_MAX_KEYS, MAX_MAX_KEYS } from './window-config';

/** The reason of the ConfigError `run` throws, without the field name it starts with ('' when none, or when it names another field). */
function reason(run: () => unknown, field?: string): string {
  try {
    run();
    return '';
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (field !== undefined && err.field !== field) return '';
    return err.message.slice(err.field.length + 2);
  }
}

/** Milliseconds of a duration as the runtime reads it (0 allowed); NaN when it is not one. */
export function durationMs(value: unknown): number {
  try {
    return parseDuration(value, 'duration', { allowZero: true });
  } catch {
    return NaN;
  }
}

/** Why a non-empty duration is not usable ('' when it is), in the runtime parser's words. */
export function durationProblem(value: unknown, allowZero: boolean): string {
  return reason(() => parseDuration(value, 'duration', { allowZero }));
}

/**
 * Why `field` stops the window settings `config` of window type `windowType` at deploy ('' when it
 * does not): the runtime converts and checks them in one order, so a field is named only when it is
 * the first at fault; once that one is fixed the next shows.
 */
export function windowProblem(field: string, config: WindowConfig, windowType?: WindowType | 'none'): string {
  return reason(() => parseWindowSpec(config, windowType === undefined || windowType === 'none' ? undefined : windowType), field);
}

const SETTINGS: Record<string, (value: unknown) => unknown> = {
  maxOutOfOrder: (v) => optionalDuration(v, 'maxOutOfOrder'),
  allowedLateness: (v) => optionalDuration(v, 'allowedLateness'),
  idleTimeout: (v) => optionalDuration(v, 'idleTimeout'),
  earlyEvery: (v) => positiveDuration(v, 'earlyEvery'),
  maxKeys: (v) => keyLimit(v),
  maxEventsPerWindow: (v) => optionalLimit(v, 'maxEventsPerWindow'),
  maxFutureSkew: (v) => parseFutureSettings({ maxFutureSkew: v }),
};

/** The settings settingProblem knows: each converted on its own by the runtime, whatever the others say. */
export const SINGLE_SETTINGS: readonly string[] = Object.keys(SETTINGS);

/** Why a regex rule's pattern (bare or /literal/flags) and flags (value2) cannot run ('' when they can), as the runtime says at deploy. */
export function regexRuleProblem(value: unknown, value2: unknown): string {
  return reason(() => checkRulePattern(value, value2, 'rule'));
}

/** Why a time or limit setting (one of SINGLE_SETTINGS) stops a node at deploy ('' when it does not). */
export function settingProblem(field: string, value: unknown): string {
  const convert = SETTINGS[field];
  if (!convert) throw new Error(`no rule for setting ${field}`);
  return reason(() => convert(value), field);
}
