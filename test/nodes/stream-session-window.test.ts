import { strict as assert } from 'assert';
import { Deployed, deploy, events, fired, helper, lastStatus, restart, settle, statusSoon, until, useFileStore, values } from './stream-window-support';
import { acrossRestart, quietUntil, resetThenFlush } from './window-scenarios';
import { S, T0, fakeClockEach, unloadAfterEach } from '../support/node-test-setup';

describe('stream-session-window node', () => {
  unloadAfterEach();

  it("closes a key's session after an inactivity gap", async () => {
    const d = await deploy('stream-session-window', { gap: '5s' });
    for (const m of events([
      ['a', 1, T0],
      ['a', 2, T0 + 3 * S],
      ['b', 9, T0 + 4 * S],
      ['a', 3, T0 + 7 * S],
      ['a', 4, T0 + 20 * S],
    ]))
      d.send(m);
    await until(() => d.out[0].length === 2, 'two sessions');
    const a = d.out[0].find((m) => m.topic === 'a')!;
    assert.deepEqual(values(a), [1, 2, 3]);
    assert.deepEqual(a.window, { type: 'session', key: 'a', start: T0, end: T0 + 12 * S, count: 3, firing: 'final' });
    assert.deepEqual(values(d.out[0].find((m) => m.topic === 'b')!), [9]);
  });

  it('merges two sessions bridged by an out-of-order event', async () => {
    const d = await deploy('stream-session-window', { gap: '5s', maxOutOfOrder: '10s' });
    for (const m of events([
      ['k', 1, T0],
      ['k', 3, T0 + 8 * S],
      ['k', 2, T0 + 4 * S],
      ['k', 4, T0 + 40 * S],
    ]))
      d.send(m);
    await until(() => d.out[0].length === 1, 'one merged session');
    assert.deepEqual(values(d.out[0][0]), [1, 2, 3]);
  });

  it('checks maxDuration at its multiples: cuts a session that lasted it, not one that started just before the check', async () => {
    const d = await deploy('stream-session-window', { gap: '5s', maxDuration: '10s' });
    // Key a starts on a check instant (T0 is a multiple of 10 s): cut at 10 s. Key b starts at 13 s: the check at
    // 20 s finds it 7 s long, and the gap closes it at 26 s, 13 s long.
    for (let i = 0; i <= 12; i += 2) d.send({ topic: 'a', payload: i, timestamp: T0 + i * S });
    for (const i of [13, 15, 17, 19, 21]) d.send({ topic: 'b', payload: i, timestamp: T0 + i * S });
    d.send({ topic: 'c', payload: 'x', timestamp: T0 + 60 * S });
    await until(() => d.out[0].length === 3, 'three sessions');
    assert.deepEqual(
      d.out[0].map((m) => [m.topic, (m.window.start - T0) / S, (m.window.end - T0) / S, values(m).join(',')]),
      [
        ['a', 0, 10, '0,2,4,6,8'],
        ['a', 10, 17, '10,12'],
        ['b', 13, 26, '13,15,17,19,21'],
      ],
    );
  });

  it('refuses a maxDuration shorter than the gap', async () => {
    const d = await deploy('stream-session-window', { gap: '1m', maxDuration: '10s' });
    assert.equal(lastStatus(d.node).fill, 'red');
    assert.match(d.node.error.firstCall.args[0], /maxDuration/);
  });

  it('bounds memory: events beyond maxEventsPerWindow and of keys beyond maxKeys are dropped and shown', async () => {
    const d = await deploy('stream-session-window', { gap: '5s', maxEventsPerWindow: '2', maxKeys: '1' });
    for (const m of events([
      ['k', 1, T0 + 1 * S],
      ['k', 2, T0 + 2 * S],
      ['k', 3, T0 + 3 * S],
      ['j', 4, T0 + 4 * S],
    ]))
      d.send(m);
    const status = await statusSoon(d.node);
    await until(() => d.out[0].length === 1, 'the flushed session');
    assert.deepEqual(
      d.out[0].map((m) => [m.topic, values(m), m.window.count]),
      [['k', [1, 2], 2]],
    );
    assert.match(status, /2 dropped by limit/);
    assert.equal(lastStatus(d.node).fill, 'yellow');
  });

  describe('late data', () => {
    // Key a: 1 at 0 s and 2 at 2 s form [0,7); b: 9 at 3 s. 3 at 20 s closes both; then 4 at 1 s
    // would join a's fired session.
    const feed = (d: Deployed): void => {
      for (const m of events([
        ['a', 1, T0],
        ['a', 2, T0 + 2 * S],
        ['b', 9, T0 + 3 * S],
        ['a', 3, T0 + 20 * S],
        ['a', 4, T0 + 1 * S],
      ]))
        d.send(m);
      d.send({ flush: true });
    };
    const lines = (d: Deployed): string[] => d.out[0].map((m) => `${m.topic} ${fired([m], T0)[0]}`);

    it('drop: the late event joins nothing and is counted in the status', async () => {
      const d = await deploy('stream-session-window', { gap: '5s', lateData: 'drop' });
      feed(d);
      await until(() => d.out[0].length === 3, 'three sessions');
      await settle();
      assert.deepEqual(lines(d).sort(), ['a 0..7 final [1,2]', 'a 20..25 final [3]', 'b 3..8 final [9]']);
      assert.match(await statusSoon(d.node), /1 late/);
    });

    it('output: the late event leaves on port 2 with the session it would have formed and the watermark', async () => {
      const d = await deploy('stream-session-window', { gap: '5s', lateData: 'output', outputs: 2 }, 2);
      feed(d);
      await until(() => d.out[0].length === 3 && d.out[1].length === 1, 'sessions and a late event');
      assert.deepEqual(lines(d).sort(), ['a 0..7 final [1,2]', 'a 20..25 final [3]', 'b 3..8 final [9]']);
      const late = d.out[1][0];
      assert.equal(late.topic, 'a');
      assert.equal(late.payload, 4);
      assert.deepEqual(late.late, { window: { start: T0 + 1 * S, end: T0 + 6 * S }, watermark: T0 + 20 * S });
    });

    it('update: the fired session takes the late event and fires again as late, within allowed lateness', async () => {
      const d = await deploy('stream-session-window', { gap: '5s', lateData: 'update', allowedLateness: '30s' });
      feed(d);
      await until(() => d.out[0].length === 4, 'four results');
      await settle();
      const a = lines(d).filter((l) => l.startsWith('a '));
      assert.deepEqual(a, ['a 0..7 final [1,2]', 'a 0..7 late [1,4,2]', 'a 20..25 final [3]']);
      assert.match(await statusSoon(d.node), /1 late/);
    });

    it('update: a late event that bridges two fired sessions merges them into one late result', async () => {
      const d = await deploy('stream-session-window', { gap: '5s', lateData: 'update', allowedLateness: '1m' });
      for (const m of events([
        ['k', 1, T0],
        ['k', 2, T0 + 8 * S],
        ['k', 3, T0 + 30 * S],
        ['k', 4, T0 + 4 * S],
      ]))
        d.send(m);
      await until(() => d.out[0].length === 3, 'two sessions and a merged correction');
      await settle();
      assert.deepEqual(fired(d.out[0], T0), ['0..5 final [1]', '8..13 final [2]', '0..13 late [1,4,2]']);
    });

    it('update: beyond allowed lateness the event is dropped and counted', async () => {
      const d = await deploy('stream-session-window', { gap: '5s', lateData: 'update', allowedLateness: '2s' });
      feed(d);
      await until(() => d.out[0].length === 3, 'three sessions');
      await settle();
      assert.deepEqual(lines(d).sort(), ['a 0..7 final [1,2]', 'a 20..25 final [3]', 'b 3..8 final [9]']);
      assert.match(await statusSoon(d.node), /1 late/);
    });
  });

  it('emit update: a running result after every event, then the final one', async () => {
    const d = await deploy('stream-session-window', { gap: '5s', emit: 'update' });
    for (const m of events([
      ['a', 1, T0],
      ['a', 2, T0 + 2 * S],
      ['b', 7, T0 + 3 * S],
      ['a', 3, T0 + 20 * S],
    ]))
      d.send(m);
    await until(() => d.out[0].length === 6, 'six results');
    await settle();
    assert.deepEqual(
      d.out[0].map((m) => `${m.topic} ${fired([m], T0)[0]}`),
      ['a 0..5 update [1]', 'a 0..7 update [1,2]', 'b 3..8 update [7]', 'a 0..7 final [1,2]', 'b 3..8 final [7]', 'a 20..25 update [3]'],
    );
  });

  it("msg.reset with a topic drops that key's session, msg.flush fires the others, msg.reset alone drops all", async () => {
    const d = await deploy('stream-session-window', { gap: '1h' });
    for (const m of events([
      ['a', 1, T0],
      ['b', 2, T0],
      ['c', 3, T0],
      ['a', 4, T0 + 1 * S],
    ]))
      d.send(m);
    resetThenFlush(d, 'b');
    await until(() => d.out[0].length === 2, 'two flushed sessions');
    await settle();
    assert.deepEqual(d.out[0].map((m) => `${m.topic} ${values(m)}`).sort(), ['a 1,4', 'c 3']);
    // A reset key starts afresh: its next event opens a new session.
    d.send({ topic: 'b', payload: 5, timestamp: T0 + 2 * S });
    d.send({ topic: 'c', payload: 6, timestamp: T0 + 2 * S });
    resetThenFlush(d);
    await settle();
    assert.equal(d.out[0].length, 2, 'msg.reset without a topic dropped everything');
    assert.equal(d.caught.length, 0);
  });

  it('keeps open sessions across a restart with a file context store', async () => {
    const d = await acrossRestart(
      'stream-session-window',
      { gap: '5s' },
      events([
        ['a', 1, T0],
        ['a', 2, T0 + 2 * S],
        ['b', 3, T0 + 1 * S],
      ]),
    );
    d.send({ topic: 'a', payload: 4, timestamp: T0 + 5 * S });
    d.send({ topic: 'a', payload: 5, timestamp: T0 + 30 * S });
    await until(() => d.out[0].length === 2, 'the restored sessions');
    await settle();
    assert.deepEqual(d.out[0].map((m) => `${m.topic} ${fired([m], T0)[0]}`).sort(), ['a 0..10 final [1,2,4]', 'b 1..6 final [3]']);
  });

  describe('processing time (fake timers)', () => {
    const clock = fakeClockEach(T0);

    it('closes a session one gap after the last arrival, with no further input', async () => {
      const d = await deploy('stream-session-window', { gap: '5s', timeMode: 'processing' });
      d.send({ topic: 'k', payload: 1 });
      clock.tick(3000);
      d.send({ topic: 'k', payload: 2 });
      await settle();
      await quietUntil(clock, d, 5000);
      await until(() => d.out[0].length === 1, 'the session');
      assert.deepEqual(values(d.out[0][0]), [1, 2]);
    });

    const BASE = T0 - 3600 * S;

    it("idleTimeout closes every key's session when the stream goes quiet", async () => {
      const d = await deploy('stream-session-window', { gap: '5s', idleTimeout: '30s' });
      for (const m of events([
        ['a', 1, BASE],
        ['b', 2, BASE + 1 * S],
        ['a', 3, BASE + 3 * S],
      ]))
        d.send(m);
      await settle();
      await quietUntil(clock, d, 30000);
      await until(() => d.out[0].length === 2, 'the idle close');
      assert.deepEqual(d.out[0].map((m) => `${m.topic} ${fired([m], BASE)[0]}`).sort(), ['a 0..8 final [1,3]', 'b 1..6 final [2]']);
      // The stream is on time again afterwards: a new event opens a new session.
      d.send({ topic: 'a', payload: 4, timestamp: BASE + 20 * S });
      d.send({ flush: true });
      await until(() => d.out[0].length === 3, 'the next session');
      assert.deepEqual(fired(d.out[0].slice(2), BASE), ['20..25 final [4]']);
    });

    it('processing time: a session whose gap ran out while the flow was stopped fires right after the restart', async () => {
      useFileStore();
      await deploy('stream-session-window', { gap: '5s', timeMode: 'processing', store: 'file' });
      let d = await restart(1);
      d.send({ topic: 'k', payload: 1 });
      clock.tick(2000);
      d.send({ topic: 'k', payload: 2 });
      await settle();
      await helper._redNodes.stopFlows();
      clock.tick(60000);
      d = await restart(1);
      // The overdue wake-up is a 0 ms timer, armed once the saved state has been read back.
      for (let i = 0; i < 50 && d.out[0].length === 0; i++) {
        await settle();
        clock.tick(0);
      }
      await until(() => d.out[0].length === 1, 'the overdue session');
      assert.deepEqual(fired(d.out[0], T0), ['0..7 final [1,2]']);
    });

    it('emit early: every earlyEvery, the sessions that changed since the last one', async () => {
      const d = await deploy('stream-session-window', { gap: '1m', emit: 'early', earlyEvery: '10s' });
      d.send({ topic: 'k', payload: 1, timestamp: T0 });
      clock.tick(10000);
      await until(() => d.out[0].length === 1, 'an early result');
      d.send({ topic: 'k', payload: 2, timestamp: T0 + 5 * S });
      clock.tick(10000);
      await until(() => d.out[0].length === 2, 'a second early result');
      clock.tick(10000);
      await settle();
      d.send({ topic: 'k', payload: 3, timestamp: T0 + 2 * 60 * S });
      await until(() => d.out[0].length === 3, 'the final result');
      assert.deepEqual(fired(d.out[0], T0), ['0..60 early [1]', '0..65 early [1,2]', '0..65 final [1,2]']);
    });
  });
});
