import { strict as assert } from 'assert';
import * as sinon from 'sinon';
import { helper, restart, settle, tempDir, Msg } from './stream-window-support';
import detect = require('../../src/nodes/stream-detect');
import { seededGaussian as gaussian } from '../support/seeded-random';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');

const T0 = Date.UTC(2026, 0, 1);
const SECOND = 1000;
// Readings before the incident: long enough for every test of the default detector to be ready.
const BEFORE = 1200;

interface Running {
  out: Msg[][];
  send(msg: Msg): void;
}

/** Deploys a stream-detect node with default settings (plus `config`) and two collectors. */
async function deploy(config: Record<string, unknown> = {}): Promise<Running> {
  await helper.load(
    [detect, catchNode],
    [
      { id: 'f', type: 'tab' },
      { id: 'n', type: 'stream-detect', z: 'f', wires: [['out0'], ['out1']], pattern: 'auto', ...config },
      { id: 'out0', type: 'helper', z: 'f' },
      { id: 'out1', type: 'helper', z: 'f' },
      { id: 'catcher', type: 'catch', z: 'f', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'f' },
    ],
  );
  return attach();
}

function attach(): Running {
  const out: Msg[][] = [[], []];
  helper.getNode('out0').on('input', (m: Msg) => out[0].push(m));
  helper.getNode('out1').on('input', (m: Msg) => out[1].push(m));
  const n = helper.getNode('n');
  return { out, send: (msg) => n.receive(msg) };
}

/** A sensor at 20 °C with noise σ 0.15, two decimals, one reading per second. */
function clean(n: number, seed: number): number[] {
  const g = gaussian(seed);
  return Array.from({ length: n }, () => Math.round((20 + 0.15 * g()) * 100) / 100);
}

/** The anomalies each test injects at BEFORE into a clean stream. */
const KINDS: Record<string, (xs: number[], g: () => number) => void> = {
  spike: (xs) => {
    xs[BEFORE] += 15;
  },
  dip: (xs) => {
    xs[BEFORE] -= 15;
  },
  shift: (xs) => {
    for (let i = BEFORE; i < BEFORE + 200; i++) xs[i] += 6;
  },
  stuck: (xs) => {
    for (let i = BEFORE; i < BEFORE + 60; i++) xs[i] = xs[BEFORE - 1];
  },
  drift: (xs) => {
    for (let i = BEFORE; i < BEFORE + 200; i++) xs[i] += (6 * (i - BEFORE + 1)) / 200;
  },
  variance: (xs, g) => {
    for (let i = BEFORE; i < BEFORE + 200; i++) xs[i] = Math.round((xs[i] + 0.6 * g()) * 100) / 100;
  },
};

