import { ConfigError } from '../core/errors';
import type { MqttConnection, MqttConnectionOptions } from './mqtt-connection';
import { intSetting } from './node-red-api';
import { PAYLOAD_FORMATS, type PayloadFormat } from './payload-format';
import { checkFieldPath, type KeySource, type TimeSource } from './event-mapping';
import { publishTopicProblem, subscriptionProblem } from './mqtt-topic';
import type { BaseNodeConfig, RedNode } from '../nodes/shared/red';

/** What stream-mqtt-in/out see of their broker config node. */
export interface MqttBrokerNode extends RedNode {
  /** The settings could not be used; the message names the field. */
  configError?: ConfigError;
  /** Short text for status lines (host:port). */
  label: string;
  /** 4 (MQTT 3.1.1) or 5: MQTT 5 properties are sent only to a v5 connection. */
  protocolVersion: 4 | 5;
  register(user: RedNode): MqttConnection | undefined;
  deregister(user: RedNode): Promise<void>;
}

/** Turns the config node's fields into connection options; throws ConfigError naming the field. */
export function parseMqttBrokerConfig(config: BaseNodeConfig, credentials: { user?: string; password?: string } = {}): MqttConnectionOptions {
  let url = String(config.url ?? '').trim();
  if (!/^(mqtts?|wss?):\/\/[^/\s]+/.test(url)) {
    throw ConfigError.of('url', 'brokerUrl', { got: url });
  }
  // The client picks TLS from the URL scheme alone: with "use TLS" ticked, mqtt:// or ws:// would
  // otherwise connect in plain text while the editor shows TLS on.
  if (config.usetls === true || config.usetls === 'true') url = url.replace(/^mqtt:/, 'mqtts:').replace(/^ws:/, 'wss:');
  const pv = String(config.protocolVersion ?? '4');
  if (pv !== '4' && pv !== '5') throw ConfigError.of('protocolVersion', 'protocolVersionChoice', { got: pv });
  const keepalive = intSetting(config.keepalive, 60, 0, 65535);
  if (keepalive === undefined) throw ConfigError.of('keepalive', 'wholeBetween', { unit: 'seconds', min: 0, max: 65535 });
  const reconnectPeriod = intSetting(config.reconnectPeriod, 5000, 0, 3600000);
  if (reconnectPeriod === undefined) throw ConfigError.of('reconnectPeriod', 'wholeBetween', { unit: 'milliseconds', min: 0, max: 3600000 });
  const connectTimeout = intSetting(config.connectTimeout, 30000, 100, 600000);
  if (connectTimeout === undefined) throw ConfigError.of('connectTimeout', 'wholeBetween', { unit: 'milliseconds', min: 100, max: 600000 });
  let sessionExpiry: number | undefined;
  if (config.sessionExpiry !== undefined && config.sessionExpiry !== '') {
    sessionExpiry = intSetting(config.sessionExpiry, 0, 0, 4294967295);
    if (sessionExpiry === undefined) throw ConfigError.of('sessionExpiry', 'sessionExpiryWhole');
  }
  return {
    url,
    clientId: String(config.clientId ?? '').trim() || undefined,
    username: credentials.user || undefined,
    password: credentials.password || undefined,
    protocolVersion: pv === '5' ? 5 : 4,
    keepalive,
    clean: config.cleanSession === undefined ? true : config.cleanSession === true || config.cleanSession === 'true',
    sessionExpiry,
    reconnectPeriod,
    connectTimeout,
  };
}

/** stream-mqtt-in settings after validation. */
export interface MqttInSettings {
  topics: string[];
  qos: 0 | 1 | 2;
  format: PayloadFormat;
  key: KeySource;
  time: TimeSource;
}

function qosOf(value: unknown, field: string, dflt: 0 | 1 | 2): 0 | 1 | 2 {
  if (value === undefined || value === '') return dflt;
  const q = Number(value);
  if (q !== 0 && q !== 1 && q !== 2) throw ConfigError.of(field, 'qosChoice', { got: JSON.stringify(value) });
  return q;
}

/** Parses the key settings shared by the inbound connectors (`keyFrom` + `keyLevel`/`keyField`). */
export function parseKeySource(config: BaseNodeConfig, allowed: KeySource['from'][], dflt: KeySource['from']): KeySource {
  const from = String(config.keyFrom || dflt) as KeySource['from'];
  if (!allowed.includes(from)) throw ConfigError.of('keyFrom', 'oneOf', { allowed: allowed.join(', '), got: `"${from}"` });
  if (from === 'level') {
    const level = Number(config.keyLevel);
    if (config.keyLevel === '' || config.keyLevel === undefined || !Number.isInteger(level)) {
      throw ConfigError.of('keyLevel', 'keyLevelWhole');
    }
    return { from, level };
  }
  if (from === 'field') {
    const path = normaliseField(config.keyField);
    if (!path) throw ConfigError.of('keyField', 'keyFieldRequired');
    return { from, path: checkFieldPath(path, 'keyField') };
  }
  return { from } as KeySource;
}

