import { keyOf } from '../../core/key-of';
import { compilePath } from '../../core/path';
import { parseEventTime } from '../../core/event-time';
import { MAX_EVENT_TIME } from '../../core/time-range';
import { ConfigError, InputError, describeValue } from '../../core/errors';
import { Key, TimeMode } from '../../core/types';

/** The event-mapping settings every processing node shares (DESIGN §3). */
export interface EventMappingConfig {
  keyProperty?: unknown;
  valueProperty?: unknown;
  timeProperty?: unknown;
  timeMode?: unknown;
}

/**
 * Compiled msg → event getters. Each throws InputError naming the property and the value's type
 * when the message cannot be used; nothing here allocates on the happy path.
 */
export interface EventMapper {
  /** The operator's clock: 'event' also for timeMode auto (event time with an arrival-time fallback). */
  readonly timeMode: TimeMode;
  /** time() may return its `now` argument: processing time, no time property, or auto. */
  readonly arrivalTime: boolean;
  /** timeMode auto: messages without a time property that took their arrival time (a running count). */
  readonly arrivalFallbacks: number;
  /** `msg.<keyProperty>` as shown in errors and help, '' when the stream is not keyed. */
  readonly keyLabel: string;
  readonly valueLabel: string;
  readonly timeLabel: string;
  /** The key: strings as they are, numbers and booleans as text, missing → '' (one key). */
  key(msg: object): Key;
  /** The value at valueProperty, unchecked (processors check what they need). */
  value(msg: object): unknown;
  /** Event time in ms; `now` in processing time or when no time property is configured. */
  time(msg: object, now: number): number;
}

/** Strips an optional `msg.` prefix: flows written by hand often include it. */
export function normaliseProperty(value: unknown, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  const text = String(value).trim();
  return text.startsWith('msg.') ? text.slice(4) : text;
}

/**
 * Compiles keyProperty / valueProperty / timeProperty / timeMode into getters.
 * Defaults: key `topic`, value `payload`, time `timestamp`, event time (flows saved without a
 * timeMode keep it; the editor gives new nodes `auto`). An empty key property means one key for
 * the whole stream; an empty time property means arrival (processing) time. In event time a
 * message whose time property is missing or unparseable is bad input: silently substituting the
 * arrival time would mix two clocks in one window. `auto` does substitute it, but only for a
 * missing time (an unparseable one is still bad input), and counts each time it does.
 */
export function compileEventMapper(config: EventMappingConfig): EventMapper {
  const keyProperty = normaliseProperty(config.keyProperty, 'topic');
  const valueProperty = normaliseProperty(config.valueProperty, 'payload');
  const timeProperty = normaliseProperty(config.timeProperty, 'timestamp');
  const setting = config.timeMode === undefined || config.timeMode === '' ? 'event' : config.timeMode;
  if (setting !== 'event' && setting !== 'processing' && setting !== 'auto') {
    throw new ConfigError('timeMode', `"${String(config.timeMode)}" is not a time mode; use auto, event or processing`);
  }
  const auto = setting === 'auto';
  const timeMode: TimeMode = auto ? 'event' : setting;
  if (!valueProperty) throw new ConfigError('valueProperty', 'a value property is required (e.g. payload)');
  const keyLabel = keyProperty ? `msg.${keyProperty}` : '';
  const valueLabel = `msg.${valueProperty}`;
  const timeLabel = timeProperty ? `msg.${timeProperty}` : '';

  const getKey = keyProperty ? compilePath(keyProperty, 'keyProperty') : undefined;
  const getValue = compilePath(valueProperty, 'valueProperty');
  const getTime = timeMode === 'event' && timeProperty ? compilePath(timeProperty, 'timeProperty') : undefined;

  const key = getKey
    ? (msg: object): Key => {
        const k = getKey(msg);
        if (typeof k === 'string') return k;
        if (k === undefined || k === null) return '';
        const key = keyOf(k);
        if (key !== undefined) return key;
        throw new InputError(keyLabel, `${keyLabel} is ${describeValue(k)}; a key must be a string or a number`);
      }
    : (): Key => '';

  const time = getTime
    ? (msg: object, now: number): number => {
        const t = getTime(msg);
        // The common case (ms epoch from a connector) must not pay for date parsing.
        if (typeof t === 'number' && t >= -MAX_EVENT_TIME && t <= MAX_EVENT_TIME) return t;
        if (t === undefined || t === null) {
          if (auto) {
            mapper.arrivalFallbacks++;
            return now;
          }
          throw new InputError(
            timeLabel,
            `${timeLabel} is ${describeValue(t)}; event time needs ms since the epoch, an ISO-8601 string or a Date ` +
              `(choose time "auto" to use the arrival time when it is missing)`,
          );
        }
        return parseEventTime(t, timeLabel);
      }
    : (_msg: object, now: number): number => now;

  const arrivalTime = timeMode === 'processing' || timeLabel === '' || auto;
  const mapper = { timeMode, arrivalTime, arrivalFallbacks: 0, keyLabel, valueLabel, timeLabel, key, value: getValue, time };
  return mapper;
}
