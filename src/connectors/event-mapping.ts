import { InputError, describeValue } from '../core/errors';
import { parseEventTime } from '../core/event-time';
import { keyOf } from '../core/key-of';
import { Getter, compilePath } from '../core/path';

/** Where a connector takes an event's key (msg.topic) from. */
export type KeySource =
  | { from: 'topic' }
  /** One level of an MQTT topic, 0-based; negative counts from the end (-1 = last level). */
  | { from: 'level'; level: number }
  | { from: 'field'; path: string }
  /** The Kafka record key. */
  | { from: 'record' }
  | { from: 'none' };

/** Where a connector takes an event's time (msg.timestamp) from. */
export type TimeSource = { from: 'arrival' } | { from: 'record' } | { from: 'field'; path: string };

/** The event message of DESIGN.md §3 that both inbound connectors emit. */
export interface EventMessage {
  topic: string;
  payload: unknown;
  timestamp: number;
  eventId?: string;
  eventType?: string;
  metadata?: Record<string, unknown>;
  [extra: string]: unknown;
}

// A connector has one or two field paths, so compiling each distinct path once and keeping it is
// cheap, and the connectors read paths exactly as every processing node does.
const getters = new Map<string, Getter>();

/** Reads a property path (`a.b`, `a[0]`, `a["b c"]`, as in every stream node) from a value; '' = the value itself. */
export function readPath(value: unknown, path: string): unknown {
  if (!path) return value;
  let get = getters.get(path);
  if (!get) {
    get = compilePath(path);
    getters.set(path, get);
  }
  return get(value);
}

/** Checks a payload field path at deploy time; throws ConfigError naming `field` when it cannot be parsed. */
export function checkFieldPath(path: string, field: string): string {
  compilePath(path, field);
  return path;
}

/** What an inbound connector knows about one received record. */
export interface RawRecord {
  /** MQTT topic or Kafka topic. */
  topic: string;
  payload: unknown;
  /** Kafka record key as text, when there is one. */
  recordKey?: string | null;
  /** Kafka record timestamp (ms). */
  recordTime?: number;
  /** Processing time at arrival (ms), read from the node's clock. */
  arrival: number;
  metadata?: Record<string, unknown>;
}

/** Computes the key of a record; throws InputError naming the property when the configured source is missing. */
export function resolveKey(rec: RawRecord, source: KeySource): string {
  switch (source.from) {
    case 'none':
      return '';
    case 'topic':
      return rec.topic;
    case 'record':
      return rec.recordKey ?? '';
    case 'level': {
      const levels = rec.topic.split('/');
      const i = source.level < 0 ? levels.length + source.level : source.level;
      if (i < 0 || i >= levels.length) {
        throw InputError.of('topic', 'topicLevel', { topic: rec.topic, level: source.level, count: levels.length });
      }
      return levels[i];
    }
    case 'field': {
      const v = readPath(rec.payload, source.path);
      const key = keyOf(v);
      if (key !== undefined) return key;
      throw InputError.of(`payload.${source.path}`, 'keyField', { path: source.path, got: describeValue(v) });
    }
  }
}

/** Computes the event time of a record; throws InputError naming the property when it is missing or unparseable. */
export function resolveTime(rec: RawRecord, source: TimeSource): number {
  if (source.from === 'arrival') return rec.arrival;
  if (source.from === 'record') return rec.recordTime ?? rec.arrival;
  return parseEventTime(readPath(rec.payload, source.path), `payload.${source.path}`);
}

function pickString(...values: unknown[]): string | undefined {
  for (const v of values) {
    if (typeof v === 'string' && v !== '') return v;
    if (Buffer.isBuffer(v) && v.length) return v.toString('utf8');
  }
  return undefined;
}

/** The whole event as one record (serialize `event`): topic, payload, timestamp, and window, eventId, eventType, metadata when present. */
export function eventBody(msg: Record<string, unknown>): Record<string, unknown> {
  const ev: Record<string, unknown> = { topic: msg.topic, payload: msg.payload, timestamp: msg.timestamp };
  for (const k of ['window', 'eventId', 'eventType', 'metadata']) if (msg[k] !== undefined) ev[k] = msg[k];
  return ev;
}

/**
 * Maps a received record to the event message shape; `eventId`/`eventType` come from metadata
 * (MQTT 5 user properties, Kafka headers) or the payload's own fields of those names.
 */
export function toEventMessage(rec: RawRecord, key: KeySource, time: TimeSource): EventMessage {
  const msg: EventMessage = {
    topic: resolveKey(rec, key),
    payload: rec.payload,
    timestamp: resolveTime(rec, time),
  };
  const p = rec.payload && typeof rec.payload === 'object' && !Buffer.isBuffer(rec.payload) ? (rec.payload as Record<string, unknown>) : {};
  const eventId = pickString(rec.metadata?.eventId, p.eventId);
  const eventType = pickString(rec.metadata?.eventType, p.eventType);
  if (eventId !== undefined) msg.eventId = eventId;
  if (eventType !== undefined) msg.eventType = eventType;
  if (rec.metadata && Object.keys(rec.metadata).length) msg.metadata = rec.metadata;
  return msg;
}
