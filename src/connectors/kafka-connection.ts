import { EventEmitter } from 'events';
import type { ConnectionOptions } from 'tls';
import { Kafka, logLevel, CompressionTypes, Partitioners, type Consumer, type Producer, type Admin, type EachBatchPayload, type LogEntry } from 'kafkajs';
import type { CommitPoint } from './offset-tracker';
import { shortError } from './connection-status';
import { tlsTrustProblem } from './tls-trust';
import { CoPartitionedAssigner } from './co-partitioned-assigner';

/** SASL mechanisms the broker config node offers. */
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** How to reach a Kafka cluster; TLS material is already read into `ssl`. */
export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  ssl?: ConnectionOptions | boolean;
  /** One object type per mechanism, as the client library declares its SASL options. */
  sasl?: { [M in SaslMechanism]: { mechanism: M; username: string; password: string } }[SaslMechanism];
  connectionTimeout: number;
  requestTimeout: number;
  retry: { retries: number; initialRetryTime: number; maxRetryTime: number };
  /** Receives the client library's warnings and errors. */
  log?: (level: 'warn' | 'error', message: string) => void;
}

/** Life-cycle of a consumer or producer as the nodes show it. */
export type KafkaState = 'connecting' | 'connected' | 'rebalancing' | 'disconnected' | 'failed' | 'closed';

/** One consumed record, library-neutral. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** One fetched batch of a partition; `resolve` marks a record as read (not committed). */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  highWatermark: string;
  /**
   * The offset of the last entry fetched, `records`' last or beyond it: transaction markers and
   * records of aborted transactions take offsets but are never handed out.
   */
  lastOffset: string;
  records: ConsumedRecord[];
  resolve(offset: string): void;
  heartbeat(): Promise<void>;
  /** False once the consumer stops or the partition was revoked: stop handing records out. */
  active(): boolean;
}

export interface ConsumerOptions {
  groupId: string;
  sessionTimeout: number;
  heartbeatInterval: number;
  rebalanceTimeout: number;
  maxWaitTime: number;
  /** Most bytes one fetch returns per partition (at least one record batch is always returned). */
  maxBytesPerPartition?: number;
}

export interface ConsumerStart {
  /** Topic names or patterns. */
  topics: (string | RegExp)[];
  fromBeginning: boolean;
  /** true: the library commits what was read; false: only `commit()` does. */
  autoCommit: boolean;
  eachBatch(batch: ConsumedBatch): Promise<void>;
}

/**
 * What the Kafka consumer node needs from a client library. Emits 'state', 'assigned' (topic →
 * partitions, and topic → partition count of every subscribed topic as far as known) and
 * 'skipped' (topic, partition, next offset, high watermark) for a fetch of a partition that
 * held only entries never handed out (transaction markers, aborted records).
 */
export interface KafkaConsumerConnection extends EventEmitter {
  readonly state: KafkaState;
  start(opts: ConsumerStart): Promise<void>;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  commit(points: CommitPoint[]): Promise<void>;
  stop(): Promise<void>;
}

export interface ProducerOptions {
  idempotent: boolean;
  /** `default` = murmur2 on the key like the Java client; `legacy` = kafkajs 1.x hashing. */
  partitioner: 'default' | 'legacy';
}

export interface ProducedRecord {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
  partition?: number;
  timestamp?: string;
}

export interface SendOptions {
  /** -1 all in-sync replicas, 1 leader only, 0 none. */
  acks: -1 | 0 | 1;
  compression: 'none' | 'gzip';
  timeout: number;
}

/** What the Kafka producer node needs from a client library. Emits 'state'. */
export interface KafkaProducerConnection extends EventEmitter {
  readonly state: KafkaState;
  connect(): Promise<void>;
  /** Sends records of one or more topics in one request per broker. */
  send(batches: { topic: string; records: ProducedRecord[] }[], opts: SendOptions): Promise<void>;
  disconnect(): Promise<void>;
}

