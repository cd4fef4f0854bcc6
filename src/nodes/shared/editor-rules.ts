/**
 * The runtime's own setting rules, for the editor. The build bundles this module and every module it
 * imports into resources/stream-rules.js (scripts/build-editor-rules.js); the dialogs read it as
 * window.streamProcessingRules, so a dialog accepts and refuses exactly what a deployed node does,
 * with the same reason, and offers exactly the choices the runtime takes.
 */
import { checkPercentile } from '../../core/aggregates/quantile';
import { checkRulePattern } from '../../core/conditions/regex-syntax';
import { parseTimes } from '../../core/sequence/step-list';
import { parseDuration } from '../../core/duration';
import type { ReasonParams } from '../../core/config-reasons';
import { ConfigError } from '../../core/errors';
import { WindowType } from '../../core/types';
import { WindowConfig, keyLimit, optionalDuration, optionalLimit, parseFutureSettings, parseWindowSpec, positiveDuration } from './window-config';
import { parseKafkaBrokerConfig, parseKafkaInConfig, parseKafkaOutConfig } from '../../connectors/kafka-config';
import { parseMqttBrokerConfig, parseMqttInConfig, parseMqttOutConfig } from '../../connectors/mqtt-config';
import { parseSensorSimConfig } from '../../core/sensor-sim/config';
import { parseAggregateSettings } from './aggregate-config';
import { compileSide, joinSpec } from './join-config';
import { parseDetectorSettings, parseHoldOff } from './detect-config';
import { filterRuleList, jsonataRuleExpression } from './filter-config';
import { ruleCompiler } from '../../core/conditions/rule-compiler';
import type { FilterRule } from '../../core/conditions/rule';
import { parseSequenceSettings } from './sequence-config';
import type { BaseNodeConfig } from './red';

export { DURATION_FORMS, formatDuration } from '../../core/duration';
export { MAX_DURATION } from '../../core/time-range';
export { CALENDAR_UNITS } from '../../core/assigners/calendar';
export {
  EMIT_STRATEGIES,
  FUTURE_DATA_POLICIES,
  LATE_DATA_POLICIES,
  TIME_MODES,
  WATERMARK_SCOPES,
  WINDOW_BOUNDS,
  WINDOW_TYPES,
} from '../../core/setting-values';
export { AGGREGATION_OPS } from '../../core/aggregates/aggregation-ops';
export { RULE_OPS, SEQUENCE_RULE_OPS } from '../../core/conditions/rule';
export { DEFAULT_MAX_KEYS, MAX_MAX_KEYS } from './window-config';
export { ANOMALY_TYPES as SENSOR_ANOMALIES } from '../../core/sensor-sim/config';
export { FIELD_NAMES as SENSOR_FIELDS } from '../../core/sensor-sim/field-models';

/** Says a coded reason (config-reasons.ts) in the editor's language; undefined: as the core wrote it. */
export type Translate = (code: string, params: ReasonParams) => string | undefined;
let translate: Translate | undefined;

/** Lets the reasons below speak the editor's language: the dialogs pass RED._ over the catalogs' configError entries. */
export function useTranslation(t: Translate): void {
  translate = t;
}

/** A ConfigError's reason without the field it names, translated when it has a code and the editor a translation. */
function reasonOf(err: ConfigError): string {
  return (err.code && translate?.(err.code, err.params)) || err.message.slice(err.field.length + 2);
}

