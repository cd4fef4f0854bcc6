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
  readonly timeMode: TimeMode;
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
 * Defaults: key `topic`, value `payload`, time `timestamp`, event time. An empty key property
 * means one key for the whole stream; an empty time property means arrival (processing) time.
 * In event time a message whose time property is missing or unparseable is bad input: silently
 * substituting the arrival time would mix two clocks in one window.
 */
export function compileEventMapper(config: EventMappingConfig): EventMapper {
  const keyProperty = normaliseProperty(config.keyProperty, 'topic');
  const valueProperty = normaliseProperty(config.valueProperty, 'payload');
  const timeProperty = normaliseProperty(config.timeProperty, 'timestamp');
  const timeMode = (config.timeMode === undefined || config.timeMode === '' ? 'event' : config.timeMode) as TimeMode;
  if (timeMode !== 'event' && timeMode !== 'processing') {
    throw new ConfigError('timeMode', `"${String(config.timeMode)}" is not a time mode; use event or processing`);
  }
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
        if (typeof k === 'number' || typeof k === 'boolean') return String(k);
        throw new InputError(keyLabel, `${keyLabel} is ${describeValue(k)}; a key must be a string or a number`);
      }
    : (): Key => '';

  const time = getTime
    ? (msg: object, _now: number): number => {
        const t = getTime(msg);
        // The common case (ms epoch from a connector) must not pay for date parsing.
        if (typeof t === 'number' && t >= -MAX_EVENT_TIME && t <= MAX_EVENT_TIME) return t;
        if (t === undefined || t === null) {
          throw new InputError(
            timeLabel,
            `${timeLabel} is ${describeValue(t)}; event time needs ms since the epoch, an ISO-8601 string or a Date ` +
              `(clear the time property or choose processing time to use the arrival time)`,
          );
        }
        return parseEventTime(t, timeLabel);
      }
    : (_msg: object, now: number): number => now;

  return { timeMode, keyLabel, valueLabel, timeLabel, key, value: getValue, time };
}