/** True when the broker's certificate was refused (wrong CA, expired, other host name): retrying cannot help. */
export function isTlsTrustError(err: unknown): boolean {
  return tlsTrustProblem(err) !== undefined;
}

/** True for errors only a change of settings can fix: refused credentials, missing rights, an untrusted certificate. */
export function isPermanentError(err: unknown): boolean {
  return isAuthError(err) || isTlsTrustError(err);
}

/** What to tell the user about a permanent error: a status-line text, and which hint (a catalog key) with what to fill in. */
export interface PermanentErrorDescription {
  /**
   * The reason for the status line; for an untrusted certificate the node says it after its
   * catalog's status.tls prefix. Absent when the error has no readable text: the node then says
   * its catalog's status.authFailed.
   */
  short?: string;
  hint: 'untrustedCertificate' | 'refusedCredentials';
  params: { broker: string; code?: string };
}

/** Status-line text and the hint for the log, for an error isPermanentError() accepts (TLS errors get a readable short text). */
export function describePermanentError(err: unknown, brokerLabel: string): PermanentErrorDescription {
  const tls = tlsTrustProblem(err);
  if (tls) return { short: tls.reason, hint: 'untrustedCertificate', params: { broker: brokerLabel, code: tls.code } };
  const message = (err as { message?: unknown } | undefined)?.message;
  return {
    short: shortError(typeof message === 'string' ? message : err),
    hint: 'refusedCredentials',
    params: { broker: brokerLabel },
  };
}

/** True for errors that a later retry may overcome (broker away, leader moving, timeouts). */
export function isRetriable(err: unknown): boolean {
  const e = err as { retriable?: boolean; name?: string; originalError?: unknown; cause?: unknown } | undefined;
  if (!e) return false;
  if (isPermanentError(err)) return false;
  if (e.retriable === true) return true;
  if (
    e.name === 'KafkaJSNumberOfRetriesExceeded' ||
    e.name === 'KafkaJSConnectionError' ||
    e.name === 'KafkaJSRequestTimeoutError' ||
    e.name === 'KafkaJSConnectionClosedError'
  )
    return true;
  if (e.originalError) return isRetriable(e.originalError);
  return false;
}

/** True for errors caused by refused credentials or missing rights. */
export function isAuthError(err: unknown): boolean {
  const e = err as { name?: string; type?: string; message?: string; originalError?: unknown } | undefined;
  if (!e) return false;
  if (e.name === 'KafkaJSSASLAuthenticationError') return true;
  if (typeof e.type === 'string' && /AUTHORIZATION|AUTHENTICATION/.test(e.type)) return true;
  return e.originalError ? isAuthError(e.originalError) : false;
}

function toKafkaLogger(log?: KafkaClientOptions['log']) {
  return () => (entry: LogEntry) => {
    if (!log) return;
    const level = entry.level === logLevel.ERROR ? 'error' : 'warn';
    log(level, `${entry.log.message}${entry.log.error ? `: ${entry.log.error}` : ''}`);
  };
}

class KafkaJsConsumer extends EventEmitter implements KafkaConsumerConnection {
  state: KafkaState = 'disconnected';
  paused = false;
  /** consumer.run() was called: kafkajs takes pause and resume from then on. */
  private running = false;
  private topics: (string | RegExp)[] = [];
  private lastAssignment: string[] = [];
  private consumer: Consumer;
  private readonly assigner = new CoPartitionedAssigner();

