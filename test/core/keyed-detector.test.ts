import { strict as assert } from 'assert';
import { DEFAULT_ANOMALY_THRESHOLD, DEFAULT_HOLD_OFF, Detection, KeyedDetector, KeyedStep, createDetector } from '../../src/core/detectors';
import { ConfigError } from '../../src/core/errors';
import { seededGaussian as gaussian } from '../support/seeded-random';

const SECOND = 1000;
const MINUTE = 60_000;

function feed(k: KeyedDetector, key: string, values: number[], step = MINUTE, start = 0): KeyedStep[] {
  return values.map((v, i) => k.update(key, start + i * step, v)!);
}

const transitions = (steps: KeyedStep[]): string[] => steps.flatMap((s, i) => (s.transition ? [`${s.transition}@${i}`] : []));

describe('keyed detector', () => {
  it('defaults: anomaly, the hold-off of one minute and the same score as the bare detector', () => {
    assert.equal(new KeyedDetector().pattern, 'anomaly');
    const k = new KeyedDetector({ pattern: 'anomaly' });
    assert.equal(k.holdOff, DEFAULT_HOLD_OFF);
    assert.equal(DEFAULT_HOLD_OFF, MINUTE);
    const noise = gaussian(1);
    const xs = Array.from({ length: 1500 }, (_, i) => 20 + noise() + (i >= 1200 && i < 1210 ? 12 : 0));
    const bare = createDetector('anomaly');
    const steps = feed(k, 'a', xs);
    steps.forEach((s, i) => assert.deepEqual(s.detection, bare.update(i * MINUTE, xs[i]), `value ${i}`));
    assert.equal(steps[1200].detection.threshold, DEFAULT_ANOMALY_THRESHOLD);
  });

  it('one incident: one start at its onset, one end after the quiet hold-off, with when it started', () => {
    const k = new KeyedDetector({ pattern: 'anomaly', holdOff: 5 * MINUTE });
    const noise = gaussian(2);
    const steps = feed(
      k,
      'boiler',
      Array.from({ length: 1500 }, (_, i) => 20 + noise() + (i >= 1200 && i < 1220 ? 25 : 0)),
    );
    const t = transitions(steps);
    assert.equal(t.length, 2, t.join(' '));
    const start = Number(t[0].split('@')[1]);
    const end = Number(t[1].split('@')[1]);
    assert.ok(t[0].startsWith('start') && start >= 1200 && start <= 1203, t.join(' '));
    assert.ok(t[1].startsWith('end') && end >= 1220 + 5, t.join(' '));
    assert.equal(steps[end].startedAt, start * MINUTE);
    assert.ok(steps[start].detection.score >= DEFAULT_ANOMALY_THRESHOLD);
    assert.ok(steps.slice(start, end).every((s) => s.inAlert) && !steps[end].inAlert);
    assert.equal(k.alerts, 1);
    assert.equal(k.active, 0);
  });

  it('at the default threshold, white noise, a random walk and an AR(1) process raise fewer than one alert per 5 000 events', () => {
    const n = 30_000;
    for (const [kind, next] of [
      ['white noise', (g: () => number) => () => g()],
      [
        'random walk',
        (g: () => number) => {
          let w = 0;
          return () => (w += g());
        },
      ],
      [
        'AR(1) φ 0.9',
        (g: () => number) => {
          let w = 0;
          return () => (w = 0.9 * w + g());
        },
      ],
    ] as Array<[string, (g: () => number) => () => number]>) {
      let alerts = 0;
      for (const seed of [101, 102]) {
        const k = new KeyedDetector({ pattern: 'anomaly' });
        const value = next(gaussian(seed));
        for (let i = 0; i < n; i++) if (k.update('s', i * SECOND, value())!.transition === 'start') alerts++;
      }
      assert.ok(alerts < (2 * n) / 5000, `${kind}: ${alerts} alerts in ${2 * n} events`);
    }
  });

  it('a level step of 6σ alerts within a few values', () => {
    const noise = gaussian(3);
    const steps = feed(
      new KeyedDetector({ pattern: 'anomaly' }),
      's',
      Array.from({ length: 1400 }, (_, i) => (i < 1200 ? 0 : 6) + noise()),
    );
    const starts = transitions(steps).filter((x) => x.startsWith('start'));
    assert.ok(starts.length >= 1 && Number(starts[0].split('@')[1]) >= 1200 && Number(starts[0].split('@')[1]) <= 1205, starts.join(' '));
  });

  it('a dip under the threshold shorter than the hold-off keeps one incident', () => {
    const hot = (score: number): Detection => ({
      pattern: 'spike',
      score,
      level: score,
      threshold: 0.5,
      hot: score >= 0.5,
      expected: 0,
      direction: 'up',
      ready: true,
      details: {},
    });
    const k = new KeyedDetector({ pattern: 'spike', holdOff: 3 * MINUTE });
    const scores = [0, 0.9, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1, 0.9];
    const steps = scores.map((s, i) => k.observe('w', i * MINUTE, hot(s))!);
    assert.deepEqual(transitions(steps), ['start@1', 'end@7', 'start@9']);
    assert.equal(steps[7].startedAt, MINUTE);
    assert.equal(k.alerts, 2);
    assert.equal(k.active, 1);
  });

  it('closed windows: the most significant detection opens the incident, a quiet window ends it', () => {
    const k = new KeyedDetector({ pattern: 'anomaly', holdOff: 0, maxKeys: 1 });
    const noise = gaussian(5);
    const times = Array.from({ length: 60 }, (_, i) => i * MINUTE);
    const first = Array.from({ length: 60 }, (_, i) => 10 + noise() + (i === 20 ? 30 : i === 40 ? 50 : 0));
    const a = k.analyseWindow('w', times, first, 60 * MINUTE);
    assert.deepEqual(
      a.found.map((d) => d.index),
      [40, 20],
    );
    assert.equal(a.step?.transition, 'start');
    assert.deepEqual([a.time, a.value], [40 * MINUTE, first[40]]);
    const later = times.map((t) => t + 60 * MINUTE);
    const quiet = Array.from({ length: 60 }, () => 10 + noise());
    const b = k.analyseWindow('w', later, quiet, 120 * MINUTE);
    assert.deepEqual(b.found, []);
    assert.equal(b.step?.transition, 'end');
    assert.deepEqual([b.time, b.value, b.step?.startedAt], [120 * MINUTE, quiet[59], 40 * MINUTE]);
    const other = k.analyseWindow('x', times, first, 60 * MINUTE);
    assert.equal(other.step, undefined, 'over maxKeys: no incident state');
    assert.equal(other.found.length, 2, 'but the detections are still reported');
  });

  it('keeps keys apart and refuses keys over maxKeys, counting them', () => {
    const k = new KeyedDetector({ pattern: 'trend', maxKeys: 2 });
    assert.ok(k.update('a', 0, 1));
    assert.ok(k.update('b', 0, 1));
    assert.equal(k.update('c', 0, 1), undefined);
    assert.equal(k.observe('c', 0, createDetector('trend').update(0, 1)), undefined);
    assert.equal(k.droppedKeys, 2);
    assert.equal(k.size, 2);
    assert.ok(k.update('a', MINUTE, 2), 'known keys still work');
  });

  it("a history given as a duration is sized from the key's event rate", () => {
    // One event a minute and 20 minutes of history: the detector of a 20-event history.
    const k = new KeyedDetector({ pattern: 'trend', history: { duration: 20 * MINUTE } });
    const same = createDetector('trend', { history: 20 });
    const other = createDetector('trend', { history: 60 });
    const xs = Array.from({ length: 60 }, (_, i) => (i < 30 ? i : 30));
    const steps = feed(k, 'k', xs);
    const expected = xs.map((v, i) => same.update(i * MINUTE, v));
    const otherwise = xs.map((v, i) => other.update(i * MINUTE, v));
    steps.slice(0, 10).forEach((s) => assert.equal(s.detection.ready, false));
    for (let i = 10; i < 60; i++) assert.deepEqual(steps[i].detection, expected[i], `value ${i}`);
    assert.notDeepEqual(steps[59].detection, otherwise[59]);
  });

  it('reset forgets one key (or all): its history and open incident', () => {
    const k = new KeyedDetector({ pattern: 'spike', holdOff: 0 });
    const noise = gaussian(4);
    const xs = Array.from({ length: 150 }, (_, i) => 50 + noise() + (i === 149 ? 40 : 0));
    feed(k, 'a', xs);
    feed(k, 'b', xs);
    assert.equal(k.active, 2);
    k.reset('a');
    assert.equal(k.active, 1);
    assert.equal(k.size, 1);
    assert.equal(k.update('a', 200 * MINUTE, 50)!.detection.ready, false, 'a starts over');
    assert.equal(k.update('b', 200 * MINUTE, 50)!.detection.ready, true, 'b keeps its history');
    k.reset();
    assert.equal(k.size, 0);
    assert.equal(k.active, 0);
  });

  it('bad detector options are a ConfigError naming the field', () => {
    assert.throws(
      () => new KeyedDetector({ options: { threshold: 2 } }),
      (e: unknown) => e instanceof ConfigError && /threshold/.test(e.message),
    );
    assert.throws(
      () => new KeyedDetector({ pattern: 'anomaly', history: { events: 1 } }),
      (e: unknown) => e instanceof ConfigError && /history/.test(e.message),
    );
  });
});

