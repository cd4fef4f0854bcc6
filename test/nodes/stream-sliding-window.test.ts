import { strict as assert } from 'assert';
import { Deployed, deploy, events, fired, helper, lastStatus, restart, settle, statusSoon, until, useFileStore, values } from './stream-window-support';
import { acrossRestart, quietUntil, resetThenFlush } from './window-scenarios';
import { S, T0, fakeClockEach, unloadAfterEach } from '../support/node-test-setup';

describe('stream-sliding-window node', () => {
  unloadAfterEach();

  it('hopping: each event lands in size/slide overlapping windows', async () => {
    const d = await deploy('stream-sliding-window', { size: '10s', slide: '5s' });
    for (const m of events([
      ['k', 'a', T0 + 1 * S],
      ['k', 'b', T0 + 6 * S],
      ['k', 'c', T0 + 11 * S],
      ['k', 'end', T0 + 30 * S],
    ]))
      d.send(m);
    await until(() => d.out[0].length === 4, 'four windows');
    assert.deepEqual(
      d.out[0].map((m) => [(m.window.start - T0) / S, (m.window.end - T0) / S, values(m).join('')]),
      [
        [-5, 5, 'a'],
        [0, 10, 'ab'],
        [5, 15, 'bc'],
        [10, 20, 'c'],
      ],
    );
    assert.equal(d.out[0][1].window.type, 'sliding');
  });

  it('slide "event": a window for every change, with the events of the last size', async () => {
    const d = await deploy('stream-sliding-window', { size: '10s', slide: 'event', bounds: '(start,end]' });
    for (const m of events([
      ['k', 1, T0 + 1 * S],
      ['k', 2, T0 + 5 * S],
      ['k', 3, T0 + 12 * S],
      ['k', 4, T0 + 16 * S],
    ]))
      d.send(m);
    d.send({ flush: true });
    await until(() => d.out[0].length === 7, 'seven windows');
    // An event entering (1, 5, 12, 16 s) and an event leaving (11 = 1 + 10, 15 = 5 + 10, 22 = 12 + 10 s) each change
    // the window; flush fires the exits after the last event too (26 s leaves nothing: no window).
    assert.deepEqual(
      d.out[0].map((m) => (m.window.end - T0) / S),
      [1, 5, 11, 12, 15, 16, 22],
    );
    assert.deepEqual(d.out[0].map(values), [[1], [1, 2], [2], [2, 3], [3], [3, 4], [4]]);
  });

  it('keeps keys apart', async () => {
    const d = await deploy('stream-sliding-window', { size: '10s', slide: 'event', bounds: '(start,end]' });
    for (const m of events([
      ['a', 1, T0 + 1 * S],
      ['b', 2, T0 + 2 * S],
      ['a', 3, T0 + 3 * S],
    ]))
      d.send(m);
    d.send({ flush: true });
    await until(() => d.out[0].length === 4, 'four windows');
    assert.deepEqual(
      d.out[0].map((m) => [m.topic, values(m)]),
      [
        ['a', [1]],
        ['b', [2]],
        ['a', [1, 3]],
        ['a', [3]],
      ],
    );
  });

  it('refuses a slide longer than the size and a slide that is not a duration', async () => {
    for (const [slide, re] of [
      ['20s', /slide/],
      ['often', /slide/],
    ] as const) {
      const d = await deploy('stream-sliding-window', { size: '10s', slide });
      assert.equal(lastStatus(d.node).fill, 'red');
      assert.match(d.node.error.firstCall.args[0], re);
      d.send({ topic: 'k', payload: 1, timestamp: T0 });
      await settle();
      assert.equal(d.out[0].length, 0);
      await helper.unload();
    }
  });

  describe('late data, hopping', () => {
    // a = 1 at 1 s, b = 2 at 16 s (the watermark passes 10 s and [0,10) fires), then c = 3 at 2 s.
    const feed = (d: Deployed): void => {
      for (const m of events([
        ['k', 1, T0 + 1 * S],
        ['k', 2, T0 + 16 * S],
        ['k', 3, T0 + 2 * S],
      ]))
        d.send(m);
      d.send({ flush: true });
    };
    const onTime = ['-5..5 final [1]', '0..10 final [1]', '10..20 final [2]', '15..25 final [2]'];

    it('drop: the late event changes no window and is counted in the status', async () => {
      const d = await deploy('stream-sliding-window', { size: '10s', slide: '5s', lateData: 'drop' });
      feed(d);
      await until(() => d.out[0].length === 4, 'four windows');
      await settle();
      assert.deepEqual(fired(d.out[0], T0), onTime);
      assert.match(await statusSoon(d.node), /1 late/);
    });

    it('output: the late event leaves on port 2 with the latest window that held it and the watermark', async () => {
      const d = await deploy('stream-sliding-window', { size: '10s', slide: '5s', lateData: 'output', outputs: 2 }, 2);
      feed(d);
      await until(() => d.out[0].length === 4 && d.out[1].length === 1, 'windows and a late event');
      assert.deepEqual(fired(d.out[0], T0), onTime);
      const late = d.out[1][0];
      assert.equal(late.payload, 3);
      assert.equal(late.timestamp, T0 + 2 * S);
      assert.deepEqual(late.late, { window: { start: T0, end: T0 + 10 * S }, watermark: T0 + 16 * S });
    });

    it('update: re-fires, as late, only the windows that allowed lateness still keeps', async () => {
      // [0,10) is kept until the watermark reaches 10 + 10 s; [-5,5) only until 15 s, so it is gone.
      const d = await deploy('stream-sliding-window', { size: '10s', slide: '5s', lateData: 'update', allowedLateness: '10s' });
      feed(d);
      await until(() => d.out[0].length === 5, 'five windows');
      await settle();
      assert.deepEqual(fired(d.out[0], T0), ['-5..5 final [1]', '0..10 final [1]', '0..10 late [1,3]', '10..20 final [2]', '15..25 final [2]']);
    });

    it('update: an event beyond allowed lateness is dropped and counted', async () => {
      const d = await deploy('stream-sliding-window', { size: '10s', slide: '5s', lateData: 'update', allowedLateness: '3s' });
      feed(d);
      await until(() => d.out[0].length === 4, 'four windows');
      await settle();
      assert.deepEqual(fired(d.out[0], T0), onTime);
      assert.match(await statusSoon(d.node), /1 late/);
    });
  });

  describe('late data, slide "event"', () => {
    // 1 at 1 s and 2 at 5 s, then 3 at 20 s moves the watermark to 20 s; 4 at 3 s is behind it.
    const feed = (d: Deployed): void => {
      for (const m of events([
        ['k', 1, T0 + 1 * S],
        ['k', 2, T0 + 5 * S],
        ['k', 3, T0 + 20 * S],
        ['k', 4, T0 + 3 * S],
      ]))
        d.send(m);
      d.send({ flush: true });
    };
    const run = async (config: Record<string, unknown>, ports = 1): Promise<Deployed> => {
      const d = await deploy('stream-sliding-window', { size: '10s', slide: 'event', ...config }, ports);
      feed(d);
      await until(() => d.out[0].some((m) => m.window.end === T0 + 20 * S), 'the window at 20 s');
      await settle();
      return d;
    };

    it('the late event never enters a window, under every policy, and is counted', async () => {
      const results: string[][] = [];
      for (const lateData of ['drop', 'output', 'update']) {
        const d = await run({ lateData, allowedLateness: '1m', outputs: lateData === 'output' ? 2 : 1 }, lateData === 'output' ? 2 : 1);
        const ends = d.out[0].map((m) => (m.window.end - T0) / S);
        // Entries at 1, 5 and 20 s; the 4 at 3 s is in none of them.
        for (const t of [1, 5, 20]) assert.ok(ends.includes(t), `a window ends at the entry at ${t} s (${lateData})`);
        assert.ok(!ends.includes(3), `no window for the late event (${lateData})`);
        assert.ok(
          d.out[0].every((m) => !values(m).includes(4) && m.window.firing === 'final'),
          `only final windows without the late event (${lateData})`,
        );
        assert.match(await statusSoon(d.node), /1 late/);
        results.push(fired(d.out[0], T0));
        await helper.unload();
      }
      assert.deepEqual(results[1], results[0]);
      assert.deepEqual(results[2], results[0]);
    });

    it('output: sends the late event on port 2 with the window it would have ended', async () => {
      const d = await run({ lateData: 'output', outputs: 2 }, 2);
      assert.equal(d.out[1].length, 1);
      assert.equal(d.out[1][0].payload, 4);
      assert.deepEqual(d.out[1][0].late, { window: { start: T0 - 7 * S, end: T0 + 3 * S }, watermark: T0 + 20 * S });
    });
  });

  describe('emit strategies', () => {
    it('hopping, emit update: a running result of every window an event changed, then the final ones', async () => {
      const d = await deploy('stream-sliding-window', { size: '10s', slide: '5s', emit: 'update' });
      for (const m of events([
        ['k', 1, T0 + 1 * S],
        ['k', 2, T0 + 6 * S],
      ]))
        d.send(m);
      d.send({ flush: true });
      await until(() => d.out[0].length === 7, 'seven results');
      await settle();
      assert.deepEqual(fired(d.out[0], T0), [
        '-5..5 update [1]',
        '0..10 update [1]',
        '-5..5 final [1]',
        '0..10 update [1,2]',
        '5..15 update [2]',
        '0..10 final [1,2]',
        '5..15 final [2]',
      ]);
    });

    it('slide "event", emit update: every window still fires once, final and complete', async () => {
      const input = events([
        ['k', 1, T0 + 1 * S],
        ['k', 2, T0 + 5 * S],
        ['k', 3, T0 + 12 * S],
        ['k', 4, T0 + 30 * S],
      ]);
      const runWith = async (emit: string): Promise<string[]> => {
        const d = await deploy('stream-sliding-window', { size: '10s', slide: 'event', emit });
        input.forEach((m) => d.send({ ...m }));
        d.send({ flush: true });
        await until(() => d.out[0].some((m) => m.window.end === T0 + 30 * S), 'the last entry');
        await settle();
        await helper.unload();
        return fired(d.out[0], T0);
      };
      const final = await runWith('final');
      const update = await runWith('update');
      assert.deepEqual(update, final);
      assert.ok(final.every((line) => / final /.test(line)));
      for (const end of [1, 5, 12, 30])
        assert.ok(
          final.some((line) => line.includes(`..${end} final`)),
          `an entry at ${end} s`,
        );
    });
  });

  describe('control messages', () => {
    it('hopping: msg.reset with a topic drops one key, msg.flush fires the others, msg.reset alone drops all', async () => {
      const d = await deploy('stream-sliding-window', { size: '1h', slide: '30m' });
      for (const m of events([
        ['a', 1, T0],
        ['b', 2, T0],
        ['c', 3, T0],
      ]))
        d.send(m);
      resetThenFlush(d, 'b');
      await until(() => d.out[0].length === 4, 'two windows of a and c each');
      await settle();
      assert.deepEqual(d.out[0].map((m) => `${m.topic} ${(m.window.start - T0) / S} ${values(m)}`).sort(), ['a -1800 1', 'a 0 1', 'c -1800 3', 'c 0 3']);
      d.send({ topic: 'a', payload: 4, timestamp: T0 + 1 });
      resetThenFlush(d);
      await settle();
      assert.equal(d.out[0].length, 4, 'msg.reset without a topic dropped everything');
      // After a full reset the watermark starts again: an event far behind is on time.
      d.send({ topic: 'a', payload: 5, timestamp: T0 - 3600 * S });
      d.send({ flush: true });
      await until(() => d.out[0].length === 6, 'the windows of the event after the reset');
      assert.deepEqual(d.out[0].slice(4).map(values), [[5], [5]]);
      assert.equal(d.caught.length, 0, 'control messages are not events');
    });

    it('slide "event": msg.flush lets buffered events enter, msg.reset with a topic drops that key', async () => {
      // With maxOutOfOrder 1 h every event waits in the buffer for the watermark.
      const d = await deploy('stream-sliding-window', { size: '10s', slide: 'event', maxOutOfOrder: '1h' });
      for (const m of events([
        ['a', 1, T0],
        ['b', 2, T0 + 1],
        ['c', 3, T0 + 2],
        ['a', 4, T0 + 5 * S],
      ]))
        d.send(m);
      await settle();
      assert.equal(d.out[0].length, 0);
      resetThenFlush(d, 'b');
      await until(() => d.out[0].length === 4, 'the entries of a and c and the exit of a 1');
      await settle();
      assert.deepEqual(
        d.out[0].map((m) => `${m.topic} ${values(m)}`),
        ['a 1', 'a 1,4', 'a 4', 'c 3'],
      );
      d.send({ topic: 'a', payload: 5, timestamp: T0 + 6 * S });
      resetThenFlush(d);
      await settle();
      assert.equal(d.out[0].length, 4);
    });
  });

  it('keeps keys apart in hopping windows', async () => {
    const d = await deploy('stream-sliding-window', { size: '10s', slide: '5s' });
    for (const m of events([
      ['a', 1, T0 + 1 * S],
      ['b', 2, T0 + 2 * S],
      ['a', 3, T0 + 7 * S],
      ['b', 4, T0 + 8 * S],
      ['a', 5, T0 + 12 * S],
    ]))
      d.send(m);
    d.send({ flush: true });
    await until(() => d.out[0].length === 7, 'seven windows');
    const byKey = (k: string) =>
      fired(
        d.out[0].filter((m) => m.topic === k),
        T0,
      ).sort();
    assert.deepEqual(byKey('a'), ['-5..5 final [1]', '0..10 final [1,3]', '10..20 final [5]', '5..15 final [3,5]']);
    assert.deepEqual(byKey('b'), ['-5..5 final [2]', '0..10 final [2,4]', '5..15 final [4]'].sort());
    assert.ok(d.out[0].every((m) => m.window.key === m.topic));
  });

  it('slide "event": an event beyond maxEventsPerWindow is dropped and shown', async () => {
    const d = await deploy('stream-sliding-window', { size: '10s', slide: 'event', maxEventsPerWindow: '2' });
    for (const m of events([
      ['k', 1, T0 + 1 * S],
      ['k', 2, T0 + 2 * S],
      ['k', 3, T0 + 3 * S],
      ['k', 4, T0 + 12 * S],
    ]))
      d.send(m);
    d.send({ flush: true });
    await until(() => d.out[0].some((m) => m.window.end === T0 + 12 * S), 'the entry at 12 s');
    assert.ok(
      d.out[0].every((m) => m.payload.length <= 2 && !values(m).includes(3)),
      fired(d.out[0], T0).join(' | '),
    );
    assert.deepEqual(values(d.out[0][d.out[0].length - 1]), [4]);
    assert.match(await statusSoon(d.node), /1 dropped by limit/);
  });

  describe('persistence', () => {
    it('hopping: panes survive a restart with a file context store', async () => {
      const d = await acrossRestart(
        'stream-sliding-window',
        { size: '10s', slide: '5s' },
        events([
          ['a', 1, T0 + 1 * S],
          ['a', 2, T0 + 2 * S],
          ['b', 3, T0 + 3 * S],
        ]),
      );
      d.send({ topic: 'a', payload: 4, timestamp: T0 + 4 * S });
      d.send({ topic: 'a', payload: 5, timestamp: T0 + 16 * S });
      await until(() => d.out[0].length === 4, 'the restored windows');
      await settle();
      assert.deepEqual(d.out[0].map((m) => `${m.topic} ${fired([m], T0)[0]}`).sort(), [
        'a -5..5 final [1,2,4]',
        'a 0..10 final [1,2,4]',
        'b -5..5 final [3]',
        'b 0..10 final [3]',
      ]);
    });

    it('slide "event": buffered events survive a restart and enter in time order', async () => {
      useFileStore();
      await deploy('stream-sliding-window', { size: '10s', slide: 'event', maxOutOfOrder: '10s', store: 'file' });
      let d = await restart(1);
      for (const m of events([
        ['k', 2, T0 + 2 * S],
        ['k', 1, T0 + 1 * S],
      ]))
        d.send(m);
      await settle();
      assert.equal(d.out[0].length, 0, 'the watermark has reached neither event');
      d = await restart(1);
      // The watermark (3 s) passes both restored entries.
      d.send({ topic: 'k', payload: 3, timestamp: T0 + 13 * S });
      await until(() => d.out[0].length === 2, 'the two restored entries');
      await settle();
      assert.deepEqual(fired(d.out[0], T0), ['-9..1 final [1]', '-8..2 final [1,2]']);
    });
  });

  describe('processing time (fake timers)', () => {
    const clock = fakeClockEach(T0);
    const BASE = T0 - 3600 * S;

    it('hopping: idleTimeout closes every window of a quiet stream, the last one too', async () => {
      const d = await deploy('stream-sliding-window', { size: '10s', slide: '5s', idleTimeout: '30s' });
      d.send({ topic: 'a', payload: 1, timestamp: BASE + 1 * S });
      d.send({ topic: 'b', payload: 2, timestamp: BASE + 7 * S });
      await settle();
      clock.tick(29999);
      await settle();
      assert.equal(d.out[0].length, 1, 'only [-5,5) of a, closed by the watermark at 7 s');
      clock.tick(1);
      await until(() => d.out[0].length === 4, 'the idle close');
      await settle();
      assert.deepEqual(
        d.out[0].map((m) => `${m.topic} ${fired([m], BASE)[0]}`),
        ['a -5..5 final [1]', 'a 0..10 final [1]', 'b 0..10 final [2]', 'b 5..15 final [2]'],
      );
    });

    it('slide "event": idleTimeout lets buffered events enter and leave', async () => {
      const d = await deploy('stream-sliding-window', { size: '10s', slide: 'event', maxOutOfOrder: '5s', idleTimeout: '30s' });
      d.send({ topic: 'k', payload: 1, timestamp: BASE + 1 * S });
      d.send({ topic: 'k', payload: 2, timestamp: BASE + 3 * S });
      await settle();
      await quietUntil(clock, d, 30000);
      await until(() => d.out[0].length >= 2, 'the idle close');
      await settle();
      const lines = fired(d.out[0], BASE);
      assert.deepEqual(lines.slice(0, 2), ['-9..1 final [1]', '-7..3 final [1,2]']);
      // Whether exits are emitted or not, nothing may be left open.
      assert.ok(
        lines.slice(2).every((l) => l === '1..11 final [2]'),
        lines.join(' | '),
      );
      assert.match(await statusSoon(d.node), /0 open/);
    });

    it('hopping, emit early: every earlyEvery, each open window that changed', async () => {
      const d = await deploy('stream-sliding-window', { size: '1m', slide: '30s', emit: 'early', earlyEvery: '10s' });
      d.send({ topic: 'k', payload: 1, timestamp: T0 });
      clock.tick(10000);
      await until(() => d.out[0].length === 2, 'early results of both windows');
      d.send({ topic: 'k', payload: 2, timestamp: T0 + 40 * S });
      await settle();
      clock.tick(10000);
      await until(() => d.out[0].length === 5, 'a final and two early results');
      clock.tick(10000);
      await settle();
      assert.deepEqual(fired(d.out[0], T0), ['-30..30 early [1]', '0..60 early [1]', '-30..30 final [1]', '0..60 early [1,2]', '30..90 early [2]']);
    });

    it('slide "event", emit early: no early results, each window fires once when complete', async () => {
      const d = await deploy('stream-sliding-window', { size: '10s', slide: 'event', maxOutOfOrder: '5s', emit: 'early', earlyEvery: '10s' });
      d.send({ topic: 'k', payload: 1, timestamp: T0 });
      clock.tick(30000);
      await settle();
      assert.equal(d.out[0].length, 0, 'the event waits for the watermark, early or not');
      d.send({ topic: 'k', payload: 2, timestamp: T0 + 5 * S + 1 }); // the watermark passes 0 s
      await until(() => d.out[0].length === 1, 'the entry at 0 s');
      clock.tick(30000);
      await settle();
      assert.deepEqual(fired(d.out[0], T0), ['-10..0 final [1]']);
    });

    it('processing time: hopping windows close on the clock', async () => {
      const d = await deploy('stream-sliding-window', { size: '10s', slide: '5s', timeMode: 'processing' });
      d.send({ topic: 'k', payload: 1 });
      clock.tick(6000);
      d.send({ topic: 'k', payload: 2 });
      await settle();
      assert.deepEqual(fired(d.out[0], T0), ['-5..5 final [1]']);
      clock.tick(4000);
      await until(() => d.out[0].length === 2, '[0,10)');
      clock.tick(5000);
      await until(() => d.out[0].length === 3, '[5,15)');
      assert.deepEqual(fired(d.out[0], T0), ['-5..5 final [1]', '0..10 final [1,2]', '5..15 final [2]']);
    });
  });
});
