import { strict as assert } from 'assert';
import * as sinon from 'sinon';
import { deploy, helper, lastStatus, restart, settle, tempDir, until, values } from './stream-window-support';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

describe('stream-global-window node', () => {
  afterEach(async () => {
    await helper.unload();
    helper.settings({ contextStorage: undefined });
  });

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
    assert.deepEqual(d.out[0].map(values), [[0, 1, 2, 3], [2, 3, 4, 5], [4, 5, 6, 7]]);
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

  describe('flush interval (fake timers)', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    });
    afterEach(() => clock.restore());

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
  });
});
