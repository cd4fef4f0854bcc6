import { strict as assert } from 'assert';
import { helper, lastStatus, laterStore, restart, settle, statusSoon, tempDir, until, Msg } from './stream-window-support';
import detect = require('../../src/nodes/stream-detect');
import { DEFAULT_ANOMALY_THRESHOLD, KeyedDetector } from '../../src/core/detectors';
import { seededGaussian as gaussian } from '../support/seeded-random';
import tumbling = require('../../src/nodes/stream-tumbling-window');

const catchNode = require('@node-red/nodes/core/common/25-catch.js');

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

interface Deployed {
  node: any;
  out: Msg[][];
  caught: Msg[];
  send(msg: Msg): void;
}

/** Deploys stream-detect (id 'n') with two collectors and a Catch node. */
async function deploy(config: Record<string, unknown>, extra: object[] = [], first = 'n'): Promise<Deployed> {
  const flow = [
    { id: 'f', type: 'tab' },
    { id: 'n', type: 'stream-detect', z: 'f', wires: [['out0'], ['out1']], ...config },
    { id: 'out0', type: 'helper', z: 'f' },
    { id: 'out1', type: 'helper', z: 'f' },
    { id: 'catcher', type: 'catch', z: 'f', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f' },
    ...extra,
  ];
  await helper.load([detect, tumbling, catchNode], flow);
  const out: Msg[][] = [[], []];
  const caught: Msg[] = [];
  helper.getNode('out0').on('input', (m: Msg) => out[0].push(m));
  helper.getNode('out1').on('input', (m: Msg) => out[1].push(m));
  helper.getNode('caught').on('input', (m: Msg) => caught.push(m));
  const entry = helper.getNode(first);
  return { node: helper.getNode('n'), out, caught, send: (msg) => entry.receive(msg) };
}

async function feed(d: Deployed, topic: string, values: number[], start = T0, step = MINUTE): Promise<void> {
  values.forEach((payload, i) => d.send({ topic, payload, timestamp: start + i * step }));
  await settle(10);
}

const states = (msgs: Msg[]): string[] => msgs.map((m) => `${m.payload.state}@${(m.payload.time - T0) / MINUTE}`);

describe('stream-detect node', function () {
  afterEach(async () => {
    await helper.unload();
    helper.settings({ contextStorage: undefined });
  });

  it('anomaly, stream: one alert at the onset of an incident and one "ended" after the hold-off', async () => {
    const d = await deploy({ pattern: 'anomaly', holdOff: '5m' });
    const noise = gaussian(1);
    const xs = Array.from({ length: 600 }, (_, i) => 20 + noise() + (i >= 400 && i < 420 ? 25 : 0));
    await feed(d, 'boiler', xs);
    await until(() => d.out[0].length >= 2, 'alert and ended');
    assert.deepEqual(
      states(d.out[0]).map((s) => s.split('@')[0]),
      ['alert', 'ended'],
    );
    const alert = d.out[0][0];
    assert.equal(alert.topic, 'boiler');
    assert.equal(alert.payload.pattern, 'anomaly');
    const at = (alert.payload.time - T0) / MINUTE;
    assert.ok(at >= 400 && at <= 403, `alert at ${at}`);
    assert.equal(alert.payload.direction, 'up');
    assert.ok(Math.abs(alert.payload.expected - 20) < 1);
    assert.ok(alert.payload.score >= DEFAULT_ANOMALY_THRESHOLD && alert.payload.score <= 1);
    assert.ok(alert.payload.level >= alert.payload.score && alert.payload.level <= 1);
    assert.equal(alert.payload.threshold, 0.42);
    const ended = d.out[0][1];
    assert.ok((ended.payload.time - T0) / MINUTE >= 420 + 5, `ended at ${(ended.payload.time - T0) / MINUTE}`);
    assert.equal(ended.payload.startedAt, alert.payload.time);
    assert.equal(d.out[1].length, 0, 'no second port output with outputs 1');
  });

  it('default settings: the score on port 2 and the alerts on port 1 are those of the core keyed detector (what bench:nab scores)', async () => {
    const d = await deploy({ outputs: 2 });
    const noise = gaussian(11);
    const xs = Array.from({ length: 1300 }, (_, i) => 20 + noise() + (i >= 1100 && i < 1110 ? 12 : 0) + (i >= 1200 ? 8 : 0));
    await feed(d, 'pump', xs);
    await until(() => d.out[1].length === xs.length, 'every event annotated');
    const core = new KeyedDetector();
    const steps = xs.map((v, i) => core.update('pump', T0 + i * MINUTE, v)!);
    assert.deepEqual(
      d.out[1].map((m) => m.detect.score),
      steps.map((s) => s.detection.score),
    );
    const expected = steps.flatMap((s, i) => (s.transition === 'start' ? [`alert@${i}`] : s.transition === 'end' ? [`ended@${i}`] : []));
    assert.ok(expected.length >= 2, `the series has incidents: ${expected}`);
    assert.deepEqual(states(d.out[0]), expected);
  });

  it('hold-off left empty is one minute of event time', async () => {
    const d = await deploy({ pattern: 'spike' });
    const noise = gaussian(12);
    await feed(
      d,
      's',
      Array.from({ length: 300 }, (_, i) => 50 + noise() + (i === 150 ? 30 : 0)),
      T0,
      1000,
    );
    await until(() => d.out[0].length >= 2, 'alert and ended');
    const [alert, ended] = d.out[0];
    assert.equal(alert.payload.time - T0, 150_000);
    assert.equal(ended.payload.state, 'ended');
    assert.equal(ended.payload.time - alert.payload.time, MINUTE);
  });

  it('keeps keys apart and annotates every event on port 2', async () => {
    const d = await deploy({ pattern: 'spike', outputs: 2, direction: 'up' });
    const noise = gaussian(2);
    const a = Array.from({ length: 200 }, (_, i) => 50 + noise() + (i === 150 ? 30 : 0) + (i === 170 ? -30 : 0));
    const b = Array.from({ length: 200 }, () => 5 + noise());
    a.forEach((v, i) => {
      d.send({ topic: 'a', payload: v, timestamp: T0 + i * MINUTE });
      d.send({ topic: 'b', payload: b[i], timestamp: T0 + i * MINUTE });
    });
    await until(() => d.out[1].length === 400, 'every event annotated');
    const alerts = d.out[0].filter((m) => m.payload.state === 'alert');
    assert.deepEqual(
      alerts.map((m) => [m.topic, (m.payload.time - T0) / MINUTE, m.payload.kind]),
      [['a', 150, 'spike']],
    );
    const annotated = d.out[1][300];
    assert.equal(typeof annotated.detect.score, 'number');
    assert.equal(annotated.detect.pattern, 'spike');
    assert.equal(annotated.payload, a[150]);
    assert.equal(annotated.detect.alert, true);
  });

  it('changepoint, stream: reports a level step with its direction and where it began', async () => {
    const d = await deploy({ pattern: 'changepoint', holdOff: '0' });
    const noise = gaussian(3);
    await feed(
      d,
      'line',
      Array.from({ length: 700 }, (_, i) => (i < 400 ? 10 : 8) + 0.5 * noise()),
    );
    await until(() => d.out[0].length >= 1, 'change alert');
    const alert = d.out[0][0].payload;
    assert.equal(alert.kind, 'level');
    assert.equal(alert.direction, 'down');
    const at = (alert.time - T0) / MINUTE;
    assert.ok(at >= 400 && at < 420, `detected at ${at}`);
    assert.ok(Math.abs((alert.changeTime - T0) / MINUTE - 400) <= 5);
  });

  it('trend, stream: a ramp gives one "increasing" alert, its slope per second, and "ended" when it levels off', async () => {
    const d = await deploy({ pattern: 'trend', history: '30', holdOff: '0', outputs: 2 });
    const noise = gaussian(4);
    await feed(
      d,
      'tank',
      Array.from({ length: 300 }, (_, i) => (i < 100 ? 0 : i < 200 ? (i - 100) * 0.6 : 60) + noise()),
    );
    await until(() => d.out[0].length >= 2 && d.out[1].length === 300, 'alert, ended and every event');
    const [alert, ended] = d.out[0];
    assert.equal(alert.payload.trend, 'increasing');
    assert.ok((alert.payload.time - T0) / MINUTE > 100 && (alert.payload.time - T0) / MINUTE < 130);
    // Once the history lies on the ramp, the slope is the ramp's: 0.6 per minute.
    assert.ok(Math.abs(d.out[1][180].detect.slopePerSecond - 0.6 / 60) < 0.001, `slope ${d.out[1][180].detect.slopePerSecond}`);
    assert.equal(ended.payload.state, 'ended');
    assert.ok((ended.payload.time - T0) / MINUTE > 200);
    assert.equal(d.out[0].length, 2);
  });

  it('seasonality, stream: finds a period of 24', async () => {
    const d = await deploy({ pattern: 'seasonality', history: '240' });
    const noise = gaussian(5);
    await feed(
      d,
      'hvac',
      Array.from({ length: 400 }, (_, i) => 3 * Math.sin((2 * Math.PI * i) / 24) + 0.3 * noise()),
    );
    await until(() => d.out[0].length >= 1, 'seasonality alert');
    assert.equal(d.out[0][0].payload.period, 24);
    assert.ok(d.out[0][0].payload.strength > 0.5);
  });

  it("history as a duration: sized from the key's event rate", async () => {
    const d = await deploy({ pattern: 'trend', history: '20m', holdOff: '0', outputs: 2 });
    await feed(
      d,
      'k',
      Array.from({ length: 60 }, (_, i) => (i < 30 ? i : 30)),
    );
    await until(() => d.out[1].length === 60, 'annotated');
    // 20 one-minute events of history: 20 flat values later the trend is gone (60, the default, would still see it).
    assert.equal(d.out[1][35].detect.trend, 'increasing');
    assert.equal(d.out[1][59].detect.trend, 'stable');
  });

  it('window mode, own tumbling windows: analyses each closed window', async () => {
    const d = await deploy({ pattern: 'trend', mode: 'window', windowType: 'tumbling', size: '1h', holdOff: '0', outputs: 2 });
    const noise = gaussian(6);
    await feed(
      d,
      'w',
      Array.from({ length: 180 }, (_, i) => (i < 60 ? i * 0.5 : 30) + 0.2 * noise()),
    );
    d.send({ flush: true });
    await until(() => d.out[1].length === 3, 'three windows annotated');
    assert.deepEqual(
      d.out[0].map((m) => m.payload.state),
      ['alert', 'ended'],
    );
    assert.equal(d.out[0][0].payload.trend, 'increasing');
    assert.equal(d.out[0][0].window.start, T0);
    assert.equal(d.out[1][0].window.count, 60);
    assert.equal(d.out[1][0].detect.detections.length, 1);
  });

  it('window messages from a window node: the outlier in the window is reported', async () => {
    const d = await deploy(
      { pattern: 'anomaly', mode: 'window', windowType: 'none', holdOff: '0' },
      [{ id: 'win', type: 'stream-tumbling-window', z: 'f', size: '1h', wires: [['n']] }],
      'win',
    );
    const noise = gaussian(7);
    await feed(
      d,
      'p',
      Array.from({ length: 60 }, (_, i) => 10 + noise() + (i === 33 ? 40 : 0)),
    );
    d.send({ flush: true });
    await until(() => d.out[0].length === 1, 'alert');
    const alert = d.out[0][0];
    assert.ok(alert.payload.value > 45, `value ${alert.payload.value}`);
    assert.ok(Math.abs(alert.payload.expected - 10) < 1);
    assert.equal((alert.payload.time - T0) / MINUTE, 33);
    assert.equal(alert.payload.detections, 1);
    assert.equal(alert.window.key, 'p');
  });

  it('own tumbling windows and window messages from a tumbling window node give the same alerts', async () => {
    const noise = gaussian(10);
    const xs = Array.from({ length: 240 }, (_, i) => 10 + noise() + (i === 33 ? 40 : 0) + (i === 130 ? -45 : 0));
    const alertsOf = async (config: Record<string, unknown>, extra: object[] = [], first = 'n'): Promise<unknown[]> => {
      const d = await deploy({ pattern: 'anomaly', mode: 'window', holdOff: '0', ...config }, extra, first);
      await feed(d, 'p', xs);
      d.send({ flush: true });
      await until(() => d.out[0].length >= 4, 'two alerts and their ends');
      await settle(10);
      const out = d.out[0].map((m) => ({ payload: m.payload, window: [m.window.key, m.window.start, m.window.end, m.window.count] }));
      await helper.unload();
      return out;
    };
    const own = await alertsOf({ windowType: 'tumbling', size: '1h' });
    const fromNode = await alertsOf({ windowType: 'none' }, [{ id: 'win', type: 'stream-tumbling-window', z: 'f', size: '1h', wires: [['n']] }], 'win');
    assert.deepEqual(fromNode, own);
    const alerts = own.filter((m) => (m as { payload: { state: string } }).payload.state === 'alert');
    assert.deepEqual(
      alerts.map((m) => ((m as { payload: { time: number } }).payload.time - T0) / MINUTE),
      [33, 130],
    );
  });

  describe('window mode on window messages, per pattern', () => {
    const noise = gaussian(9);
    const window = (values: number[]): Msg => ({
      topic: 'm',
      window: { type: 'tumbling', key: 'm', start: T0, end: T0 + values.length * MINUTE, count: values.length, firing: 'final' },
      payload: values.map((v, i) => ({ timestamp: T0 + i * MINUTE, topic: 'm', payload: v })),
    });
    const cases: Array<[string, number[], (p: Msg) => void]> = [
      [
        'spike',
        Array.from({ length: 120 }, (_, i) => 5 + noise() + (i === 70 ? -12 : 0)),
        (p) => {
          assert.equal((p.time - T0) / MINUTE, 70);
          assert.equal(p.direction, 'down');
        },
      ],
      [
        'changepoint',
        Array.from({ length: 300 }, (_, i) => (i < 150 ? 0 : 3) + 0.5 * noise()),
        (p) => {
          assert.equal(p.kind, 'level');
          assert.ok((p.time - T0) / MINUTE >= 150 && (p.time - T0) / MINUTE < 165);
        },
      ],
      [
        'seasonality',
        Array.from({ length: 240 }, (_, i) => Math.sin((2 * Math.PI * i) / 24) + 0.2 * noise()),
        (p) => {
          assert.equal(p.period, 24);
        },
      ],
    ];
    for (const [pattern, values, check] of cases) {
      it(`${pattern}: one alert for the window, with what was found`, async () => {
        const d = await deploy({ pattern, mode: 'window', windowType: 'none', holdOff: '0' });
        d.send(window(values));
        await until(() => d.out[0].length === 1, `${pattern} alert`);
        const alert = d.out[0][0];
        assert.equal(alert.payload.state, 'alert');
        assert.equal(alert.payload.pattern, pattern);
        assert.equal(alert.window.key, 'm');
        check(alert.payload);
      });
    }
  });

  it('window mode with a context store: open windows survive a restart', async () => {
    helper.settings({ contextStorage: { file: { module: 'localfilesystem', config: { dir: tempDir(), flushInterval: 30 } } } });
    await deploy({ pattern: 'trend', mode: 'window', windowType: 'tumbling', size: '1h', store: 'file', outputs: 2 });
    let d = await restart(2);
    await feed(
      d,
      'r',
      Array.from({ length: 30 }, (_, i) => i),
    );
    d = await restart(2);
    await feed(
      d,
      'r',
      Array.from({ length: 31 }, (_, i) => 30 + i),
      T0 + 30 * MINUTE,
    );
    await until(() => d.out[1].length === 1, 'the first hour analysed');
    assert.equal(d.out[1][0].window.count, 60, 'the 30 values from before the restart are in the window');
    assert.equal(d.out[0][0].payload.trend, 'increasing');
  });

  for (const [mode, extra] of [
    ['stream', {}],
    ['window', { mode: 'window', windowType: 'tumbling', size: '10m' }],
  ] as const) {
    it(`spike, ${mode} mode, with a context store: a restart during an incident keeps the history and the incident: it ends once, with no second alert`, async () => {
      helper.settings({ contextStorage: { file: { module: 'localfilesystem', config: { dir: tempDir(), flushInterval: 30 } } } });
      await deploy({ pattern: 'spike', history: '20', minHistory: '5', holdOff: '15m', store: 'file', ...extra });
      let d = await restart(2);
      const xs = Array.from({ length: 36 }, (_, i) => (i === 15 ? 90 : 20 + (i % 3) * 0.1));
      await feed(d, 's', xs.slice(0, 25));
      await until(() => d.out[0].length === 1, 'the spike alerted');
      assert.equal(d.out[0][0].payload.state, 'alert');
      d = await restart(2);
      await feed(d, 's', xs.slice(25), T0 + 25 * MINUTE);
      await until(() => d.out[0].length === 1, 'the incident ended');
      assert.deepEqual(
        d.out[0].map((m) => [m.payload.state, (m.payload.startedAt - T0) / MINUTE]),
        [['ended', 15]],
      );
      if (mode === 'window') assert.equal(d.out[0][0].window.count, 10, 'the window from 20 to 30 min holds the 5 readings from before the restart');
    });
  }

  it("msg.reset forgets a key's history: it must warm up again before alerting", async () => {
    const d = await deploy({ pattern: 'spike', outputs: 2 });
    const noise = gaussian(8);
    await feed(
      d,
      'a',
      Array.from({ length: 100 }, () => 50 + noise()),
    );
    await feed(
      d,
      'b',
      Array.from({ length: 100 }, () => 50 + noise()),
    );
    d.send({ reset: true, topic: 'a' });
    await settle();
    d.send({ topic: 'a', payload: 51, timestamp: T0 + 200 * MINUTE });
    d.send({ topic: 'b', payload: 51, timestamp: T0 + 200 * MINUTE });
    await until(() => d.out[1].length === 202, 'annotated');
    assert.equal(d.out[1][200].detect.ready, false, 'key a starts over');
    assert.equal(d.out[1][201].detect.ready, true, 'key b keeps its history');
  });

  it('msg.reset waits its turn: events queued while saved state is read are reset with the rest, events after it stay', async () => {
    // A context store whose reads the test answers, so the node is certainly still restoring.
    const store = laterStore();
    helper.settings({ contextStorage: { held: { module: store.module } } });
    await deploy({ pattern: 'auto', store: 'held', outputs: 2 });
    store.hold = true;
    const d = await restart(2);
    d.send({ topic: 'a', payload: 20, timestamp: T0 });
    d.send({ topic: 'b', payload: 20, timestamp: T0 });
    d.send({ reset: true });
    d.send({ topic: 'c', payload: 20, timestamp: T0 + MINUTE });
    await settle();
    assert.equal(d.out[1].length, 0, 'nothing is handled before the saved state is read');
    assert.ok(store.waiting() > 0, 'the node is reading its saved state');
    store.release();
    await until(() => d.out[1].length === 3, 'the queued events annotated');
    assert.deepEqual(
      d.out[1].map((m) => m.topic),
      ['a', 'b', 'c'],
    );
    // a and b came before the reset and are forgotten with everything else; c came after it.
    assert.match(await statusSoon(d.node), /(^| · )1 key · /);
  });

  it("msg.reset selects a key as events are keyed: true, 0 and '' name one key each, an object names none, and no other key forgets", async () => {
    const d = await deploy({ pattern: 'spike', outputs: 2 });
    const noise = gaussian(9);
    await feed(
      d,
      'a',
      Array.from({ length: 100 }, () => 50 + noise()),
    );
    for (const topic of [true, 0, '', { a: 1 }, [1, 2]]) d.send({ reset: true, topic });
    await settle();
    d.send({ topic: 'a', payload: 51, timestamp: T0 + 200 * MINUTE });
    await until(() => d.out[1].length === 101, 'annotated');
    assert.equal(d.out[1][100].detect.ready, true, 'key a keeps its history');
  });

  it('a batch is processed element by element; a bad element is reported once and the rest still count', async () => {
    const d = await deploy({ pattern: 'trend', outputs: 2 });
    const items: Msg[] = Array.from({ length: 20 }, (_, i) => ({ topic: 'k', payload: i, timestamp: T0 + i * MINUTE }));
    items[5] = { topic: 'k', payload: 'n/a', timestamp: T0 + 5 * MINUTE };
    d.send({ batch: true, payload: items });
    await until(() => d.caught.length === 1, 'caught');
    assert.match(d.caught[0].error.message, /1 of 20 elements rejected; first: msg\.payload is string "n\/a"/);
    assert.equal(d.out[1].length, 19, 'the good elements are annotated on port 2');
    assert.equal(d.out[1][18].detect.trend, 'increasing');
    assert.match(await statusSoon(d.node), /1 rejected/);
  });

  it('rejects a message without a number: counted, shown, reported to Catch, and the flow goes on', async () => {
    const d = await deploy({ pattern: 'spike' });
    d.send({ topic: 'a', payload: 'hot', timestamp: T0 });
    d.send({ topic: 'a', payload: 1, timestamp: T0 + 1 });
    await until(() => d.caught.length === 1, 'caught');
    assert.match(d.caught[0].error.message, /msg\.payload is string "hot"; a finite number is needed/);
    const text = await statusSoon(d.node);
    assert.match(text, /1 rejected/);
    assert.match(text, /1 key/);
  });

  it('window mode without a window: a plain event is rejected naming msg.window', async () => {
    const d = await deploy({ pattern: 'anomaly', mode: 'window', windowType: 'none' });
    d.send({ topic: 'a', payload: 1, timestamp: T0 });
    await until(() => d.caught.length === 1, 'caught');
    assert.match(d.caught[0].error.message, /msg\.window/);
  });

  it('maxKeys bounds the keys: events of further keys are dropped, counted and logged once, not sent to Catch one by one', async () => {
    const d = await deploy({ pattern: 'trend', maxKeys: '2' });
    ['a', 'b', 'c', 'd', 'e', 'a'].forEach((topic, i) => d.send({ topic, payload: i, timestamp: T0 + i }));
    await settle(10);
    assert.equal(d.caught.length, 0);
    const warnings = d.node.warn.getCalls().map((c: { args: unknown[] }) => String(c.args[0]));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /^1 event of new keys dropped: the node already tracks maxKeys \(2\) keys \(the latest: "c"\)/);
    assert.match(await statusSoon(d.node), /2 keys.*3 over maxKeys/);
  });

  for (const [config, fieldName] of [
    [{ pattern: 'wobble' }, 'pattern'],
    [{ pattern: 'anomaly', threshold: '1.5' }, 'threshold'],
    [{ pattern: 'spike', confidence: '40' }, 'confidence'],
    [{ pattern: 'trend', history: 'lots' }, 'history'],
    [{ pattern: 'anomaly', direction: 'sideways' }, 'direction'],
    [{ pattern: 'anomaly', mode: 'batch' }, 'mode'],
    [{ pattern: 'anomaly', holdOff: 'soon' }, 'holdOff'],
    [{ pattern: 'anomaly', mode: 'window', windowType: 'tumbling', size: '' }, 'size'],
  ] as Array<[Record<string, unknown>, string]>) {
    it(`bad config (${fieldName}): red status naming the field, and messages pass without effect`, async () => {
      const d = await deploy(config);
      const status = lastStatus(d.node);
      assert.equal(status.fill, 'red');
      assert.match(status.text, new RegExp(fieldName));
      assert.match(d.node.error.firstCall.args[0], new RegExp(fieldName));
      d.send({ topic: 'a', payload: 1, timestamp: T0 });
      await settle();
      assert.equal(d.out[0].length + d.caught.length, 0);
    });
  }
});
