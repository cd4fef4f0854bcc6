import { strict as assert } from 'assert';
import * as sinon from 'sinon';
import { Msg, deploy, helper, lastStatus, restart, settle, statusSoon, tempDir, until } from './stream-window-support';

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);
const S = 1000;
const MIN = 60 * S;

const level = (name: string, value: string, extra: Msg = {}) => ({ name, rules: [{ property: 'payload.level', op: 'eq', value }], ...extra });
const reading = (topic: string, lvl: string, t: number, extra: Msg = {}) => ({ topic, payload: { level: lvl }, timestamp: T0 + t, ...extra });

describe('stream-sequence node', () => {
  afterEach(async () => {
    await helper.unload();
    helper.settings({ contextStorage: undefined });
  });

  it('three warnings in a row: one message per match with the matched events under the step name', async () => {
    const d = await deploy('stream-sequence', { steps: [level('warnings', 'warning', { times: '{3}' })], contiguity: 'strict' });
    const levels = ['warning', 'warning', 'ok', 'warning', 'warning', 'warning', 'warning'];
    levels.forEach((l, i) => d.send(reading('pump-1', l, i * S, { _msgid: `m${i}` })));
    d.send(reading('pump-2', 'warning', 0));
    await until(() => d.out[0].length === 1, 'a match');
    await settle();
    assert.equal(d.out[0].length, 1);
    const m = d.out[0][0];
    assert.equal(m.topic, 'pump-1');
    assert.equal(m._msgid, 'm5', 'the message that completed the match');
    assert.deepEqual(
      m.payload.warnings.map((r: Msg) => r.timestamp),
      [T0 + 3 * S, T0 + 4 * S, T0 + 5 * S],
    );
    assert.deepEqual(m.payload.warnings[0], { timestamp: T0 + 3 * S, topic: 'pump-1', payload: { level: 'warning' } });
    assert.deepEqual(m.sequence, { key: 'pump-1', start: T0 + 3 * S, end: T0 + 5 * S, steps: ['warnings'], timedOut: false });
  });

  it('read from Kafka partitions at uneven speeds: one watermark per partition, so the slower partition’s events still match', async () => {
    const d = await deploy('stream-sequence', { steps: [level('A', 'A'), level('B', 'B')] });
    const from = (partition: number, offset: number, msg: Msg) => ({ ...msg, kafka: { topic: 'pumps', partition, offset: String(offset), assigned: [0, 1] } });
    d.send(from(0, 0, reading('pump-1', 'A', 0)));
    // Partition 1 is read 20 minutes ahead before partition 0's next record.
    for (let i = 0; i < 20; i++) d.send(from(1, i, reading('pump-2', i % 2 ? 'B' : 'A', i * MIN)));
    d.send(from(0, 1, reading('pump-1', 'B', MIN)));
    await until(() => d.out[0].some((m) => m.topic === 'pump-1'), 'the match of pump-1');
    await settle();
    assert.deepEqual(
      d.out[0].filter((m) => m.topic === 'pump-1').map((m) => [m.sequence.start - T0, m.sequence.end - T0]),
      [[0, MIN]],
    );
    assert.deepEqual(d.caught, []);
  });

  it('A then B within 2 minutes without C in between; partial matches that time out go to port 2', async () => {
    const steps = [level('A', 'A'), level('C', 'C', { not: true }), level('B', 'B')];
    const d = await deploy('stream-sequence', { steps, within: '2m', outputs: 2 }, 2);
    d.send(reading('k1', 'A', 0));
    d.send(reading('k1', 'x', 30 * S));
    d.send(reading('k1', 'B', 90 * S));
    d.send(reading('k2', 'A', 0));
    d.send(reading('k2', 'C', 10 * S));
    d.send(reading('k2', 'B', 20 * S));
    d.send(reading('k3', 'A', 100 * S));
    d.send(reading('k4', 'x', 220 * S));
    await until(() => d.out[0].length === 1 && d.out[1].length === 1, 'a match and a timeout');
    assert.deepEqual(
      d.out[0][0].payload.A.map((r: Msg) => r.timestamp),
      [T0],
    );
    assert.deepEqual(
      d.out[0][0].payload.B.map((r: Msg) => r.timestamp),
      [T0 + 90 * S],
    );
    assert.deepEqual(Object.keys(d.out[0][0].payload), ['A', 'B']);
    assert.equal(d.out[1][0].topic, 'k3');
    assert.equal(d.out[1][0].sequence.timedOut, true);
    assert.deepEqual(Object.keys(d.out[1][0].payload), ['A']);
    assert.match(await statusSoon(d.node), /1 matched · 1 timed out/);
  });

  it('matches events that arrive out of order (within maxOutOfOrder) in event-time order', async () => {
    const d = await deploy('stream-sequence', { steps: [level('first', 'a'), level('then', 'b')], contiguity: 'strict', maxOutOfOrder: '10s' });
    d.send(reading('k', 'b', 2 * S));
    d.send(reading('k', 'a', 1 * S));
    d.send(reading('k', 'x', 12 * S));
    await until(() => d.out[0].length === 1, 'a match');
    assert.deepEqual([d.out[0][0].sequence.start, d.out[0][0].sequence.end], [T0 + S, T0 + 2 * S]);
  });

  it('reads the value property into the records conditions see', async () => {
    const d = await deploy('stream-sequence', {
      valueProperty: 'payload.t',
      steps: [{ name: 'hot', rules: [{ property: 'payload', op: 'gt', value: '30' }], times: '{2}' }],
      contiguity: 'strict',
    });
    [25, 31, 32].forEach((t, i) => d.send({ topic: 'oven', payload: { t }, timestamp: T0 + i * S }));
    await until(() => d.out[0].length === 1, 'a match');
    assert.deepEqual(
      d.out[0][0].payload.hot.map((r: Msg) => r.payload),
      [31, 32],
    );
  });

  it('reports a message without event time through done(err) and goes on', async () => {
    const d = await deploy('stream-sequence', { steps: [level('w', 'warning', { times: '{2}' })] });
    d.send({ topic: 'k', payload: { level: 'warning' } });
    d.send(reading('k', 'warning', 0));
    d.send(reading('k', 'warning', S));
    await until(() => d.caught.length === 1 && d.out[0].length === 1, 'an error and a match');
    assert.match(d.caught[0].error.message, /msg.timestamp is undefined/);
  });

  it('takes a batch: each element is one event; a bad element is reported once and the others still count', async () => {
    const d = await deploy('stream-sequence', { steps: [level('w', 'warning', { times: '{2}' })], contiguity: 'strict' });
    d.send({ batch: true, payload: [reading('k', 'warning', 0), { topic: 'k', payload: { level: 'warning' } }, reading('k', 'warning', S)] });
    await until(() => d.caught.length === 1 && d.out[0].length === 1, 'an error and a match');
    assert.match(d.caught[0].error.message, /1 of 3 elements rejected; first: msg.timestamp is undefined/);
    assert.match(await statusSoon(d.node), /1 rejected/);
  });

  it('stops on a bad setting with a red status naming the field', async () => {
    for (const [config, field] of [
      [{ steps: [] }, 'steps'],
      [{ steps: [level('a', 'a', { not: true })] }, 'steps[0].not'],
      [{ steps: [level('a', 'a'), level('b', 'b', { not: true })] }, 'within'],
      [{ steps: [level('a', 'a', { times: '{0}' })] }, 'steps[0].times'],
      [{ steps: [{ name: 'a', rules: [{ op: 'jsonata', value: 'payload' }] }] }, 'steps[0].rules[0].op'],
      [{ steps: [level('a', 'a')], within: 'soon' }, 'within'],
      [{ steps: [level('a', 'a')], skip: 'skip-to-last' }, 'skip'],
      [{ steps: [level('a', 'a')], maxPartialMatches: '0' }, 'maxPartialMatches'],
    ] as [Msg, string][]) {
      const d = await deploy('stream-sequence', config);
      assert.deepEqual(lastStatus(d.node), { fill: 'red', shape: 'ring', text: `invalid ${field}` }, JSON.stringify(config));
      await helper.unload();
    }
  });

  it('bounds partial matches per key: drops are counted in a yellow status', async () => {
    const d = await deploy('stream-sequence', { steps: [level('a', 'a'), level('b', 'b')], maxPartialMatches: '2' });
    for (let i = 0; i < 5; i++) d.send(reading('k', 'a', i * S));
    await settle();
    assert.match(await statusSoon(d.node), /3 dropped by limit/);
    assert.equal(lastStatus(d.node).fill, 'yellow');
  });

  it('keeps partial matches across a restart with a persistent context store', async () => {
    helper.settings({ contextStorage: { file: { module: 'localfilesystem', config: { dir: tempDir(), flushInterval: 30 } } } });
    const config = { steps: [level('w', 'warning', { times: '{3}' })], contiguity: 'strict', store: 'file' };
    await deploy('stream-sequence', config);
    let d = await restart(1);
    d.send(reading('k', 'warning', 0));
    d.send(reading('k', 'warning', S));
    await settle();
    d = await restart(1);
    d.send(reading('k', 'warning', 2 * S));
    await until(() => d.out[0].length === 1, 'the match completed after the restart');
    assert.equal(d.out[0][0].payload.w.length, 3);
  });

  describe('timers (fake clock)', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    });
    afterEach(() => clock.restore());

    it('a door left open: "open, not followed by closed within 5 minutes" fires after idle close when input stops', async () => {
      const steps = [level('open', 'open'), level('closed', 'closed', { not: true })];
      const d = await deploy('stream-sequence', { steps, within: '5m', idleTimeout: '30s' });
      d.send(reading('door-1', 'open', 0));
      d.send(reading('door-2', 'open', 0));
      d.send(reading('door-2', 'closed', MIN));
      await settle();
      clock.tick(29_999);
      await settle();
      assert.equal(d.out[0].length, 0);
      clock.tick(1);
      await until(() => d.out[0].length === 1, 'the door left open');
      assert.equal(d.out[0][0].topic, 'door-1');
    });

    it('processing time: partial matches time out on the clock', async () => {
      const d = await deploy('stream-sequence', { steps: [level('a', 'a'), level('b', 'b')], within: '10s', timeMode: 'processing', outputs: 2 }, 2);
      d.send({ topic: 'k', payload: { level: 'a' } });
      clock.tick(9999);
      await settle();
      assert.equal(d.out[1].length, 0);
      clock.tick(1);
      await until(() => d.out[1].length === 1, 'the timeout');
    });
  });
});