  constructor(kafka: Kafka, opts: ConsumerOptions, traffic: FetchTraffic) {
    super();
    this.consumer = kafka.consumer({
      groupId: opts.groupId,
      // Partition p of every topic to one member, so a key's records of several topics meet in
      // one place; round robin stays on offer for a group with a member that lacks it.
      partitionAssigners: this.assigner.withFallback(),
      sessionTimeout: opts.sessionTimeout,
      heartbeatInterval: opts.heartbeatInterval,
      rebalanceTimeout: opts.rebalanceTimeout,
      maxWaitTimeInMs: opts.maxWaitTime,
      maxBytesPerPartition: opts.maxBytesPerPartition,
      // Decide per error: connection trouble restarts, refused credentials or certificates do not;
      // a stopped consumer never restarts (its restart would run on with nothing to stop it).
      retry: { restartOnFailure: async (e: Error) => !this.stopped() && !isPermanentError(e) },
    });
    const ev = this.consumer.events;
    // Bytes the broker sent in answer to fetches: what a consumer costs the network and the broker.
    this.consumer.on(ev.REQUEST, (e) => {
      if (e.payload.apiName === 'Fetch') traffic.fetchedBytes += e.payload.size;
    });
    // A fetch of nothing but transaction markers or aborted records never reaches eachBatch;
    // the client moves past it on its own, and the reader must learn that it did.
    this.consumer.on(ev.START_BATCH_PROCESS, (e) => {
      const b = e.payload;
      if (b.batchSize === 0) this.emit('skipped', b.topic, b.partition, Number(b.lastOffset) + 1, Number(b.highWatermark));
    });
    this.consumer.on(ev.CONNECT, () => this.setState('connected'));
    this.consumer.on(ev.REBALANCING, () => this.setState('rebalancing'));
    this.consumer.on(ev.GROUP_JOIN, (e) => {
      this.setState('connected');
      const assignment = e.payload.memberAssignment as Record<string, number[]>;
      this.lastAssignment = Object.keys(assignment);
      this.emit('assigned', assignment, this.assigner.partitionCounts());
    });
    this.consumer.on(ev.DISCONNECT, () => {
      if (this.state !== 'closed') this.setState('disconnected');
    });
    this.consumer.on(ev.CRASH, (e) => {
      const err = e.payload.error;
      this.setState(e.payload.restart ? 'disconnected' : 'failed', err);
      this.emit('crash', err, e.payload.restart);
    });
  }

  /** stop() was called (read through a method: awaits in between may have changed it). */
  private stopped(): boolean {
    return this.state === 'closed';
  }

  private setState(s: KafkaState, err?: Error) {
    if (this.state === 'closed') return;
    this.state = s;
    this.emit('state', s, err);
  }

  async start(o: ConsumerStart): Promise<void> {
    this.topics = o.topics;
    this.setState('connecting');
    await this.consumer.connect();
    // stop() while connecting: the connection made after it must not outlive the node.
    if (this.stopped()) return this.consumer.disconnect();
    await this.consumer.subscribe({ topics: o.topics, fromBeginning: o.fromBeginning });
    if (this.stopped()) return this.consumer.disconnect();
    await this.consumer.run({
      autoCommit: o.autoCommit,
      eachBatchAutoResolve: false,
      eachBatch: async (p: EachBatchPayload) => {
        const b = p.batch;
        await o.eachBatch({
          topic: b.topic,
          partition: b.partition,
          highWatermark: b.highWatermark,
          lastOffset: b.lastOffset(),
          records: b.messages.map((m) => ({
            topic: b.topic,
            partition: b.partition,
            offset: m.offset,
            key: m.key,
            value: m.value,
            timestamp: Number(m.timestamp),
            headers: (m.headers ?? {}) as ConsumedRecord['headers'],
          })),
          resolve: (offset) => p.resolveOffset(offset),
          heartbeat: () => p.heartbeat(),
          // pause() holds every assigned topic, so the flag says all (asked per record: no list built).
          active: () => p.isRunning() && !p.isStale() && !this.paused,
        });
      },
    });
    this.running = true;
    if (this.paused) this.consumer.pause(this.pausable());
  }

