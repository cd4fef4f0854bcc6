import { strict as assert } from 'assert';
import { AssignerProtocol, type Kafka, type Admin, type Message, type Producer } from 'kafkajs';
import { testKafka } from '../support/test-kafka';
import { kafkaBroker, kafkaIn } from '../support/kafka-flow-nodes';
import { requireBroker } from '../support/brokers';
import { runScaleScenario, type ScenarioOptions, type ScenarioResult } from '../support/scale-scenario';
import { startFlowInstance, type FlowInstance, type FlowSettings } from '../support/kafka-flow-instance';
import { seededGaussian } from '../support/seeded-random';
import { partitionSources } from '../../src/connectors/partition-sources';
import type { KafkaStateSource } from '../../src/connectors/kafka-state-source';
import { KafkaChangelog, changelogTopic } from '../../src/connectors/kafka-changelog';
import { KafkaConnection } from '../../src/connectors/kafka-connection';
import { randomBytes } from 'crypto';
import { collect, deploy, getNode, loggedErrors, loggedWarnings, undeploy, unique, until, untilAsync, type FlowNode, type Msg } from './harness';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

/** A scale scenario's verdict: no window missing or partial, every repeat marked as a replay. */
function assertEveryWindowExact(r: ScenarioResult): void {
  assert.equal(r.missing, 0, JSON.stringify(r));
  assert.equal(r.partial, 0, JSON.stringify(r));
  assert.equal(r.exact, r.windows, JSON.stringify(r));
  assert.equal(r.unmarkedDuplicates, 0, JSON.stringify(r));
}

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
    kafka = testKafka(env.KAFKA_BROKERS, 'it-state');
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
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', topic, groupId, { keyFrom: 'record', timeFrom: 'field', timeField: 'ts', wires: [['agg']] }),
      { id: 'agg', type: 'stream-aggregate', windowType: 'tumbling', size: `${SIZE}ms`, aggregations: [{ op: 'count' }], wires: [['got']] },
      { id: 'got', type: 'helper' },
    ];
  }

  /** A compacted topic as a reader of it from the start sees it: the latest value per key (tombstones delete). */
  async function readLog(topic: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const high = Number((await admin.fetchTopicOffsets(topic))[0].high);
    if (!high) return out;
    const c = kafka.consumer({ groupId: unique('cl-reader'), maxWaitTimeInMs: 50 });
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      void c.run({
        eachMessage: async ({ message }) => {
          if (message.value === null) out.delete(String(message.key));
          else out.set(String(message.key), String(message.value));
          if (Number(message.offset) >= high - 1) resolve();
        },
      });
    });
    await c.disconnect();
    return out;
  }

  async function changelog(topic: string): Promise<Map<string, { offset: number }>> {
    return new Map([...(await readLog(topic))].map(([key, value]) => [key, JSON.parse(value)]));
  }

  /** A fault scenario of one process on 4 partitions (SIGKILL, join and leave, …): the keys, sizes and faults vary. */
  function faultScenario(
    name: string,
    o: Pick<ScenarioOptions, 'keys' | 'perWindow' | 'windows' | 'timeout'> & Partial<ScenarioOptions>,
  ): Promise<ScenarioResult> {
    return runScaleScenario({ kafka, brokers: env.KAFKA_BROKERS, name: unique(name), partitions: 4, instances: 1, faults: true, ...o });
  }

  it('a changelog state larger than a record batch may be (a partition of many detector keys) is written in chunks and read back whole; the chunks it replaces are deleted', async function () {
    this.timeout(180000);
    const connection = new KafkaConnection({
      brokers: env.KAFKA_BROKERS.split(','),
      clientId: 'it-changelog',
      connectionTimeout: 10000,
      requestTimeout: 30000,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    const out = connection.producer({ idempotent: true, partitioner: 'default' });
    const topic = changelogTopic(unique('g'), 'big');
    const changelog = () => new KafkaChangelog(connection, topic, out, 30000);
    try {
      await out.connect();
      const writer = changelog();
      await writer.read();
      // 40 MB of random hex: about 20 MB after gzip, beyond the 16 MiB a batch of the topic may hold.
      const big = JSON.stringify({ v: 3, state: randomBytes(20_000_000).toString('hex') });
      await writer.write([
        { key: '0:t', value: big },
        { key: '1:t', value: '{"small":true}' },
      ]);
      const first = await changelog().read();
      assert.equal(first.size, 2);
      assert.ok(first.get('0:t') === big, 'the large state reads back whole');
      assert.equal(first.get('1:t'), '{"small":true}');
      // Rewritten small: its chunks are deleted, the log's keys are the two records only.
      await writer.write([{ key: '0:t', value: '{"v":3}' }]);
      const second = await changelog().read();
      assert.deepEqual(
        second,
        new Map([
          ['0:t', '{"v":3}'],
          ['1:t', '{"small":true}'],
        ]),
      );
      const keys = (await readLog(topic)).keys();
      assert.deepEqual([...keys].sort(), ['0:t', '1:t'], 'no chunk left without a tombstone');
    } finally {
      await out.disconnect().catch(() => undefined);
    }
  });

  it('commit means done: offsets of records in open windows are committed only once the changelog holds them; a redeployed flow restores the windows and counts every record once', async () => {
    const topic = unique('state-in');
    const groupId = unique('g');
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    const T0 = Math.floor((Date.now() - 3600000) / SIZE) * SIZE;
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const send = (times: number[]) =>
      producer.send({ topic, messages: keys.flatMap((key, i) => times.map((t) => ({ key, partition: i % 4, value: JSON.stringify({ ts: T0 + t }) }))) });
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
      () =>
        `the commit of all 4 partitions to reach their end; warnings ${JSON.stringify([...loggedWarnings('in'), ...loggedWarnings('agg'), ...loggedErrors('in'), ...loggedErrors('agg')])}, ${JSON.stringify(lastCommit)}`,
    );
    const saved = await changelog(clTopic);
    assert.deepEqual(
      [...saved.keys()].sort(),
      [0, 1, 2, 3].map((p) => `${topic}:${p}`),
      'one changelog record per partition',
    );
    for (const [k, rec] of saved) assert.equal(rec.offset, 9, `${k}: the state includes offsets 0..9`);
    const [{ configEntries }] = (
      await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: clTopic, configNames: ['cleanup.policy'] }] })
    ).resources;
    assert.equal(configEntries[0].configValue, 'compact');
    assert.equal(got.length, 0, 'no window has closed yet');

    await undeploy();
    await send([5000, 6000, 7000]);
    await deploy(flow(topic, groupId));
    const again = collect('got');
    await send([30000]);
    await until(
      () => again.length === keys.length,
      30000,
      () => `a result per key, got ${again.length}`,
    );
    for (const m of again) {
      assert.equal(m.window.start, T0);
      assert.equal(m.payload.count, 8, `${m.topic}: 5 records before the redeploy (restored) and 3 after, each once`);
    }
  });

  it("a flow stopped while a window's result is still unfinished downstream loses no window: the closing node's last state is written only once that result is handled, else the records are read again", async () => {
    const topic = unique('stop-in');
    const groupId = unique('g');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const T0 = Math.floor((Date.now() - 3600000) / SIZE) * SIZE;
    const send = (t: number) => producer.send({ topic, messages: [{ key: 'a', partition: 0, value: JSON.stringify({ ts: T0 + t }) }] });
    const committed = async () => {
      const [g] = await admin.fetchOffsets({ groupId, topics: [topic] }).catch(() => [{ partitions: [] as { offset: string }[] }]);
      return g.partitions[0]?.offset;
    };
    const nodes = flow(topic, groupId);
    // A second wire from the reader to a node the test finishes records at, or holds them.
    nodes[1].wires = [['agg', 'tap']];
    nodes.push({ id: 'tap', type: 'helper' });
    await deploy(nodes);
    let hold = false;
    const held: (() => void)[] = [];
    getNode('tap').on('input', (_m: Msg, _s: unknown, done: () => void) => (hold ? held.push(done) : done()));
    // The sink of the results is slow (a publish waiting for its broker): it never finishes them here.
    const results: Msg[] = [];
    getNode('got').on('input', (m: Msg) => void results.push(m));
    for (const t of [0, 1000, 2000]) await send(t);
    await untilAsync(async () => (await committed()) === '3', 30000, 'a checkpoint of the open window (offsets 0..2)');
    // A checkpoint that waits for a record the flow has not finished: it holds offset 3 in its snapshot.
    hold = true;
    await send(3000);
    const source = partitionSources.get('in') as KafkaStateSource;
    await until(
      () => source.describe().waitingFor.some(([, end]) => end === 4),
      30000,
      () => `a checkpoint waiting for offset 3: ${JSON.stringify(source.describe())}`,
    );
    // Offset 4 closes window 0; its result reaches the slow sink, and the flow stops.
    await send(12000);
    await until(() => results.length === 1, 30000, 'the result of window 0');
    assert.equal(results[0].payload.count, 4);
    await undeploy();
    for (const d of held) d();

    await deploy(flow(topic, groupId));
    const again = collect('got');
    await send(30000);
    await until(
      () => again.length === 2,
      30000,
      () => `results of windows 0 and 1 again, got ${JSON.stringify(again.map((m) => m.window))}`,
    );
    assert.deepEqual(
      again.map((m) => [m.window.start - T0, m.payload.count, m.window.replay]),
      [
        [0, 4, true],
        [10000, 1, true],
      ],
      'window 0, whose result never finished, comes again (marked), and every record is counted once',
    );
  });

  it('the reader says which partitions have records the flow has not handled, so the window nodes do not take them for idle', async () => {
    const topic = unique('pending-in');
    const groupId = unique('g');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const T0 = Math.floor((Date.now() - 3600000) / SIZE) * SIZE;
    const nodes = flow(topic, groupId);
    // A second wire to a node that finishes partition 0's records and holds partition 1's.
    nodes[1].wires = [['agg', 'tap']];
    nodes.push({ id: 'tap', type: 'helper' });
    await deploy(nodes);
    const held: (() => void)[] = [];
    let seen = 0;
    getNode('tap').on('input', (m: Msg, _s: unknown, done: () => void) => {
      seen++;
      if (m.kafka.partition === 1) held.push(done);
      else done();
    });
    await producer.send({
      topic,
      messages: [0, 1, 2].flatMap((i) => [0, 1].map((partition) => ({ key: `k${partition}`, partition, value: JSON.stringify({ ts: T0 + i * 1000 }) }))),
    });
    await until(
      () => seen === 6,
      30000,
      () => `6 records delivered, got ${seen}`,
    );
    const source = partitionSources.get('in') as KafkaStateSource;
    await until(() => !source.pending(topic, 0), 30000, 'partition 0 handled');
    assert.equal(source.pending(topic, 1), true, 'partition 1 has 3 records the flow has not finished');
    for (const done of held.splice(0)) done();
    await until(() => !source.pending(topic, 1), 30000, 'partition 1 handled');
    assert.equal(source.pending(topic, 0), false);
  });

  it('SIGKILL of a Node-RED process mid-stream after a checkpoint: its successor restores the windows, every window exact, repeats marked as replays', async function () {
    const r = await faultScenario('scale', { keys: 12, perWindow: 20, windows: 6, timeout: 100000 });
    assertEveryWindowExact(r);
    assert.ok(r.duplicated > 0, 'the killed process had sent results its successor sends again (marked)');
    assert.ok(r.restoreMsPerPartition.length > 0, 'the successor restored partitions from the changelog');
  });

  it('a process joins late, then leaves, then the first is SIGKILLed: the joiner gets records once it owns partitions, every window exact, repeats marked', async function () {
    this.timeout(200000);
    // The joiner says it is ready 3 s before it joins the group: records produced in between
    // are all read by the first process. A scenario that produced the join window on "ready"
    // and then waited for the joiner to receive something waited for ever.
    const r = await faultScenario('join', { keys: 12, perWindow: 20, windows: 6, rebalance: true, lateJoinMs: 3000, timeout: 150000 });
    assertEveryWindowExact(r);
  });

  it('SIGKILL before the first checkpoint (nothing committed, no state written): the successor counts every record once and marks every result it repeats', async function () {
    // Under the pause limit (1000): the first process finishes no record, so all of them stay in flight.
    const r = await faultScenario('early', { keys: 8, perWindow: 10, windows: 4, killBeforeCheckpoint: true, timeout: 100000 });
    assertEveryWindowExact(r);
    assert.equal(r.duplicated, r.windows, `the killed process sent every window and its successor sends each again: ${JSON.stringify(r)}`);
  });
  /** A record and the topic it goes to (a suffix of the scenario's name; the layout's first topic when absent). */
  type Routed = Message & { to?: string };
  /** The topics a scenario reads (one reader, several topics when more than one) and their partitions. */
  interface Layout {
    topics: string[];
    partitions: number;
    /** Records sent after B has left again (A takes its partitions back); none: B stays. */
    afterLeave?: Routed[];
  }

  /**
   * Two Node-RED processes on a topic of 2 partitions (or the layout's topics): A reads the first
   * part alone and checkpoints it; B joins the group and takes partitions over; both read the
   * rest (and, with `afterLeave`, B leaves and A reads the last part alone). What they send
   * together must equal what one process that read everything alone sends (a third process in a
   * group of its own), and B must have restored the moved partitions' keys.
   */
  async function movedAcrossRebalance(
    stage: FlowSettings['stage'],
    first: Routed[],
    rest: Routed[],
    layout: Layout = { topics: ['in'], partitions: 2 },
  ): Promise<{ moved: Result[]; whole: Result[] }> {
    const name = unique(`${stage}-move`);
    const topics = layout.topics.map((t) => `${name}-${t}`);
    const groupId = `${name}-g`;
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: layout.partitions })), waitForLeaders: true });
    const started: FlowInstance[] = [];
    const start = (group: string): FlowInstance => {
      const i = startFlowInstance({ brokers: env.KAFKA_BROKERS, topic: topics.join(','), groupId: group, size: '1h', stage, sideByTopic: topics.length > 1 });
      started.push(i);
      return i;
    };
    const send = (list: Routed[]) =>
      producer.sendBatch({
        topicMessages: topics.map((topic, i) => ({
          topic,
          messages: list.filter((m) => (m.to ?? layout.topics[0]) === layout.topics[i]).map(({ to, ...m }) => (void to, m)),
        })),
      });
    /** Every record of the topics committed by `group`. */
    const committedAll = async (group: string) => {
      const got = await admin.fetchOffsets({ groupId: group, topics }).catch(() => []);
      for (const topic of topics) {
        const g = got.find((x) => x.topic === topic);
        const ends = await admin.fetchTopicOffsets(topic);
        // A partition with no records has nothing to commit.
        if (!g || !ends.every((e) => e.high === '0' || g.partitions.find((p) => p.partition === e.partition)?.offset === e.high)) return false;
      }
      return true;
    };
    const stderr = () => started.map((i) => i.stderr()).join('\n');
    // Offsets committed when a wait gives up, for the failure message.
    let lastSeen = '';
    const committedAllSaid = async (group: string) => {
      const ok = await committedAll(group);
      if (!ok) lastSeen = JSON.stringify(await admin.fetchOffsets({ groupId: group, topics }).catch(() => []));
      return ok;
    };
    try {
      const a = start(groupId);
      await a.ready;
      await send(first);
      await untilAsync(
        () => committedAll(groupId),
        60000,
        () => `the first part committed (checkpointed) by A; ${stderr()}`,
      );
      const b = start(groupId);
      await b.ready;
      await untilAsync(
        async () => {
          const [g] = (await admin.describeGroups([groupId])).groups;
          return g.state === 'Stable' && g.members.length === 2;
        },
        60000,
        () => `B in the group beside A; ${stderr()}`,
      );
      if (topics.length > 1) {
        // Co-partitioned: each member reads the same partition numbers of every topic.
        const [g] = (await admin.describeGroups([groupId])).groups;
        for (const m of g.members) {
          const assigned = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {};
          const numbers = topics.map((t) => JSON.stringify([...(assigned[t] ?? [])].sort()));
          assert.equal(new Set(numbers).size, 1, `${m.memberId} reads the same partitions of every topic: ${JSON.stringify(assigned)}`);
        }
      }
      await send(rest);
      await untilAsync(
        () => committedAll(groupId),
        60000,
        () => `the rest committed by A and B; ${stderr()}`,
      );
      assert.ok(
        b.restores.some((r) => r.partitions > 0 && r.partitions % topics.length === 0 && (topics.length > 1 || r.partitions === 1) && r.keys > 0),
        `B restored the keys of the partitions it took over: ${JSON.stringify(b.restores)}`,
      );
      if (layout.afterLeave) {
        b.proc.kill('SIGTERM');
        await b.exited;
        await send(layout.afterLeave);
        await untilAsync(
          () => committedAllSaid(groupId),
          60000,
          () => `the last part committed by A alone (committed: ${lastSeen}); ${stderr()}`,
        );
      }
      if (topics.length > 1) {
        // Partition p of every topic is one unit: one changelog record per number, holding each
        // topic's offset, and everything committed is in it.
        const saved = await changelog(changelogTopic(groupId, 'agg'));
        assert.deepEqual(
          [...saved.keys()].sort(),
          Array.from({ length: layout.partitions }, (_, p) => `*:${p}`),
        );
        for (const [key, rec] of saved) {
          const p = Number(key.slice(2));
          const want: Record<string, number> = {};
          for (const t of topics) want[t] = Number((await admin.fetchTopicOffsets(t)).find((o) => o.partition === p)!.high) - 1;
          assert.deepEqual((rec as { offsets?: unknown }).offsets, want, `${key}: the state through the committed offsets`);
        }
      }
      const alone = unique('whole');
      const c = start(alone);
      await c.ready;
      await untilAsync(
        () => committedAll(alone),
        60000,
        () => `C read everything; ${stderr()}`,
      );
      // Every result was written before its record was committed; the last lines may still be on their way.
      await until(
        () => a.results.length + b.results.length >= c.results.length,
        10000,
        () => `as many results from A and B (${a.results.length} + ${b.results.length}) as from C (${c.results.length}); ${stderr()}`,
      );
      return { moved: [...a.results, ...b.results], whole: c.results };
    } finally {
      for (const i of started) if (i.proc.exitCode === null && i.proc.signalCode === null) i.proc.kill('SIGTERM');
      await Promise.all(started.map((i) => i.exited));
      await admin.deleteTopics({ topics }).catch(() => undefined);
    }
  }

  type Result = FlowInstance['results'][number];
  const H = 3600000;
  const record = (key: string, partition: number, ts: number, payload: Record<string, unknown>) => ({
    key,
    partition,
    value: JSON.stringify({ ts, ...payload }),
  });

  it("a join's buffered side moves with its partition to a second Node-RED process across a rebalance: their pairs equal one uninterrupted process's", async function () {
    this.timeout(240000);
    const T0 = Math.floor((Date.now() - 100 * H) / H) * H;
    const keys = ['k0', 'k1', 'k2', 'k3'];
    // Left events first, waiting in the join's buffers; the right events that pair with them come after the move.
    // Each partition in time order, the default maxOutOfOrder: the partitions' watermarks keep a partition read
    // behind the other (or just taken over) from finding its events late.
    const left = [0, 20, 40].flatMap((m) => keys.map((key, i) => record(key, i % 2, T0 + m * 60000, { side: 'left', v: `${key}-l${m}` })));
    const right = [50, 55].flatMap((m) => keys.map((key, i) => record(key, i % 2, T0 + m * 60000, { side: 'right', v: `${key}-r${m}` })));
    const { moved, whole } = await movedAcrossRebalance('join', left, right);
    const pairs = (list: Result[]) => list.map((r) => `${String(r.topic)} ${JSON.stringify(r.payload)}`).sort();
    assert.equal(whole.length, keys.length * 3 * 2, 'each right event pairs with the three left events of its key (within an hour)');
    assert.deepEqual(pairs(moved), pairs(whole));
  });

  it("a join of two topics of 3 partitions read by one reader: a second process joins mid-stream and leaves again, and their pairs equal one uninterrupted process's, repeats marked", async function () {
    this.timeout(240000);
    const T0 = Math.floor((Date.now() - 300 * H) / H) * H;
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    // Keyed alike on both topics: a key's records of either side are in the same partition number.
    // The side is the topic a record is on (the join's Side from msg.kafka.topic); the payload does not say.
    const at = (side: 'left' | 'right', minutes: number[]): Routed[] =>
      minutes.flatMap((m) => keys.map((key, i) => ({ ...record(key, i % 3, T0 + m * 60000, { v: `${key}-${side[0]}${m}` }), to: side })));
    const { moved, whole } = await movedAcrossRebalance('join', at('left', [0, 20]), [...at('left', [40]), ...at('right', [50])], {
      topics: ['left', 'right'],
      partitions: 3,
      afterLeave: [...at('right', [55]), ...at('left', [58])],
    });
    assert.equal(whole.length, keys.length * 2 * 4, 'each right event pairs with the four left events of its key (within an hour)');
    const pair = (r: Result) => `${String(r.topic)} ${JSON.stringify(r.payload)}`;
    const count = (list: Result[]) => {
      const n = new Map<string, number>();
      for (const r of list) n.set(pair(r), (n.get(pair(r)) ?? 0) + 1);
      return n;
    };
    const want = count(whole);
    const got = count(moved);
    const missing = [...want].filter(([p, n]) => (got.get(p) ?? 0) < n).map(([p]) => p);
    assert.deepEqual(missing, [], 'no pair missing');
    assert.deepEqual(
      [...got.keys()].filter((p) => !want.has(p)),
      [],
      'no pair that one process would not send',
    );
    for (const [p, n] of got) {
      const marked = moved.filter((r) => pair(r) === p && r.join?.replay === true).length;
      assert.ok(n - want.get(p)! <= marked, `${p} sent ${n} times, ${marked} marked as replay`);
    }
  });

  it("a detect node's history moves with its partition to a second Node-RED process across a rebalance: its alerts equal one uninterrupted process's", async function () {
    this.timeout(240000);
    const T0 = Math.floor((Date.now() - 200 * H) / H) * H;
    const keys = ['s0', 's1', 's2', 's3'];
    // Hourly readings; a shift from reading 110 that the history of the first 90 makes an alert.
    const readings = keys.map((key, i) => {
      const g = seededGaussian(i + 1);
      return Array.from({ length: 140 }, (_, n) => record(key, i % 2, T0 + n * H, { v: Math.round((20 + 0.5 * g() + (n >= 110 ? 8 : 0)) * 100) / 100 }));
    });
    const { moved, whole } = await movedAcrossRebalance(
      'detect',
      readings.flatMap((r) => r.slice(0, 90)),
      readings.flatMap((r) => r.slice(90)),
    );
    // B cannot tell whether A read the records behind the log end it found before it gave the
    // partition up, so it may mark its alerts as possible repeats; that mark aside, the alerts are the same.
    const alerts = (list: Result[]) =>
      list
        .map((r) => {
          const { replay, ...rest } = r.payload as Record<string, unknown>;
          void replay;
          return JSON.stringify(rest);
        })
        .sort();
    assert.equal(whole.filter((r) => r.payload.state === 'alert').length, keys.length, 'one shift alert per key');
    assert.deepEqual(alerts(moved), alerts(whole));
  });

  it("a detect node's open windows and open incidents (pattern spike, window mode) move together with their partition across a rebalance: its alerts equal one uninterrupted process's", async function () {
    this.timeout(240000);
    const M = 60000;
    const T0 = Math.floor((Date.now() - 200 * H) / H) * H;
    const keys = ['s0', 's1', 's2', 's3'];
    // Readings 5 min apart in windows of an hour; a spike in the window of hour 5 opens an
    // incident on every key. A reads up to half of hour 6, so the partition that moves carries an
    // open incident and an open window; that window is quiet and ends the incident when it fires.
    const readings = keys.map((key, i) => {
      const g = seededGaussian(i + 21);
      return Array.from({ length: 120 }, (_, n) => record(key, i % 2, T0 + n * 5 * M, { v: Math.round((20 + 0.5 * g() + (n === 66 ? 12 : 0)) * 100) / 100 }));
    });
    // In time order across keys: two keys share a partition, and its watermark follows both.
    const inTime = (from: number, to: number) => readings[0].slice(from, to).flatMap((_, n) => readings.map((r) => r[from + n]));
    const { moved, whole } = await movedAcrossRebalance('detect-window', inTime(0, 78), inTime(78, 120));
    const sent = (list: Result[]) =>
      list
        .map((r) => {
          const { replay, ...payload } = r.payload as Record<string, unknown>;
          const { replay: marked, ...window } = r.window;
          void replay;
          void marked;
          return JSON.stringify([payload, window]);
        })
        .sort();
    const spikeAlerts = whole.filter((r) => r.payload.state === 'alert' && r.payload.time === T0 + 66 * 5 * M);
    assert.equal(spikeAlerts.length, keys.length, 'the spike alerts on every key');
    const ends = whole.filter((r) => r.payload.state === 'ended' && r.payload.startedAt === T0 + 66 * 5 * M);
    assert.deepEqual(
      ends.map((r) => [r.window.start, r.window.count]),
      keys.map(() => [T0 + 6 * H, 12]),
      'each ends when the quiet window of hour 6 fires with its 12 readings',
    );
    assert.deepEqual(sent(moved), sent(whole));
  });
});