describe('stream-detect pattern auto', function () {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(async () => {
    clock.restore();
    await helper.unload();
    helper.settings({ contextStorage: undefined });
  });

  /** Feeds values one second apart in event and processing time. */
  async function feed(d: Running, values: number[], from = 0, topic = 'boiler'): Promise<void> {
    for (let i = 0; i < values.length; i++) {
      d.send({ topic, payload: values[i], timestamp: T0 + (from + i) * SECOND });
      clock.tick(SECOND);
    }
    await settle(10);
  }

  const alerts = (d: Running): Msg[] => d.out[0].filter((m) => m.payload.state === 'alert');

  it('a clean stream raises no alert', async () => {
    const d = await deploy();
    await feed(d, clean(1600, 1));
    assert.deepEqual(
      alerts(d).map((m) => m.payload.reason),
      [],
    );
  });

  for (const [kind, inject] of Object.entries(KINDS)) {
    it(`${kind}: exactly one alert, of kind ${kind}, with since, deviation, σ and a reason`, async () => {
      const d = await deploy();
      const xs = clean(1600, 2);
      inject(xs, gaussian(3));
      await feed(d, xs);
      const a = alerts(d);
      assert.equal(a.length, 1, a.map((m) => m.payload.reason).join(' | '));
      const p = a[0].payload;
      assert.equal(p.pattern, 'auto');
      assert.equal(p.kind, kind);
      assert.equal(p.key, 'boiler');
      const since = (p.since - T0) / SECOND;
      assert.ok(since >= BEFORE - 1 && since <= BEFORE + 40, `since reading ${since}`);
      assert.ok((p.time - T0) / SECOND >= since, 'alerted at or after the incident began');
      assert.ok(p.sigma > 0.05 && p.sigma < 0.5, `σ ${p.sigma}`);
      assert.ok(Math.abs(p.deviation - (p.value - p.expected)) < 1e-9, 'deviation = value − expected');
      assert.ok(['low', 'medium', 'high'].includes(p.severity));
      assert.match(p.reason, new RegExp(kind === 'shift' ? 'level shift' : kind === 'variance' ? 'noisier' : kind));
    });
  }

  it('silence: one alert when a key stops reporting (processing time), "ended" when it reports again', async () => {
    const d = await deploy();
    const xs = clean(700, 4);
    await feed(d, xs.slice(0, 600));
    // feed() ticks a second after each reading: the key has been quiet for one second now.
    clock.tick(3 * SECOND);
    await settle(5);
    assert.equal(alerts(d).length, 0, 'four quiet seconds are not yet a silence');
    clock.tick(2 * SECOND);
    await settle(5);
    const a = alerts(d);
    assert.equal(a.length, 1);
    assert.equal(a[0].payload.kind, 'silence');
    assert.equal(a[0].payload.since, T0 + 600 * SECOND, 'since the first missing reading was due');
    assert.match(a[0].payload.reason, /no reading for \d+ typical intervals/);
    clock.tick(60 * SECOND);
    await settle(5);
    assert.equal(alerts(d).length, 1, 'one alert per silence, however long');
    await feed(d, xs.slice(600), 667);
    const ended = d.out[0].filter((m) => m.payload.state === 'ended');
    assert.equal(ended.length, 1);
    assert.equal(ended[0].payload.kind, 'silence');
    assert.equal(alerts(d).length, 1, 'the reading after a silence is not news itself');
  });

  it('with a context store, a restart mid-stream gives the same alerts as an uninterrupted run', async () => {
    // The file store writes on real timers, so this run keeps the real clock; readings a minute
    // apart in event time keep a slow machine from looking like a silence.
    clock.restore();
    const MINUTE = 60 * SECOND;
    const xs = clean(2000, 5);
    KINDS.shift(xs, gaussian(6));
    for (let i = 1600; i < 1660; i++) xs[i] = xs[1599];
    const send = async (d: Running, values: number[], from: number): Promise<void> => {
      values.forEach((payload, i) => d.send({ topic: 'boiler', payload, timestamp: T0 + (from + i) * MINUTE }));
      await settle(10);
    };
    const summary = (msgs: Msg[]): string[] =>
      msgs.map((m) => `${m.payload.state} ${m.payload.kind} @${(m.payload.time - T0) / MINUTE} since ${(m.payload.since - T0) / MINUTE} ${m.payload.value}`);

    helper.settings({ contextStorage: { file: { module: 'localfilesystem', config: { dir: tempDir(), flushInterval: 30 } } } });
    await deploy({ store: 'file' });
    // Node-RED opens the file store at start: start once more so the node runs on it.
    const first = await restart(2);
    await send(first, xs.slice(0, 1250), 0);
    const before = summary(first.out[0]);
    const second = await restart(2);
    await send(second, xs.slice(1250), 1250);
    const resumed = [...before, ...summary(second.out[0])];
    await helper.unload();
    helper.settings({ contextStorage: undefined });

    const straight = await deploy();
    await send(straight, xs, 0);
    const expected = summary(straight.out[0]);
    assert.equal(expected.filter((s) => s.startsWith('alert')).length, 2, expected.join(' | '));
    assert.deepEqual(resumed, expected);
    clock = sinon.useFakeTimers({ now: T0, toFake: ['Date'] });
  });

  it('without a store, a restart forgets: the key warms up again', async () => {
    const xs = clean(1300, 7);
    KINDS.spike(xs, gaussian(8));
    const first = await deploy();
    await feed(first, xs.slice(0, 1190));
    const second = await restart(2);
    await feed(second, xs.slice(1190, 1195), 1190);
    await feed(second, xs.slice(1195), 1195);
    assert.equal(alerts(second).length, 0, 'ten readings after the restart are too few to judge by');
  });
});