  private pausable(): { topic: string }[] {
    // Patterns cannot be paused by name; pause every assigned topic instead.
    const assigned = new Set<string>();
    for (const t of this.topics) if (typeof t === 'string') assigned.add(t);
    for (const a of this.lastAssignment) assigned.add(a);
    return [...assigned].map((topic) => ({ topic }));
  }

  pause(): void {
    this.paused = true;
    // kafkajs refuses to pause a consumer that does not run yet; start() applies the flag then.
    if (this.running) this.consumer.pause(this.pausable());
  }

  resume(): void {
    this.paused = false;
    if (this.running) this.consumer.resume(this.pausable());
  }

  async commit(points: CommitPoint[]): Promise<void> {
    if (points.length) await this.consumer.commitOffsets(points);
  }

  async stop(): Promise<void> {
    this.state = 'closed';
    await this.consumer.disconnect();
  }
}

class KafkaJsProducer extends EventEmitter implements KafkaProducerConnection {
  state: KafkaState = 'disconnected';
  private producer: Producer;
  private connecting?: Promise<void>;

  constructor(kafka: Kafka, opts: ProducerOptions) {
    super();
    this.producer = kafka.producer({
      idempotent: opts.idempotent,
      // Idempotence needs one request in flight at a time to keep ordering guarantees in kafkajs.
      maxInFlightRequests: opts.idempotent ? 1 : undefined,
      createPartitioner: opts.partitioner === 'legacy' ? Partitioners.LegacyPartitioner : Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: true,
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connecting = undefined;
      if (this.state !== 'closed') this.setState('disconnected');
    });
  }

  private setState(s: KafkaState, err?: Error) {
    if (this.state === 'closed') return;
    this.state = s;
    this.emit('state', s, err);
  }

  connect(): Promise<void> {
    if (!this.connecting) {
      this.setState('connecting');
      this.connecting = this.producer.connect().then(
        () => this.setState('connected'),
        (err: Error) => {
          this.connecting = undefined;
          this.setState(isPermanentError(err) ? 'failed' : 'disconnected', err);
          throw err;
        },
      );
    }
    return this.connecting;
  }

  async send(batches: { topic: string; records: ProducedRecord[] }[], opts: SendOptions): Promise<void> {
    await this.connect();
    try {
      await this.producer.sendBatch({
        topicMessages: batches.map((b) => ({ topic: b.topic, messages: b.records })),
        acks: opts.acks,
        timeout: opts.timeout,
        compression: opts.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      });
      if (this.state !== 'connected') this.setState('connected');
    } catch (err) {
      if (isRetriable(err)) this.setState('disconnected', err as Error);
      throw err;
    }
  }

  async disconnect(): Promise<void> {
    this.state = 'closed';
    await this.producer.disconnect();
  }
}

/** Bytes read from the brokers by fetches, summed over a connection's consumers. */
export interface FetchTraffic {
  fetchedBytes: number;
}

/** A Kafka client (kafkajs) that hands out consumers, producers and an admin client. */
export class KafkaConnection implements FetchTraffic {
  readonly kafka: Kafka;
  /** Bytes of fetch responses received by this connection's consumers since it was created. */
  fetchedBytes = 0;

  constructor(readonly options: KafkaClientOptions) {
    this.kafka = new Kafka({
      brokers: options.brokers,
      clientId: options.clientId,
      ssl: options.ssl,
      sasl: options.sasl,
      connectionTimeout: options.connectionTimeout,
      requestTimeout: options.requestTimeout,
      retry: options.retry,
      logLevel: logLevel.WARN,
      logCreator: toKafkaLogger(options.log),
    });
  }

  consumer(opts: ConsumerOptions): KafkaConsumerConnection {
    return new KafkaJsConsumer(this.kafka, opts, this);
  }

  producer(opts: ProducerOptions): KafkaProducerConnection {
    return new KafkaJsProducer(this.kafka, opts);
  }

  admin(): Admin {
    return this.kafka.admin();
  }
}
