import { keyOf } from '../../core/key-of';
import { compilePath } from '../../core/path';
import { parseEventTime } from '../../core/event-time';
import { MAX_EVENT_TIME } from '../../core/time-range';
import { ConfigError, InputError, describeValue } from '../../core/errors';
import { Key, TimeMode } from '../../core/types';
import { isBatch, isWindowMessage } from './messages';
import { normaliseProperty } from './msg-property';
import { PropertySource, PropertyType, SOURCE_TYPES, compilePropertySource, parsePropertyType, sourceLabel } from './property-source';
import { NodeMessage, RedAPI, RedNode } from './red';

/** The event-mapping settings every processing node shares (DESIGN §3). */
export interface EventMappingConfig {
  keyProperty?: unknown;
  valueProperty?: unknown;
  timeProperty?: unknown;
  timeMode?: unknown;
  /** Where each property is read: msg (default), flow, global, env or jsonata (see compileEventMapper). */
  keyPropertyType?: unknown;
  valuePropertyType?: unknown;
  timePropertyType?: unknown;
}

/** What a node lends the mapper so it can read flow, global, env and JSONata properties. */
export interface PropertySources {
  RED: RedAPI;
  node: RedNode;
  /** The value types the node can use (default every type); aggregate reads msg paths only. */
  valueTypes?: readonly PropertyType[];
}

/** Event time is part of each message: msg, or an expression over it. */
export const TIME_TYPES: readonly PropertyType[] = ['msg', 'jsonata'];

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
  /**
   * Present only when a property is not a msg path: reads those for `msg` (and for the elements
   * of a batch, and the records of a window message) before key/value/time are asked. Returns a
   * promise while a source answers later (JSONata), nothing when all answered at once. Never
   * rejects: a failing source makes the getter of its property throw InputError with the reason.
   */
  readonly resolve?: (msg: NodeMessage) => void | Promise<void>;
}

/** The outcome of reading a typed property for one input. */
interface Outcome {
  value: unknown;
  error: Error | undefined;
}

/** A property read from a PropertySource: outcomes per input, kept as long as the input lives. */
interface TypedReader {
  source: PropertySource;
  outcomes: WeakMap<object, Outcome>;
  read: (input: object) => unknown;
}

function typedReader(source: PropertySource, label: string, text: string, type: PropertyType): TypedReader {
  const outcomes = new WeakMap<object, Outcome>();
  // The expression itself helps find the fault; a long one is cut.
  const what = type === 'jsonata' ? `${label} ${JSON.stringify(text.length > 60 ? text.slice(0, 57) + '...' : text)}` : label;
  return {
    source,
    outcomes,
    read: (input) => {
      const o = outcomes.get(input);
      if (o === undefined) throw InputError.of(label, 'sourceNotEvaluated', { source: what });
      if (o.error !== undefined) throw InputError.of(label, 'sourceFailed', { source: what, reason: o.error.message });
      return o.value;
    },
  };
}

// The editor's rules use it too, so it lives where no Node-RED or JSONata code comes with it.
export { normaliseProperty };

/**
 * Compiles keyProperty / valueProperty / timeProperty / timeMode into getters.
 * Defaults: key `topic`, value `payload`, time `timestamp`, event time (flows saved without a
 * timeMode keep it; the editor gives new nodes `auto`). An empty key property means one key for
 * the whole stream; an empty time property means arrival (processing) time. In event time a
 * message whose time property is missing or unparseable is bad input: silently substituting the
 * arrival time would mix two clocks in one window. `auto` does substitute it, but only for a
 * missing time (an unparseable one is still bad input), and counts each time it does.
 *
 * With `sources`, key and value may also come from flow, global, env or JSONata, and time from
 * JSONata (`<name>PropertyType`); then `resolve` must run before the getters for each message.
 * Without them, or with every type msg, the getters read msg paths and nothing else runs.
 */
