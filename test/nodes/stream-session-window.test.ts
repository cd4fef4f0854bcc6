import { strict as assert } from 'assert';
import * as sinon from 'sinon';
import { deploy, events, helper, lastStatus, settle, until, values } from './stream-window-support';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const S = 1000;

describe('stream-session-window node', () => {
  afterEach(() => helper.unload());

  it('closes a key\'s session after an inactivity gap', async () => {
    const d = await deploy('stream-session-window', { gap: '5s' });
    for (const m of events([['a', 1, T0], ['a', 2, T0 + 3 * S], ['b', 9, T0 + 4 * S], ['a', 3, T0 + 7 * S], ['a', 4, T0 + 20 * S]])) d.send(m);
    await until(() => d.out[0].length === 2, 'two sessions');
    const a = d.out[0].find((m) => m.topic === 'a')!;
    assert.deepEqual(values(a), [1, 2, 3]);
    assert.deepEqual(a.window, { type: 'session', key: 'a', start: T0, end: T0 + 12 * S, count: 3, firing: 'final' });
    assert.deepEqual(values(d.out[0].find((m) => m.topic === 'b')!), [9]);
  });

  it('merges two sessions bridged by an out-of-order event', async () => {
    const d = await deploy('stream-session-window', { gap: '5s', maxOutOfOrder: '10s' });
    for (const m of events([['k', 1, T0], ['k', 3, T0 + 8 * S], ['k', 2, T0 + 4 * S], ['k', 4, T0 + 40 * S]])) d.send(m);
    await until(() => d.out[0].length === 1, 'one merged session');
    assert.deepEqual(values(d.out[0][0]), [1, 2, 3]);
  });

  it('splits a session at maxDuration', async () => {
    const d = await deploy('stream-session-window', { gap: '5s', maxDuration: '10s' });
    for (let i = 0; i <= 12; i += 2) d.send({ topic: 'k', payload: i, timestamp: T0 + i * S });
    d.send({ topic: 'k', payload: 'x', timestamp: T0 + 60 * S });
    await until(() => d.out[0].length >= 2, 'two sessions');
    for (const m of d.out[0]) assert.ok(m.window.end - m.window.start <= 10 * S, 'no session is longer than maxDuration');
    assert.deepEqual(d.out[0].flatMap(values), [0, 2, 4, 6, 8, 10, 12]);
  });

  it('refuses a maxDuration shorter than the gap', async () => {
    const d = await deploy('stream-session-window', { gap: '1m', maxDuration: '10s' });
    assert.equal(lastStatus(d.node).fill, 'red');
    assert.match(d.node.error.firstCall.args[0], /maxDuration/);
  });

  describe('processing time (fake timers)', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    });
    afterEach(() => clock.restore());

    it('closes a session one gap after the last arrival, with no further input', async () => {
      const d = await deploy('stream-session-window', { gap: '5s', timeMode: 'processing' });
      d.send({ topic: 'k', payload: 1 });
      clock.tick(3000);
      d.send({ topic: 'k', payload: 2 });
      await settle();
      clock.tick(4999);
      await settle();
      assert.equal(d.out[0].length, 0);
      clock.tick(1);
      await until(() => d.out[0].length === 1, 'the session');
      assert.deepEqual(values(d.out[0][0]), [1, 2]);
    });
  });
});
