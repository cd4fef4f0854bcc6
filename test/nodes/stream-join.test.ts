import { strict as assert } from 'assert';
import * as sinon from 'sinon';
import { Msg, deploy, helper, lastStatus, restart, settle, statusSoon, tempDir, until } from './stream-window-support';

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);
const MIN = 60_000;

/** Door events and temperature readings told apart by msg.topic, the room in the payload. */
const doorAndTemperature = { sideProperty: 'topic', leftSide: 'door', rightSide: 'temperature', keyProperty: 'payload.room', lower: '0', upper: '5m' };
const door = (room: string, t: number, extra: Msg = {}) => ({ topic: 'door', payload: { room, open: true }, timestamp: T0 + t, ...extra });
const temp = (room: string, t: number, celsius: number) => ({ topic: 'temperature', payload: { room, celsius }, timestamp: T0 + t });

describe('stream-join node', () => {
  afterEach(async () => {
    await helper.unload();
    helper.settings({ contextStorage: undefined });
  });

  it('joins a door-open event with the temperature readings of the same room within 5 minutes', async () => {
    const d = await deploy('stream-join', doorAndTemperature);
    d.send(temp('kitchen', -MIN, 19));
    d.send(door('kitchen', 0, { _msgid: 'door-1' }));
    d.send(temp('hall', MIN, 18));
    d.send(temp('kitchen', 2 * MIN, 17.5));
    d.send(temp('kitchen', 5 * MIN, 17));
    d.send(temp('kitchen', 5 * MIN + 1, 16.5));
    await until(() => d.out[0].length === 2, 'two pairs');
    await settle();
    assert.equal(d.out[0].length, 2);
    assert.deepEqual(d.out[0][0].payload, { left: { room: 'kitchen', open: true }, right: { room: 'kitchen', celsius: 17.5 } });
    assert.equal(d.out[0][0].topic, 'kitchen');
    assert.deepEqual(d.out[0][0].join, {
      key: 'kitchen',
      mode: 'interval',
      leftTime: T0,
      rightTime: T0 + 2 * MIN,
      leftTopic: 'door',
      rightTopic: 'temperature',
    });
    assert.equal(d.out[0][1].payload.right.celsius, 17);
    assert.deepEqual(d.caught, []);
  });

  it('read from Kafka partitions at uneven speeds: one watermark per partition, so the slower partition’s readings still pair', async () => {
    const d = await deploy('stream-join', { ...doorAndTemperature, joinType: 'left', outputs: 2 }, 2);
    const from = (partition: number, offset: number, msg: Msg) => ({ ...msg, kafka: { topic: 'rooms', partition, offset: String(offset), assigned: [0, 1] } });
    d.send(from(0, 0, door('kitchen', 0)));
    d.send(from(1, 0, door('hall', 0)));
    // Partition 1 is read 20 minutes ahead before partition 0's next record.
    for (let i = 1; i <= 20; i++) d.send(from(1, i, temp('hall', i * MIN, 18)));
    d.send(from(0, 1, temp('kitchen', 2 * MIN, 17.5)));
    await until(() => d.out[0].length === 6, 'five hall pairs and the kitchen pair');
    await settle();
    assert.deepEqual(
      d.out[0].map((m) => [m.topic, m.join.rightTime - T0]),
      [1, 2, 3, 4, 5].map((i) => ['hall', i * MIN]).concat([['kitchen', 2 * MIN]]),
    );
    assert.deepEqual(d.out[1], [], 'the kitchen door event was not left unmatched');
    assert.deepEqual(d.caught, []);
  });

  it('left join: a door event without readings leaves on the second port once its 5 minutes have passed', async () => {
    const d = await deploy('stream-join', { ...doorAndTemperature, joinType: 'left', outputs: 2 }, 2);
    d.send(door('cellar', 0));
    d.send(temp('kitchen', 5 * MIN, 20));
    await settle();
    assert.equal(d.out[1].length, 0, 'the interval has not passed yet');
    d.send(temp('kitchen', 5 * MIN + 1, 20));
    await until(() => d.out[1].length === 1, 'the unmatched door event');
    assert.deepEqual(d.out[1][0].payload, { left: { room: 'cellar', open: true }, right: null });
    assert.deepEqual(d.out[1][0].join, { key: 'cellar', mode: 'interval', leftTime: T0, rightTime: null, leftTopic: 'door', rightTopic: null });
    assert.equal(d.out[0].length, 0);
  });

  it('window join with a different key property per side and msg.stream as the side', async () => {
    const d = await deploy('stream-join', {
      sideProperty: 'stream',
      leftSide: 'setpoint',
      rightSide: 'sensor',
      keyProperty: 'payload.oven',
      rightKeyProperty: 'payload.device',
      joinMode: 'window',
      windowType: 'tumbling',
      size: '1m',
      valueProperty: 'payload.value',
    });
    d.send({ stream: 'setpoint', payload: { oven: 'o1', value: 180 }, timestamp: T0 + 1000 });
    d.send({ stream: 'sensor', payload: { device: 'o1', value: 176 }, timestamp: T0 + 20_000 });
    d.send({ stream: 'sensor', payload: { device: 'o2', value: 150 }, timestamp: T0 + 30_000 });
    d.send({ stream: 'sensor', payload: { device: 'o1', value: 181 }, timestamp: T0 + 50_000 });
    await settle();
    assert.equal(d.out[0].length, 0, 'pairs leave when the window closes');
    d.send({ stream: 'sensor', payload: { device: 'o1', value: 0 }, timestamp: T0 + MIN });
    await until(() => d.out[0].length === 2, 'the pairs of the first minute');
    assert.deepEqual(
      d.out[0].map((m) => m.payload),
      [
        { left: 180, right: 176 },
        { left: 180, right: 181 },
      ],
    );
    assert.deepEqual(d.out[0][0].join.window, { start: T0, end: T0 + MIN });
  });

  it('tells the sides apart with regular expressions', async () => {
    const d = await deploy('stream-join', {
      sideProperty: 'topic',
      sideMatch: 'regex',
      leftSide: '^doors/',
      rightSide: '^sensors/.+/temp$',
      keyProperty: 'payload.room',
      lower: '-1m',
      upper: '1m',
    });
    d.send({ topic: 'sensors/k1/temp', payload: { room: 'k' }, timestamp: T0 });
    d.send({ topic: 'doors/front', payload: { room: 'k' }, timestamp: T0 + 30_000 });
    await until(() => d.out[0].length === 1, 'a pair');
    assert.equal(d.out[0][0].join.leftTopic, 'doors/front');
  });

  it('reports a message of neither side and one without event time through done(err), and goes on', async () => {
    const d = await deploy('stream-join', doorAndTemperature);
    d.send({ topic: 'window', payload: { room: 'kitchen' }, timestamp: T0 });
    d.send({ topic: 'door', payload: { room: 'kitchen' } });
    d.send(door('kitchen', 0));
    d.send(temp('kitchen', 1000, 20));
    await until(() => d.caught.length === 2 && d.out[0].length === 1, 'two errors and a pair');
    assert.match(d.caught[0].error.message, /msg.topic is string "window"; it marks neither input \(left: door, right: temperature\)/);
    assert.match(d.caught[1].error.message, /msg.timestamp is undefined/);
    assert.match(await statusSoon(d.node), /2 rejected/);
  });

  it('stops on a bad setting with a red status naming the field', async () => {
    for (const [config, field] of [
      [{ ...doorAndTemperature, lower: '5m', upper: '1m' }, 'upper'],
      [{ ...doorAndTemperature, leftSide: '' }, 'leftSide'],
      [{ ...doorAndTemperature, sideMatch: 'regex', rightSide: '(' }, 'rightSide'],
      [{ ...doorAndTemperature, joinMode: 'window', windowType: 'session' }, 'windowType'],
      [{ ...doorAndTemperature, joinType: 'outer' }, 'joinType'],
      [{ ...doorAndTemperature, upper: 'soon' }, 'upper'],
    ] as [Msg, string][]) {
      const d = await deploy('stream-join', config);
      assert.deepEqual(lastStatus(d.node), { fill: 'red', shape: 'ring', text: `invalid ${field}` }, JSON.stringify(config));
      d.send(door('k', 0));
      await settle();
      await helper.unload();
    }
  });

  it('counts drops by maxKeys and maxEventsPerWindow in a yellow status', async () => {
    const d = await deploy('stream-join', { ...doorAndTemperature, maxKeys: '1', maxEventsPerWindow: '1' });
    d.send(door('a', 0));
    d.send(door('b', 0));
    d.send(door('a', 1));
    await settle();
    const status = await statusSoon(d.node);
    assert.match(status, /2 dropped by limit/);
    assert.equal(lastStatus(d.node).fill, 'yellow');
  });

  it('msg.flush emits what is kept: unmatched events of an outer join leave at once', async () => {
    const d = await deploy('stream-join', { ...doorAndTemperature, joinType: 'full', outputs: 2 }, 2);
    d.send(door('a', 0));
    d.send(temp('b', 0, 20));
    d.send({ flush: true });
    await until(() => d.out[1].length === 2, 'two unmatched events');
    assert.deepEqual(
      d.out[1].map((m) => [m.payload.left && 'door', m.payload.right && 'temp']),
      [
        ['door', null],
        [null, 'temp'],
      ],
    );
  });

  it('keeps buffered events across a restart with a persistent context store', async () => {
    helper.settings({ contextStorage: { file: { module: 'localfilesystem', config: { dir: tempDir(), flushInterval: 30 } } } });
    await deploy('stream-join', { ...doorAndTemperature, store: 'file' });
    let d = await restart(1);
    d.send(door('kitchen', 0));
    await settle();
    d = await restart(1);
    d.send(temp('kitchen', MIN, 21));
    await until(() => d.out[0].length === 1, 'the pair with the restored door event');
    assert.equal(d.out[0][0].payload.left.room, 'kitchen');
  });

  describe('timers (fake clock)', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    });
    afterEach(() => clock.restore());

    it('idle timeout: with no more input, unmatched door events still leave', async () => {
      const d = await deploy('stream-join', { ...doorAndTemperature, joinType: 'left', outputs: 2, idleTimeout: '1m' }, 2);
      d.send(door('kitchen', 0));
      await settle();
      clock.tick(59_999);
      await settle();
      assert.equal(d.out[1].length, 0);
      clock.tick(1);
      await until(() => d.out[1].length === 1, 'the unmatched door event');
    });

    it('processing time: events carry their arrival time', async () => {
      const d = await deploy('stream-join', { ...doorAndTemperature, timeMode: 'processing', upper: '10s', joinType: 'left', outputs: 2 }, 2);
      d.send({ topic: 'door', payload: { room: 'k' } });
      clock.tick(4000);
      d.send({ topic: 'temperature', payload: { room: 'k', celsius: 20 } });
      await until(() => d.out[0].length === 1, 'a pair');
      assert.deepEqual([d.out[0][0].join.leftTime, d.out[0][0].join.rightTime], [T0, T0 + 4000]);
      // The reading at 4 s is gone once the clock is past it (a door at 4 s would still pair with it).
      clock.tick(1000);
      d.send({ topic: 'door', payload: { room: 'k' } });
      clock.tick(10_001);
      await until(() => d.out[1].length === 1, 'the door event without a reading');
    });
  });
});