export function compileEventMapper(config: EventMappingConfig, sources?: PropertySources): EventMapper {
  const msgOnly: readonly PropertyType[] = ['msg'];
  const keyType = parsePropertyType(config.keyPropertyType, 'keyPropertyType', sources ? SOURCE_TYPES : msgOnly);
  const valueType = parsePropertyType(config.valuePropertyType, 'valuePropertyType', sources ? (sources.valueTypes ?? SOURCE_TYPES) : msgOnly);
  const timeType = parsePropertyType(config.timePropertyType, 'timePropertyType', sources ? TIME_TYPES : msgOnly);
  const keyProperty = keyType === 'msg' ? normaliseProperty(config.keyProperty, 'topic') : String(config.keyProperty ?? '').trim();
  const valueProperty = valueType === 'msg' ? normaliseProperty(config.valueProperty, 'payload') : String(config.valueProperty ?? '').trim();
  const timeProperty = timeType === 'msg' ? normaliseProperty(config.timeProperty, 'timestamp') : String(config.timeProperty ?? '').trim();
  const setting = config.timeMode === undefined || config.timeMode === '' ? 'event' : config.timeMode;
  if (setting !== 'event' && setting !== 'processing' && setting !== 'auto') {
    throw ConfigError.of('timeMode', 'timeModeUnknown', { got: String(config.timeMode) });
  }
  const auto = setting === 'auto';
  const timeMode: TimeMode = auto ? 'event' : setting;
  if (!valueProperty && valueType === 'msg') throw ConfigError.of('valueProperty', 'valuePropertyRequired');
  const label = (type: PropertyType, text: string, role: string): string => (type === 'msg' ? (text ? `msg.${text}` : '') : sourceLabel(type, text, role));
  const keyLabel = label(keyType, keyProperty, 'key');
  const valueLabel = label(valueType, valueProperty, 'value');
  const timeLabel = label(timeType, timeProperty, 'time');

  const readers: TypedReader[] = [];
  const typed = (type: PropertyType, text: string, field: string, role: string): ((input: object) => unknown) => {
    const reader = typedReader(
      compilePropertySource(sources!.RED, sources!.node, type as Exclude<PropertyType, 'msg'>, text, field),
      sourceLabel(type, text, role),
      text,
      type,
    );
    readers.push(reader);
    return reader.read;
  };
  const getKey = keyType !== 'msg' ? typed(keyType, keyProperty, 'keyProperty', 'key') : keyProperty ? compilePath(keyProperty, 'keyProperty') : undefined;
  const getValue = valueType !== 'msg' ? typed(valueType, valueProperty, 'valueProperty', 'value') : compilePath(valueProperty, 'valueProperty');
  const valueReader = valueType !== 'msg' ? readers[readers.length - 1] : undefined;
  const eventTime = timeMode === 'event' && timeProperty !== '';
  // In processing time the time property is not read at all, whatever its type.
  const getTime = !eventTime
    ? undefined
    : timeType !== 'msg'
      ? typed(timeType, timeProperty, 'timeProperty', 'time')
      : compilePath(timeProperty, 'timeProperty');

  const key = getKey
    ? (msg: object): Key => {
        const k = getKey(msg);
        if (typeof k === 'string') return k;
        if (k === undefined || k === null) return '';
        const key = keyOf(k);
        if (key !== undefined) return key;
        throw InputError.of(keyLabel, 'keyType', { label: keyLabel, got: describeValue(k) });
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
          throw InputError.of(timeLabel, 'timeMissing', { label: timeLabel, got: describeValue(t) });
        }
        return parseEventTime(t, timeLabel);
      }
    : (_msg: object, now: number): number => now;

  const arrivalTime = timeMode === 'processing' || timeLabel === '' || auto;
  const resolve = readers.length ? resolver(readers, valueReader) : undefined;
  const mapper = { timeMode, arrivalTime, arrivalFallbacks: 0, keyLabel, valueLabel, timeLabel, key, value: getValue, time, resolve };
  return mapper;
}

/**
 * Reads every typed property of a message (and of each batch element; of each window record only
 * the value, the one property read from records). Calls that answer at once cost no promise.
 */
function resolver(readers: TypedReader[], valueReader: TypedReader | undefined): (msg: NodeMessage) => void | Promise<void> {
  return (msg) => {
    let pending = 0;
    let finish: (() => void) | undefined;
    const visit = (input: unknown, list: readonly TypedReader[]): void => {
      if (input === null || typeof input !== 'object') return;
      for (const r of list) {
        pending++;
        r.source(input, (error, value) => {
          r.outcomes.set(input, { value, error });
          if (--pending === 0 && finish) finish();
        });
      }
    };
    visit(msg, readers);
    // The element counts are those of the message's own arrays: bounded by what it carries.
    if (isBatch(msg)) for (const item of msg.payload) visit(item, readers);
    else if (valueReader && isWindowMessage(msg)) for (const record of msg.payload) visit(record, [valueReader]);
    if (pending === 0) return undefined;
    return new Promise<void>((done) => {
      finish = done;
    });
  };
}
