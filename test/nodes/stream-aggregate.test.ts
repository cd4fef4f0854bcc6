import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import {
  EQUIVALENCE_WINDOWS,
  Msg,
  attach,
  deploy,
  events,
  helper,
  jitteredStream,
  lastStatus,
  ownOrChained,
  restart,
  settle,
  statusSoon,
  until,
  useFileStore,
} from './stream-window-support';
import { acrossRestart, quietUntil } from './window-scenarios';
import { T0, fakeClockEach, unloadAfterEach } from '../support/node-test-setup';
import { SNAPSHOT_VERSION } from '../../src/core/snapshot-schema';

describe('stream-aggregate node', () => {
  unloadAfterEach();

  it('aggregates its own tumbling windows per key in event time', async () => {
    const d = await deploy('stream-aggregate', {
      windowType: 'tumbling',
      size: '1m',
      aggregations: [{ op: 'avg', property: 'payload' }, { op: 'max', property: 'payload' }, { op: 'count' }],
    });
    for (const m of events([
      ['a', 10, T0 + 1000],
      ['b', 100, T0 + 2000],
      ['a', 20, T0 + 30000],
      ['b', 300, T0 + 59000],
      ['a', 5, T0 + 61000],
    ]))
      d.send(m);
    await until(() => d.out[0].length === 2, 'two results');
    const byKey = Object.fromEntries(d.out[0].map((m) => [m.topic, m]));
    assert.deepEqual(byKey.a.payload, { avg: 15, max: 20, count: 2 });
    assert.deepEqual(byKey.b.payload, { avg: 200, max: 300, count: 2 });
    assert.deepEqual(byKey.a.window, { type: 'tumbling', key: 'a', start: T0, end: T0 + 60000, count: 2, firing: 'final' });
  });

  it('rounds results to `round` decimals (object and bare value) and rejects a bad round', async () => {
    const win = { type: 'tumbling', key: 'k', start: 0, end: 10, count: 3, firing: 'final' };
    const payload = [{ payload: 22.7775 }, { payload: 22.7775 }, { payload: 22.777499999999996 }];
    let d = await deploy('stream-aggregate', { aggregations: [{ op: 'avg' }, { op: 'count' }, { op: 'first', as: 'f' }], round: '2' });
    d.send({ topic: 'k', payload: [{ payload: 22.777499999999996 }, { payload: 1 / 3 }], window: { ...win, count: 2 } });
    await until(() => d.out[0].length === 1, 'a result');
    assert.deepEqual(d.out[0][0].payload, { avg: 11.56, count: 2, f: 22.78 });
    await helper.unload();
    d = await deploy('stream-aggregate', { aggregations: [{ op: 'max' }], output: 'value', round: 0 });
    d.send({ topic: 'k', payload, window: win });
    await until(() => d.out[0].length === 1, 'a bare result');
    assert.equal(d.out[0][0].payload, 23);
    await helper.unload();
    d = await deploy('stream-aggregate', { aggregations: [{ op: 'avg' }], round: '2.5' });
    await settle();
    assert.equal(d.node.status.lastCall.args[0].text, 'invalid round');
  });

  it('aggregates a window message at once and keeps its msg.window', async () => {
    const d = await deploy('stream-aggregate', {
      windowType: 'none',
      aggregations: [
        { op: 'sum', property: 'payload.v' },
        { op: 'last', property: 'payload.v' },
      ],
    });
    const window = { type: 'tumbling', key: 's1', start: T0, end: T0 + 60000, count: 3, firing: 'final' };
    d.send({
      topic: 's1',
      window,
      payload: [
        { timestamp: T0 + 3, topic: 's1', payload: { v: 1 } },
        { timestamp: T0 + 5, topic: 's1', payload: { v: 4 } },
        { timestamp: T0 + 4, topic: 's1', payload: { v: 2 } },
      ],
    });
    await until(() => d.out[0].length === 1, 'one result');
    assert.deepEqual(d.out[0][0].payload, { sum: 7, last: 4 });
    assert.deepEqual(d.out[0][0].window, window);
    assert.equal(d.out[0][0].topic, 's1');
  });

  it('gives the same results on its own windows as on window messages from a tumbling window node', async () => {
    const input = events(Array.from({ length: 60 }, (_, i) => [i % 3 ? 'x' : 'y', (i * 37) % 23, T0 + i * 1700] as [string, number, number]));
    const aggregations = [{ op: 'avg' }, { op: 'min' }, { op: 'stddev' }, { op: 'median' }, { op: 'first' }, { op: 'count' }];
    const own = await deploy('stream-aggregate', { windowType: 'tumbling', size: '10s', aggregations });
    input.forEach((m) => own.send({ ...m }));
    own.send({ flush: true });
    await settle(10);
    const direct = own.out[0].map((m) => ({ key: m.topic, start: m.window.start, payload: m.payload }));
    await helper.unload();

    const chained = await deploy('stream-tumbling-window', { size: '10s', wires: [['agg']] }, 1, [
      { id: 'agg', type: 'stream-aggregate', z: 'f', windowType: 'none', aggregations, wires: [['out0']] },
    ]);
    input.forEach((m) => chained.send({ ...m }));
    chained.send({ flush: true });
    await settle(10);
    const viaWindows = chained.out[0].map((m) => ({ key: m.topic, start: m.window.start, payload: m.payload }));
    const sort = (a: { key: string; start: number }, b: { key: string; start: number }) => a.start - b.start || a.key.localeCompare(b.key);
    assert.ok(direct.length >= 10);
    assert.deepEqual(viaWindows.sort(sort), direct.sort(sort));
  });

  it('property: own windows and window-node messages agree for random streams and window types', async () => {
    const config = { aggregations: [{ op: 'sum' }, { op: 'max' }, { op: 'first' }, { op: 'last' }, { op: 'count' }] };
    const describe = (m: Msg) => [m.topic, m.window.start, m.window.end, m.payload];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...EQUIVALENCE_WINDOWS), jitteredStream(T0, -50, 50), async (w, input) => {
        const own = await ownOrChained(w, 'stream-aggregate', config, input, false, describe);
        const chained = await ownOrChained(w, 'stream-aggregate', config, input, true, describe);
        assert.ok(own.length > 0, 'the flush fires at least one window');
        assert.deepEqual(chained, own);
      }),
      { numRuns: 25 },
    );
  });

  it('sends the bare value with output "value" and refuses it with two aggregations', async () => {
    const d = await deploy('stream-aggregate', { windowType: 'global', count: '3', aggregations: [{ op: 'sum' }], output: 'value' });
    [1, 2, 3].forEach((v, i) => d.send({ topic: 'k', payload: v, timestamp: T0 + i }));
    await until(() => d.out[0].length === 1, 'result');
    assert.equal(d.out[0][0].payload, 6);
    await helper.unload();
    const bad = await deploy('stream-aggregate', { windowType: 'global', count: '3', aggregations: [{ op: 'sum' }, { op: 'avg' }], output: 'value' });
    assert.equal(lastStatus(bad.node).fill, 'red');
    assert.match(bad.node.error.firstCall.args[0], /output/);
  });

  it('sends only results that satisfy the having condition, in order', async () => {
    const d = await deploy('stream-aggregate', { windowType: 'global', count: '2', aggregations: [{ op: 'avg' }], having: 'avg > 10' });
    [
      [1, 3],
      [20, 40],
      [5, 5],
      [11, 13],
      [100, 200],
    ].forEach(([a, b], i) => {
      d.send({ topic: 'k', payload: a, timestamp: T0 + i * 2 });
      d.send({ topic: 'k', payload: b, timestamp: T0 + i * 2 + 1 });
    });
    await until(() => d.out[0].length === 3, 'three results');
    await settle(10);
    assert.deepEqual(
      d.out[0].map((m) => m.payload.avg),
      [30, 12, 150],
    );
  });

  it('reports a message without a number to a Catch node, counts it and keeps going', async () => {
    const d = await deploy('stream-aggregate', { windowType: 'global', count: '2', aggregations: [{ op: 'avg' }] });
    d.send({ topic: 'k', payload: 'hot', timestamp: T0 });
    d.send({ topic: 'k', payload: 2, timestamp: T0 + 1 });
    d.send({ topic: 'k', payload: 4, timestamp: T0 + 2 });
    await until(() => d.caught.length === 1 && d.out[0].length === 1, 'an error and a result');
    assert.match(d.caught[0].error.message, /msg\.payload/);
    assert.match(d.caught[0].error.message, /string/);
    assert.equal(d.out[0][0].payload.avg, 3);
  });

  it('refuses a single event with window type none (it needs window messages)', async () => {
    const d = await deploy('stream-aggregate', { windowType: 'none', aggregations: [{ op: 'avg' }] });
    d.send({ topic: 'k', payload: 3 });
    await until(() => d.caught.length === 1, 'an error');
    assert.match(d.caught[0].error.message, /msg\.window/);
  });

  it('shows a red status naming the field for an unknown aggregation and a zero size', async () => {
    let d = await deploy('stream-aggregate', { windowType: 'tumbling', size: '1m', aggregations: [{ op: 'mode' }] });
    assert.equal(lastStatus(d.node).fill, 'red');
    assert.match(d.node.error.firstCall.args[0], /aggregations\[0\]\.op/);
    await helper.unload();
    d = await deploy('stream-aggregate', { windowType: 'tumbling', size: '0', aggregations: [{ op: 'avg' }] });
    assert.equal(lastStatus(d.node).fill, 'red');
    assert.match(d.node.error.firstCall.args[0], /size/);
    d.send({ topic: 'k', payload: 1, timestamp: T0 });
    await settle();
    assert.equal(d.caught.length, 0);
  });

  it('processes a batch (msg.batch with an array payload) in one message', async () => {
    const d = await deploy('stream-aggregate', { windowType: 'tumbling', size: '1s', aggregations: [{ op: 'count' }, { op: 'sum' }] });
    const batch = Array.from({ length: 1000 }, (_, i) => ({ topic: `s${i % 4}`, payload: 1, timestamp: T0 + i }));
    d.send({ batch: true, payload: batch });
    d.send({ flush: true });
    await until(() => d.out[0].length === 4, 'four results');
    assert.deepEqual(
      d.out[0].map((m) => m.payload.count),
      [250, 250, 250, 250],
    );
  });

  it('sends late events to the second port with msg.late', async () => {
    const d = await deploy('stream-aggregate', { windowType: 'tumbling', size: '10s', lateData: 'output', aggregations: [{ op: 'count' }], outputs: 2 }, 2);
    d.send({ topic: 'k', payload: 1, timestamp: T0 + 1000 });
    d.send({ topic: 'k', payload: 1, timestamp: T0 + 12000 });
    d.send({ topic: 'k', payload: 9, timestamp: T0 + 2000, extra: 'kept' });
    await until(() => d.out[0].length === 1 && d.out[1].length === 1, 'a result and a late event');
    assert.equal(d.out[1][0].extra, 'kept');
    assert.deepEqual(d.out[1][0].late.window, { start: T0, end: T0 + 10000 });
    assert.equal(d.out[1][0].late.watermark, T0 + 12000);
  });

  describe('percentileDisc, previous, dedup and lateData adjust', () => {
    it('percentileDisc is a value of the window where percentile interpolates; previous is the value before the last', async () => {
      const d = await deploy('stream-aggregate', {
        windowType: 'tumbling',
        size: '10s',
        aggregations: [{ op: 'percentile', p: '50' }, { op: 'percentileDisc', p: '50' }, { op: 'previous', as: 'before' }, { op: 'last' }],
      });
      for (const m of events([
        ['k', 4, T0 + 1000],
        ['k', 1, T0 + 2000],
        ['k', 2, T0 + 4000],
        ['k', 3, T0 + 3000],
      ]))
        d.send(m);
      d.send({ flush: true });
      await until(() => d.out[0].length === 1, 'one result');
      assert.deepEqual(d.out[0][0].payload, { p50: 2.5, p50disc: 2, before: 3, last: 2 });
    });

    it('dedup by a property: only the first event of each value counts in the window; a value it cannot compare is rejected', async () => {
      const d = await deploy('stream-aggregate', {
        windowType: 'tumbling',
        size: '10s',
        dedup: 'msg.payload.seq',
        aggregations: [{ op: 'count' }, { op: 'sum', property: 'payload.v' }],
      });
      const send = (seq: unknown, v: number, t: number) => d.send({ topic: 'k', payload: { seq, v }, timestamp: T0 + t });
      send(1, 10, 1000);
      send(2, 20, 2000);
      send(1, 10, 3000); // redelivered
      send({ n: 3 }, 30, 4000); // not a value to compare
      send(1, 10, 12000); // a new window: counts again
      d.send({ flush: true });
      await until(() => d.out[0].length === 2 && d.caught.length === 1, 'two results and an error');
      assert.deepEqual(
        d.out[0].map((m) => m.payload),
        [
          { count: 2, sum: 30 },
          { count: 1, sum: 10 },
        ],
      );
      assert.equal(d.out[0][0].window.count, 3, 'msg.window.count counts every event the window took');
      assert.match(d.caught[0].error.message, /msg\.payload\.seq/);
    });

    it('lateData adjust: a late event counts in the earliest open window, the status counts it, there is no late port', async () => {
      const d = await deploy('stream-aggregate', { windowType: 'tumbling', size: '10s', lateData: 'adjust', aggregations: [{ op: 'count' }, { op: 'first' }] });
      for (const m of events([
        ['k', 1, T0 + 5000],
        ['k', 2, T0 + 12000],
        ['k', 3, T0 + 7000],
      ]))
        d.send(m);
      d.send({ flush: true });
      await until(() => d.out[0].length === 2, 'two results');
      assert.deepEqual(
        d.out[0].map((m) => [(m.window.start - T0) / 1000, m.payload]),
        [
          [0, { count: 1, first: 1 }],
          [10, { count: 2, first: 2 }],
        ],
      );
      assert.match(await statusSoon(d.node), /1 late/);
      assert.equal(d.out.length, 1);
    });

    it('refuses an unknown lateData with a red status', async () => {
      const d = await deploy('stream-aggregate', { windowType: 'tumbling', size: '10s', lateData: 'retime', aggregations: [{ op: 'count' }] });
      assert.equal(lastStatus(d.node).fill, 'red');
      assert.match(d.node.error.firstCall.args[0], /lateData.*adjust/);
    });
  });

  describe('on its own windows', () => {
    const line = (m: Msg): string => `${m.topic} ${(m.window.start - T0) / 1000} ${m.window.firing} ${JSON.stringify(m.payload)}`;

    it('keeps accumulators (sketches and sets included) across a restart with a file context store', async () => {
      const aggregations = [{ op: 'avg' }, { op: 'count' }, { op: 'median' }, { op: 'distinct' }, { op: 'first' }];
      const d = await acrossRestart(
        'stream-aggregate',
        { windowType: 'session', gap: '5s', aggregations },
        events([
          ['a', 10, T0],
          ['a', 20, T0 + 2000],
          ['b', 7, T0 + 1000],
        ]),
      );
      d.send({ topic: 'a', payload: 30, timestamp: T0 + 4000 });
      d.send({ topic: 'a', payload: 0, timestamp: T0 + 30000 });
      await until(() => d.out[0].length === 2, 'the restored sessions');
      const byKey = Object.fromEntries(d.out[0].map((m) => [m.topic, m]));
      assert.deepEqual(byKey.a.payload, { avg: 20, count: 3, median: 20, distinct: 3, first: 10 });
      assert.deepEqual(byKey.a.window, { type: 'session', key: 'a', start: T0, end: T0 + 9000, count: 3, firing: 'final' });
      assert.deepEqual(byKey.b.payload, { avg: 7, count: 1, median: 7, distinct: 1, first: 7 });
    });

    it('restores accumulators an earlier release saved by position (saved form version 2)', async () => {
      useFileStore();
      const aggregations = [{ op: 'avg' }, { op: 'max' }, { op: 'sum' }, { op: 'count' }];
      await deploy('stream-aggregate', { windowType: 'tumbling', size: '10s', store: 'file', aggregations });
      let d = await restart(1);
      for (const m of events([
        ['a', 10, T0 + 1000],
        ['a', 20, T0 + 2000],
      ]))
        d.send(m);
      await settle();
      // Stopped, the node saves its windows; they are rewritten the way version 2 saved them.
      await helper._redNodes.stopFlows();
      const context = helper._context.get('n', 'f');
      const saved: Msg = await new Promise((resolve, reject) => context.get('streamState', 'file', (err: unknown, v: Msg) => (err ? reject(err) : resolve(v))));
      assert.equal(saved.version, SNAPSHOT_VERSION);
      const windows: Msg[] = saved.operator.keys[0].windows;
      assert.equal(windows.length, 1);
      for (const w of windows) {
        assert.deepEqual(Object.keys(w.acc), ['avg', 'max', 'sum', 'count']);
        // Version 2: avg and sum shared one accumulator, max had one, count (no property) came last.
        w.acc = [{ n: w.acc.avg.count, s: w.acc.avg.sum }, { lo: w.acc.max.min, hi: w.acc.max.max }, w.acc.count.count];
      }
      saved.version = 2;
      await new Promise<void>((resolve, reject) => context.set('streamState', saved, 'file', (err: unknown) => (err ? reject(err) : resolve())));
      await helper._context.close();
      helper._context.init(helper._settings);
      await helper._context.load();
      await helper._redNodes.startFlows();
      d = attach(1);
      d.send({ topic: 'a', payload: 30, timestamp: T0 + 3000 });
      d.send({ flush: true });
      await until(() => d.out[0].length === 1, 'the restored window');
      assert.deepEqual(d.out[0][0].payload, { avg: 20, max: 30, sum: 60, count: 3 });
      assert.equal(d.out[0][0].window.count, 3);
    });

    it('emit update: a running result after every event, then the final one', async () => {
      const d = await deploy('stream-aggregate', { windowType: 'tumbling', size: '10s', emit: 'update', aggregations: [{ op: 'sum' }, { op: 'count' }] });
      for (const m of events([
        ['k', 1, T0 + 1000],
        ['k', 2, T0 + 2000],
        ['k', 3, T0 + 12000],
      ]))
        d.send(m);
      await until(() => d.out[0].length === 4, 'four results');
      await settle();
      assert.deepEqual(d.out[0].map(line), [
        'k 0 update {"sum":1,"count":1}',
        'k 0 update {"sum":3,"count":2}',
        'k 0 final {"sum":3,"count":2}',
        'k 10 update {"sum":3,"count":1}',
      ]);
    });

    it('lateData update: a late event re-emits the corrected result with firing late', async () => {
      const d = await deploy('stream-aggregate', {
        windowType: 'tumbling',
        size: '10s',
        lateData: 'update',
        allowedLateness: '5s',
        aggregations: [{ op: 'sum' }],
      });
      for (const m of events([
        ['k', 1, T0 + 1000],
        ['k', 2, T0 + 11000],
        ['k', 3, T0 + 2000],
        ['k', 4, T0 + 30000],
        ['k', 5, T0 + 3000],
      ]))
        d.send(m);
      d.send({ flush: true });
      await until(() => d.out[0].length === 4, 'four results');
      await settle();
      // 5 at 3 s comes after the watermark passed 10 + 5 s: no window is kept for it any more.
      assert.deepEqual(d.out[0].map(line), ['k 0 final {"sum":1}', 'k 0 late {"sum":4}', 'k 10 final {"sum":2}', 'k 30 final {"sum":4}']);
    });
  });

  describe('processing time', () => {
    const clock = fakeClockEach(T0);

    it('closes windows on the clock when input stops', async () => {
      const d = await deploy('stream-aggregate', { windowType: 'tumbling', size: '5s', timeMode: 'processing', aggregations: [{ op: 'count' }] });
      d.send({ topic: 'k', payload: 1 });
      d.send({ topic: 'k', payload: 1 });
      await settle();
      assert.equal(d.out[0].length, 0);
      clock.tick(5000);
      await until(() => d.out[0].length === 1, 'the window on time');
      assert.equal(d.out[0][0].payload.count, 2);
      assert.equal(d.out[0][0].window.end, T0 + 5000);
    });

    it('idleTimeout closes every hopping window of a quiet stream', async () => {
      const base = T0 - 3600000;
      const d = await deploy('stream-aggregate', {
        windowType: 'sliding',
        size: '10s',
        slide: '5s',
        idleTimeout: '30s',
        aggregations: [{ op: 'avg' }, { op: 'count' }],
      });
      d.send({ topic: 'k', payload: 5, timestamp: base + 1000 });
      d.send({ topic: 'k', payload: 7, timestamp: base + 2000 });
      await settle();
      await quietUntil(clock, d, 30000);
      await until(() => d.out[0].length === 2, 'the idle close');
      assert.deepEqual(
        d.out[0].map((m) => [(m.window.start - base) / 1000, m.payload]),
        [
          [-5, { avg: 6, count: 2 }],
          [0, { avg: 6, count: 2 }],
        ],
      );
    });
  });
});
