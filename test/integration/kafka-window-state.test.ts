import { strict as assert } from 'assert';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { requireBroker } from '../support/brokers';
import { runScaleScenario } from '../support/scale-scenario';
import { collect, deploy, loggedErrors, loggedWarnings, undeploy, unique, until, untilAsync, type FlowNode } from './harness';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const SIZE = 10000;

describe('window state that follows Kafka partitions (real Kafka, real Node-RED)', function () {
  this.timeout(120000);
  let env: Record<string, string>;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  before(async function () {
    this.timeout(300000);
    env = await requireBroker(this, 'kafka');
    kafka = new Kafka({ brokers: [env.KAFKA_BROKERS], clientId: 'it-state', logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 } });
    admin = kafka.admin();
    await admin.connect();
    // Idempotent: a retried send on a broker that has just started must not write a record twice.
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  after(async () => {
    await Promise.all([admin?.disconnect(), producer?.disconnect()].map((p) => p?.catch(() => undefined)));
  });

  afterEach(() => undeploy());

  function flow(topic: string, groupId: string): FlowNode[] {
    return [
      { id: 'kb', type: 'stream-kafka-broker', brokers: env.KAFKA_BROKERS, clientId: 'it', connectionTimeout: 1000, requestTimeout: 5000, retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      { id: 'in', type: 'stream-kafka-in', broker: 'kb', topics: topic, groupId, fromBeginning: true, format: 'json', keyFrom: 'record', timeFrom: 'field', timeField: 'ts', sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 3000, maxWaitTime: 50, wires: [['agg']] },
      { id: 'agg', type: 'stream-aggregate', windowType: 'tumbling', size: `${SIZE}ms`, aggregations: [{ op: 'count' }], wires: [['got']] },
      { id: 'got', type: 'helper' },
    ];
  }

  async function changelog(topic: string): Promise<Map<string, { offset: number }>> {
    const out = new Map<string, { offset: number }>();
    const high = Number((await admin.fetchTopicOffsets(topic))[0].high);
    if (!high) return out;
    const c = kafka.consumer({ groupId: unique('cl-reader'), maxWaitTimeInMs: 50 });
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      void c.run({
        eachMessage: async ({ message }) => {
          out.set(String(message.key), JSON.parse(String(message.value)));
          if (Number(message.offset) >= high - 1) resolve();
        },
      });
    });
    await c.disconnect();
    return out;
  }

  it('commit means done: offsets of records in open windows are committed only once the changelog holds them; a redeployed flow restores the windows and counts every record once', async () => {
    const topic = unique('state-in');
    const groupId = unique('g');
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    const T0 = Math.floor((Date.now() - 3600000) / SIZE) * SIZE;
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const send = (times: number[]) => producer.send({ topic, messages: keys.flatMap((key, i) => times.map((t) => ({ key, partition: i % 4, value: JSON.stringify({ ts: T0 + t }) }))) });
    await send([0, 1000, 2000, 3000, 4000]);
    await deploy(flow(topic, groupId));
    const got = collect('got');
    const clTopic = `${groupId}.agg.changelog`;
    let lastCommit: unknown;
    // Every record sits in an open window: the commit moves only with a checkpoint, and never past it.
    await untilAsync(
      async () => {
        // A broker that has just started may not have a coordinator for the group yet.
        const [g] = await admin.fetchOffsets({ groupId, topics: [topic] }).catch(() => [{ partitions: [] as { partition: number; offset: string }[] }]);
        lastCommit = g.partitions;
        const ends = await admin.fetchTopicOffsets(topic);
        return g.partitions.length === 4 && ends.every((e) => e.high === '10' && g.partitions.find((p) => p.partition === e.partition)?.offset === '10');
      },
      30000,
      () => `the commit of all 4 partitions to reach their end; warnings ${JSON.stringify([...loggedWarnings('in'), ...loggedWarnings('agg'), ...loggedErrors('in'), ...loggedErrors('agg')])}, ${JSON.stringify(lastCommit)}`,
    );
    const saved = await changelog(clTopic);
    assert.deepEqual([...saved.keys()].sort(), [0, 1, 2, 3].map((p) => `${topic}:${p}`), 'one changelog record per partition');
    for (const [k, rec] of saved) assert.equal(rec.offset, 9, `${k}: the state includes offsets 0..9`);
    const [{ configEntries }] = (await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: clTopic, configNames: ['cleanup.policy'] }] })).resources;
    assert.equal(configEntries[0].configValue, 'compact');
    assert.equal(got.length, 0, 'no window has closed yet');

    await undeploy();
    await send([5000, 6000, 7000]);
    await deploy(flow(topic, groupId));
    const again = collect('got');
    await send([30000]);
    await until(() => again.length === keys.length, 30000, () => `a result per key, got ${again.length}`);
    for (const m of again) {
      assert.equal(m.window.start, T0);
      assert.equal(m.payload.count, 8, `${m.topic}: 5 records before the redeploy (restored) and 3 after, each once`);
    }
  });

  it('SIGKILL of a Node-RED process mid-stream after a checkpoint: its successor restores the windows, every window exact, repeats marked as replays', async function () {
    const r = await runScaleScenario({ kafka, brokers: env.KAFKA_BROKERS, name: unique('scale'), partitions: 4, keys: 12, perWindow: 20, windows: 6, instances: 1, faults: true, timeout: 100000 });
    assert.equal(r.missing, 0, JSON.stringify(r));
    assert.equal(r.partial, 0, JSON.stringify(r));
    assert.equal(r.exact, r.windows, JSON.stringify(r));
    assert.equal(r.unmarkedDuplicates, 0, JSON.stringify(r));
    assert.ok(r.duplicated > 0, 'the killed process had sent results its successor sends again (marked)');
    assert.ok(r.restoreMsPerPartition.length > 0, 'the successor restored partitions from the changelog');
  });
});
