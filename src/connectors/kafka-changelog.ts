import { randomBytes } from 'crypto';
import { ChangelogTimeout } from './changelog-timeout';
import { ChunkSet, assembleLog, planWrite, settleWrite } from './changelog-chunks';
import type { KafkaConnection, KafkaProducerConnection } from './kafka-connection';
import type { Changelog } from './partition-sources';

/** Longest a changelog read may take before it counts as failed (ms). */
const READ_TIMEOUT = 60000;

/** A topic name Kafka accepts, made from a consumer group and a node id. */
export function changelogTopic(groupId: string, nodeId: string): string {
  return `${groupId}.${nodeId}.changelog`.replace(/[^A-Za-z0-9._-]/g, '_').slice(-249);
}

/**
 * A node's state in Kafka itself, as Kafka Streams keeps its stores: one compacted topic of one
 * partition, a record per source partition (its key), so the broker keeps the latest state of
 * each partition and drops the older ones. A large state goes in chunks (changelog-chunks.ts).
 */
export class KafkaChangelog implements Changelog {
  private created: Promise<void> | undefined;
  /** The chunk set each chunked key's latest head names, as last written or read. */
  private sets = new Map<string, ChunkSet>();
  /** Chunk keys no head names any more, to delete with the next write. */
  private orphans = new Set<string>();
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: KafkaConnection,
    readonly topic: string,
    private readonly producer: KafkaProducerConnection,
    private readonly timeout: number,
  ) {}

  /** Creates the topic once (compacted); an existing topic is used as it is. */
  private ensure(): Promise<void> {
    if (!this.created) {
      const admin = this.connection.admin();
      this.created = admin
        .connect()
        .then(() =>
          admin.createTopics({
            waitForLeaders: true,
            topics: [
              {
                topic: this.topic,
                numPartitions: 1,
                configEntries: [
                  { name: 'cleanup.policy', value: 'compact' },
                  // A partition's state grows with its keys: allow records well above the 1 MB default.
                  { name: 'max.message.bytes', value: String(16 * 1024 * 1024) },
                ],
              },
            ],
          }),
        )
        .then(
          () => undefined,
          (err: Error) => {
            this.created = undefined;
            throw err;
          },
        )
        .finally(() => admin.disconnect().catch(() => undefined));
    }
    return this.created;
  }

  write(records: { key: string; value: string }[]): Promise<void> {
    if (!records.length) return Promise.resolve();
    // One write at a time: each plans its chunks and tombstones from what the last one left.
    const next = this.writing.then(() => this.writeNow(records));
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeNow(records: { key: string; value: string }[]): Promise<void> {
    await this.ensure();
    const plan = planWrite(records, this.sets, [...this.orphans], () => randomBytes(6).toString('hex'));
    let sent = -1;
    try {
      // One send after the other: a head goes out only once its chunks are in the log.
      for (const records of plan.sends) {
        await this.producer.send([{ topic: this.topic, records }], { acks: -1, compression: 'gzip', timeout: this.timeout });
        sent++;
      }
    } finally {
      settleWrite(plan, sent, this.sets, this.orphans);
    }
  }

  async read(): Promise<Map<string, string>> {
    // A node reads before it first writes: connect the producer meanwhile, so the first
    // checkpoint does not wait for it.
    this.producer.connect().catch(() => undefined);
    await this.ensure();
    const kafka = this.connection.kafka;
    const admin = this.connection.admin();
    const out = new Map<string, string>();
    await admin.connect();
    const groupId = `${this.topic}.restore.${randomBytes(6).toString('hex')}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10000, heartbeatInterval: 1000, allowAutoTopicCreation: false });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const ends = new Map<number, number>();
      for (const o of await admin.fetchTopicOffsets(this.topic)) if (Number(o.high) > Number(o.low)) ends.set(o.partition, Number(o.high));
      if (!ends.size) return out;
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new ChangelogTimeout(this.topic, READ_TIMEOUT)), READ_TIMEOUT);
        consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) {
                if (m.key === null) continue;
                const key = m.key.toString('utf8');
                // A record without a value deletes its key (a tombstone).
                if (m.value === null) out.delete(key);
                else out.set(key, m.value.toString('utf8'));
              }
              const end = ends.get(batch.partition);
              if (end !== undefined && Number(batch.lastOffset()) >= end - 1) ends.delete(batch.partition);
              if (!ends.size) resolve();
            },
          })
          .catch(reject);
      });
      const log = assembleLog(out);
      this.sets = log.sets;
      this.orphans = new Set(log.orphans);
      return log.values;
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  }
}
