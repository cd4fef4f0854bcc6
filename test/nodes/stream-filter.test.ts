import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import {
  EQUIVALENCE_WINDOWS,
  Msg,
  deploy,
  events,
  fired,
  helper,
  jitteredStream,
  lastStatus,
  ownOrChained,
  restart,
  settle,
  until,
  useFileStore,
  values,
} from './stream-window-support';
import { quietUntil } from './window-scenarios';
import { S, T0, fakeClockEach, unloadAfterEach } from '../support/node-test-setup';

const plausible = [{ property: 'payload', op: 'between', value: '0', value2: '60' }];

describe('stream-filter node', () => {
  unloadAfterEach();

  it('passes messages that satisfy the rules and sends the others to the second output', async () => {
    const d = await deploy('stream-filter', { rules: plausible, outputs: 2 }, 2);
    for (const v of [20, -5, 61, 60, 'warm', 0]) d.send({ topic: 't', payload: v, id: v });
    await until(() => d.out[0].length + d.out[1].length === 6, 'every message');
    assert.deepEqual(
      d.out[0].map((m) => m.id),
      [20, 60, 0],
    );
    assert.deepEqual(
      d.out[1].map((m) => m.id),
      [-5, 61, 'warm'],
    );
  });

  it('combines rules with all and any', async () => {
    const rules = [
      { property: 'payload.t', op: 'gt', value: '30' },
      { property: 'topic', op: 'regex', value: '^hall', value2: 'i' },
    ];
    let d = await deploy('stream-filter', { rules, combine: 'all' });
    const input = [
      { topic: 'Hall/1', payload: { t: 35 } },
      { topic: 'hall/2', payload: { t: 20 } },
      { topic: 'roof', payload: { t: 40 } },
    ];
    input.forEach((m) => d.send({ ...m }));
    await settle();
    assert.deepEqual(
      d.out[0].map((m) => m.topic),
      ['Hall/1'],
    );
    await helper.unload();
    d = await deploy('stream-filter', { rules, combine: 'any' });
    input.forEach((m) => d.send({ ...m }));
    await until(() => d.out[0].length === 3, 'three messages');
    assert.deepEqual(
      d.out[0].map((m) => m.topic),
      ['Hall/1', 'hall/2', 'roof'],
    );
  });

  it("evaluates jsonata rules with Node-RED's JSONata and keeps the message order", async () => {
    const d = await deploy(
      'stream-filter',
      {
        rules: [
          { op: 'jsonata', value: 'payload.t > payload.limit' },
          { property: 'payload.t', op: 'exists' },
        ],
        outputs: 2,
      },
      2,
    );
    const input = [
      [5, 3],
      [1, 3],
      [9, 3],
      [2, 3],
      [7, 6],
    ].map(([t, limit], i) => ({ payload: { t, limit }, seq: i }));
    input.forEach((m) => d.send(m));
    await until(() => d.out[0].length + d.out[1].length === 5, 'every message');
    assert.deepEqual(
      d.out[0].map((m) => m.seq),
      [0, 2, 4],
    );
    assert.deepEqual(
      d.out[1].map((m) => m.seq),
      [1, 3],
    );
  });

  it('filters a window message element by element and keeps msg.window', async () => {
    const d = await deploy('stream-filter', { rules: plausible, outputs: 2 }, 2);
    const window = { type: 'tumbling', key: 'k', start: T0, end: T0 + 60 * S, count: 4, firing: 'final' };
    const payload = [70, 10, -1, 30].map((v, i) => ({ timestamp: T0 + i, topic: 'k', payload: v }));
    d.send({ topic: 'k', payload, window });
    await until(() => d.out[0].length === 1 && d.out[1].length === 1, 'both ports');
    assert.deepEqual(values(d.out[0][0]), [10, 30]);
    assert.deepEqual(d.out[0][0].window, { ...window, count: 2 });
    assert.deepEqual(values(d.out[1][0]), [70, -1]);
  });

  it('gives the same result on its own sliding windows as on window messages from a sliding window node', async () => {
    const input = events(Array.from({ length: 40 }, (_, i) => ['k', ((i * 29) % 90) - 10, T0 + i * 20 * S] as [string, number, number]));
    const own = await deploy('stream-filter', { rules: plausible, windowType: 'sliding', size: '5m', slide: '1m' });
    input.forEach((m) => own.send({ ...m }));
    own.send({ flush: true });
    await settle(10);
    const direct = own.out[0].map((m) => ({ start: m.window.start, end: m.window.end, count: m.window.count, payload: m.payload }));
    await helper.unload();

    const chained = await deploy('stream-sliding-window', { size: '5m', slide: '1m', wires: [['flt']] }, 1, [
      { id: 'flt', type: 'stream-filter', z: 'f', rules: plausible, windowType: 'none', wires: [['out0']] },
    ]);
    input.forEach((m) => chained.send({ ...m }));
    chained.send({ flush: true });
    await settle(10);
    const viaWindows = chained.out[0].map((m) => ({ start: m.window.start, end: m.window.end, count: m.window.count, payload: m.payload }));
    const byStart = (a: { start: number }, b: { start: number }) => a.start - b.start;
    assert.ok(direct.length >= 10);
    assert.deepEqual(viaWindows.sort(byStart), direct.sort(byStart));
  });

  it('property: own windows and window-node messages agree for random streams and window types', async () => {
    const config = { rules: [{ property: 'payload', op: 'gte', value: '0' }] };
    const describe = (m: Msg) => [m.topic, m.window.start, m.window.end, m.window.count, m.payload];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...EQUIVALENCE_WINDOWS), jitteredStream(T0, -20, 50), async (w, input) => {
        const own = await ownOrChained(w, 'stream-filter', config, input, false, describe);
        const chained = await ownOrChained(w, 'stream-filter', config, input, true, describe);
        assert.deepEqual(chained, own);
      }),
      { numRuns: 25 },
    );
  });

  it('filters a batch into one message per port', async () => {
    const d = await deploy('stream-filter', { rules: plausible, outputs: 2 }, 2);
    d.send({ batch: true, payload: [5, 500, 50, -50].map((payload) => ({ topic: 't', payload })) });
    await until(() => d.out[0].length === 1 && d.out[1].length === 1, 'both ports');
    assert.deepEqual(
      d.out[0][0].payload.map((m: { payload: number }) => m.payload),
      [5, 50],
    );
    assert.equal(d.out[0][0].batch, true);
    assert.deepEqual(
      d.out[1][0].payload.map((m: { payload: number }) => m.payload),
      [500, -50],
    );
  });

  it('reports bad input in its own window mode to a Catch node', async () => {
    const d = await deploy('stream-filter', { rules: plausible, windowType: 'tumbling', size: '1m' });
    d.send({ topic: 'k', payload: 10 });
    await until(() => d.caught.length === 1, 'an error');
    assert.match(d.caught[0].error.message, /msg\.timestamp is undefined/);
  });

  it('with its own window: passing events leave as window messages, failing ones at once, late ones on the last port', async () => {
    const d = await deploy('stream-filter', { rules: plausible, windowType: 'tumbling', size: '10s', lateData: 'output', outputs: 3 }, 3);
    for (const m of events([
      ['k', 5, T0 + 1 * S],
      ['k', 99, T0 + 2 * S],
      ['k', 7, T0 + 3 * S],
      ['k', 8, T0 + 12 * S],
      ['k', 9, T0 + 4 * S],
    ]))
      d.send(m);
    await until(() => d.out[0].length === 1 && d.out[1].length === 1 && d.out[2].length === 1, 'all three ports');
    assert.deepEqual(values(d.out[0][0]), [5, 7]);
    assert.equal(d.out[0][0].window.count, 2);
    assert.equal(d.out[1][0].payload, 99);
    assert.equal(d.out[2][0].payload, 9);
    assert.deepEqual(d.out[2][0].late.window, { start: T0, end: T0 + 10 * S });
  });

  it('refuses an invalid regular expression and names the rule', async () => {
    const d = await deploy('stream-filter', {
      rules: [
        { property: 'payload', op: 'gt', value: '1' },
        { property: 'topic', op: 'regex', value: '([a-z' },
      ],
    });
    assert.equal(lastStatus(d.node).fill, 'red');
    assert.match(d.node.error.firstCall.args[0], /rules\[1\]/);
  });

  it('refuses an invalid jsonata expression and names the rule', async () => {
    const d = await deploy('stream-filter', { rules: [{ op: 'jsonata', value: 'payload >' }] });
    assert.equal(lastStatus(d.node).fill, 'red');
    assert.match(d.node.error.firstCall.args[0], /rules\[0\]\.value/);
  });

  describe('on its own windows', () => {
    it('keeps the passing events of open windows across a restart with a file context store', async () => {
      useFileStore();
      await deploy('stream-filter', { rules: plausible, windowType: 'tumbling', size: '10s', outputs: 2, store: 'file' }, 2);
      let d = await restart(2);
      for (const m of events([
        ['k', 5, T0 + 1 * S],
        ['k', 99, T0 + 2 * S],
      ]))
        d.send(m);
      await until(() => d.out[1].length === 1, 'the failing event at once');
      d = await restart(2);
      for (const m of events([
        ['k', 7, T0 + 3 * S],
        ['k', 8, T0 + 12 * S],
      ]))
        d.send(m);
      await until(() => d.out[0].length === 1, 'the restored window');
      assert.deepEqual(fired(d.out[0], T0), ['0..10 final [5,7]']);
      assert.equal(d.out[0][0].window.count, 2);
      assert.equal(d.out[1].length, 0);
    });

    it('emit update: running windows of the passing events, as a window node followed by the filter sends them', async () => {
      const input = events([
        ['k', 5, T0 + 1 * S],
        ['k', 99, T0 + 2 * S],
        ['k', 7, T0 + 3 * S],
        ['k', 8, T0 + 12 * S],
      ]);
      const own = await deploy('stream-filter', { rules: plausible, windowType: 'tumbling', size: '10s', emit: 'update' });
      input.forEach((m) => own.send({ ...m }));
      await until(() => own.out[0].length === 5, 'five results');
      await settle();
      const direct = fired(own.out[0], T0);
      await helper.unload();
      // The failing 99 changes the window too (it is in the window node's update), so its update
      // repeats the passing events.
      assert.deepEqual(direct, ['0..10 update [5]', '0..10 update [5]', '0..10 update [5,7]', '0..10 final [5,7]', '10..20 update [8]']);
      const chained = await deploy('stream-tumbling-window', { size: '10s', emit: 'update', wires: [['flt']] }, 1, [
        { id: 'flt', type: 'stream-filter', z: 'f', rules: plausible, windowType: 'none', wires: [['out0']] },
      ]);
      input.forEach((m) => chained.send({ ...m }));
      await until(() => chained.out[0].length === 5, 'five chained results');
      assert.deepEqual(fired(chained.out[0], T0), direct);
    });

    describe('processing time (fake timers)', () => {
      const clock = fakeClockEach(T0);

      it("idleTimeout closes a quiet key's session, which failing events extended", async () => {
        const base = T0 - 3600 * S;
        const d = await deploy('stream-filter', { rules: plausible, windowType: 'session', gap: '1m', idleTimeout: '30s', outputs: 2 }, 2);
        for (const m of events([
          ['k', 5, base],
          ['k', 7, base + 2 * S],
          ['k', 99, base + 50 * S],
        ]))
          d.send(m);
        await settle();
        assert.equal(d.out[1].length, 1);
        await quietUntil(clock, d, 30000);
        await until(() => d.out[0].length === 1, 'the idle close');
        assert.deepEqual(fired(d.out[0], base), ['0..110 final [5,7]']);
        assert.equal(d.out[0][0].window.count, 2);
      });
    });
  });
});
