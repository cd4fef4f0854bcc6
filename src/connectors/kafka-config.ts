import { ConfigError } from '../core/errors';
import type { BaseNodeConfig, RedNode } from '../nodes/shared/red';
import type { KafkaClientOptions, KafkaConnection, SaslMechanism } from './kafka-connection';
import { intSetting } from './node-red-api';
import { checkFieldPath, type KeySource, type TimeSource } from './event-mapping';
import type { PayloadFormat } from './payload-format';
import { parseFormat, parseKeySource, parseTimeSource } from './mqtt-config';

/** What stream-kafka-in/out see of their broker config node. */
export interface KafkaBrokerNode extends RedNode {
  configError?: ConfigError;
  /** Short text for status lines (first broker). */
  label: string;
  /** The shared client; undefined when the settings cannot be used. */
  connection?: KafkaConnection;
  retry: KafkaClientOptions['retry'];
}

function int(config: BaseNodeConfig, field: string, dflt: number, min: number, max: number, unit: string): number {
  const v = intSetting(config[field], dflt, min, max);
  if (v === undefined) throw ConfigError.of(field, 'wholeRange', { unit, min, max, got: JSON.stringify(config[field]) });
  return v;
}

const SASL: readonly string[] = ['none', 'plain', 'scram-sha-256', 'scram-sha-512'];

/** Turns stream-kafka-broker's fields into client options (without TLS material); throws ConfigError naming the field. */
export function parseKafkaBrokerConfig(config: BaseNodeConfig, credentials: { user?: string; password?: string } = {}): KafkaClientOptions {
  const brokers = String(config.brokers ?? '')
    .split(/[\s,]+/)
    .map((b) => b.trim())
    .filter(Boolean);
  if (!brokers.length) throw ConfigError.of('brokers', 'brokersRequired');
  for (const b of brokers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(b)) throw ConfigError.of('brokers', 'hostPort', { got: b });
  }
  const mechanism = String(config.saslMechanism || 'none');
  if (!SASL.includes(mechanism)) throw ConfigError.of('saslMechanism', 'oneOf', { allowed: SASL.join(', '), got: `"${mechanism}"` });
  let sasl: KafkaClientOptions['sasl'];
  if (mechanism !== 'none') {
    if (!credentials.user) throw ConfigError.of('user', 'saslUser', { mechanism });
    sasl = { mechanism: mechanism as SaslMechanism, username: credentials.user, password: credentials.password ?? '' };
  }
  return {
    brokers,
    clientId: String(config.clientId ?? '').trim() || 'node-red-stream',
    sasl,
    connectionTimeout: int(config, 'connectionTimeout', 3000, 100, 600000, 'milliseconds'),
    requestTimeout: int(config, 'requestTimeout', 30000, 100, 600000, 'milliseconds'),
    retry: {
      retries: int(config, 'retries', 5, 0, 1000, 'retries'),
      initialRetryTime: int(config, 'initialRetryTime', 300, 10, 600000, 'milliseconds'),
      maxRetryTime: int(config, 'maxRetryTime', 30000, 10, 3600000, 'milliseconds'),
    },
  };
}

/** stream-kafka-in settings after validation. */
export interface KafkaInSettings {
  topics: (string | RegExp)[];
  groupId: string;
  fromBeginning: boolean;
  format: PayloadFormat;
  key: KeySource;
  time: TimeSource;
  commitMode: 'auto' | 'handled';
  /** Records handed to the flow and not yet handled before delivery waits (1 or more). */
  maxInFlight: number;
  output: 'single' | 'batch';
  /** ms after which a message the flow never finished counts as handled; 0 = never. */
  handledTimeout: number;
  sessionTimeout: number;
  heartbeatInterval: number;
  rebalanceTimeout: number;
  maxWaitTime: number;
}

/**
 * The backpressure limit. 0 once meant "no limit", but then a backlog is handed to the flow as
 * fast as it is fetched: the runtime drowns in messages, the group session expires and the
 * partitions are read again by another member while this one still works on them.
 */
function maxInFlight(config: BaseNodeConfig): number {
  const v = intSetting(config.maxInFlight, 1000, 1, 10000000);
  if (v === undefined) {
    const got = JSON.stringify(config.maxInFlight);
    throw String(config.maxInFlight).trim() === '0'
      ? ConfigError.of('maxInFlight', 'maxInFlightZero', { got })
      : ConfigError.of('maxInFlight', 'wholeRange', { unit: 'messages', min: 1, max: 10000000, got });
  }
  return v;
}

