import { strict as assert } from 'assert';
import detect = require('../../src/nodes/stream-detect');
import { Deployed, Msg, NODES, attach, deploy, helper, lastStatus, restart, settle, statusSoon, until, values } from './stream-window-support';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const S = 1000;

/** Deploys `type` (id 'n') on a tab with environment variables `env`, wired like deploy() does. */
async function deployWithEnv(type: string, config: Record<string, unknown>, env: Record<string, string>, ports = 1): Promise<Deployed> {
  const wires = Array.from({ length: ports }, (_, i) => [`out${i}`]);
  const flow = [
    { id: 'f', type: 'tab', env: Object.entries(env).map(([name, value]) => ({ name, value, type: 'str' })) },
    { id: 'n', type, z: 'f', wires, ...config },
    ...wires.map(([id]) => ({ id, type: 'helper', z: 'f' })),
    { id: 'catcher', type: 'catch', z: 'f', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f' },
  ];
  await helper.load([...NODES, detect], flow);
  return attach(ports);
}

/** The error a node reported at deploy (a bad setting). */
async function deployError(type: string, config: Record<string, unknown>): Promise<{ status: string; error: string }> {
  const d = await deployWithEnv(type, config, {});
  await settle();
  return { status: String(lastStatus(d.node).text), error: String(d.node.error.lastCall?.args[0]) };
}

describe('key, value and time from msg, flow, global, env or JSONata', () => {
  afterEach(async () => {
    helper.settings({ contextStorage: undefined });
    await helper.unload();
  });

  describe('JSONata', () => {
    it("keys, values and times events by expressions over the message, with Node-RED's $ bindings", async () => {
      const d = await deployWithEnv(
        'stream-tumbling-window',
        {
          size: '10s',
          keyPropertyType: 'jsonata',
          keyProperty: 'payload.site & "/" & payload.line',
          valuePropertyType: 'jsonata',
          valueProperty: 'payload.raw / $number($env("SCALE"))',
          // Seconds since the epoch, as many devices send them.
          timePropertyType: 'jsonata',
          timeProperty: 'payload.ts * 1000',
        },
        { SCALE: '10' },
      );
      const reading = (line: number, raw: number, s: number): Msg => ({ topic: 'ignored', payload: { site: 'north', line, raw, ts: T0 / S + s } });
      d.send(reading(1, 215, 1));
      d.send(reading(2, 300, 2));
      d.send(reading(1, 225, 3));
      d.send({ flush: true });
      await until(() => d.out[0].length === 2, 'two windows');
      const byKey = Object.fromEntries(d.out[0].map((m) => [m.topic, m]));
      assert.deepEqual(Object.keys(byKey).sort(), ['north/1', 'north/2']);
      assert.deepEqual(values(byKey['north/1']), [21.5, 22.5]);
      assert.deepEqual(
        byKey['north/1'].payload.map((r: Msg) => r.timestamp),
        [T0 + 1 * S, T0 + 3 * S],
      );
      assert.equal(byKey['north/1'].window.start, T0);
      assert.equal(d.caught.length, 0);
    });

    it('keeps input order although each expression answers later', async () => {
      const d = await deploy('stream-aggregate', {
        windowType: 'tumbling',
        size: '1m',
        emit: 'update',
        timeMode: 'event',
        keyPropertyType: 'jsonata',
        keyProperty: '$substringBefore(topic, "/")',
        aggregations: [{ op: 'count' }, { op: 'last', property: 'payload' }],
      });
      for (let i = 0; i < 40; i++) d.send({ topic: `${i % 2 ? 'b' : 'a'}/x`, payload: i, timestamp: T0 + i });
      await until(() => d.out[0].length === 40, 'one update per event');
      assert.deepEqual(
        d.out[0].map((m) => m.payload.last),
        Array.from({ length: 40 }, (_, i) => i),
      );
      assert.deepEqual(
        d.out[0].map((m) => m.topic),
        Array.from({ length: 40 }, (_, i) => (i % 2 ? 'b' : 'a')),
      );
      assert.deepEqual(
        d.out[0].slice(-2).map((m) => m.payload.count),
        [20, 20],
      );
    });

    it("rejects a message whose expression fails, with JSONata's reason, counts it and goes on", async () => {
      const d = await deploy('stream-tumbling-window', {
        size: '10s',
        timeMode: 'event',
        keyPropertyType: 'jsonata',
        keyProperty: '"line " & $number(payload.line)',
      });
      d.send({ payload: { line: 'seven' }, timestamp: T0 });
      d.send({ payload: { line: 7 }, timestamp: T0 + 1 });
      d.send({ flush: true });
      await until(() => d.caught.length === 1 && d.out[0].length === 1, 'the error and the window');
      assert.match(d.caught[0].error.message, /key expression "\\"line \\" & \$number\(payload\.line\)" failed: .*cast/i);
      assert.equal(d.out[0][0].topic, 'line 7');
      assert.match(await statusSoon(d.node), /1 rejected \(key expression\)/);
    });

    it('evaluates each element of a batch, and rejects only the elements it cannot use', async () => {
      const d = await deploy('stream-tumbling-window', { size: '10s', timePropertyType: 'jsonata', timeProperty: '$toMillis(payload.at)', timeMode: 'event' });
      d.send({
        batch: true,
        payload: [
          { topic: 'k', payload: { at: '2026-01-01T00:00:01Z', v: 1 } },
          { topic: 'k', payload: { at: 'soon', v: 2 } },
          { topic: 'k', payload: { at: '2026-01-01T00:00:02Z', v: 3 } },
        ],
      });
      d.send({ flush: true });
      await until(() => d.out[0].length === 1 && d.caught.length === 1, 'the window and one error');
      assert.deepEqual(
        d.out[0][0].payload.map((r: Msg) => r.timestamp),
        [T0 + 1 * S, T0 + 2 * S],
      );
      assert.match(d.caught[0].error.message, /1 of 3 elements rejected; first: time expression .* failed/);
    });

    it('reads the value of each record of a window message (detect per window)', async () => {
      const d = await deployWithEnv(
        'stream-detect',
        { mode: 'window', pattern: 'spike', outputs: 2, valuePropertyType: 'jsonata', valueProperty: 'payload.v' },
        {},
        2,
      );
      const records = [1, 1, 1, 1, 1, 1, 1, 1, 40].map((v, i) => ({ topic: 'k', payload: { v }, timestamp: T0 + i * S }));
      d.send({ topic: 'k', payload: records, window: { type: 'tumbling', key: 'k', start: T0, end: T0 + 10 * S, count: records.length, firing: 'final' } });
      await until(() => d.out[1].length === 1, 'the annotated window');
      assert.equal(d.caught.length, 0);
      assert.deepEqual(
        d.out[1][0].detect.detections.map((x: Msg) => x.value),
        [40],
      );
    });

    it('keys a sequence pattern by an expression', async () => {
      const d = await deploy('stream-sequence', {
        timeMode: 'event',
        keyPropertyType: 'jsonata',
        keyProperty: '$substringBefore(topic, "/")',
        contiguity: 'strict',
        steps: [{ name: 'high', rules: [{ property: 'payload', op: 'gt', value: '50' }], times: '{2}', not: false }],
      });
      d.send({ topic: 'a/1', payload: 60, timestamp: T0 });
      d.send({ topic: 'b/1', payload: 70, timestamp: T0 + 1 });
      d.send({ topic: 'a/2', payload: 80, timestamp: T0 + 2 });
      await until(() => d.out[0].length === 1, 'the match of key a');
      assert.equal(d.out[0][0].topic, 'a');
      assert.deepEqual(
        d.out[0][0].payload.high.map((r: Msg) => r.payload),
        [60, 80],
      );
    });

    it('keys both sides of a join by an expression; a right key of its own stays a msg path', async () => {
      const sides = { sideProperty: 'topic', leftSide: 'door', rightSide: 'temperature', lower: '0', upper: '5m', timeMode: 'event' };
      const door = (room: string, t: number): Msg => ({ topic: 'door', payload: { where: `${room}/1` }, timestamp: T0 + t });
      const temp = (room: string, t: number, celsius: number): Msg => ({
        topic: 'temperature',
        payload: { where: `${room}/2`, celsius },
        room,
        timestamp: T0 + t,
      });
      let d = await deploy('stream-join', { ...sides, keyPropertyType: 'jsonata', keyProperty: '$substringBefore(payload.where, "/")' });
      d.send(door('kitchen', 0));
      d.send(temp('hall', 1, 18));
      d.send(temp('kitchen', 2, 17.5));
      await until(() => d.out[0].length === 1, 'the kitchen pair');
      assert.equal(d.out[0][0].topic, 'kitchen');
      assert.equal(d.out[0][0].payload.right.celsius, 17.5);
      await helper.unload();
      d = await deploy('stream-join', {
        ...sides,
        keyPropertyType: 'jsonata',
        keyProperty: '$substringBefore(payload.where, "/")',
        rightKeyProperty: 'room',
        valuePropertyType: 'jsonata',
        valueProperty: 'payload.celsius ? payload.celsius : payload.where',
      });
      d.send(door('hall', 0));
      d.send(temp('hall', 2, 18));
      await until(() => d.out[0].length === 1, 'the hall pair');
      assert.deepEqual([d.out[0][0].topic, d.out[0][0].payload], ['hall', { left: 'hall/1', right: 18 }]);
    });

    it('refuses an expression that does not parse at deploy and says why', async () => {
      const { status, error } = await deployError('stream-tumbling-window', { size: '10s', keyPropertyType: 'jsonata', keyProperty: 'payload.(' });
      assert.equal(status, 'invalid keyProperty');
      assert.match(error, /"payload\.\(" is not a valid JSONata expression/);
    });
  });

  describe('flow and global context', () => {
    it('reads the key from flow context at each message', async () => {
      const d = await deploy('stream-tumbling-window', { size: '10s', timeMode: 'event', keyPropertyType: 'flow', keyProperty: 'shift' });
      const flow = d.node.context().flow;
      flow.set('shift', 'early');
      d.send({ payload: 1, timestamp: T0 });
      flow.set('shift', 'late');
      d.send({ payload: 2, timestamp: T0 + 1 });
      d.send({ flush: true });
      await until(() => d.out[0].length === 2, 'a window per shift');
      assert.deepEqual(d.out[0].map((m) => [m.topic, values(m)]).sort(), [
        ['early', [1]],
        ['late', [2]],
      ]);
    });

    it('reads the value from global context', async () => {
      const d = await deploy('stream-global-window', { count: '2', timeMode: 'auto', valuePropertyType: 'global', valueProperty: 'setpoint.temperature' });
      d.node.context().global.set('setpoint', { temperature: 21 });
      d.send({ topic: 'k', payload: 'tick' });
      d.node.context().global.set('setpoint', { temperature: 23 });
      d.send({ topic: 'k', payload: 'tick' });
      await until(() => d.out[0].length === 1, 'the count window');
      assert.deepEqual(values(d.out[0][0]), [21, 23]);
    });

    it('picks the context store named as #:(store)::name and keeps order while a slow store answers', async () => {
      // A store that answers a turn later, like one backed by a database.
      const data = new Map<string, unknown>([['f/line', 'L7']]);
      const slowStore = () => ({
        open: () => Promise.resolve(),
        close: () => Promise.resolve(),
        get: (scope: string, key: string, cb: (err: null, v: unknown) => void) => setImmediate(() => cb(null, data.get(`${scope}/${key}`))),
        set: (scope: string, key: string, value: unknown, cb: (err: null) => void) => {
          data.set(`${scope}/${key}`, value);
          setImmediate(() => cb(null));
        },
        keys: (_scope: string, cb: (err: null, v: string[]) => void) => cb(null, [...data.keys()]),
        delete: () => Promise.resolve(),
        clean: () => Promise.resolve(),
      });
      helper.settings({ contextStorage: { default: { module: 'memory' }, slow: { module: slowStore } } });
      await deploy('stream-filter', {
        keyPropertyType: 'flow',
        keyProperty: '#:(slow)::line',
        timeMode: 'event',
        windowType: 'global',
        count: '3',
        rules: [{ property: 'payload', op: 'gt', value: '0' }],
      });
      // Context stores are read from the settings when Node-RED starts.
      const d = await restart(1);
      // The same name in the default store must not be the one read.
      d.node.context().flow.set('line', 'wrong');
      for (let i = 1; i <= 6; i++) d.send({ topic: 'x', payload: i, timestamp: T0 + i });
      await until(() => d.out[0].length === 2, 'two count windows');
      assert.deepEqual(
        d.out[0].map((m) => [m.topic, values(m)]),
        [
          ['L7', [1, 2, 3]],
          ['L7', [4, 5, 6]],
        ],
      );
    });
  });

  describe('what is read', () => {
    it('a filter without a window of its own reads no key: its context is not asked', async () => {
      let reads = 0;
      const countingStore = () => ({
        open: () => Promise.resolve(),
        close: () => Promise.resolve(),
        get: (_scope: string, _key: string, cb: (err: null, v: unknown) => void) => {
          reads++;
          cb(null, 'line');
        },
        set: (_scope: string, _key: string, _value: unknown, cb: (err: null) => void) => cb(null),
        keys: (_scope: string, cb: (err: null, v: string[]) => void) => cb(null, []),
        delete: () => Promise.resolve(),
        clean: () => Promise.resolve(),
      });
      helper.settings({ contextStorage: { default: { module: 'memory' }, counting: { module: countingStore } } });
      const rules = [{ property: 'payload', op: 'gt', value: '0' }];
      await deploy('stream-filter', { keyPropertyType: 'flow', keyProperty: '#:(counting)::line', windowType: 'none', rules });
      let d = await restart(1);
      d.send({ payload: 1 });
      await until(() => d.out[0].length === 1, 'the passing message');
      assert.equal(reads, 0);
      // With a window the key is read, once per message.
      await helper.unload();
      await deploy('stream-filter', { keyPropertyType: 'flow', keyProperty: '#:(counting)::line', windowType: 'global', count: '1', timeMode: 'auto', rules });
      d = await restart(1);
      d.send({ payload: 1 });
      await until(() => d.out[0].length === 1, 'the window');
      assert.equal(d.out[0][0].topic, 'line');
      assert.equal(reads, 1);
    });
  });

  describe('env', () => {
    it('keys every event by an environment variable of the flow', async () => {
      const d = await deployWithEnv(
        'stream-aggregate',
        { windowType: 'global', count: '2', timeMode: 'auto', keyPropertyType: 'env', keyProperty: 'SITE', aggregations: [{ op: 'sum' }] },
        { SITE: 'north' },
      );
      d.send({ topic: 'a', payload: 1 });
      d.send({ topic: 'b', payload: 2 });
      await until(() => d.out[0].length === 1, 'one window for the site');
      assert.equal(d.out[0][0].topic, 'north');
      assert.deepEqual(d.out[0][0].payload, { sum: 3 });
    });
  });

  describe('settings', () => {
    it('reads saved flows without a type as msg properties', async () => {
      const d = await deploy('stream-tumbling-window', { size: '10s', timeMode: 'event', keyProperty: 'device', valueProperty: 'payload.v' });
      d.send({ device: 'd1', payload: { v: 4 }, timestamp: T0 });
      d.send({ flush: true });
      await until(() => d.out[0].length === 1, 'the window');
      assert.deepEqual([d.out[0][0].topic, values(d.out[0][0])], ['d1', [4]]);
    });

    it('offers time from msg and JSONata only, and aggregate values from msg only', async () => {
      let e = await deployError('stream-tumbling-window', { size: '10s', timePropertyType: 'flow', timeProperty: 'now' });
      assert.equal(e.status, 'invalid timePropertyType');
      assert.match(e.error, /"flow" is not offered here; use msg, jsonata/);
      await helper.unload();
      e = await deployError('stream-aggregate', { valuePropertyType: 'jsonata', valueProperty: 'payload.v' });
      assert.equal(e.status, 'invalid valuePropertyType');
    });

    it('needs a name for flow, global and env', async () => {
      const e = await deployError('stream-tumbling-window', { size: '10s', keyPropertyType: 'env', keyProperty: ' ' });
      assert.equal(e.status, 'invalid keyProperty');
      assert.match(e.error, /an environment variable name is required/);
    });
  });
});

describe('outputProperty: where results go', () => {
  afterEach(async () => {
    await helper.unload();
  });

  it("puts a window's records where it says and leaves payload out", async () => {
    const d = await deploy('stream-tumbling-window', { size: '10s', timeMode: 'event', outputProperty: 'records' });
    d.send({ topic: 'k', payload: 1, timestamp: T0 });
    d.send({ flush: true });
    await until(() => d.out[0].length === 1, 'the window');
    const m = d.out[0][0];
    assert.equal('payload' in m, false);
    assert.deepEqual(
      m.records.map((r: Msg) => r.payload),
      [1],
    );
    assert.equal(m.window.count, 1);
  });

  it('puts aggregate results at a nested path', async () => {
    const d = await deploy('stream-aggregate', {
      windowType: 'global',
      count: '2',
      timeMode: 'auto',
      outputProperty: 'msg.payload.stats',
      aggregations: [{ op: 'avg' }],
    });
    d.send({ topic: 'k', payload: 1 });
    d.send({ topic: 'k', payload: 3 });
    await until(() => d.out[0].length === 1, 'the result');
    assert.deepEqual(d.out[0][0].payload, { stats: { avg: 2 } });
    assert.equal(d.out[0][0].topic, 'k');
  });

  it('puts detect alerts there too', async () => {
    const d = await deployWithEnv('stream-detect', { pattern: 'spike', outputProperty: 'alert', timeMode: 'event' }, {});
    for (let i = 0; i < 120; i++) d.send({ topic: 'k', payload: i === 100 ? 90 : 50 + (i % 3), timestamp: T0 + i * S });
    await until(() => d.out[0].length === 1, 'the alert');
    assert.equal(d.out[0][0].alert.pattern, 'spike');
    assert.equal(d.out[0][0].payload, undefined);
  });

  it('refuses a property that carries the key, the window or the message id', async () => {
    const e = await deployError('stream-tumbling-window', { size: '10s', outputProperty: 'window.result' });
    assert.equal(e.status, 'invalid outputProperty');
    assert.match(e.error, /msg\.window carries the result's window/);
  });
});
