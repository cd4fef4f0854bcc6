import { strict as assert } from 'assert';
import * as sinon from 'sinon';
import { deploy, helper, settle, statusSoon, until, values } from './stream-window-support';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const S = 1000;

/**
 * timeMode auto: event time where the message has one, arrival time where the time property is
 * missing, each fallback counted in the status. Flows saved without timeMode keep event time.
 */
describe('timeMode auto (event time, else arrival time)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0 + 500, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(async () => {
    clock.restore();
    await helper.unload();
  });

  it('windows messages without msg.timestamp (an inject node) by their arrival time and counts them', async () => {
    const d = await deploy('stream-tumbling-window', { size: '10s', timeMode: 'auto' });
    d.send({ topic: 'k', payload: 1 });
    clock.tick(3000);
    d.send({ topic: 'k', payload: 2 });
    clock.tick(8000);
    d.send({ topic: 'k', payload: 3 });
    await until(() => d.out[0].length === 1, 'the first window');
    assert.deepEqual(values(d.out[0][0]), [1, 2]);
    assert.deepEqual(
      d.out[0][0].payload.map((r: { timestamp: number }) => r.timestamp),
      [T0 + 500, T0 + 3500],
    );
    assert.equal(d.caught.length, 0);
    assert.match(await statusSoon(d.node), /3 on arrival time/);
  });

  it('uses the event time where the message carries one and still rejects an unusable one', async () => {
    const d = await deploy('stream-aggregate', { windowType: 'tumbling', size: '10s', timeMode: 'auto', aggregations: [{ op: 'count' }] });
    d.send({ topic: 'k', payload: 1, timestamp: T0 - 60 * S });
    d.send({ topic: 'k', payload: 2, timestamp: 'yesterday' });
    d.send({ topic: 'k', payload: 3 });
    await until(() => d.out[0].length === 1 && d.caught.length === 1, 'the event-time window and one error');
    assert.equal(d.out[0][0].window.start, T0 - 60 * S);
    assert.match(d.caught[0].error.message, /string "yesterday"/);
    const status = await statusSoon(d.node);
    assert.match(status, /1 on arrival time/);
    assert.match(status, /1 rejected/);
  });

  it('counts the fallback in the filter status too', async () => {
    const d = await deploy('stream-filter', { timeMode: 'auto', windowType: 'tumbling', size: '10s', rules: [{ property: 'payload', op: 'gt', value: '0' }] });
    d.send({ topic: 'k', payload: 1 });
    d.send({ topic: 'k', payload: 2 });
    await settle();
    assert.match(await statusSoon(d.node), /2 on arrival time/);
  });

  it('keeps event time for a flow saved without timeMode: a missing time is rejected', async () => {
    const d = await deploy('stream-tumbling-window', { size: '10s' });
    d.send({ topic: 'k', payload: 1 });
    await until(() => d.caught.length === 1, 'the error');
    assert.match(d.caught[0].error.message, /msg\.timestamp is undefined.*"auto"/);
    const status = await statusSoon(d.node);
    assert.doesNotMatch(status, /arrival/);
    assert.match(status, /1 rejected/);
  });

  it('rejects an unknown time mode and names the allowed ones', async () => {
    const d = await deploy('stream-tumbling-window', { size: '10s', timeMode: 'wall' });
    await settle();
    assert.equal(d.node.status.lastCall.args[0].text, 'invalid timeMode');
    assert.match(String(d.node.error.lastCall.args[0]), /use auto, event or processing/);
  });
});