/** The reason of the ConfigError `run` throws, without the field name it starts with ('' when none, or when it names another field). */
function reason(run: () => unknown, field?: string): string {
  try {
    run();
    return '';
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (field !== undefined && err.field !== field) return '';
    return reasonOf(err);
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

/** Why a percentile's p, as the dialog holds it (text), is refused ('' when it is not). */
export function percentileProblem(p: unknown): string {
  return reason(() => checkPercentile(p === undefined || p === null || String(p).trim() === '' ? undefined : Number(p)));
}

/** Why a sequence step's repetition count ('', '+', '{3}', '{2,}', '{2,4}') is refused ('' when it is not). */
export function repeatProblem(times: unknown): string {
  return reason(() => parseTimes(times, 'times'));
}

/** Why a time or limit setting (one of SINGLE_SETTINGS) stops a node at deploy ('' when it does not). */
export function settingProblem(field: string, value: unknown): string {
  const convert = SETTINGS[field];
  if (!convert) throw new Error(`no rule for setting ${field}`);
  return reason(() => convert(value), field);
}

type Settings = Record<string, unknown>;

/** The dialog's settings as the connector parsers take a node's config. */
const asNode = (c: Settings): BaseNodeConfig => ({ id: '', type: '', ...c });

/**
 * Each node type's own conversion of its settings, the one its constructor runs (or, for a
 * processor, the part of it that is not the shared window, time and limit settings above).
 */
const NODE_SETTINGS: Record<string, (config: Settings) => unknown> = {
  // Credentials are not among the dialog's settings: a SASL user name is asked for where it is typed.
  'stream-kafka-broker': (c) => parseKafkaBrokerConfig(asNode(c), { user: 'user' }),
  'stream-kafka-in': (c) => parseKafkaInConfig(asNode(c)),
  'stream-kafka-out': (c) => parseKafkaOutConfig(asNode(c)),
  'stream-mqtt-broker': (c) => parseMqttBrokerConfig(asNode(c)),
  'stream-mqtt-in': (c) => parseMqttInConfig(asNode(c)),
  'stream-mqtt-out': (c) => parseMqttOutConfig(asNode(c)),
  'stream-sensor-sim': (c) => parseSensorSimConfig(c),
  'stream-aggregate': (c) => parseAggregateSettings(c),
  'stream-join': (c) => [compileSide(c), joinSpec(c)],
  'stream-sequence': (c) =>
    parseSequenceSettings(c).steps.forEach((step, i) => {
      try {
        checkRules(step.rules, step.combine ?? 'all');
      } catch (err) {
        throw err instanceof ConfigError ? err.within(`steps[${i}]`) : err;
      }
    }),
  'stream-filter': (c) => {
    const { rules, combine } = filterRuleList(c);
    return checkRules(rules, combine, jsonataRules);
  },
  // The pattern is a choice of the runtime's list; the detectors' own checks need the detectors.
  'stream-detect': (c) => [parseDetectorSettings(c, c.pattern === undefined || c.pattern === '' ? 'anomaly' : String(c.pattern)), parseHoldOff(c.holdOff)],
};

/**
 * Values that pass, for settings a new node has empty until the user fills them in: while such a
 * field is still empty (and so refused), the others are judged with this in its place.
 */
const STAND_INS: Record<string, Settings> = {
  'stream-kafka-in': { topics: 'topic' },
  'stream-mqtt-in': { topic: 'topic' },
};

/**
 * The runtime's rule compiler with the regex rules checked by the runtime's own syntax checks, not
 * the engine (re2js stays out of the editor; what only RE2 refuses is refused at deploy). JSONata
 * rules need an expression; the dialogs parse it with JSONata themselves.
 */
const checkRules = ruleCompiler((value, value2, field) => {
  checkRulePattern(value, value2, field);
  return () => false;
});
const jsonataRules = { custom: { jsonata: (rule: FilterRule, i: number) => (jsonataRuleExpression(rule, i), () => false) } };

/** Why one filter-language rule { property, op, value, value2 } cannot run ('' when it can), in the runtime's words without its field; `jsonata` when the node runs JSONata rules. */
export function ruleProblem(rule: unknown, jsonata: boolean): string {
  return reason(() => checkRules([rule as FilterRule], 'all', jsonata ? jsonataRules : {}));
}

/** The node types nodeSettingProblem knows. */
export const NODE_TYPES: readonly string[] = Object.keys(NODE_SETTINGS);

/** Whether the ConfigError field `at` is `field` itself or a part of it (`steps[1].times` of `steps`). */
function within(at: string, field: string): boolean {
  return at === field || at.startsWith(`${field}[`) || at.startsWith(`${field}.`);
}

/**
 * Why `field` stops a `type` node with the dialog's settings `config` at deploy ('' when it does
 * not), in the runtime's words. The node's own conversion runs on them; when another field is the
 * first at fault, that one takes its default (`defaults`), or a value that passes when its default
 * is refused too (STAND_INS), and the conversion runs again, so each field is judged in the
 * context of the others. A part of a list names itself (`steps[1].times: …`).
 */
export function nodeSettingProblem(type: string, field: string, config: Settings, defaults: Settings = {}): string {
  const convert = NODE_SETTINGS[type];
  if (!convert) throw new Error(`no settings rule for node type ${type}`);
  let settings = { ...config };
  // Each round answers or moves one field to its default or its stand-in, each at most once: bounded by twice the fields.
  for (let round = 0; round <= 2 * Object.keys(settings).length; round++) {
    try {
      convert(settings);
      return '';
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      if (within(err.field, field)) return err.field === field ? reasonOf(err) : `${err.field}: ${reasonOf(err)}`;
      const other = Object.keys(settings).find((k) => within(err.field, k));
      if (other === undefined) return '';
      const standIn = STAND_INS[type]?.[other];
      if (other in defaults && settings[other] !== defaults[other]) settings = { ...settings, [other]: defaults[other] };
      else if (standIn !== undefined && settings[other] !== standIn) settings = { ...settings, [other]: standIn };
      else return '';
    }
  }
  return '';
}
