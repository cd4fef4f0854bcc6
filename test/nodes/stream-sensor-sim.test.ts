import { strict as assert } from 'assert';
import * as sinon from 'sinon';
import { helper } from '../support/node-red-helper';
import simNode = require('../../src/nodes/stream-sensor-sim');

const catchNode = require('@node-red/nodes/core/common/25-catch.js');

type Msg = Record<string, any>;

interface Flow {
  sim: any;
  received: Msg[];
  caught: Msg[];
}

/** Deploys sim → collector (+ a catch node) with fake interval timers and a fixed wall clock. */
async function deploy(config: Record<string, unknown>): Promise<Flow> {
  const flow = [
    { id: 'sim', type: 'stream-sensor-sim', z: 'f', wires: [['out']], ...config },
    { id: 'out', type: 'helper', z: 'f' },
    { id: 'catcher', type: 'catch', z: 'f', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f' },
    { id: 'f', type: 'tab' },
  ];
  await helper.load([simNode, catchNode] as any, flow);
  const received: Msg[] = [];
  const caught: Msg[] = [];
  helper.getNode('out').on('input', (m: Msg) => received.push(m));
  helper.getNode('caught').on('input', (m: Msg) => caught.push(m));
  return { sim: helper.getNode('sim'), received, caught };
}

/** Waits until Node-RED has delivered queued messages (it hands them on via setImmediate). */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

describe('stream-sensor-sim node', () => {
  let clock: sinon.SinonFakeTimers;
  const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

  beforeEach(() => {
    // Only the node's processing-time timer and clock are faked; Node-RED's own scheduling stays real.
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setInterval', 'clearInterval', 'Date'] });
  });

  afterEach(async () => {
    await helper.unload();
    clock.restore();
  });

  it('sends one message per sensor and interval: topic = id, payload = fields, timestamp = event time', async () => {
    const { received, sim } = await deploy({ sensors: 2, fields: 'temperature,humidity', interval: '2s', seed: '5' });
    clock.tick(2000);
    await flush();
    assert.equal(received.length, 2);
    assert.deepEqual(
      received.map((m) => m.topic),
      ['sensor-1', 'sensor-2'],
    );
    for (const m of received) {
      assert.equal(m.timestamp, T0 + 2000);
      assert.equal(typeof m.payload.temperature, 'number');
      assert.equal(typeof m.payload.humidity, 'number');
    }
    clock.tick(4000);
    await flush();
    assert.equal(received.length, 6);
    assert.equal(received[5].timestamp, T0 + 6000);
    assert.match(sim.status.lastCall?.args[0]?.text ?? '', /^2 sensors · 2s · seed 5 · \d+ sent$/);
  });

  it('is reproducible: two nodes with the same seed send the same readings', async () => {
    const a = await deploy({ sensors: 3, interval: '1s', seed: 'demo', anomalyRate: 0.2 });
    clock.tick(5000);
    await flush();
    const first = a.received.map((m) => m.payload);
    await helper.unload();
    clock.setSystemTime(T0);
    const b = await deploy({ sensors: 3, interval: '1s', seed: 'demo', anomalyRate: 0.2 });
    clock.tick(5000);
    await flush();
    assert.equal(first.length, 15);
    assert.deepEqual(
      b.received.map((m) => m.payload),
      first,
    );
  });

  it('waits for "start" when autoStart is off, pauses on "stop", steps on "tick"', async () => {
    const { sim, received } = await deploy({ sensors: 1, interval: '1s', autoStart: false, seed: 1 });
    clock.tick(3000);
    await flush();
    assert.equal(received.length, 0);
    sim.receive({ payload: 'tick' });
    await flush();
    assert.equal(received.length, 1);
    assert.equal(received[0].timestamp, T0 + 3000, 'a tick is stamped with the time it was asked for');
    sim.receive({ payload: 'start' });
    await flush();
    clock.tick(2000);
    await flush();
    assert.equal(received.length, 3);
    sim.receive({ payload: 'stop' });
    await flush();
    clock.tick(5000);
    await flush();
    assert.equal(received.length, 3);
    assert.equal(clock.countTimers(), 0);
  });

  it('after a pause, event time catches up with the clock instead of replaying the gap', async () => {
    const { sim, received } = await deploy({ sensors: 1, interval: '1s', seed: 1 });
    clock.tick(1000);
    sim.receive({ payload: 'stop' });
    await flush();
    clock.tick(60_000);
    sim.receive({ payload: 'start' });
    await flush();
    clock.tick(1000);
    await flush();
    assert.deepEqual(
      received.map((m) => m.timestamp),
      [T0 + 1000, T0 + 62_000],
    );
  });

  it('marks injected anomalies and late deliveries on the message', async () => {
    const { received } = await deploy({ sensors: 1, interval: '1s', seed: 3, anomalyRate: 1, anomalies: 'spike', lateRate: 1, lateDelay: '2s' });
    clock.tick(4000);
    await flush();
    assert.equal(received.length, 2);
    assert.equal(received[0].timestamp, T0 + 1000);
    assert.equal(received[0].delayed, 2000);
    assert.equal(received[0].injected.type, 'spike');
  });

  it('reports an unknown control message to Catch and keeps running', async () => {
    const { sim, received, caught } = await deploy({ sensors: 1, interval: '1s', seed: 1 });
    sim.receive({ payload: 42 });
    await flush();
    assert.equal(caught.length, 1);
    assert.match(caught[0].error.message, /payload: expected one of "start".*got number 42/);
    clock.tick(1000);
    await flush();
    assert.equal(received.length, 1);
    assert.match(sim.status.lastCall.args[0].text, /1 bad msg/);
  });

  it('bad config: red status naming the field, an error, and no timer', async () => {
    const { sim, received } = await deploy({ sensors: 1, interval: 'often' });
    assert.equal(sim.status.lastCall.args[0].fill, 'red');
    assert.equal(sim.status.lastCall.args[0].text, 'invalid interval');
    assert.match(String(sim.error.lastCall.args[0]), /interval: expected a duration like 500ms.*got string "often"/);
    clock.tick(5000);
    await flush();
    assert.equal(received.length, 0);
    assert.equal(clock.countTimers(), 0);
  });

  it('clears its timer on close', async () => {
    await deploy({ sensors: 1, interval: '1s' });
    assert.equal(clock.countTimers(), 1);
    await helper.unload();
    assert.equal(clock.countTimers(), 0);
  });

  it('the editor button pauses and resumes a deployed simulator; unknown ids get 404', async () => {
    const { received } = await deploy({ sensors: 1, interval: '1s', seed: 1 });
    const paused = await helper.request().post('/stream-sensor-sim/sim/toggle').expect(200);
    assert.deepEqual(paused.body, { running: false });
    clock.tick(3000);
    await flush();
    assert.equal(received.length, 0);
    const resumed = await helper.request().post('/stream-sensor-sim/sim/toggle').expect(200);
    assert.deepEqual(resumed.body, { running: true });
    clock.tick(1000);
    await flush();
    assert.equal(received.length, 1);
    await helper.request().post('/stream-sensor-sim/nope/toggle').expect(404);
  });
});
