import { strict as assert } from 'assert';
import * as mqtt from 'mqtt';
import { requireBroker, restartBroker, stopBroker } from '../support/brokers';
import { aggregateEvery3, collect, deploy, getNode, loggedErrors, loggedWarnings, stopFlows, undeploy, unique, until, watchStatus } from './harness';
import type { FlowNode, Msg } from './harness';

function broker(url: string, extra: Record<string, unknown> = {}): FlowNode {
  return { id: 'b', type: 'stream-mqtt-broker', url, protocolVersion: '5', keepalive: 10, reconnectPeriod: 200, connectTimeout: 2000, ...extra };
}

async function client(url: string, opts: mqtt.IClientOptions = {}): Promise<mqtt.MqttClient> {
  return mqtt.connectAsync(url, { reconnectPeriod: 200, connectTimeout: 2000, ...opts });
}

describe('MQTT connectors against a real Mosquitto', function () {
  this.timeout(60000);
  let env: Record<string, string>;
  const clients: mqtt.MqttClient[] = [];

  before(async function () {
    this.timeout(60000);
    env = await requireBroker(this, 'mqtt');
  });

  afterEach(async () => {
    await undeploy();
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
  });

  let statuses: Map<string, Msg>;
  function lastText(id: string): string {
    return String(statuses?.get(id)?.text ?? '');
  }
  beforeEach(() => {
    statuses = new Map();
  });
  // Statuses are watched from the moment the flow is deployed.
  const origDeploy = deploy;
  async function deployWatched(nodes: FlowNode[], creds: Record<string, unknown> = {}) {
    await origDeploy(nodes, creds);
    statuses = watchStatus(nodes.filter((n) => n.type.startsWith('stream-') && !n.type.endsWith('-broker')).map((n) => n.id));
  }

  /** With the broker stopped: deploys `nodes` after an MQTT 3.1.1 broker config node, runs `body`, and starts the broker again whatever happens. */
  async function whileBrokerDown(nodes: FlowNode[], body: () => Promise<void>): Promise<void> {
    await stopBroker('mqtt');
    try {
      await deployWatched([broker(env.MQTT_URL, { protocolVersion: '4' }), ...nodes]);
      await body();
    } finally {
      await restartBroker('mqtt');
    }
  }

  it('round trip: stream-mqtt-in → stream-aggregate (count windows per sensor) → stream-mqtt-out, MQTT 5 user properties in msg.metadata', async () => {
    const base = unique('rt');
    await deployWatched([
      broker(env.MQTT_URL),
      {
        id: 'in',
        type: 'stream-mqtt-in',
        broker: 'b',
        topic: `${base}/sensors/+/temp`,
        qos: '1',
        format: 'auto',
        keyFrom: 'level',
        keyLevel: '-2',
        timeFrom: 'field',
        timeField: 'ts',
        wires: [['agg', 'tap']],
      },
      { id: 'tap', type: 'helper' },
      aggregateEvery3([{ op: 'avg' }, { op: 'count' }]),
      { id: 'out', type: 'stream-mqtt-out', broker: 'b', topic: `${base}/results`, qos: '1', serialize: 'event' },
    ]);
    const tapped = collect('tap');
    const sub = await client(env.MQTT_URL);
    clients.push(sub);
    const results: Msg[] = [];
    sub.on('message', (_t, p) => results.push(JSON.parse(p.toString())));
    await sub.subscribeAsync(`${base}/results`, { qos: 1 });
    await until(() => getNode('in') && String(lastText('in')).startsWith('connected'), 10000, 'stream-mqtt-in to connect');

    const pub = await client(env.MQTT_URL, { protocolVersion: 5 });
    clients.push(pub);
    const T0 = Date.UTC(2026, 0, 1);
    for (const [sensor, values] of [
      ['s1', [10, 20, 30]],
      ['s2', [1, 2, 6]],
    ] as const) {
      for (let i = 0; i < values.length; i++) {
        await pub.publishAsync(`${base}/sensors/${sensor}/temp`, JSON.stringify({ v: values[i], ts: T0 + i * 1000 }), {
          qos: 1,
          properties: { userProperties: { site: 'plant-7', eventId: `${sensor}-${i}` } },
        });
      }
    }
    await until(
      () => results.length >= 2,
      10000,
      () => `2 aggregate results, got ${results.length}`,
    );
    const byKey = Object.fromEntries(results.map((r) => [r.topic, r]));
    assert.deepEqual(byKey.s1.payload, { avg: 20, count: 3 });
    assert.deepEqual(byKey.s2.payload, { avg: 3, count: 3 });
    assert.equal(byKey.s1.window.count, 3);
    const first = tapped.find((m) => m.eventId === 's1-0')!;
    assert.ok(first, 'event with eventId s1-0 reached the flow');
    assert.equal(first.topic, 's1');
    assert.equal(first.timestamp, T0);
    assert.deepEqual(first.payload, { v: 10, ts: T0 });
    assert.equal(first.metadata.site, 'plant-7');
    assert.equal(first.mqtt.topic, `${base}/sensors/s1/temp`);

    // And the other way: msg.metadata leaves as MQTT 5 user properties.
    const props: Msg[] = [];
    const v5 = await client(env.MQTT_URL, { protocolVersion: 5 });
    clients.push(v5);
    v5.on('message', (_t, _p, packet) => props.push(packet.properties ?? {}));
    await v5.subscribeAsync(`${base}/results`, { qos: 1 });
    getNode('out').receive({ topic: 's9', payload: { avg: 1 }, metadata: { site: 'plant-7', line: 3 } });
    await until(() => props.length === 1, 10000, 'the result with user properties');
    assert.deepEqual({ ...props[0].userProperties }, { site: 'plant-7', line: '3' });
  });

  it('MQTT over WebSockets (ws://): stream-mqtt-out and stream-mqtt-in round trip through the same broker a TCP client sees', async function () {
    if (!env.MQTT_WS_URL) {
      const reason = 'this mosquitto was built without websockets support';
      if (process.env.STREAM_TEST_REQUIRE_BROKERS) throw new Error(`${reason} (STREAM_TEST_REQUIRE_BROKERS is set)`);
      console.log(`      pending: ${reason}`);
      this.skip();
    }
    const base = unique('ws');
    await deployWatched([
      broker(env.MQTT_WS_URL, { protocolVersion: '4' }),
      { id: 'in', type: 'stream-mqtt-in', broker: 'b', topic: `${base}/+/t`, qos: '1', format: 'json', keyFrom: 'level', keyLevel: '1', wires: [['got']] },
      { id: 'got', type: 'helper' },
      { id: 'out', type: 'stream-mqtt-out', broker: 'b', qos: '1' },
    ]);
    const got = collect('got');
    const tcp = await client(env.MQTT_URL);
    clients.push(tcp);
    const overTcp: string[] = [];
    tcp.on('message', (t) => overTcp.push(t));
    await tcp.subscribeAsync(`${base}/#`, { qos: 1 });
    await until(
      () => lastText('in').startsWith('connected'),
      10000,
      () => `stream-mqtt-in connected over ws, last: ${lastText('in')}`,
    );
    getNode('out').receive({ topic: `${base}/s1/t`, payload: { v: 1 } });
    await tcp.publishAsync(`${base}/s2/t`, JSON.stringify({ v: 2 }), { qos: 1 });
    await until(
      () => got.length === 2,
      10000,
      () => `2 messages at stream-mqtt-in over ws, got ${got.length}; out: ${lastText('out')}`,
    );
    assert.deepEqual(got.map((m) => [m.topic, m.payload.v]).sort(), [
      ['s1', 1],
      ['s2', 2],
    ]);
    await until(() => overTcp.includes(`${base}/s1/t`), 5000, 'the ws publish at the TCP subscriber');
    assert.match(lastText('out'), /^connected/);
  });

  it('QoS 1: nothing acknowledged is lost when Mosquitto restarts mid-stream (persistent sessions)', async function () {
    this.timeout(90000);
    const base = unique('qos1');
    await deployWatched([
      broker(env.MQTT_URL, { clientId: `${base}-flow`, cleanSession: false, protocolVersion: '4' }),
      { id: 'in', type: 'stream-mqtt-in', broker: 'b', topic: `${base}/in`, qos: '1', format: 'json', wires: [['fn']] },
      { id: 'fn', type: 'function', func: 'msg.payload = { n: msg.payload.n, doubled: msg.payload.n * 2 }; return msg;', outputs: 1, wires: [['out']] },
      { id: 'out', type: 'stream-mqtt-out', broker: 'b', topic: `${base}/out`, qos: '1', queueSize: 10000 },
    ]);
    const sub = await client(env.MQTT_URL, { clientId: `${base}-sub`, clean: false });
    clients.push(sub);
    const seen = new Set<number>();
    sub.on('message', (_t, p) => seen.add(JSON.parse(p.toString()).n));
    await sub.subscribeAsync(`${base}/out`, { qos: 1 });
    await until(() => lastText('in').startsWith('connected'), 10000, 'the flow to connect');

    const pub = await client(env.MQTT_URL, { clientId: `${base}-pub`, clean: false });
    clients.push(pub);
    const acked: number[] = [];
    const N = 200;
    const publishing: Promise<void>[] = [];
    for (let n = 0; n < N; n++) {
      publishing.push(pub.publishAsync(`${base}/in`, JSON.stringify({ n }), { qos: 1 }).then(() => void acked.push(n)));
      if (n === N / 2) {
        // Mid-stream: stop the broker while messages are in flight in every hop, then bring it back.
        await until(() => seen.size > 10, 10000, 'some messages through before the restart');
        await stopBroker('mqtt');
        await until(() => lastText('in').startsWith('disconnected') || lastText('in').startsWith('connecting'), 10000, 'the flow to notice the broker is gone');
        await restartBroker('mqtt');
      }
    }
    await Promise.all(publishing);
    assert.equal(acked.length, N);
    await until(
      () => acked.every((n) => seen.has(n)),
      30000,
      () =>
        `all ${acked.length} acknowledged messages at the output; missing ${acked
          .filter((n) => !seen.has(n))
          .slice(0, 10)
          .join(',')}`,
    );
    await until(() => lastText('in').startsWith('connected'), 10000, 'the flow to show connected again');
  });

  it('broker down at deploy: status shows it, the offline queue is bounded (oldest dropped, Catch-able), delivery resumes when the broker comes up', async function () {
    this.timeout(60000);
    const base = unique('down');
    await whileBrokerDown(
      [
        { id: 'out', type: 'stream-mqtt-out', broker: 'b', topic: `${base}/q`, qos: '1', queueSize: 2 },
        { id: 'in', type: 'stream-mqtt-in', broker: 'b', topic: `${base}/q`, qos: '1', format: 'json', wires: [['got']] },
        { id: 'got', type: 'helper' },
        { id: 'catch', type: 'catch', scope: ['out'], uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper' },
      ],
      async () => {
        const got = collect('got');
        const caught = collect('caught');
        await until(() => /^(disconnected|connecting)/.test(lastText('out')) && statuses.get('out')?.fill !== 'green', 10000, 'a not-connected status');
        for (const n of [1, 2, 3]) getNode('out').receive({ payload: { n } });
        await until(() => caught.length === 1, 5000, 'the dropped message to reach the Catch node');
        assert.match(caught[0].error.message, /offline queue full/);
        assert.deepEqual(caught[0].payload, { n: 1 });
        assert.equal(caught[0].count, 1, 'the first drop is reported at once, alone');
        await until(() => /queued/.test(lastText('out')), 5000, 'queued count in the status');
        await restartBroker('mqtt');
        await until(
          () => got.length >= 2,
          15000,
          () => `2 queued messages delivered, got ${got.length}`,
        );
        assert.deepEqual(got.map((m) => m.payload.n).sort(), [2, 3]);
        await until(() => lastText('out').startsWith('connected'), 5000, 'connected status');
        assert.match(lastText('out'), /1 dropped/);
      },
    );
  });

  it('broker down: a deploy that queues and drops 1,000 messages logs a few counted lines, not one per message', async function () {
    this.timeout(60000);
    const base = unique('flood');
    await whileBrokerDown(
      [
        // No Catch node: what a Catch node would hear goes to the log instead.
        { id: 'out', type: 'stream-mqtt-out', broker: 'b', topic: `${base}/q`, qos: '1', queueSize: 100 },
      ],
      async () => {
        const logged = () => loggedErrors('out').length + loggedWarnings('out').length + loggedWarnings('b').length + loggedErrors('b').length;
        await until(() => /^(disconnected|connecting)/.test(lastText('out')) && loggedWarnings('b').length === 1, 10000, 'the broker reported unreachable');
        for (let n = 0; n < 1000; n++) getNode('out').receive({ payload: { n } });
        await until(
          () => /900 dropped/.test(lastText('out')) && /100 queued/.test(lastText('out')),
          5000,
          () => `the exact counts in the status, got "${lastText('out')}"`,
        );
        // A redeploy while the broker is still down: the 100 queued messages are given up.
        await stopFlows();
        const lines = [...loggedWarnings('b'), ...loggedErrors('out')];
        assert.equal(logged(), 4, `${logged()} lines:\n${lines.slice(0, 5).join('\n')}`);
        assert.match(lines[0], /cannot reach the MQTT broker mqtt:\/\/127\.0\.0\.1:\d+: .*retrying every 0\.2 s/);
        assert.match(lines[1], /^message dropped: offline queue full \(100 messages\) while the broker is unreachable/);
        assert.match(lines[2], /^899 more messages dropped: offline queue full \(100 messages\) while the broker is unreachable/);
        assert.match(lines[3], /^100 messages not published: node stopped while the broker was unreachable/);
      },
    );
  });

  it('shared subscription: two stream-mqtt-in nodes in one $share group split the messages, each delivered once', async () => {
    const base = unique('share');
    await deployWatched([
      broker(env.MQTT_URL, { id: 'b1', protocolVersion: '5' }),
      broker(env.MQTT_URL, { id: 'b2', protocolVersion: '5' }),
      { id: 'in1', type: 'stream-mqtt-in', broker: 'b1', topic: `$share/workers/${base}/+`, qos: '1', format: 'json', wires: [['c1']] },
      { id: 'in2', type: 'stream-mqtt-in', broker: 'b2', topic: `$share/workers/${base}/+`, qos: '1', format: 'json', wires: [['c2']] },
      { id: 'c1', type: 'helper' },
      { id: 'c2', type: 'helper' },
    ]);
    const c1 = collect('c1');
    const c2 = collect('c2');
    await until(() => lastText('in1').startsWith('connected') && lastText('in2').startsWith('connected'), 10000, 'both subscribers connected');
    const pub = await client(env.MQTT_URL);
    clients.push(pub);
    const N = 40;
    for (let i = 0; i < N; i++) await pub.publishAsync(`${base}/s${i % 4}`, JSON.stringify({ i }), { qos: 1 });
    await until(
      () => c1.length + c2.length === N,
      10000,
      () => `${N} messages across both, got ${c1.length}+${c2.length}`,
    );
    const ids = [...c1, ...c2].map((m) => m.payload.i).sort((a, b) => a - b);
    assert.deepEqual(
      ids,
      Array.from({ length: N }, (_, i) => i),
    );
    assert.ok(c1.length > 0 && c2.length > 0, `both members got messages (${c1.length}, ${c2.length})`);
  });

  describe('windows behind two instances (two stream-mqtt-in nodes, each feeding its own windows)', () => {
    const T0 = Date.UTC(2026, 0, 1);
    // One "instance": its own client, its subscription, a count per sensor in tumbling 1 s windows of event time.
    const instance = (n: string, subscription: string): FlowNode[] => [
      broker(env.MQTT_URL, { id: `b${n}`, protocolVersion: '5' }),
      {
        id: `in${n}`,
        type: 'stream-mqtt-in',
        broker: `b${n}`,
        topic: subscription,
        qos: '1',
        format: 'json',
        keyFrom: 'level',
        keyLevel: '-1',
        timeFrom: 'field',
        timeField: 'ts',
        wires: [[`agg${n}`, `tap${n}`]],
      },
      { id: `tap${n}`, type: 'helper' },
      { id: `agg${n}`, type: 'stream-aggregate', windowType: 'tumbling', size: '1s', aggregations: [{ op: 'count' }], wires: [[`got${n}`]] },
      { id: `got${n}`, type: 'helper' },
    ];
    const counts = (got: Msg[]) => Object.fromEntries(got.map((m) => [`${m.topic}@${m.window.start - T0}`, m.payload.count]));
    // An instance leaves as a stopped Node-RED does: its nodes close (the client unsubscribes and
    // disconnects), and its open windows, kept in memory only, go with it.
    const leave = async (n: string) => {
      await getNode(`in${n}`).close(false);
      await getNode(`agg${n}`).close(false);
    };
    const publish = async (pub: mqtt.MqttClient, topic: string, times: number[]) => {
      for (const t of times) await pub.publishAsync(topic, JSON.stringify({ ts: T0 + t }), { qos: 1 });
    };
    const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i * 10);
    // Both instances close their open windows now; one result each comes out.
    const flushBoth = async (gotA: Msg[], gotB: Msg[]) => {
      getNode('aggA').receive({ flush: true });
      getNode('aggB').receive({ flush: true });
      await until(
        () => gotA.length === 1 && gotB.length === 1,
        5000,
        () => `a result from each instance, got ${gotA.length}+${gotB.length}`,
      );
    };

    it('one $share group: each instance holds part of the same window; when one leaves, its part of the open window is lost', async () => {
      const base = unique('share-win');
      await deployWatched([...instance('A', `$share/workers/${base}/+`), ...instance('B', `$share/workers/${base}/+`)]);
      const [tapA, tapB, gotA, gotB] = ['tapA', 'tapB', 'gotA', 'gotB'].map(collect);
      await until(() => lastText('inA').startsWith('connected') && lastText('inB').startsWith('connected'), 10000, 'both instances connected');
      const pub = await client(env.MQTT_URL);
      clients.push(pub);

      // Window [0 s, 1 s) of sensor s1, both instances up: the broker balances per message, not per key.
      await publish(pub, `${base}/s1`, range(0, 40));
      await until(
        () => tapA.length + tapB.length === 40,
        10000,
        () => `40 readings across both, got ${tapA.length}+${tapB.length}`,
      );
      await flushBoth(gotA, gotB);
      assert.ok(tapA.length > 0 && tapB.length > 0, `both instances took readings of s1 (${tapA.length}, ${tapB.length})`);
      assert.deepEqual(
        [counts(gotA), counts(gotB)],
        [{ 's1@0': tapA.length }, { 's1@0': tapB.length }],
        'the one window comes out twice, each a partial count',
      );

      // Window [1 s, 2 s): 20 readings while both are up, then B leaves, then 20 more.
      const [a0, b0] = [tapA.length, tapB.length];
      await publish(pub, `${base}/s1`, range(1000, 20));
      await until(
        () => tapA.length + tapB.length === 60,
        10000,
        () => `60 readings across both, got ${tapA.length}+${tapB.length}`,
      );
      const bTook = tapB.length - b0;
      assert.ok(bTook > 0, 'B took part of the window before it left');
      await leave('B');
      await publish(pub, `${base}/s1`, range(1200, 20));
      await until(
        () => tapA.length - a0 === 40 - bTook,
        10000,
        () => `the rest reaching A, got ${tapA.length - a0}`,
      );
      getNode('aggA').receive({ flush: true });
      await until(
        () => gotA.length === 2,
        5000,
        () => `A's second result, got ${gotA.length}`,
      );
      assert.deepEqual(counts(gotA)['s1@1000'], 40 - bTook, `A counts what it took (${40 - bTook} of 40); B's ${bTook} left with B`);
      assert.equal(gotB.length, 1, 'B emitted nothing for the window open when it left');
      assert.equal(tapB.length, b0 + bTook, 'after the leave every reading went to A');
    });

    it('a key range per instance: every window exact on the instance that owns the key; an instance that leaves takes its range with it', async () => {
      const base = unique('range-win');
      await deployWatched([...instance('A', `${base}/a/+`), ...instance('B', `${base}/b/+`)]);
      const [tapA, tapB, gotA, gotB] = ['tapA', 'tapB', 'gotA', 'gotB'].map(collect);
      await until(() => lastText('inA').startsWith('connected') && lastText('inB').startsWith('connected'), 10000, 'both instances connected');
      const pub = await client(env.MQTT_URL);
      clients.push(pub);
      await publish(pub, `${base}/a/s1`, range(0, 30));
      await publish(pub, `${base}/b/s2`, range(0, 30));
      await until(
        () => tapA.length === 30 && tapB.length === 30,
        10000,
        () => `30 readings each, got ${tapA.length}+${tapB.length}`,
      );
      await flushBoth(gotA, gotB);
      assert.deepEqual([counts(gotA), counts(gotB)], [{ 's1@0': 30 }, { 's2@0': 30 }]);

      await leave('B');
      // B's range is nobody's now; a reading of A's range published after it shows the broker
      // had nothing of B's range for A (one publisher: Mosquitto keeps its order).
      await publish(pub, `${base}/b/s2`, range(1000, 5));
      await publish(pub, `${base}/a/s1`, range(1000, 1));
      await until(
        () => tapA.length === 31,
        10000,
        () => `A's reading, got ${tapA.length}`,
      );
      assert.deepEqual(
        tapA.map((m) => m.topic),
        Array(31).fill('s1'),
      );
    });
  });

  it('persistent session: what is published while the flow is redeployed arrives once it is back', async () => {
    const base = unique('persist');
    const flow = (): FlowNode[] => [
      broker(env.MQTT_URL, { clientId: `${base}-flow`, cleanSession: false, protocolVersion: '4' }),
      { id: 'in', type: 'stream-mqtt-in', broker: 'b', topic: `${base}/#`, qos: '1', format: 'json', wires: [['got']] },
      { id: 'got', type: 'helper' },
    ];
    await deployWatched(flow());
    await until(() => lastText('in').startsWith('connected'), 10000, 'connected');
    await undeploy();
    const pub = await client(env.MQTT_URL);
    clients.push(pub);
    await pub.publishAsync(`${base}/a`, '{"while":"away"}', { qos: 1 });
    await deployWatched(flow());
    const got = collect('got');
    await until(() => got.length === 1, 10000, 'the message queued by the broker during the redeploy');
    assert.deepEqual(got[0].payload, { while: 'away' });
  });

  it('malformed payloads (invalid JSON, binary) are counted, reach a Catch node, and the stream goes on', async () => {
    const base = unique('bad');
    await deployWatched([
      broker(env.MQTT_URL),
      { id: 'in', type: 'stream-mqtt-in', broker: 'b', topic: `${base}/#`, qos: '1', format: 'json', wires: [['got']] },
      { id: 'got', type: 'helper' },
      { id: 'catch', type: 'catch', scope: ['in'], uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    const got = collect('got');
    const caught = collect('caught');
    await until(() => lastText('in').startsWith('connected'), 10000, 'connected');
    const pub = await client(env.MQTT_URL);
    clients.push(pub);
    await pub.publishAsync(`${base}/a`, '{"v": 1,', { qos: 1 });
    await pub.publishAsync(`${base}/b`, Buffer.from([0, 1, 2, 0xff, 0xfe]), { qos: 1 });
    await pub.publishAsync(`${base}/c`, '{"v": 3}', { qos: 1 });
    await until(
      () => got.length === 1 && caught.length === 2,
      10000,
      () => `1 good and 2 caught, got ${got.length} and ${caught.length}`,
    );
    assert.deepEqual(got[0].payload, { v: 3 });
    assert.equal(got[0].topic, `${base}/c`);
    assert.match(caught[0].error.message, /not valid JSON/);
    assert.match(caught[1].error.message, /binary/);
    assert.equal(caught[1].topic, `${base}/b`);
    await until(() => /2 bad/.test(lastText('in')), 5000, '"2 bad" in the status');
  });

  describe('with username/password and TLS', () => {
    let auth: Record<string, string>;
    before(async function () {
      this.timeout(60000);
      auth = await requireBroker(this, 'mqtt-auth');
    });

    it("wrong password: red status with the broker's reason, no reconnect loop", async () => {
      await deployWatched([broker(auth.MQTT_AUTH_URL, { protocolVersion: '4' }), { id: 'in', type: 'stream-mqtt-in', broker: 'b', topic: 'x/#', qos: '0' }], {
        b: { user: auth.MQTT_USERNAME, password: 'wrong' },
      });
      await until(
        () => lastText('in').startsWith('failed'),
        10000,
        () => `a failed status, last: ${lastText('in')}`,
      );
      assert.equal(statuses.get('in')!.fill, 'red');
      assert.match(lastText('in'), /refused|authori[sz]ed|password/i);
      // The client was ended: nothing left that would reconnect on its own.
      const conn = getNode('b').register(getNode('in'));
      assert.equal(conn.state, 'failed');
      assert.equal(conn.active, false);
    });

    it('right credentials over mqtts with the test CA (tls-config node): messages flow; an mqtt:// URL with "use TLS" ticked uses TLS too', async () => {
      const pub = await client(auth.MQTT_AUTH_URL, { username: auth.MQTT_USERNAME, password: auth.MQTT_PASSWORD });
      clients.push(pub);
      // The TLS port speaks TLS only, so a connection there proves the handshake happened.
      for (const url of [auth.MQTT_TLS_URL, auth.MQTT_TLS_URL.replace(/^mqtts:/, 'mqtt:')]) {
        const base = unique('tls');
        await deployWatched(
          [
            { id: 'tls', type: 'tls-config', ca: auth.MQTT_TLS_CA, cert: '', key: '', verifyservercert: true },
            broker(url, { usetls: true, tls: 'tls', protocolVersion: '4' }),
            { id: 'in', type: 'stream-mqtt-in', broker: 'b', topic: `${base}/#`, qos: '1', format: 'json', wires: [['got']] },
            { id: 'got', type: 'helper' },
          ],
          { b: { user: auth.MQTT_USERNAME, password: auth.MQTT_PASSWORD } },
        );
        const got = collect('got');
        await until(
          () => lastText('in').startsWith('connected'),
          10000,
          () => `connected over TLS with ${url}, last: ${lastText('in')}`,
        );
        await pub.publishAsync(`${base}/x`, '{"ok":true}', { qos: 1 });
        await until(() => got.length === 1, 10000, `the message over TLS with ${url}`);
        assert.deepEqual(got[0].payload, { ok: true });
        await undeploy();
      }
    });

    it('a tls-config without the test CA (system CAs only): red status naming TLS, one clear error, no reconnect loop', async () => {
      await deployWatched(
        [
          { id: 'tls', type: 'tls-config', ca: '', cert: '', key: '', verifyservercert: true },
          broker(auth.MQTT_TLS_URL, { usetls: true, tls: 'tls', protocolVersion: '4' }),
          { id: 'in', type: 'stream-mqtt-in', broker: 'b', topic: 'x/#', qos: '0' },
        ],
        { b: { user: auth.MQTT_USERNAME, password: auth.MQTT_PASSWORD } },
      );
      await until(
        () => lastText('in').startsWith('failed'),
        10000,
        () => `a failed status, last: ${lastText('in')}`,
      );
      assert.equal(statuses.get('in')!.fill, 'red');
      assert.match(lastText('in'), /^failed · 0 msgs: TLS: \S/);
      assert.doesNotMatch(lastText('in'), /deploy again/, 'the hint goes to the log, not the status');
      const errs = loggedErrors('b');
      assert.equal(errs.length, 1, `one error, got ${JSON.stringify(errs)}`);
      assert.match(errs[0], /not trusted \([A-Z_]+\).*CA certificate/);
      // The client was ended: nothing left that would reconnect on its own.
      const conn = getNode('b').register(getNode('in'));
      assert.equal(conn.state, 'failed');
      assert.equal(conn.active, false);
    });
  });
});
