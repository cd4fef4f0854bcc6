import { strict as assert } from 'assert';
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { testKafka } from '../support/test-kafka';
import * as fs from 'fs';
import { brokerLog, requireBroker, restartBroker, stopBroker } from '../support/brokers';
import { kafkaBroker, kafkaIn } from '../support/kafka-flow-nodes';
import { aggregateEvery3, collect, deploy, getNode, loggedErrors, loggedWarnings, undeploy, unique, until, untilAsync, watchStatus } from './harness';
import type { FlowNode, Msg } from './harness';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('Kafka connectors against a real Apache Kafka (KRaft)', function () {
  this.timeout(60000);
  let env: Record<string, string>;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];
  let statuses = new Map<string, Msg>();
  const lastText = (id: string) => String(statuses.get(id)?.text ?? '');

  async function deployWatched(nodes: FlowNode[], creds: Record<string, unknown> = {}) {
    await deploy(nodes, creds);
    statuses = watchStatus(nodes.filter((n) => n.type.startsWith('stream-kafka-') && n.type !== 'stream-kafka-broker').map((n) => n.id));
  }

  async function topic(prefix: string, partitions = 1): Promise<string> {
    const name = unique(prefix);
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: false });
    // A broker that has just started may not list a new topic in its metadata for a moment, which
    // the client's own wait for leaders reports as an error: wait until every partition has one.
    await untilAsync(
      async () => {
        try {
          const [t] = (await admin.fetchTopicMetadata({ topics: [name] })).topics;
          return t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0);
        } catch {
          return false;
        }
      },
      20000,
      `topic ${name} to have a leader for each of its ${partitions} partitions`,
    );
    return name;
  }

  async function committed(groupId: string, t: string): Promise<string[]> {
    const [res] = await admin.fetchOffsets({ groupId, topics: [t] });
    return res.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
  }

  /** Reads `t` from its start until `count` records arrived, or until `enough` says so (e.g. distinct ones, where repeats are allowed). */
  async function readAll(t: string, count: number, enough = (out: Msg[]) => out.length >= count): Promise<Msg[]> {
    const c = kafka.consumer({ groupId: unique('reader'), sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 50 });
    consumers.push(c);
    const out: Msg[] = [];
    await c.connect();
    await c.subscribe({ topics: [t], fromBeginning: true });
    await c.run({
      eachMessage: async ({ message }) =>
        void out.push({ key: message.key?.toString(), value: JSON.parse(message.value!.toString()), headers: message.headers }),
    });
    await until(
      () => enough(out),
      20000,
      () => `${count} records on ${t}, got ${out.length}`,
    );
    return out;
  }

  before(async function () {
    this.timeout(300000);
    env = await requireBroker(this, 'kafka');
    kafka = testKafka(env.KAFKA_BROKERS, 'it-tools');
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
  });

  after(async () => {
    await Promise.all([admin?.disconnect(), producer?.disconnect()].map((p) => p?.catch(() => undefined)));
  });

  afterEach(async () => {
    await undeploy();
    await Promise.all(consumers.splice(0).map((c) => c.disconnect().catch(() => undefined)));
  });

  it('round trip: stream-kafka-in → stream-aggregate (count windows per key) → stream-kafka-out; headers, partition and offset on the message', async () => {
    const src = await topic('rt-in', 2);
    const dst = await topic('rt-out');
    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', src, unique('g'), { keyFrom: 'record', timeFrom: 'field', timeField: 'ts', wires: [['agg', 'tap']] }),
      { id: 'tap', type: 'helper' },
      aggregateEvery3([{ op: 'sum' }, { op: 'count' }]),
      { id: 'out', type: 'stream-kafka-out', broker: 'kb', topic: dst, keyProperty: 'topic', serialize: 'event', compression: 'gzip', idempotent: true },
    ]);
    const tapped = collect('tap');
    const T0 = Date.UTC(2026, 0, 1);
    await producer.send({
      topic: src,
      messages: ['a', 'b'].flatMap((k, ki) =>
        [1, 2, 3].map((v, i) => ({ key: k, value: JSON.stringify({ v: v * (ki + 1), ts: T0 + i }), headers: { eventId: `${k}${i}`, site: 'p7' } })),
      ),
    });
    const out = await readAll(dst, 2);
    const byKey = Object.fromEntries(out.map((r) => [r.key, r.value]));
    assert.deepEqual(byKey.a.payload, { sum: 6, count: 3 });
    assert.deepEqual(byKey.b.payload, { sum: 12, count: 3 });
    assert.equal(byKey.a.topic, 'a');
    const first = tapped.find((m) => m.eventId === 'a0')!;
    assert.ok(first, 'record a0 reached the flow');
    assert.equal(first.topic, 'a');
    assert.equal(first.timestamp, T0);
    assert.deepEqual(first.headers, { eventId: 'a0', site: 'p7' });
    assert.equal(first.metadata.site, 'p7');
    assert.equal(typeof first.partition, 'number');
    assert.equal(first.offset, '0');
    await until(
      () => lastText('out').startsWith('connected · 2 sent'),
      5000,
      () => `out status, last: ${lastText('out')}`,
    );
  });

  it('batch output: one message holds an array of events', async () => {
    const src = await topic('batch');
    await producer.send({ topic: src, messages: [1, 2, 3, 4].map((v) => ({ key: 'k', value: JSON.stringify({ v }) })) });
    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', src, unique('g'), { output: 'batch', wires: [['got']] }),
      { id: 'got', type: 'helper' },
    ]);
    const got = collect('got');
    await until(() => got.flatMap((m) => m.payload).length === 4, 15000, 'four events');
    assert.ok(got.length < 4, `batched into fewer messages than records (${got.length})`);
    assert.deepEqual(
      got.flatMap((m) => m.payload.map((e: Msg) => e.payload.v)),
      [1, 2, 3, 4],
    );
    assert.equal(got[0].payload[0].topic, 'k');
    assert.equal(got[0].batch, true, 'msg.batch marks the array as a batch of events for the stream nodes');
  });

  it('topics by regular expression: records of every matching topic arrive, with their own topic in msg.kafka', async () => {
    const prefix = unique('rx');
    await admin.createTopics({ topics: [{ topic: `${prefix}-a` }, { topic: `${prefix}-b` }, { topic: `${prefix}x-c` }], waitForLeaders: true });
    await producer.send({ topic: `${prefix}-a`, messages: [{ value: '{"t":"a"}' }] });
    await producer.send({ topic: `${prefix}-b`, messages: [{ value: '{"t":"b"}' }] });
    await producer.send({ topic: `${prefix}x-c`, messages: [{ value: '{"t":"c"}' }] });
    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', `^${prefix}-.*$`, unique('g'), { topicIsRegex: true, wires: [['got']] }),
      { id: 'got', type: 'helper' },
    ]);
    const got = collect('got');
    await until(
      () => got.length === 2,
      15000,
      () => `records of both matching topics, got ${got.length}`,
    );
    assert.deepEqual(got.map((m) => m.payload.t).sort(), ['a', 'b']);
    assert.deepEqual(got.map((m) => m.kafka.topic).sort(), [`${prefix}-a`, `${prefix}-b`]);
  });

  it('consumer group: two consumers split the partitions and each record is processed once per group', async function () {
    this.timeout(90000);
    const src = await topic('group', 2);
    const group = unique('g');
    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in1', src, group, { wires: [['c1']] }),
      kafkaIn('in2', src, group, { wires: [['c2']] }),
      { id: 'c1', type: 'helper' },
      { id: 'c2', type: 'helper' },
    ]);
    const c1 = collect('c1');
    const c2 = collect('c2');
    // Produce only once both members hold partitions, so the split is visible.
    await untilAsync(
      async () => {
        const { groups } = await admin.describeGroups([group]);
        return groups[0].state === 'Stable' && groups[0].members.length === 2;
      },
      30000,
      'the group to become stable with two members',
    );
    const N = 60;
    await producer.send({ topic: src, messages: Array.from({ length: N }, (_, i) => ({ key: `k${i % 12}`, value: JSON.stringify({ i }) })) });
    await until(
      () => c1.length + c2.length >= N,
      20000,
      () => `${N} records across both consumers, got ${c1.length}+${c2.length}`,
    );
    const ids = [...c1, ...c2].map((m) => `${m.partition}/${m.offset}`);
    assert.equal(new Set(ids).size, ids.length, 'no record processed twice');
    assert.equal(ids.length, N);
    assert.ok(c1.length > 0 && c2.length > 0, `both consumers got records (${c1.length}, ${c2.length})`);
    const p1 = new Set(c1.map((m) => m.partition));
    const p2 = new Set(c2.map((m) => m.partition));
    assert.ok(
      [...p1].every((p) => !p2.has(p)),
      'each partition belongs to one consumer',
    );
  });

  it('one group id on two nodes with different topics: a warning at deploy naming the other node; same topics (scaling out) do not warn', async () => {
    const [a, b] = [await topic('ga'), await topic('gb')];
    const group = unique('g');
    await deployWatched([kafkaBroker(env.KAFKA_BROKERS), kafkaIn('in1', a, group), kafkaIn('in2', b, group), kafkaIn('in3', a, unique('g'))]);
    const warned = [...loggedWarnings('in1'), ...loggedWarnings('in2')];
    assert.equal(warned.length, 1, `one warning, got ${JSON.stringify(warned)}`);
    assert.match(warned[0], new RegExp(`consumer group "${group}" is also used by node in[12] \\(topics (${a}|${b})\\).*own group id`));
    assert.deepEqual(loggedWarnings('in3'), []);
    await undeploy();
    await deployWatched([kafkaBroker(env.KAFKA_BROKERS), kafkaIn('in1', a, group), kafkaIn('in2', a, group)]);
    assert.deepEqual([...loggedWarnings('in1'), ...loggedWarnings('in2')], []);
  });

  it('commit after done: a record whose handling did not finish is redelivered after the flow restarts; finished ones are not', async function () {
    this.timeout(60000);
    const src = await topic('commit');
    const group = unique('g');
    const holdFn = 'if (msg.payload.hold) { context.set("held", msg); return; } node.send(msg); node.done();';
    const flow = (func: string): FlowNode[] => [
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', src, group, { commitMode: 'handled', wires: [['fn']] }),
      { id: 'fn', type: 'function', func, outputs: 1, wires: [['got']] },
      { id: 'got', type: 'helper' },
    ];
    await producer.send({ topic: src, messages: [{ value: '{"n":0}' }, { value: '{"n":1,"hold":true}' }, { value: '{"n":2}' }] });
    await deployWatched(flow(holdFn));
    let got = collect('got');
    await until(() => got.length === 2, 15000, 'records 0 and 2 handled');
    assert.deepEqual(
      got.map((m) => m.payload.n),
      [0, 2],
    );
    // Record 1 is still in progress: the group may commit up to it, not past it.
    await until(
      () => lastText('in').includes('1 in flight'),
      5000,
      () => `"1 in flight" in the status, last: ${lastText('in')}`,
    );
    let offsets: string[] = [];
    await untilAsync(
      async () => (offsets = await committed(group, src))[0] === '1',
      10000,
      () => `committed offset 1, got ${offsets}`,
    );
    await undeploy();

    await deployWatched(flow('node.send(msg); node.done();'));
    got = collect('got');
    await until(
      () => got.length === 2,
      20000,
      () => `records 1 and 2 redelivered, got ${got.map((m) => m.payload.n)}`,
    );
    assert.deepEqual(
      got.map((m) => m.payload.n),
      [1, 2],
    );
    await untilAsync(
      async () => (offsets = await committed(group, src))[0] === '3',
      10000,
      () => `committed offset 3, got ${offsets}`,
    );
  });

  it('handledTimeout: a record some node never finishes counts as handled after it (one warning, counted in the status) and the commit moves past it', async function () {
    this.timeout(60000);
    const src = await topic('stuck');
    const group = unique('g');
    await producer.send({
      topic: src,
      messages: [{ value: '{"n":0}' }, { value: '{"n":1,"drop":true}' }, { value: '{"n":2,"drop":true}' }, { value: '{"n":3}' }],
    });
    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', src, group, { commitMode: 'handled', handledTimeout: 300, wires: [['fn']] }),
      // Drops some messages without done(), as a careless node does.
      { id: 'fn', type: 'function', func: 'if (msg.payload.drop) return; node.send(msg); node.done();', outputs: 1, wires: [['got']] },
      { id: 'got', type: 'helper' },
    ]);
    const got = collect('got');
    await until(() => got.length === 2, 15000, 'records 0 and 3 handled');
    let offsets: string[] = [];
    await untilAsync(
      async () => (offsets = await committed(group, src))[0] === '4',
      15000,
      () => `committed offset 4 once the dropped records timed out, got ${offsets}`,
    );
    await until(
      () => /2 timed out/.test(lastText('in')),
      5000,
      () => `"2 timed out" in the status, last: ${lastText('in')}`,
    );
    assert.doesNotMatch(lastText('in'), /in flight/);
    const warned = loggedWarnings('in');
    assert.equal(warned.length, 1, `one warning, got ${JSON.stringify(warned)}`);
    assert.match(warned[0], /not finished by the flow within 300 ms now count as handled/);
  });

  it('backpressure: pauses at maxInFlight unfinished messages and resumes as they finish; msg.pause / msg.resume hold and release the stream', async function () {
    this.timeout(60000);
    const src = await topic('pressure');
    const group = unique('g');
    const N = 30;
    await producer.send({ topic: src, messages: Array.from({ length: N }, (_, i) => ({ value: JSON.stringify({ i }) })) });
    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', src, group, { commitMode: 'handled', maxInFlight: 5, wires: [['hold']] }),
      { id: 'hold', type: 'helper' },
    ]);
    const received: Msg[] = [];
    const held: (() => void)[] = [];
    getNode('hold').on('input', (m: Msg, _send: unknown, done: () => void) => {
      received.push(m);
      held.push(done);
    });
    const release = (n: number) => held.splice(0, n).forEach((done) => done());

    await until(
      () => received.length === 5 && lastText('in').startsWith('paused'),
      15000,
      () => `paused after 5, got ${received.length}; status ${lastText('in')}`,
    );
    assert.match(lastText('in'), /5 in flight/);
    release(3); // 2 left unfinished: at most half the limit, so the consumer resumes
    await until(
      () => received.length === 8 && lastText('in').startsWith('paused'),
      15000,
      () => `paused again after 8, got ${received.length}; status ${lastText('in')}`,
    );

    getNode('in').receive({ pause: true });
    release(held.length);
    await until(
      () => lastText('in').startsWith('paused') && !/in flight/.test(lastText('in')),
      5000,
      () => `paused by msg.pause with nothing in flight, status ${lastText('in')}`,
    );
    assert.equal(received.length, 8);
    getNode('in').receive({ resume: true });
    while (received.length < N) {
      await until(
        () => held.length > 0,
        15000,
        () => `more records after resume, got ${received.length}`,
      );
      release(held.length);
    }
    assert.deepEqual(
      received.map((m) => m.payload.i),
      Array.from({ length: N }, (_, i) => i),
      'every record once, in order',
    );
    let offsets: string[] = [];
    await untilAsync(
      async () => (offsets = await committed(group, src))[0] === String(N),
      10000,
      () => `committed ${N}, got ${offsets}`,
    );
  });

  it('backpressure does not fetch twice: a backlog of 4 partitions through the default limit costs at most 1.2× the bytes a plain consumer reads', async function () {
    this.timeout(120000);
    const src = await topic('refetch', 4);
    const N = 20000;
    for (let i = 0; i < N; i += 2000) {
      await producer.send({
        topic: src,
        messages: Array.from({ length: 2000 }, (_, k) => ({ key: `k${(i + k) % 20}`, value: JSON.stringify({ i: i + k, pad: 'x'.repeat(40) }) })),
      });
    }
    // The baseline: a plain kafkajs consumer reading the same backlog, counting fetch response bytes.
    const raw = kafka.consumer({ groupId: unique('raw'), sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 50 });
    consumers.push(raw);
    let rawBytes = 0;
    let rawCount = 0;
    raw.on(raw.events.REQUEST, (e) => {
      if (e.payload.apiName === 'Fetch' && rawCount < N) rawBytes += e.payload.size;
    });
    await raw.connect();
    await raw.subscribe({ topics: [src], fromBeginning: true });
    await raw.run({ eachBatch: async ({ batch }) => void (rawCount += batch.messages.length) });
    await until(
      () => rawCount >= N,
      30000,
      () => `the plain consumer to read ${N}, got ${rawCount}`,
    );

    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', src, unique('g'), { commitMode: 'handled', wires: [['got']] }),
      { id: 'got', type: 'helper' },
    ]);
    let handledCount = 0;
    let bytesAtEnd = 0;
    const conn = getNode('kb').connection;
    getNode('got').on('input', (_m: Msg, _send: unknown, done: () => void) => {
      // Finish each message a moment later, as a slower flow would: the limit is reached again and again.
      setImmediate(() => {
        done();
        if (++handledCount === N) bytesAtEnd = conn.fetchedBytes;
      });
    });
    let sawPaused = false;
    await until(
      () => {
        sawPaused ||= lastText('in').startsWith('paused');
        return handledCount >= N;
      },
      90000,
      () => `${N} records handled, got ${handledCount}; status ${lastText('in')}`,
    );
    assert.ok(sawPaused, 'the limit of 1000 unfinished messages was reached');
    const ratio = bytesAtEnd / rawBytes;
    assert.ok(ratio <= 1.2, `fetched ${bytesAtEnd} bytes for what a plain consumer reads in ${rawBytes} (${ratio.toFixed(2)}×)`);
    await until(
      () => /lag 0 /.test(lastText('in')) || /lag 0$/.test(lastText('in')),
      10000,
      () => `lag 0 once everything is handled, status ${lastText('in')}`,
    );
  });

  it('lag counts what the flow has not handled: records delivered but unfinished are lag, not just unread ones', async function () {
    this.timeout(60000);
    const src = await topic('lag');
    await producer.send({ topic: src, messages: Array.from({ length: 50 }, (_, i) => ({ value: JSON.stringify({ i }) })) });
    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', src, unique('g'), { commitMode: 'handled', maxInFlight: 10, wires: [['hold']] }),
      { id: 'hold', type: 'helper' },
    ]);
    const held: (() => void)[] = [];
    getNode('hold').on('input', (_m: Msg, _send: unknown, done: () => void) => void held.push(done));
    await until(
      () => held.length === 10 && lastText('in').startsWith('paused'),
      15000,
      () => `paused after 10, status ${lastText('in')}`,
    );
    // All 50 were fetched in one batch; 10 are in the flow, none finished: 50 behind.
    await until(
      () => /lag 50 · 10 in flight/.test(lastText('in')),
      5000,
      () => `lag 50 with 10 in flight, status ${lastText('in')}`,
    );
    held.splice(0, 4).forEach((d) => d());
    await until(
      () => /lag 46 /.test(lastText('in')),
      5000,
      () => `lag 46 after 4 finished, status ${lastText('in')}`,
    );
    while (held.length || !/lag 0$/.test(lastText('in'))) {
      held.splice(0).forEach((d) => d());
      await new Promise((r) => setImmediate(r));
      if (/lag 0$/.test(lastText('in'))) break;
      await until(
        () => held.length > 0 || /lag 0$/.test(lastText('in')),
        15000,
        () => `more records or lag 0, status ${lastText('in')}`,
      );
    }
  });

  it('transactional input: a partition read to its end has lag 0 and nothing pending, though commit and abort markers follow its last record', async function () {
    this.timeout(60000);
    const src = await topic('tx');
    const tx = kafka.producer({ transactionalId: unique('tx'), idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();
    const write = async (from: number, n: number, outcome: 'commit' | 'abort') => {
      const t = await tx.transaction();
      await t.send({ topic: src, messages: Array.from({ length: n }, (_, i) => ({ value: JSON.stringify({ i: from + i }) })) });
      await (outcome === 'commit' ? t.commit() : t.abort());
    };
    try {
      await write(0, 20, 'commit');
      await deployWatched([kafkaBroker(env.KAFKA_BROKERS), kafkaIn('in', src, unique('g'), { wires: [['sink']] }), { id: 'sink', type: 'helper' }]);
      const got: number[] = [];
      getNode('sink').on('input', (m: Msg, _send: unknown, done: () => void) => {
        got.push((m.payload as { i: number }).i);
        done();
      });
      const { partitionSources } = await import('../../src/connectors/partition-sources');
      const caughtUp = async (what: string, n: number, read: number) => {
        await until(
          () => got.length === n && lastText('in').endsWith(` ${read} msgs · lag 0`),
          15000,
          () => `${what}: ${n} records and lag 0, got ${got.length}, status ${lastText('in')}`,
        );
        // The window nodes' idle rule asks the same question.
        assert.equal(partitionSources.get('in')?.pending(src, 0), false, `${what}: nothing pending`);
      };
      // 20 records and the commit marker: the log ends one past the last record.
      await caughtUp('after a committed transaction', 20, 20);
      // An aborted transaction: its records and marker are fetched and never handed out.
      await write(20, 5, 'abort');
      // 5 records and the abort marker (which the coordinator writes a moment after abort()
      // returns): the reader has fetched past them once it knows the log ends at 27.
      await until(
        () => partitionSources.get('in')?.endOf(src, 0) === 27,
        15000,
        () => `the reader to fetch to offset 27, it knows ${partitionSources.get('in')?.endOf(src, 0)}`,
      );
      await caughtUp('after an aborted transaction', 20, 20);
      await write(25, 10, 'commit');
      await caughtUp('after another committed transaction', 30, 30);
      assert.deepEqual(
        got,
        Array.from({ length: 30 }, (_, i) => (i < 20 ? i : i + 5)),
      );
    } finally {
      await tx.disconnect().catch(() => undefined);
    }
  });

  it('four partitions read at uneven speeds, default settings: every tumbling window exact (one watermark per partition), none late', async function () {
    this.timeout(120000);
    const src = await topic('uneven', 4);
    const T0 = Date.UTC(2026, 0, 1);
    // Partition 0's records are large, so each fetch brings few of them, while partitions 1-3
    // arrive whole in the first fetch: read by one stream watermark, partition 0 would be late.
    for (let p = 0; p < 4; p++) {
      const records = [];
      for (let i = 0; i < 300; i++)
        for (let k = 0; k < 5; k++)
          records.push({ partition: p, key: `p${p}k${k}`, timestamp: String(T0 + i * 10), value: JSON.stringify({ i, pad: p === 0 ? 'x'.repeat(4000) : '' }) });
      // One record far ahead per partition closes every window of the data above.
      records.push({ partition: p, key: `end${p}`, timestamp: String(T0 + 10000), value: '{"end":true}' });
      for (let i = 0; i < records.length; i += 100) await producer.send({ topic: src, messages: records.slice(i, i + 100) });
    }
    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', src, unique('g'), { wires: [['agg', 'tap']] }),
      { id: 'tap', type: 'helper' },
      { id: 'agg', type: 'stream-aggregate', windowType: 'tumbling', size: '1s', aggregations: [{ op: 'count' }], wires: [['got']] },
      { id: 'got', type: 'helper' },
    ]);
    const got = collect('got');
    const tapped = collect('tap');
    const aggStatus = watchStatus(['agg']);
    const inStatus = watchStatus(['in']);
    await until(
      () => got.length >= 60,
      60000,
      () =>
        `60 windows, got ${got.length} (${tapped.length} records); status of kafka in: ${inStatus.get('in')?.text}, of the aggregate: ${aggStatus.get('agg')?.text}`,
    );
    assert.deepEqual(tapped[0].kafka.assigned, [0, 1, 2, 3], 'msg.kafka.assigned names the partitions this reader owns');
    const byWindow = new Map(got.map((m) => [`${m.topic}@${m.window.start - T0}`, m.payload.count]));
    const expected = new Map<string, number>();
    for (let p = 0; p < 4; p++) for (let k = 0; k < 5; k++) for (const start of [0, 1000, 2000]) expected.set(`p${p}k${k}@${start}`, 100);
    assert.deepEqual(new Map([...byWindow].sort()), new Map([...expected].sort()));
    assert.equal(got.length, 60, 'each window once');
    // Only the four closing records' windows stay open; a late event would show in the status.
    await until(
      () => /· 4 open/.test(String(aggStatus.get('agg')?.text)),
      5000,
      () => `4 open windows, status ${aggStatus.get('agg')?.text}`,
    );
    assert.doesNotMatch(String(aggStatus.get('agg')?.text), /late/);
  });

  it('per-key watermarks, keys read from four partitions at uneven speeds: every window exact, none late', async function () {
    this.timeout(120000);
    const src = await topic('uneven-key', 4);
    const T0 = Date.UTC(2026, 0, 1);
    // The window key is a site; each site has one device in every partition (the record key), so
    // each site's readings come from all four. Partition 0 is read a little at a time (large
    // records), partitions 1-3 whole in the first fetch: a site's clock fed by whichever
    // partition comes first would make the others' readings late.
    for (let p = 0; p < 4; p++) {
      const records = [];
      for (let i = 0; i < 300; i++)
        for (let k = 0; k < 5; k++)
          records.push({
            partition: p,
            key: `p${p}d${k}`,
            timestamp: String(T0 + i * 10),
            value: JSON.stringify({ site: `s${k}`, pad: p === 0 ? 'x'.repeat(4000) : '' }),
          });
      // One record far ahead per site and partition moves every site's clock past the data above.
      for (let k = 0; k < 5; k++)
        records.push({ partition: p, key: `p${p}d${k}`, timestamp: String(T0 + 10000), value: JSON.stringify({ site: `s${k}`, end: true }) });
      for (let i = 0; i < records.length; i += 100) await producer.send({ topic: src, messages: records.slice(i, i + 100) });
    }
    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', src, unique('g'), { wires: [['agg']] }),
      {
        id: 'agg',
        type: 'stream-aggregate',
        keyProperty: 'payload.site',
        watermarkScope: 'key',
        windowType: 'tumbling',
        size: '1s',
        aggregations: [{ op: 'count' }],
        wires: [['got']],
      },
      { id: 'got', type: 'helper' },
    ]);
    const got = collect('got');
    const aggStatus = watchStatus(['agg']);
    const inStatus = watchStatus(['in']);
    await until(
      () => got.length >= 15,
      60000,
      () => `15 windows, got ${got.length}; status of kafka in: ${inStatus.get('in')?.text}, of the aggregate: ${aggStatus.get('agg')?.text}`,
    );
    const byWindow = new Map(got.map((m) => [`${m.topic}@${m.window.start - T0}`, m.payload.count]));
    const expected = new Map<string, number>();
    for (let k = 0; k < 5; k++) for (const start of [0, 1000, 2000]) expected.set(`s${k}@${start}`, 400);
    assert.deepEqual(new Map([...byWindow].sort()), new Map([...expected].sort()));
    // Only each site's window of the closing records stays open; a late event would show in the status.
    await until(
      () => /· 5 open/.test(String(aggStatus.get('agg')?.text)),
      5000,
      () => `5 open windows, status ${aggStatus.get('agg')?.text}`,
    );
    assert.doesNotMatch(String(aggStatus.get('agg')?.text), /late/);
    assert.equal(got.length, 15, 'each window once');
  });

  it('malformed payloads (invalid JSON, binary) are counted and Catch-able; the consumer keeps going and commits past them', async () => {
    const src = await topic('bad');
    const group = unique('g');
    await producer.send({ topic: src, messages: [{ value: '{"v":' }, { value: Buffer.from([0, 159, 146, 150]) }, { value: '{"v":3}' }] });
    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', src, group, { commitMode: 'handled', wires: [['got']] }),
      { id: 'got', type: 'helper' },
      { id: 'catch', type: 'catch', scope: ['in'], uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    const got = collect('got');
    const caught = collect('caught');
    await until(
      () => got.length === 1 && caught.length === 2,
      15000,
      () => `1 good, 2 caught; got ${got.length}, ${caught.length}`,
    );
    assert.deepEqual(got[0].payload, { v: 3 });
    assert.match(caught[0].error.message, /not valid JSON/);
    assert.match(caught[1].error.message, /binary/);
    assert.equal(caught[1].offset, '1');
    await until(() => /2 bad/.test(lastText('in')), 5000, '"2 bad" in the status');
    let offsets: string[] = [];
    await untilAsync(
      async () => (offsets = await committed(group, src))[0] === '3',
      10000,
      () => `committed offset 3, got ${offsets}`,
    );
  });

  it('SASL: wrong password gives a red status and a clear error without a restart loop; SCRAM-SHA-512 with the right one works', async () => {
    const src = await topic('sasl');
    await deployWatched([kafkaBroker(env.KAFKA_SASL_BROKERS, { saslMechanism: 'plain' }), kafkaIn('in', src, unique('g'))], {
      kb: { user: env.KAFKA_USERNAME, password: 'wrong' },
    });
    await until(
      () => lastText('in').startsWith('failed'),
      20000,
      () => `failed status, last: ${lastText('in')}`,
    );
    assert.equal(statuses.get('in')!.fill, 'red');
    assert.match(lastText('in'), /auth/i);
    await undeploy();

    await deployWatched(
      [
        kafkaBroker(env.KAFKA_SASL_BROKERS, { saslMechanism: 'scram-sha-512' }),
        kafkaIn('in', src, unique('g'), { wires: [['got']] }),
        { id: 'got', type: 'helper' },
      ],
      { kb: { user: env.KAFKA_USERNAME, password: env.KAFKA_PASSWORD } },
    );
    const got = collect('got');
    await producer.send({ topic: src, messages: [{ value: '{"ok":1}' }] });
    await until(() => got.length === 1, 15000, 'the record over SASL/SCRAM');
  });

  it('SASL refused for stream-kafka-out: one error, red status, waiting and later messages fail at once; the broker sees no login per message', async function () {
    this.timeout(60000);
    const src = await topic('sasl-out');
    const refusals = () => (fs.readFileSync(brokerLog('kafka'), 'utf8').match(/Failed authentication with/g) ?? []).length;
    const before = refusals();
    await deployWatched(
      [
        kafkaBroker(env.KAFKA_SASL_BROKERS, { saslMechanism: 'plain', maxRetryTime: 60000 }),
        { id: 'out', type: 'stream-kafka-out', broker: 'kb', topic: src, keyProperty: '' },
        { id: 'catch', type: 'catch', scope: ['out'], uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper' },
      ],
      { kb: { user: env.KAFKA_USERNAME, password: 'wrong' } },
    );
    const caught = collect('caught');
    // Sent before the refusal is known: they wait in the queue and fail together with it.
    for (let i = 0; i < 5; i++) getNode('out').receive({ payload: { i } });
    await until(
      () => lastText('out').startsWith('failed'),
      20000,
      () => `failed status, last: ${lastText('out')}`,
    );
    assert.equal(statuses.get('out')!.fill, 'red');
    await until(
      () => caught.length === 5,
      10000,
      () => `the 5 waiting messages failed, got ${caught.length}`,
    );
    const atRefusal = refusals();
    for (let i = 0; i < 50; i++) getNode('out').receive({ payload: { i } });
    await until(
      () => caught.length === 55,
      5000,
      () => `the 50 later messages failed at once, got ${caught.length}`,
    );
    assert.ok(
      caught.every((m) => /not produced to .*(auth|SASL)/i.test(m.error.message)),
      caught[0].error.message,
    );
    await until(
      () => /^failed · 0 sent · 55 failed/.test(lastText('out')),
      5000,
      () => `55 failed in the status, last: ${lastText('out')}`,
    );
    assert.equal(loggedErrors('out').length, 1, `one error logged, got ${JSON.stringify(loggedErrors('out'))}`);
    assert.match(loggedErrors('out')[0], /kafka producer stopped: .*check the credentials/);
    assert.ok(atRefusal > before, 'the broker logged the refused login');
    assert.equal(refusals(), atRefusal, 'no further login attempts for the later messages');
  });

  it('latest (fromBeginning off): records produced before the consumer joined are skipped, every one produced after arrives', async () => {
    const src = await topic('latest');
    const group = unique('g');
    await producer.send({ topic: src, messages: [1, 2, 3].map((n) => ({ value: JSON.stringify({ phase: 'before', n }) })) });
    await deployWatched([kafkaBroker(env.KAFKA_BROKERS), kafkaIn('in', src, group, { fromBeginning: false, wires: [['got']] }), { id: 'got', type: 'helper' }]);
    const got = collect('got');
    await until(
      () => lastText('in').startsWith('connected'),
      20000,
      () => `consumer connected, last: ${lastText('in')}`,
    );
    // The consumer fixes "latest" a moment after it joins, and nothing outside it shows when: keep
    // producing numbered records until one arrives, so the test never guesses a delay.
    let sent = 0;
    await untilAsync(
      async () => {
        if (got.length) return true;
        await producer.send({ topic: src, messages: [{ value: JSON.stringify({ phase: 'after', n: sent++ }) }] });
        return false;
      },
      20000,
      () => `a record produced after the consumer joined (sent ${sent})`,
    );
    await producer.send({ topic: src, messages: [0, 1, 2].map((k) => ({ value: JSON.stringify({ phase: 'after', n: sent + k }) })) });
    const total = sent + 3;
    await until(
      () => got.length > 0 && got[got.length - 1].payload.n === total - 1,
      15000,
      () => `the last record (${total - 1}), got ${got.map((m) => m.payload.n)}`,
    );
    assert.deepEqual(
      got.filter((m) => m.payload.phase !== 'after').map((m) => m.payload),
      [],
      'no record from before the consumer joined',
    );
    const first = got[0].payload.n;
    assert.deepEqual(
      got.map((m) => m.payload.n),
      Array.from({ length: total - first }, (_, i) => first + i),
      'from the first record received on, every one in order',
    );
    assert.ok(Number(got[0].offset) >= 3, `first offset after the 3 old records, got ${got[0].offset}`);
  });

  describe('TLS (a throw-away CA signed the broker certificate)', () => {
    function tlsConfig(ca: string): FlowNode {
      return { id: 'tls', type: 'tls-config', ca, cert: '', key: '', verifyservercert: true };
    }

    it('SSL listener with the CA in a tls-config node: stream-kafka-out produces and stream-kafka-in consumes; SASL_SSL with SCRAM-SHA-256 as well', async function () {
      this.timeout(60000);
      for (const [brokers, extra, creds] of [
        [env.KAFKA_SSL_BROKERS, {}, {}],
        [env.KAFKA_SASL_SSL_BROKERS, { saslMechanism: 'scram-sha-256' }, { kb: { user: env.KAFKA_USERNAME, password: env.KAFKA_PASSWORD } }],
      ] as const) {
        const t = await topic('tls');
        await deployWatched(
          [
            tlsConfig(env.KAFKA_TLS_CA),
            kafkaBroker(brokers, { usetls: true, tls: 'tls', ...extra }),
            kafkaIn('in', t, unique('g'), { wires: [['got']] }),
            { id: 'got', type: 'helper' },
            { id: 'out', type: 'stream-kafka-out', broker: 'kb', topic: t, keyProperty: 'topic' },
          ],
          creds,
        );
        const got = collect('got');
        for (const n of [1, 2]) getNode('out').receive({ topic: `s${n}`, payload: { n } });
        await until(
          () => got.length === 2,
          20000,
          () => `2 records over ${brokers}, got ${got.length}; in: ${lastText('in')}; out: ${lastText('out')}`,
        );
        assert.deepEqual(got.map((m) => [m.key, m.payload.n]).sort(), [
          ['s1', 1],
          ['s2', 2],
        ]);
        await until(
          () => lastText('out').startsWith('connected · 2 sent'),
          5000,
          () => `out status, last: ${lastText('out')}`,
        );
        await undeploy();
      }
      // The listener speaks TLS only: the same port without TLS must not work.
      const plain = new Kafka({
        brokers: [env.KAFKA_SSL_BROKERS],
        clientId: 'it-plain',
        connectionTimeout: 500,
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      });
      const a = plain.admin();
      await assert.rejects(a.connect().then(() => a.listTopics()));
      await a.disconnect().catch(() => undefined);
    });

    it('a tls-config that cannot read its CA file: the broker config is invalid and the nodes say why, instead of trying the system CAs', async () => {
      await deployWatched([
        tlsConfig(`${env.KAFKA_TLS_CA}.missing`),
        kafkaBroker(env.KAFKA_SSL_BROKERS, { usetls: true, tls: 'tls' }),
        kafkaIn('in', unique('t'), unique('g')),
      ]);
      assert.match(loggedErrors('kb').join('\n'), /tls: the TLS configuration could not read/);
      assert.match(loggedErrors('in').join('\n'), /invalid configuration: .*could not read/);
    });

    it('a CA that did not sign the broker certificate: red status naming TLS, one clear error per node, no restart loop; Catch sees the failed record', async function () {
      this.timeout(60000);
      const t = await topic('tls-bad');
      await deployWatched([
        tlsConfig(env.KAFKA_TLS_OTHER_CA),
        kafkaBroker(env.KAFKA_SSL_BROKERS, { usetls: true, tls: 'tls' }),
        kafkaIn('in', t, unique('g')),
        { id: 'out', type: 'stream-kafka-out', broker: 'kb', topic: t, keyProperty: '' },
        { id: 'catch', type: 'catch', scope: ['out'], uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper' },
      ]);
      const caught = collect('caught');
      // Every status the consumer shows from here on: a restart would show connecting/disconnected again.
      const shown: string[] = [];
      const inNode = getNode('in');
      const orig = inNode.status.bind(inNode);
      inNode.status = (st: Msg) => {
        shown.push(String(st.text));
        return orig(st);
      };
      await until(
        () => lastText('in').startsWith('failed'),
        20000,
        () => `failed status, last: ${lastText('in')}`,
      );
      assert.equal(statuses.get('in')!.fill, 'red');
      assert.match(lastText('in'), /TLS: .*certificate/);
      const errs = loggedErrors('in');
      assert.equal(errs.length, 1, `one error logged, got ${JSON.stringify(errs)}`);
      assert.match(errs[0], /not trusted.*CA certificate/);

      // A record sent now fails after the producer's own retries, which takes longer than the
      // consumer's first restart would (initialRetryTime 100 ms): meanwhile the consumer must stay failed.
      getNode('out').receive({ payload: { n: 1 } });
      await until(
        () => caught.length === 1,
        20000,
        () => `the record's error at the Catch node; out: ${lastText('out')}`,
      );
      assert.match(caught[0].error.message, /not produced to .*certificate/);
      assert.match(lastText('out'), /^failed.*TLS: /);
      assert.equal(statuses.get('out')!.fill, 'red');
      assert.deepEqual(loggedErrors('out').filter((e) => /not trusted/.test(e)).length, 1);
      assert.ok(
        shown.every((x) => x.startsWith('failed')),
        `the consumer stayed failed, showed ${JSON.stringify(shown)}`,
      );
      assert.equal(loggedErrors('in').length, 1, 'no further consumer errors');
    });
  });

  it('broker restart mid-stream: the consumer and producer carry on; every record arrives at least once', async function () {
    this.timeout(120000);
    const src = await topic('restart-in', 2);
    const dst = await topic('restart-out');
    await deployWatched([
      kafkaBroker(env.KAFKA_BROKERS),
      kafkaIn('in', src, unique('g'), { commitMode: 'handled', wires: [['out']] }),
      { id: 'out', type: 'stream-kafka-out', broker: 'kb', topic: dst, keyProperty: '' },
    ]);
    await until(
      () => lastText('in').startsWith('connected'),
      20000,
      () => `consumer connected, last: ${lastText('in')}`,
    );
    const N = 60;
    const batch = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => ({ key: `k${(from + k) % 6}`, value: JSON.stringify({ i: from + k }) }));
    await producer.send({ topic: src, messages: batch(0, N / 2) });
    await until(() => /sent/.test(lastText('out')) && Number(/(\d+) sent/.exec(lastText('out'))?.[1]) > 0, 20000, 'some records through before the restart');
    await stopBroker('kafka');
    await until(
      () => !lastText('in').startsWith('connected'),
      30000,
      () => `the consumer status to show the broker is gone, last: ${lastText('in')}`,
    );
    await restartBroker('kafka');
    await producer.send({ topic: src, messages: batch(N / 2, N) });
    // At least once: a record may come twice (redelivered after the restart), so read until every one came.
    const distinct = (records: Msg[]) => new Set(records.map((r) => r.value.i)).size;
    const out = await readAll(dst, N, (records) => distinct(records) >= N);
    const seen = new Set(out.map((r) => r.value.i));
    assert.equal(seen.size, N, `every record once or more (got ${out.length} for ${N})`);
    await until(
      () => lastText('in').startsWith('connected'),
      20000,
      () => `consumer connected again, last: ${lastText('in')}`,
    );
  });

  it('broker down at deploy: status shows it; consumer and producer recover when the broker comes up, queued records are delivered', async function () {
    this.timeout(120000);
    const t = await topic('down');
    await stopBroker('kafka');
    try {
      await deployWatched([
        kafkaBroker(env.KAFKA_BROKERS),
        kafkaIn('in', t, unique('g'), { wires: [['got']] }),
        { id: 'got', type: 'helper' },
        { id: 'out', type: 'stream-kafka-out', broker: 'kb', topic: t, keyProperty: '' },
      ]);
      const got = collect('got');
      await until(
        () => /^(disconnected|connecting)/.test(lastText('in')) && statuses.get('in')?.fill !== 'green',
        20000,
        () => `a not-connected status, last: ${lastText('in')}`,
      );
      for (const n of [1, 2]) getNode('out').receive({ payload: { n } });
      await until(
        () => /queued/.test(lastText('out')),
        10000,
        () => `queued records in the out status, last: ${lastText('out')}`,
      );
      await restartBroker('kafka');
      await until(
        () => got.length >= 2,
        60000,
        () => `2 records after recovery, got ${got.length}; in: ${lastText('in')}; out: ${lastText('out')}`,
      );
      assert.deepEqual(got.map((m) => m.payload.n).sort(), [1, 2]);
      await until(() => lastText('in').startsWith('connected'), 10000, 'in connected');
    } finally {
      await restartBroker('kafka');
    }
  });
});