/** Turns stream-kafka-in's fields into settings; throws ConfigError naming the field. */
export function parseKafkaInConfig(config: BaseNodeConfig): KafkaInSettings {
  const regex = config.topicIsRegex === true || config.topicIsRegex === 'true';
  const names = String(config.topics ?? config.topic ?? '')
    .split(regex ? /\n/ : /[\n,]/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (!names.length) throw ConfigError.of('topics', 'topicsRequired');
  const topics = names.map((t) => {
    if (!regex) {
      if (!/^[A-Za-z0-9._-]{1,249}$/.test(t)) throw ConfigError.of('topics', 'kafkaTopicName', { got: `"${t}"` });
      return t;
    }
    try {
      return new RegExp(t);
    } catch (err) {
      throw ConfigError.of('topics', 'topicNotRegex', { topic: t, reason: (err as Error).message });
    }
  });
  const groupId = String(config.groupId ?? '').trim();
  if (!groupId) throw ConfigError.of('groupId', 'groupIdRequired');
  const commitMode = String(config.commitMode || 'handled');
  if (commitMode !== 'auto' && commitMode !== 'handled') throw ConfigError.of('commitMode', 'eitherOf', { a: 'auto', b: 'handled', got: `"${commitMode}"` });
  const output = String(config.output || 'single');
  if (output !== 'single' && output !== 'batch') throw ConfigError.of('output', 'eitherOf', { a: 'single', b: 'batch', got: `"${output}"` });
  const sessionTimeout = int(config, 'sessionTimeout', 10000, 1000, 3600000, 'milliseconds');
  const heartbeatInterval = int(config, 'heartbeatInterval', 1000, 100, 3600000, 'milliseconds');
  if (heartbeatInterval >= sessionTimeout) throw ConfigError.of('heartbeatInterval', 'heartbeatBelowSession');
  return {
    topics,
    groupId,
    fromBeginning: config.fromBeginning === true || config.fromBeginning === 'true',
    format: parseFormat(config.format, 'auto'),
    key: parseKeySource(config, ['record', 'field', 'none'], 'record'),
    time: parseTimeSource(config, ['record', 'field', 'arrival'], 'record'),
    commitMode,
    maxInFlight: maxInFlight(config),
    output,
    handledTimeout: int(config, 'handledTimeout', 60000, 0, 86400000, 'milliseconds'),
    sessionTimeout,
    heartbeatInterval,
    rebalanceTimeout: int(config, 'rebalanceTimeout', 10000, 1000, 3600000, 'milliseconds'),
    maxWaitTime: int(config, 'maxWaitTime', 100, 0, 60000, 'milliseconds'),
  };
}

/** stream-kafka-out settings after validation. */
export interface KafkaOutSettings {
  /** Fixed topic; undefined = msg.topic. */
  topic?: string;
  /** msg property holding the record key ('' = no key). */
  keyProperty: string;
  partitioner: 'default' | 'legacy';
  acks: -1 | 0 | 1;
  compression: 'none' | 'gzip';
  idempotent: boolean;
  serialize: 'payload' | 'event';
  /** Also send msg.metadata entries as headers. */
  metadataHeaders: boolean;
  batchSize: number;
  lingerMs: number;
  queueSize: number;
  timeout: number;
}

/** Turns stream-kafka-out's fields into settings; throws ConfigError naming the field. */
export function parseKafkaOutConfig(config: BaseNodeConfig): KafkaOutSettings {
  const topic = String(config.topic ?? '').trim() || undefined;
  if (topic && !/^[A-Za-z0-9._-]{1,249}$/.test(topic)) throw ConfigError.of('topic', 'kafkaTopicName', { got: `"${topic}"` });
  const acksText = String(config.acks || 'all');
  const acks = ({ all: -1, leader: 1, none: 0 } as Record<string, -1 | 0 | 1>)[acksText];
  if (acks === undefined) throw ConfigError.of('acks', 'acksChoice', { got: acksText });
  const compression = String(config.compression || 'none');
  if (compression !== 'none' && compression !== 'gzip') throw ConfigError.of('compression', 'eitherOf', { a: 'none', b: 'gzip', got: `"${compression}"` });
  const partitioner = String(config.partitioner || 'default');
  if (partitioner !== 'default' && partitioner !== 'legacy')
    throw ConfigError.of('partitioner', 'eitherOf', { a: 'default', b: 'legacy', got: `"${partitioner}"` });
  const idempotent = config.idempotent === true || config.idempotent === 'true';
  if (idempotent && acks !== -1) throw ConfigError.of('acks', 'idempotentAcks');
  const serialize = String(config.serialize || 'payload');
  if (serialize !== 'payload' && serialize !== 'event') throw ConfigError.of('serialize', 'eitherOf', { a: 'payload', b: 'event', got: `"${serialize}"` });
  const keyProperty = String(config.keyProperty ?? 'topic')
    .trim()
    .replace(/^msg\./, '');
  return {
    topic,
    keyProperty: keyProperty && checkFieldPath(keyProperty, 'keyProperty'),
    partitioner,
    acks,
    compression,
    idempotent,
    serialize,
    metadataHeaders: config.metadataHeaders === undefined ? true : config.metadataHeaders === true || config.metadataHeaders === 'true',
    batchSize: int(config, 'batchSize', 500, 1, 100000, 'messages'),
    lingerMs: int(config, 'lingerMs', 0, 0, 60000, 'milliseconds'),
    queueSize: int(config, 'queueSize', 10000, 0, 10000000, 'messages'),
    timeout: int(config, 'timeout', 30000, 100, 600000, 'milliseconds'),
  };
}
