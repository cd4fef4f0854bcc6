/**
 * JSONata runs asynchronously in Node-RED 4: every evaluation a node starts must be awaited or
 * caught, and its failure must reach a Catch node through done(err) with the reason JSONata gave
 * (message, code, position), never as "[object Object]" and never as an unhandled rejection,
 * which ends the Node-RED process.
 */
import { strict as assert } from 'assert';
import { deploy, helper, settle, until } from './stream-window-support';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

describe('asynchronous errors in the filter and aggregate nodes', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };

  beforeEach(() => {
    rejections.length = 0;
    process.on('unhandledRejection', onRejection);
  });

  afterEach(async () => {
    // Rejections surface a turn after the promise settles.
    await settle(8);
    process.off('unhandledRejection', onRejection);
    await helper.unload();
    assert.deepEqual(rejections.map(String), [], 'no unhandled rejection');
  });

  it('filters a batch with a jsonata rule element by element and reports the element JSONata cannot evaluate', async () => {
    const d = await deploy('stream-filter', { rules: [{ op: 'jsonata', value: 'payload > 5' }], outputs: 2 }, 2);
    const payload = [
      { topic: 's1', payload: 'abc', timestamp: T0 },
      { topic: 's1', payload: 9, timestamp: T0 + 1 },
      { topic: 's1', payload: 2, timestamp: T0 + 2 },
    ];
    d.send({ batch: true, payload });
    await until(() => d.caught.length === 1, 'the error for the bad element');
    await settle();
    assert.deepEqual(
      d.out[0].map((m) => m.payload.map((e: { payload: unknown }) => e.payload)),
      [[9]],
    );
    assert.deepEqual(
      d.out[1].map((m) => m.payload.map((e: { payload: unknown }) => e.payload)),
      [[2]],
    );
    const message = d.caught[0].error.message as string;
    assert.match(message, /1 of 3 elements rejected/);
    assert.match(message, /jsonata rule "payload > 5" failed: .*T2009 at position 9/);
    assert.doesNotMatch(message, /\[object Object\]/);
  });

  it('survives the batch of a single unevaluable element (the message once ended the process)', async () => {
    const d = await deploy('stream-filter', { rules: [{ op: 'jsonata', value: 'payload > 5' }] });
    d.send({ batch: true, payload: [{ topic: 's1', payload: 'abc', timestamp: 1767268800000 }] });
    await until(() => d.caught.length === 1, 'the error');
    d.send({ topic: 's1', payload: 7 });
    await until(() => d.out[0].length === 1, 'the next message still flows');
  });

  it('feeds a batch judged by a jsonata rule into its own windows in order', async () => {
    const d = await deploy('stream-filter', { rules: [{ op: 'jsonata', value: 'payload > 5' }], windowType: 'tumbling', size: '10s' });
    const payload = [8, 'x', 3, 12].map((v, i) => ({ topic: 'k', payload: v, timestamp: T0 + i * 1000 }));
    d.send({ batch: true, payload });
    await until(() => d.caught.length === 1, 'the error for the bad element');
    d.send({ flush: true });
    await until(() => d.out[0].length === 1, 'the window');
    assert.deepEqual(
      d.out[0][0].payload.map((e: { payload: unknown }) => e.payload),
      [8, 12],
    );
  });

  it('keeps the other records of a window message when JSONata fails on one', async () => {
    const d = await deploy('stream-filter', { rules: [{ op: 'jsonata', value: 'payload > 5' }], outputs: 2 }, 2);
    const window = { type: 'tumbling', key: 'k', start: T0, end: T0 + 60000, count: 3, firing: 'final' };
    const payload = [10, 'abc', 1, 20].map((v, i) => ({ timestamp: T0 + i, topic: 'k', payload: v }));
    d.send({ topic: 'k', payload, window });
    await until(() => d.caught.length === 1 && d.out[0].length === 1 && d.out[1].length === 1, 'both ports and the error');
    assert.deepEqual(
      d.out[0][0].payload.map((r: { payload: unknown }) => r.payload),
      [10, 20],
    );
    assert.deepEqual(d.out[0][0].window.count, 2);
    assert.deepEqual(
      d.out[1][0].payload.map((r: { payload: unknown }) => r.payload),
      [1],
    );
  });

  it("reports a failing jsonata rule with JSONata's message, code and position", async () => {
    const d = await deploy('stream-filter', { rules: [{ op: 'jsonata', value: 'payload > 5' }] });
    d.send({ topic: 's1', payload: 'abc' });
    await until(() => d.caught.length === 1, 'the error');
    const message = d.caught[0].error.message as string;
    assert.doesNotMatch(message, /\[object Object\]/);
    assert.match(message, /payload > 5/);
    assert.match(message, /T20\d\d/);
    assert.match(message, /at position \d+/);
    assert.match(message, /must/, "JSONata's own explanation");
  });

  it("reports a failing having condition with JSONata's message and position, and goes on", async () => {
    const d = await deploy('stream-aggregate', { windowType: 'global', count: '1', aggregations: [{ op: 'avg' }], having: 'avg > "x"' });
    d.send({ topic: 'k', payload: 3, timestamp: T0 });
    await until(() => d.caught.length === 1, 'the error');
    const message = d.caught[0].error.message as string;
    assert.match(message, /^having: /);
    assert.match(message, /at position \d+/);
    assert.equal(d.out[0].length, 0);
  });
});
