import { strict as assert } from 'assert';
import * as sinon from 'sinon';
import { deploy, events, helper, lastStatus, restart, settle, statusSoon, tempDir, until, values } from './stream-window-support';
import { acrossRestart, quietUntil, resetThenFlush } from './window-scenarios';
import { S, T0, fakeClockEach, unloadAfterEach } from '../support/node-test-setup';

describe('stream-tumbling-window node', () => {
  unloadAfterEach();

  it('sends one message per key and window with the events in event-time order', async () => {
    const d = await deploy('stream-tumbling-window', { size: '10s', maxOutOfOrder: '5s' });
    for (const m of events([
      ['a', 1, T0 + 3 * S],
      ['a', 2, T0 + 1 * S],
      ['b', 3, T0 + 5 * S],
      ['a', 4, T0 + 9 * S],
      ['a', 5, T0 + 13 * S],
    ]))
      d.send(m);
    await settle();
    assert.equal(d.out[0].length, 0, 'the watermark (13s - 5s) has not reached 10s yet');
    d.send({ topic: 'b', payload: 6, timestamp: T0 + 12 * S });
    d.send({ topic: 'b', payload: 7, timestamp: T0 + 12.5 * S });
    d.send({ topic: 'a', payload: 8, timestamp: T0 + 12 * S });
    await settle();
    assert.equal(d.out[0].length, 0);
    d.send({ topic: 'a', payload: 9, timestamp: T0 + 20 * S });
    await until(() => d.out[0].length === 2, 'two windows');
    const a = d.out[0].find((m) => m.topic === 'a')!;
    const b = d.out[0].find((m) => m.topic === 'b')!;
    assert.deepEqual(values(a), [2, 1, 4]);
    assert.deepEqual(a.payload[0], { timestamp: T0 + 1 * S, topic: 'a', payload: 2 });
    assert.deepEqual(a.window, { type: 'tumbling', key: 'a', start: T0, end: T0 + 10 * S, count: 3, firing: 'final' });
    assert.deepEqual(values(b), [3]);
  });

  it('puts an event at the end into the next window with [start,end) and into the window with (start,end]', async () => {
    let d = await deploy('stream-tumbling-window', { size: '10s' });
    for (const m of events([
      ['k', 'a', T0 + 5 * S],
      ['k', 'b', T0 + 10 * S],
      ['k', 'c', T0 + 30 * S],
    ]))
      d.send(m);
    await until(() => d.out[0].length === 2, 'two windows');
    assert.deepEqual(d.out[0].map(values), [['a'], ['b']]);
    await helper.unload();
    d = await deploy('stream-tumbling-window', { size: '10s', bounds: '(start,end]' });
    for (const m of events([
      ['k', 'a', T0 + 5 * S],
      ['k', 'b', T0 + 10 * S],
      ['k', 'c', T0 + 30 * S],
    ]))
      d.send(m);
    await until(() => d.out[0].length === 1, 'one window');
    assert.deepEqual(values(d.out[0][0]), ['a', 'b']);
    assert.equal(d.out[0][0].window.end, T0 + 10 * S);
  });

  it('shifts window boundaries by offset', async () => {
    const d = await deploy('stream-tumbling-window', { size: '10s', offset: '5s' });
    for (const m of events([
      ['k', 'a', T0 + 4 * S],
      ['k', 'b', T0 + 5 * S],
      ['k', 'c', T0 + 14 * S],
      ['k', 'd', T0 + 40 * S],
    ]))
      d.send(m);
    await until(() => d.out[0].length === 2, 'two windows');
    assert.deepEqual(
      d.out[0].map((m) => [(m.window.start - T0) / S, values(m)]),
      [
        [-5, ['a']],
        [5, ['b', 'c']],
      ],
    );
  });

  it('uses valueProperty, keyProperty and an ISO timeProperty', async () => {
    const d = await deploy('stream-tumbling-window', { size: '1m', keyProperty: 'payload.device', valueProperty: 'payload.t', timeProperty: 'payload.at' });
    d.send({ topic: 'x', payload: { device: 'd1', t: 20.5, at: '2026-01-01T00:00:10Z' } });
    d.send({ topic: 'x', payload: { device: 'd1', t: 21, at: '2026-01-01T00:01:10Z' } });
    await until(() => d.out[0].length === 1, 'one window');
    assert.equal(d.out[0][0].topic, 'd1');
    assert.deepEqual(d.out[0][0].payload, [{ timestamp: T0 + 10 * S, topic: 'x', payload: 20.5 }]);
  });

  it('reports a message without a usable event time to a Catch node and keeps running', async () => {
    const d = await deploy('stream-tumbling-window', { size: '10s' });
    d.send({ topic: 'k', payload: 1 });
    d.send({ topic: 'k', payload: 2, timestamp: 'yesterday' });
    d.send({ topic: { id: 1 }, payload: 3, timestamp: T0 });
    d.send({ topic: 'k', payload: 4, timestamp: T0 });
    d.send({ topic: 'k', payload: 5, timestamp: T0 + 20 * S });
    await until(() => d.caught.length === 3 && d.out[0].length === 1, 'three errors and a window');
    assert.match(d.caught[0].error.message, /msg\.timestamp is undefined/);
    assert.match(d.caught[1].error.message, /msg\.timestamp/);
    assert.match(d.caught[1].error.message, /string "yesterday"/);
    assert.match(d.caught[2].error.message, /msg\.topic is object/);
    assert.deepEqual(values(d.out[0][0]), [4]);
    assert.match(await statusSoon(d.node), /3 rejected \(msg\.(topic|timestamp)\)/);
  });

  it('sends late events to a second output with msg.late, drops them or updates the window', async () => {
    const late = (d: Awaited<ReturnType<typeof deploy>>) => {
      for (const m of events([
        ['k', 1, T0 + 1 * S],
        ['k', 2, T0 + 11 * S],
        ['k', 3, T0 + 2 * S],
        ['k', 4, T0 + 25 * S],
      ]))
        d.send(m);
    };
    let d = await deploy('stream-tumbling-window', { size: '10s', lateData: 'output', outputs: 2 }, 2);
    late(d);
    await until(() => d.out[0].length === 2 && d.out[1].length === 1, 'windows and a late event');
    assert.equal(d.out[1][0].payload, 3);
    assert.deepEqual(d.out[1][0].late, { window: { start: T0, end: T0 + 10 * S }, watermark: T0 + 11 * S });
    assert.deepEqual(d.out[0].map(values), [[1], [2]]);
    await helper.unload();

    d = await deploy('stream-tumbling-window', { size: '10s', lateData: 'drop' });
    late(d);
    await until(() => d.out[0].length === 2, 'two windows');
    assert.deepEqual(d.out[0].map(values), [[1], [2]]);
    assert.match(await statusSoon(d.node), /1 late/);
    await helper.unload();

    d = await deploy('stream-tumbling-window', { size: '10s', lateData: 'update', allowedLateness: '5s' });
    late(d);
    await until(() => d.out[0].length === 3, 'a re-fired window');
    assert.deepEqual(
      d.out[0].map((m) => [m.window.firing, values(m)]),
      [
        ['final', [1]],
        ['late', [1, 3]],
        ['final', [2]],
      ],
    );
  });

  it('emits running results with emit update', async () => {
    const d = await deploy('stream-tumbling-window', { size: '10s', emit: 'update' });
    for (const m of events([
      ['k', 1, T0 + 1 * S],
      ['k', 2, T0 + 2 * S],
      ['k', 3, T0 + 12 * S],
    ]))
      d.send(m);
    await until(() => d.out[0].length >= 4, 'updates and a final');
    const fired = d.out[0].map((m) => `${m.window.start - T0}:${m.window.firing}:${values(m).join(',')}`);
    assert.deepEqual(fired.slice(0, 3), ['0:update:1', '0:update:1,2', '0:final:1,2']);
  });

  it('fires every open window on msg.flush and drops one key on msg.reset with msg.topic', async () => {
    const d = await deploy('stream-tumbling-window', { size: '1h' });
    for (const m of events([
      ['a', 1, T0],
      ['b', 2, T0],
      ['c', 3, T0],
    ]))
      d.send(m);
    resetThenFlush(d, 'b');
    await until(() => d.out[0].length === 2, 'two flushed windows');
    assert.deepEqual(d.out[0].map((m) => m.topic).sort(), ['a', 'c']);
    d.send({ topic: 'a', payload: 4, timestamp: T0 + 1 });
    resetThenFlush(d);
    await settle();
    assert.equal(d.out[0].length, 2, 'msg.reset without a topic dropped everything');
    assert.equal(d.caught.length, 0, 'control messages are not events');
  });

  it('processes a batch of events sent as one message', async () => {
    const d = await deploy('stream-tumbling-window', { size: '1s' });
    const batch = Array.from({ length: 1000 }, (_, i) => ({ topic: `s${i % 2}`, payload: i, timestamp: T0 + i * 2 }));
    batch.splice(10, 0, 'not an event' as never);
    d.send({ batch: true, payload: batch });
    d.send({ flush: true });
    await until(() => d.out[0].length === 4 && d.caught.length === 1, 'four windows and one error');
    assert.deepEqual(
      d.out[0].map((m) => m.payload.length),
      [250, 250, 250, 250],
    );
    assert.match(d.caught[0].error.message, /1 of 1001 elements rejected/);
  });

  it('bounds memory: events beyond maxKeys and maxEventsPerWindow are dropped and shown', async () => {
    const d = await deploy('stream-tumbling-window', { size: '1m', maxKeys: '2', maxEventsPerWindow: '3' });
    for (let i = 0; i < 5; i++) d.send({ topic: 'a', payload: i, timestamp: T0 + i });
    d.send({ topic: 'b', payload: 0, timestamp: T0 });
    d.send({ topic: 'c', payload: 0, timestamp: T0 });
    d.send({ flush: true });
    await until(() => d.out[0].length === 2, 'two windows');
    assert.deepEqual(d.out[0].find((m) => m.topic === 'a')!.payload.length, 3);
    assert.match(await statusSoon(d.node), /3 dropped/);
    assert.equal(lastStatus(d.node).fill, 'yellow');
  });

  it('shows a red status and names the field for invalid settings', async () => {
    for (const [config, field] of [
      [{ size: '0' }, /size/],
      [{ size: 'soon' }, /size/],
      [{ size: '1m', maxKeys: '-1' }, /maxKeys/],
      [{ size: '1m', lateData: 'keep' }, /lateData/],
    ] as const) {
      const d = await deploy('stream-tumbling-window', config);
      assert.equal(lastStatus(d.node).fill, 'red');
      assert.match(d.node.error.firstCall.args[0], field);
      d.send({ topic: 'k', payload: 1, timestamp: T0 });
      await settle();
      assert.equal(d.out[0].length + d.caught.length, 0);
      await helper.unload();
    }
  });

  describe('processing time (fake timers)', () => {
    const clock = fakeClockEach(T0 + 500);

    it('closes windows on the clock, with arrival time as event time, when input stops', async () => {
      const d = await deploy('stream-tumbling-window', { size: '10s', timeMode: 'processing' });
      d.send({ topic: 'k', payload: 1, timestamp: 0 });
      clock.tick(2000);
      d.send({ topic: 'k', payload: 2 });
      await settle();
      await quietUntil(clock, d, 7500);
      await until(() => d.out[0].length === 1, 'the window at 10s');
      assert.deepEqual(
        d.out[0][0].payload.map((r: { timestamp: number }) => r.timestamp),
        [T0 + 500, T0 + 2500],
      );
    });

    it('keeps one wake-up timer however many events and keys arrive', async () => {
      const d = await deploy('stream-tumbling-window', { size: '10s', timeMode: 'processing' });
      // Timers the runtime itself keeps (context stores of earlier suites, say) are not the node's.
      const before = clock.countTimers();
      for (let i = 0; i < 1000; i++) {
        d.send({ topic: `k${i % 50}`, payload: i });
        if (i % 100 === 0) clock.tick(1500);
      }
      await settle();
      // The window wake-up and the throttled status refresh, nothing per event or key.
      const added = clock.countTimers() - before;
      assert.ok(added <= 2, `${added} timers added (${clock.countTimers()} pending)`);
      clock.tick(10000);
      await until(() => d.out[0].length >= 50, 'the windows of every key');
    });

    it('closes windows after idleTimeout without input in event time', async () => {
      const d = await deploy('stream-tumbling-window', { size: '10s', idleTimeout: '30s' });
      d.send({ topic: 'k', payload: 1, timestamp: T0 - 3600 * S });
      await settle();
      clock.tick(29000);
      await settle();
      assert.equal(d.out[0].length, 0);
      clock.tick(1000);
      await until(() => d.out[0].length === 1, 'the idle close');
      assert.deepEqual(values(d.out[0][0]), [1]);
    });

    it('sends early results every earlyEvery while a window is open', async () => {
      const d = await deploy('stream-tumbling-window', { size: '1h', emit: 'early', earlyEvery: '10s' });
      d.send({ topic: 'k', payload: 1, timestamp: T0 });
      clock.tick(10000);
      await until(() => d.out[0].length === 1, 'an early result');
      d.send({ topic: 'k', payload: 2, timestamp: T0 + 1 });
      clock.tick(10000);
      await until(() => d.out[0].length === 2, 'a second early result');
      assert.deepEqual(
        d.out[0].map((m) => [m.window.firing, values(m)]),
        [
          ['early', [1]],
          ['early', [1, 2]],
        ],
      );
    });
  });

  describe('persistence', () => {
    it('keeps open windows across a restart with a persistent context store, and fires them', async () => {
      const d = await acrossRestart(
        'stream-tumbling-window',
        { size: '10s' },
        events([
          ['a', 1, T0 + 1 * S],
          ['a', 2, T0 + 2 * S],
          ['b', 3, T0 + 3 * S],
        ]),
      );
      d.send({ topic: 'a', payload: 4, timestamp: T0 + 4 * S });
      d.send({ topic: 'a', payload: 5, timestamp: T0 + 15 * S });
      await until(() => d.out[0].length === 2, 'the restored windows');
      const a = d.out[0].find((m) => m.topic === 'a')!;
      assert.deepEqual(values(a), [1, 2, 4]);
      assert.deepEqual(values(d.out[0].find((m) => m.topic === 'b')!), [3]);
    });

    it('saves open windows every 10 s while they change, not only when the flow stops', async () => {
      helper.settings({ contextStorage: { file: { module: 'localfilesystem', config: { dir: tempDir() } } } });
      // Only the node's save interval runs on the fake clock.
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setInterval', 'clearInterval'] });
      try {
        await deploy('stream-tumbling-window', { size: '10s', store: 'file' });
        const d = await restart(1);
        const saved = () => new Promise<any>((resolve) => d.node.context().get('streamState', 'file', (_e: unknown, v: unknown) => resolve(v)));
        d.send({ topic: 'a', payload: 1, timestamp: T0 });
        await settle();
        assert.equal(await saved(), undefined);
        clock.tick(10000);
        await settle();
        const state = await saved();
        assert.ok(state && state.operator, 'a snapshot was saved');
        assert.match(JSON.stringify(state), /"a"/);
      } finally {
        clock.restore();
      }
    });

    it('starts empty after a restart without a store', async () => {
      helper.settings({ contextStorage: { file: { module: 'localfilesystem', config: { dir: tempDir() } } } });
      await deploy('stream-tumbling-window', { size: '10s' });
      let d = await restart(1);
      d.send({ topic: 'a', payload: 1, timestamp: T0 + 1 * S });
      await settle();
      d = await restart(1);
      d.send({ topic: 'a', payload: 5, timestamp: T0 + 15 * S });
      await settle(10);
      assert.equal(d.out[0].length, 0);
    });
  });
});
