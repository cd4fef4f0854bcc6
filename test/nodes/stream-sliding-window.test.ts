import { strict as assert } from 'assert';
import { deploy, events, helper, lastStatus, settle, until, values } from './stream-window-support';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const S = 1000;

describe('stream-sliding-window node', () => {
  afterEach(() => helper.unload());

  it('hopping: each event lands in size/slide overlapping windows', async () => {
    const d = await deploy('stream-sliding-window', { size: '10s', slide: '5s' });
    for (const m of events([['k', 'a', T0 + 1 * S], ['k', 'b', T0 + 6 * S], ['k', 'c', T0 + 11 * S], ['k', 'end', T0 + 30 * S]])) d.send(m);
    await until(() => d.out[0].length === 4, 'four windows');
    assert.deepEqual(
      d.out[0].map((m) => [(m.window.start - T0) / S, (m.window.end - T0) / S, values(m).join('')]),
      [[-5, 5, 'a'], [0, 10, 'ab'], [5, 15, 'bc'], [10, 20, 'c']],
    );
    assert.equal(d.out[0][1].window.type, 'sliding');
  });

  it('slide "event": a window for every change, with the events of the last size', async () => {
    const d = await deploy('stream-sliding-window', { size: '10s', slide: 'event', bounds: '(start,end]' });
    for (const m of events([['k', 1, T0 + 1 * S], ['k', 2, T0 + 5 * S], ['k', 3, T0 + 12 * S], ['k', 4, T0 + 16 * S]])) d.send(m);
    await until(() => d.out[0].length === 6, 'six windows');
    // An event entering (1, 5, 12, 16 s) and an event leaving (11 = 1 + 10, 15 = 5 + 10 s) each change the window.
    assert.deepEqual(d.out[0].map((m) => (m.window.end - T0) / S), [1, 5, 11, 12, 15, 16]);
    assert.deepEqual(d.out[0].map(values), [[1], [1, 2], [2], [2, 3], [3], [3, 4]]);
  });

  it('keeps keys apart', async () => {
    const d = await deploy('stream-sliding-window', { size: '10s', slide: 'event', bounds: '(start,end]' });
    for (const m of events([['a', 1, T0 + 1 * S], ['b', 2, T0 + 2 * S], ['a', 3, T0 + 3 * S]])) d.send(m);
    await until(() => d.out[0].length === 3, 'three windows');
    assert.deepEqual(d.out[0].map((m) => [m.topic, values(m)]), [['a', [1]], ['b', [2]], ['a', [1, 3]]]);
  });

  it('refuses a slide longer than the size and a slide that is not a duration', async () => {
    for (const [slide, re] of [['20s', /slide/], ['often', /slide/]] as const) {
      const d = await deploy('stream-sliding-window', { size: '10s', slide });
      assert.equal(lastStatus(d.node).fill, 'red');
      assert.match(d.node.error.firstCall.args[0], re);
      d.send({ topic: 'k', payload: 1, timestamp: T0 });
      await settle();
      assert.equal(d.out[0].length, 0);
      await helper.unload();
    }
  });
});
