/**
 * The join settings of stream-join's flow JSON, converted and checked as the node reads them at
 * deploy. Pure of Node-RED, so the editor's rules (editor-rules.ts) run the same checks.
 */
import { parseDuration } from '../../core/duration';
import { ConfigError, InputError, describeValue } from '../../core/errors';
import type { JoinSpec } from '../../core/join/join-operator';
import type { JoinSide } from '../../core/join/join-types';
import { compilePath } from '../../core/path';
import { normaliseProperty } from './msg-property';
import { WindowConfig, parseWindowSpec } from './window-config';

/** stream-join's settings as flow JSON holds them. */
export interface JoinNodeConfig extends WindowConfig {
  keyProperty?: unknown;
  rightKeyProperty?: unknown;
  valueProperty?: unknown;
  timeProperty?: unknown;
  timeMode?: unknown;
  store?: unknown;
  sideProperty?: unknown;
  sideMatch?: unknown;
  leftSide?: unknown;
  rightSide?: unknown;
  joinMode?: unknown;
  joinType?: unknown;
  lower?: unknown;
  upper?: unknown;
}

/** A duration that may be negative ("-5m"): interval bounds reach before the left event too. */
function signedDuration(value: unknown, field: string): number {
  const text = value === undefined || value === null ? '' : String(value).trim();
  if (text === '') throw ConfigError.of(field, 'signedDurationRequired');
  const negative = text.startsWith('-');
  const ms = parseDuration(negative ? text.slice(1) : text, field, { allowZero: true });
  return negative ? -ms : ms;
}

/** Tells the sides apart: the side property equals (or matches, as a regular expression) the left or right value. */
export function compileSide(config: JoinNodeConfig): (msg: object) => JoinSide {
  const property = normaliseProperty(config.sideProperty, 'topic');
  if (!property) throw ConfigError.of('sideProperty', 'sidePropertyRequired');
  const get = compilePath(property, 'sideProperty');
  const mode = config.sideMatch === undefined || config.sideMatch === '' ? 'equals' : config.sideMatch;
  if (mode !== 'equals' && mode !== 'regex') throw ConfigError.of('sideMatch', 'useEither', { got: String(mode), a: 'equals', b: 'regex' });
  const test = (field: 'leftSide' | 'rightSide'): ((v: string) => boolean) => {
    const text = config[field] === undefined || config[field] === null ? '' : String(config[field]);
    if (text === '') throw ConfigError.of(field, field === 'leftSide' ? 'leftSideRequired' : 'rightSideRequired', { property });
    if (mode === 'equals') return (v) => v === text;
    let re: RegExp;
    try {
      re = new RegExp(text);
    } catch (err) {
      throw ConfigError.of(field, 'regexInvalidColon', { reason: (err as Error).message });
    }
    return (v) => re.test(v);
  };
  const isLeft = test('leftSide');
  const isRight = test('rightSide');
  const label = `msg.${property}`;
  return (msg) => {
    const raw = get(msg);
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
      const v = String(raw);
      // Left is tested first: a message that fits both patterns is a left event.
      if (isLeft(v)) return 'left';
      if (isRight(v)) return 'right';
    }
    throw InputError.of(label, 'sideUnmatched', { label, got: describeValue(raw), left: String(config.leftSide), right: String(config.rightSide) });
  };
}

/** The join from the flow settings: interval bounds, or a tumbling/hopping window. */
export function joinSpec(config: JoinNodeConfig): JoinSpec {
  const mode = config.joinMode === undefined || config.joinMode === '' ? 'interval' : config.joinMode;
  if (mode === 'interval') {
    const lower = signedDuration(config.lower, 'lower');
    const upper = signedDuration(config.upper, 'upper');
    if (lower > upper) throw ConfigError.of('upper', 'notBeforeLower', { lower: String(config.lower) });
    return { mode: 'interval', lower, upper };
  }
  if (mode !== 'window') throw ConfigError.of('joinMode', 'useEither', { got: String(mode), a: 'interval', b: 'window' });
  const windowType = config.windowType === undefined || config.windowType === '' || config.windowType === 'none' ? 'tumbling' : config.windowType;
  if (windowType !== 'tumbling' && windowType !== 'sliding') throw ConfigError.of('windowType', 'joinWindowType', { got: String(windowType) });
  if (windowType === 'sliding' && (config.slide === undefined || config.slide === '' || config.slide === 'event')) {
    throw ConfigError.of('slide', 'joinSlideDuration');
  }
  const spec = parseWindowSpec(config, windowType)!;
  if (spec.type === 'tumbling') return { mode: 'window', size: spec.size, slide: spec.size, offset: spec.offset ?? 0 };
  if (spec.type === 'sliding' && spec.slide !== 'event') return { mode: 'window', size: spec.size, slide: spec.slide, offset: spec.offset ?? 0 };
  throw ConfigError.of('windowType', 'joinWindowTypes');
}
