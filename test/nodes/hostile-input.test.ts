// What a broken sensor, a wrong unit, an odd control message or a damaged store does to a
// windowed node in a real Node-RED runtime: each is counted and reported, and the flow goes on.
import { strict as assert } from 'assert';
import { deploy, helper, lastStatus, restart, settle, statusSoon, values } from './stream-window-support';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

describe('hostile input to windowed nodes', () => {
  afterEach(async () => {
    await helper.unload();
    helper.settings({ contextStorage: undefined });
  });

  it('a hopping window fed a reading dated 1e20 rejects it at once and keeps working (it used to loop forever)', async () => {
    const d = await deploy('stream-sliding-window', { size: '10s', slide: '1s', maxFutureSkew: 'off' });
    d.send({ topic: 's1', payload: 1, timestamp: T0 });
    d.send({ topic: 's2', payload: 2, timestamp: 1e20 });
    d.send({ topic: 's2', payload: 3, timestamp: -1.7976931348623157e308 });
    d.send({ topic: 's1', payload: 4, timestamp: T0 + 500 });
    d.send({ flush: true });
    await settle(8);
    assert.equal(d.caught.length, 2);
    assert.match(d.caught[0].error.message, /outside the range of a date/);
    assert.ok(d.out[0].length > 0);
    for (const m of d.out[0]) assert.deepEqual(values(m), [1, 4]);
  });

  it('rejects a reading far ahead of the clock by default, names the cause, and every other key stays on time', async () => {
    const d = await deploy('stream-aggregate', { windowType: 'tumbling', size: '1m', aggregations: [{ op: 'count' }] });
    const now = Date.now();
    const base = Math.floor(now / 60000) * 60000 - 120000;
    d.send({ topic: 's1', payload: 1, timestamp: base });
    d.send({ topic: 's2', payload: 1, timestamp: base + 1 });
    d.send({ topic: 's3', payload: 1, timestamp: Date.UTC(2100, 0, 1) });
    d.send({ topic: 's1', payload: 1, timestamp: base + 2 });
    d.send({ topic: 's2', payload: 1, timestamp: base + 3 });
    await settle(8);
    assert.equal(d.caught.length, 1);
    assert.match(d.caught[0].error.message, /years ahead of the clock \(maxFutureSkew 1 hour\)/);
    assert.equal(d.out[0].length, 0, 'no window was closed by the broken clock');
    const status = await statusSoon(d.node);
    assert.match(status, /1 ahead of clock rejected/);
    assert.match(status, /1 rejected/);
    assert.doesNotMatch(status, /late/);
    assert.deepEqual(
      d.out[0].map((m) => [m.topic, m.payload.count]),
      [
        ['s1', 2],
        ['s2', 2],
      ],
    );
  });

  it('reads an ISO time without a zone as UTC', async () => {
    const d = await deploy('stream-tumbling-window', { size: '1h' });
    d.send({ topic: 'a', payload: 1, timestamp: '2026-01-01T08:30:00' });
    d.send({ flush: true });
    await settle();
    assert.equal(d.out[0][0].window.start, Date.UTC(2026, 0, 1, 8));
  });

  describe('msg.reset selects keys as events are keyed', () => {
    for (const [what, topic] of [
      ['an object', { a: 1 }],
      ['an array', ['a']],
    ] as const) {
      it(`${what} as msg.topic is an error and resets nothing`, async () => {
        const d = await deploy('stream-tumbling-window', { size: '10s' });
        d.send({ topic: 'a', payload: 1, timestamp: T0 });
        d.send({ topic: 'b', payload: 2, timestamp: T0 });
        d.send({ reset: true, topic });
        d.send({ flush: true });
        await settle(8);
        assert.equal(d.caught.length, 1);
        assert.match(d.caught[0].error.message, /msg\.topic is (object|array)/);
        assert.deepEqual(d.out[0].map((m) => m.topic).sort(), ['a', 'b']);
      });
    }

    for (const [topic, key] of [
      [true, 'true'],
      ['', ''],
      [7, '7'],
    ] as const) {
      it(`msg.topic ${JSON.stringify(topic)} resets only the key ${JSON.stringify(key)}`, async () => {
        const d = await deploy('stream-tumbling-window', { size: '10s' });
        for (const k of ['a', key]) d.send({ topic: k, payload: 1, timestamp: T0 });
        d.send({ reset: true, topic });
        d.send({ flush: true });
        await settle(8);
        assert.equal(d.caught.length, 0);
        assert.deepEqual(
          d.out[0].map((m) => m.topic),
          ['a'],
        );
      });
    }

    it('without msg.topic resets every key', async () => {
      const d = await deploy('stream-tumbling-window', { size: '10s' });
      for (const k of ['a', 'b']) d.send({ topic: k, payload: 1, timestamp: T0 });
      d.send({ reset: true });
      d.send({ flush: true });
      await settle(8);
      assert.deepEqual(d.out[0], []);
    });
  });

  it('bounds keys by default and reports a flood of new keys as one counted warning, not one error per event', async () => {
    const d = await deploy('stream-aggregate', { windowType: 'tumbling', size: '1m', aggregations: [{ op: 'count' }] });
    for (let k = 0; k < 10_500; k++) d.send({ topic: `k${k}`, payload: 1, timestamp: T0 });
    await settle(20);
    assert.equal(d.caught.length, 0, 'no Catch message per dropped event');
    const warnings = d.node.warn.getCalls().map((c: { args: unknown[] }) => String(c.args[0]));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^1 event dropped by a limit \(maxKeys 10000\)/);
    const status = await statusSoon(d.node);
    assert.match(status, /500 dropped by limit/);
    assert.equal(d.out[0].length, 10_000);
  });

  it('refuses maxKeys beyond what it can bound, saying what is allowed', async () => {
    const d = await deploy('stream-tumbling-window', { size: '10s', maxKeys: '5000000' });
    assert.match(lastStatus(d.node).text, /maxKeys/);
    const errors = d.node.error.getCalls().map((c: { args: unknown[] }) => String(c.args[0]));
    assert.ok(
      errors.some((e: string) => /from 1 to 1000000, or empty for 10000/.test(e)),
      errors.join('\n'),
    );
  });

  describe('saved state that is not ours', () => {
    for (const [what, state, reason] of [
      ['a string', 'garbage', /found a string/],
      ['a list', [1, 2], /found a list/],
      ['a newer version', { version: 99, operator: {} }, /found version 99/],
      ['a window list that is a string', 'damaged', /damaged/],
    ] as const) {
      it(`${what} is discarded with one warning, and the node starts empty`, async () => {
        helper.settings({ contextStorage: { memory: { module: 'memory' } } });
        await deploy('stream-tumbling-window', { size: '10s', store: 'memory' });
        const d0 = await restart(1);
        d0.send({ topic: 'k', payload: 1, timestamp: T0 });
        await settle();
        const ctx = d0.node.context();
        // Stopping saves the node's real state; the store's content is replaced while it is stopped.
        await helper._redNodes.stopFlows();
        let saved: unknown = state;
        if (state === 'damaged') {
          saved = await new Promise((resolve) => ctx.get('streamState', 'memory', (_e: unknown, v: unknown) => resolve(v)));
          (saved as { operator: { keys: Array<{ windows: unknown }> } }).operator.keys[0].windows = 'xxxxxxx';
        }
        await new Promise<void>((resolve) => ctx.set('streamState', saved, 'memory', () => resolve()));
        await helper._redNodes.startFlows();
        const node = helper.getNode('n');
        const out: Array<Record<string, unknown>> = [];
        helper.getNode('out0').on('input', (m: Record<string, unknown>) => out.push(m));
        await settle(8);
        const warnings = node.warn.getCalls().map((c: { args: unknown[] }) => String(c.args[0]));
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0], /saved windows were discarded/);
        assert.match(warnings[0], reason);
        node.receive({ flush: true });
        await settle();
        assert.deepEqual(out, []);
      });
    }
  });
});