describe("keyed detector: the state of some keys (a partition's keys move to another reader)", () => {
  /** Readings a second apart with a shift from reading 900 and a dip at 1300 (seeded). */
  function series(seed: number): number[] {
    const g = gaussian(seed);
    return Array.from({ length: 1500 }, (_, i) => 20 + 0.2 * g() + (i >= 900 && i < 1000 ? 5 : 0) + (i === 1300 ? -9 : 0));
  }

  it('a key moved mid-incident, through JSON, goes on in its new detector exactly as in one that read everything; the old one forgets it', () => {
    const xs = { a: series(1), b: series(2) };
    const whole = new KeyedDetector({ pattern: 'auto' });
    const all = { a: [] as KeyedStep[], b: [] as KeyedStep[] };
    for (let i = 0; i < 1500; i++) for (const key of ['a', 'b'] as const) all[key].push(whole.update(key, i * SECOND, xs[key][i])!);
    const first = new KeyedDetector({ pattern: 'auto' });
    for (let i = 0; i < 950; i++) for (const key of ['a', 'b'] as const) first.update(key, i * SECOND, xs[key][i]);
    assert.equal(first.active, 2, 'both keys are in their shift incident');
    const saved = JSON.parse(JSON.stringify(first.snapshotKeys(['b', 'never'])));
    first.dropKeys(['b']);
    assert.equal(first.hasKey('b'), false);
    assert.equal(first.active, 1);
    const second = new KeyedDetector({ pattern: 'auto' });
    assert.deepEqual(second.restoreKeys(saved), ['b']);
    assert.equal(second.active, 1, 'the open incident came with the key');
    for (let i = 950; i < 1500; i++) {
      assert.deepEqual(first.update('a', i * SECOND, xs.a[i]), all.a[i], `a ${i}`);
      assert.deepEqual(second.update('b', i * SECOND, xs.b[i]), all.b[i], `b ${i}`);
    }
    assert.deepEqual(transitions(all.b.slice(950)), ['end@53', 'start@351', 'end@352'], 'the moved key ends its shift and finds the dip');
  });

  it('refuses keys of another pattern and a damaged entry, changing nothing', () => {
    const auto = new KeyedDetector({ pattern: 'auto' });
    for (let i = 0; i < 50; i++) auto.update('k', i * SECOND, 20 + (i % 3));
    const saved = JSON.parse(JSON.stringify(auto.snapshotKeys(['k'])));
    const other = new KeyedDetector({ pattern: 'anomaly' });
    assert.throws(
      () => other.restoreKeys(saved),
      (e: ConfigError) => e.field === 'snapshot' && /pattern/.test(e.message),
    );
    const local = new KeyedDetector({ pattern: 'auto' });
    local.update('k', 0, 1);
    const before = JSON.stringify(local.snapshotKeys(['k']));
    const broken = { ...saved, keys: [{ ...saved.keys[0], startedAt: 'yesterday' }] };
    assert.throws(() => local.restoreKeys(broken), /startedAt/);
    assert.equal(JSON.stringify(local.snapshotKeys(['k'])), before, 'the local key stays as it was');
  });
});

describe('keyed detector input', () => {
  it('refuses a value or time that is not a finite number, and the key goes on as if it never came', () => {
    const clean = new KeyedDetector({ pattern: 'anomaly' });
    const probed = new KeyedDetector({ pattern: 'anomaly' });
    for (let i = 0; i < 300; i++) {
      const v = 20 + Math.sin(i / 7) + (i === 250 ? 15 : 0);
      if (i % 50 === 0) {
        assert.throws(() => probed.update('k', i * 1000, NaN), /value must be a finite number, got number NaN/);
        assert.throws(() => probed.update('k', i * 1000, Infinity), /finite number/);
        assert.throws(() => probed.update('k', NaN, v), /event time must be a finite number/);
      }
      assert.deepEqual(probed.update('k', i * 1000, v), clean.update('k', i * 1000, v));
    }
  });
});
