import { strict as assert } from 'assert';
import { deploy, helper, lastStatus, restart, settle, statusSoon, tempDir, until, useFileStore, values } from './stream-window-support';
import { quietUntil, resetThenFlush } from './window-scenarios';
import { T0, fakeClockEach, unloadAfterEach } from '../support/node-test-setup';

describe('stream-global-window node', () => {
  unloadAfterEach();

  it('fires every count events per key', async () => {
    const d = await deploy('stream-global-window', { count: '3' });
    for (let i = 0; i < 7; i++) d.send({ topic: i % 2 ? 'odd' : 'even', payload: i, timestamp: T0 + i });
    await until(() => d.out[0].length === 2, 'a full window per key');
    await settle();
    assert.equal(d.out[0].length, 2, 'the fourth even event starts a new window');
    assert.deepEqual(values(d.out[0].find((m) => m.topic === 'even')!), [0, 2, 4]);
    assert.deepEqual(values(d.out[0].find((m) => m.topic === 'odd')!), [1, 3, 5]);
    assert.equal(d.out[0][0].window.type, 'global');
    assert.equal(d.out[0][0].window.count, 3);
  });

  it('overlaps consecutive count windows', async () => {
    const d = await deploy('stream-global-window', { count: '4', overlap: '2' });
    for (let i = 0; i < 8; i++) d.send({ topic: 'k', payload: i, timestamp: T0 + i });
    await until(() => d.out[0].length === 3, 'three windows');
    assert.deepEqual(d.out[0].map(values), [
      [0, 1, 2, 3],
      [2, 3, 4, 5],
      [4, 5, 6, 7],
    ]);
  });

  it('without a count, collects until msg.flush', async () => {
    const d = await deploy('stream-global-window', { count: '' });
    for (let i = 0; i < 50; i++) d.send({ topic: 'k', payload: i, timestamp: T0 + i });
    await settle();
    assert.equal(d.out[0].length, 0);
    d.send({ flush: true });
    await until(() => d.out[0].length === 1, 'the flushed window');
    assert.equal(d.out[0][0].payload.length, 50);
  });

  it('refuses an overlap not smaller than the count', async () => {
    const d = await deploy('stream-global-window', { count: '3', overlap: '3' });
    assert.equal(lastStatus(d.node).fill, 'red');
    assert.match(d.node.error.firstCall.args[0], /overlap/);
  });

  it('keeps a partly filled count window across a redeploy with a store', async () => {
    helper.settings({ contextStorage: { file: { module: 'localfilesystem', config: { dir: tempDir() } } } });
    await deploy('stream-global-window', { count: '3', store: 'file' });
    let d = await restart(1);
    d.send({ topic: 'k', payload: 'a', timestamp: T0 });
    d.send({ topic: 'k', payload: 'b', timestamp: T0 + 1 });
    await settle();
    d = await restart(1);
    d.send({ topic: 'k', payload: 'c', timestamp: T0 + 2 });
    await until(() => d.out[0].length === 1, 'the window completed after the restart');
    assert.deepEqual(values(d.out[0][0]), ['a', 'b', 'c']);
  });

  it('has no late events under any policy: count windows follow arrival order, not event time', async () => {
    for (const lateData of ['drop', 'output', 'update']) {
      const ports = lateData === 'output' ? 2 : 1;
      const d = await deploy('stream-global-window', { count: '2', lateData, allowedLateness: '1s', outputs: ports }, ports);
      for (const [v, t] of [
        [1, T0 + 10000],
        [2, T0 + 20000],
        [3, T0],
        [4, T0 - 3600000],
      ])
        d.send({ topic: 'k', payload: v, timestamp: t });
      await until(() => d.out[0].length === 2, `two windows (${lateData})`);
      await settle();
      assert.deepEqual(
        d.out[0].map((m) => [values(m), m.window.start - T0, m.window.end - T0, m.window.firing]),
        [
          [[1, 2], 10000, 20000, 'final'],
          // start and end are the event-time range of the window's events.
          [[4, 3], -3600000, 0, 'final'],
        ],
        lateData,
      );
      if (ports === 2) assert.equal(d.out[1].length, 0);
      assert.doesNotMatch(await statusSoon(d.node), /late/);
      await helper.unload();
    }
  });

  it('emit update with overlap: every open window reports each event, a full one fires final', async () => {
    const d = await deploy('stream-global-window', { count: '3', overlap: '1', emit: 'update' });
    for (let i = 1; i <= 5; i++) d.send({ topic: 'k', payload: i, timestamp: T0 + i });
    await until(() => d.out[0].length === 9, 'nine results');
    await settle();
    assert.deepEqual(
      d.out[0].map((m) => `${m.window.firing} ${values(m)}`),
      ['update 1', 'update 1,2', 'update 1,2,3', 'update 3', 'final 1,2,3', 'update 3,4', 'update 3,4,5', 'update 5', 'final 3,4,5'],
    );
  });

  it('count with overlap keeps keys apart and flushes the partly filled windows', async () => {
    const d = await deploy('stream-global-window', { count: '3', overlap: '2' });
    for (let i = 0; i < 8; i++) d.send({ topic: i % 2 ? 'b' : 'a', payload: i, timestamp: T0 + i });
    await until(() => d.out[0].length === 4, 'two full windows per key');
    d.send({ flush: true });
    await until(() => d.out[0].length === 8, 'the partly filled ones');
    const byKey = (k: string) => d.out[0].filter((m) => m.topic === k).map(values);
    // A window opens with every event (step 1): each full window is three consecutive events.
    assert.deepEqual(byKey('a'), [[0, 2, 4], [2, 4, 6], [4, 6], [6]]);
    assert.deepEqual(byKey('b'), [[1, 3, 5], [3, 5, 7], [5, 7], [7]]);
  });

  it('msg.reset with a topic drops that key and restarts its count; msg.reset alone drops all', async () => {
    const d = await deploy('stream-global-window', { count: '3' });
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['b', 4],
    ] as const)
      d.send({ topic: k, payload: v, timestamp: T0 });
    d.send({ reset: true, topic: 'b' });
    for (const v of [5, 6]) d.send({ topic: 'b', payload: v, timestamp: T0 });
    await settle();
    assert.equal(d.out[0].length, 0, 'b counts from zero after its reset');
    d.send({ flush: true });
    await until(() => d.out[0].length === 3, 'three flushed windows');
    assert.deepEqual(d.out[0].map((m) => `${m.topic} ${values(m)}`).sort(), ['a 1', 'b 5,6', 'c 3']);
    d.send({ topic: 'a', payload: 7, timestamp: T0 });
    resetThenFlush(d);
    await settle();
    assert.equal(d.out[0].length, 3, 'msg.reset without a topic dropped everything');
    assert.equal(d.caught.length, 0);
  });

  it('keeps overlapping count windows across a restart with a store', async () => {
    useFileStore();
    await deploy('stream-global-window', { count: '4', overlap: '2', store: 'file' });
    let d = await restart(1);
    for (const v of [1, 2, 3]) d.send({ topic: 'k', payload: v, timestamp: T0 + v });
    await settle();
    d = await restart(1);
    for (const v of [4, 5, 6]) d.send({ topic: 'k', payload: v, timestamp: T0 + v });
    await until(() => d.out[0].length === 2, 'two windows completed after the restart');
    assert.deepEqual(d.out[0].map(values), [
      [1, 2, 3, 4],
      [3, 4, 5, 6],
    ]);
  });

  describe('flush interval (fake timers)', () => {
    const clock = fakeClockEach(T0);

    it('flushes every flushEvery of processing time', async () => {
      const d = await deploy('stream-global-window', { count: '', flushEvery: '1m' });
      d.send({ topic: 'k', payload: 1, timestamp: T0 });
      d.send({ topic: 'k', payload: 2, timestamp: T0 + 1 });
      await settle();
      clock.tick(60000);
      await until(() => d.out[0].length === 1, 'the first flush');
      d.send({ topic: 'k', payload: 3, timestamp: T0 + 2 });
      await settle();
      clock.tick(60000);
      await until(() => d.out[0].length === 2, 'the second flush');
      assert.deepEqual(d.out[0].map(values), [[1, 2], [3]]);
    });

    it('with a count, flushEvery fires the partly filled windows and the count starts again', async () => {
      const d = await deploy('stream-global-window', { count: '3', flushEvery: '1m' });
      d.send({ topic: 'k', payload: 1, timestamp: T0 });
      d.send({ topic: 'k', payload: 2, timestamp: T0 + 1 });
      await settle();
      clock.tick(60000);
      await until(() => d.out[0].length === 1, 'the flush');
      for (const v of [3, 4, 5]) d.send({ topic: 'k', payload: v, timestamp: T0 + v });
      await until(() => d.out[0].length === 2, 'a full window');
      clock.tick(60000);
      await settle();
      assert.deepEqual(
        d.out[0].map(values),
        [
          [1, 2],
          [3, 4, 5],
        ],
        'nothing left to flush the second time',
      );
    });

    it('stops flushing when the flow stops', async () => {
      const d = await deploy('stream-global-window', { count: '', flushEvery: '1m' });
      d.send({ topic: 'k', payload: 1, timestamp: T0 });
      await settle();
      await helper.unload();
      assert.equal(clock.countTimers(), 0, 'no timer left behind');
      assert.equal(d.out[0].length, 0);
    });

    it('idleTimeout flushes the open windows of a quiet stream', async () => {
      const d = await deploy('stream-global-window', { count: '10', idleTimeout: '30s' });
      d.send({ topic: 'a', payload: 1, timestamp: T0 });
      d.send({ topic: 'b', payload: 2, timestamp: T0 });
      clock.tick(10000);
      d.send({ topic: 'a', payload: 3, timestamp: T0 });
      await settle();
      await quietUntil(clock, d, 30000, 'input 10 s in restarted the idle clock');
      await until(() => d.out[0].length === 2, 'the idle flush');
      assert.deepEqual(d.out[0].map((m) => `${m.topic} ${values(m)}`).sort(), ['a 1,3', 'b 2']);
    });

    it('emit early: every earlyEvery, the windows that changed since the last one', async () => {
      const d = await deploy('stream-global-window', { count: '10', emit: 'early', earlyEvery: '10s' });
      d.send({ topic: 'k', payload: 1, timestamp: T0 });
      clock.tick(10000);
      await until(() => d.out[0].length === 1, 'an early result');
      clock.tick(10000);
      await settle();
      assert.equal(d.out[0].length, 1, 'nothing changed');
      d.send({ topic: 'k', payload: 2, timestamp: T0 });
      clock.tick(10000);
      await until(() => d.out[0].length === 2, 'a second early result');
      assert.deepEqual(
        d.out[0].map((m) => `${m.window.firing} ${values(m)}`),
        ['early 1', 'early 1,2'],
      );
    });
  });
});