/** Parses the event-time settings shared by the inbound connectors (`timeFrom` + `timeField`). */
export function parseTimeSource(config: BaseNodeConfig, allowed: TimeSource['from'][], dflt: TimeSource['from']): TimeSource {
  const from = String(config.timeFrom || dflt) as TimeSource['from'];
  if (!allowed.includes(from)) throw ConfigError.of('timeFrom', 'oneOf', { allowed: allowed.join(', '), got: `"${from}"` });
  if (from === 'field') {
    const path = normaliseField(config.timeField);
    if (!path) throw ConfigError.of('timeField', 'timeFieldRequired');
    return { from, path: checkFieldPath(path, 'timeField') };
  }
  return { from } as TimeSource;
}

/** Accepts `ts`, `payload.ts` or `msg.payload.ts` for a payload field. */
function normaliseField(value: unknown): string {
  return String(value ?? '')
    .trim()
    .replace(/^msg\./, '')
    .replace(/^payload\.?/, '');
}

/** Parses the payload format setting. */
export function parseFormat(value: unknown, dflt: PayloadFormat): PayloadFormat {
  const f = String(value || dflt) as PayloadFormat;
  if (!PAYLOAD_FORMATS.includes(f)) throw ConfigError.of('format', 'oneOf', { allowed: PAYLOAD_FORMATS.join(', '), got: `"${f}"` });
  return f;
}

/** Turns stream-mqtt-in's fields into settings; throws ConfigError naming the field. */
export function parseMqttInConfig(config: BaseNodeConfig): MqttInSettings {
  const topics = String(config.topic ?? '')
    .split(/[\n,]/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (!topics.length) throw ConfigError.of('topic', 'topicFilterRequired');
  for (const t of topics) {
    const problem = subscriptionProblem(t);
    if (problem) throw ConfigError.of('topic', problem, { topic: t });
  }
  return {
    topics,
    qos: qosOf(config.qos, 'qos', 1),
    format: parseFormat(config.format, 'auto'),
    key: parseKeySource(config, ['topic', 'level', 'field', 'none'], 'topic'),
    time: parseTimeSource(config, ['arrival', 'field'], 'arrival'),
  };
}

/** stream-mqtt-out settings after validation. */
export interface MqttOutSettings {
  /** Fixed topic; undefined = msg.topic. */
  topic?: string;
  /** Fixed QoS; undefined = msg.qos (default 0). */
  qos?: 0 | 1 | 2;
  retain: boolean | 'msg';
  /** `payload`: send msg.payload; `event`: JSON of { topic, payload, timestamp, window, eventId, eventType, metadata }. */
  serialize: 'payload' | 'event';
  /** MQTT 5: send msg.metadata entries as user properties. */
  userProperties: boolean;
  contentType?: string;
  messageExpiry?: number;
  queueSize: number;
}

/** Turns stream-mqtt-out's fields into settings; throws ConfigError naming the field. */
export function parseMqttOutConfig(config: BaseNodeConfig): MqttOutSettings {
  const topic = String(config.topic ?? '').trim() || undefined;
  if (topic) {
    const problem = publishTopicProblem(topic);
    if (problem) throw ConfigError.of('topic', problem, { topic });
  }
  const qos = config.qos === 'msg' || config.qos === '' || config.qos === undefined ? undefined : qosOf(config.qos, 'qos', 0);
  const retainValues: readonly unknown[] = [undefined, '', true, false, 'true', 'false', 'msg'];
  if (!retainValues.includes(config.retain)) {
    throw ConfigError.of('retain', 'retainChoice', { got: JSON.stringify(config.retain) });
  }
  const retain = config.retain === 'msg' ? 'msg' : config.retain === true || config.retain === 'true';
  const serialize = String(config.serialize || 'payload');
  if (serialize !== 'payload' && serialize !== 'event') throw ConfigError.of('serialize', 'eitherOf', { a: 'payload', b: 'event', got: `"${serialize}"` });
  const queueSize = intSetting(config.queueSize, 1000, 0, 10000000);
  if (queueSize === undefined) throw ConfigError.of('queueSize', 'queueSizeWhole');
  let messageExpiry: number | undefined;
  if (config.messageExpiry !== undefined && config.messageExpiry !== '') {
    messageExpiry = intSetting(config.messageExpiry, 0, 1, 4294967295);
    if (messageExpiry === undefined) throw ConfigError.of('messageExpiry', 'messageExpiryWhole');
  }
  return {
    topic,
    qos,
    retain,
    serialize,
    userProperties: config.userProperties === undefined ? true : config.userProperties === true || config.userProperties === 'true',
    contentType: String(config.contentType ?? '').trim() || undefined,
    messageExpiry,
    queueSize,
  };
}
