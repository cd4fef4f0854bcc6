import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import {
  AlertState,
  AnomalyDetector,
  ChangePointDetector,
  RollingQuantiles,
  SeasonalityDetector,
  SpikeDetector,
  TrendDetector,
  analyseWindow,
  autocorrelation,
  createDetector,
  cusumLimit,
  detectPeriod,
  mannKendall,
  Detection,
  Pattern,
} from '../../src/core/detectors';
import { ConfigError } from '../../src/core/errors';
import { seededGaussian as gaussian } from '../support/seeded-random';
import { snapPackedNumbers } from '../../src/core/packed-numbers';

function series(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

function run(pattern: Pattern, values: number[], options = {}): Detection[] {
  const d = createDetector(pattern, options);
  return values.map((v, i) => d.update(T0 + i * MINUTE, v));
}

function hotIndices(results: Detection[]): number[] {
  return results.flatMap((r, i) => (r.hot ? [i] : []));
}

describe('detectors: rolling quantiles', () => {
  const naiveMedian = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const n = s.length;
    return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  };

  it('median and MAD equal a recomputation over the last `capacity` values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 25 }), fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 80 }), (cap, xs) => {
        const q = new RollingQuantiles(cap);
        xs.forEach((x, i) => {
          q.push(x);
          const window = xs.slice(Math.max(0, i + 1 - cap), i + 1);
          const m = naiveMedian(window);
          assert.equal(q.median(), m);
          assert.equal(q.mad(), naiveMedian(window.map((v) => Math.abs(v - m))));
          assert.deepEqual(q.values(), window);
        });
      }),
    );
  });

  it('MAD about any centre, inside or outside the values, equals a recomputation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 25 }),
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 80 }),
        fc.double({ min: -30, max: 30, noNaN: true }),
        (cap, xs, center) => {
          const q = new RollingQuantiles(cap);
          xs.forEach((x, i) => {
            q.push(x);
            const window = xs.slice(Math.max(0, i + 1 - cap), i + 1);
            assert.equal(q.mad(center), naiveMedian(window.map((v) => Math.abs(v - center))));
          });
        },
      ),
    );
  });
  it('quantiles and MADs stay exact when full windows evict, with ties, signed zeros and the same centre asked again', () => {
    const naiveQuantile = (xs: number[], p: number): number => {
      const s = [...xs].sort((a, b) => a - b);
      const pos = p * (s.length - 1);
      const lo = Math.floor(pos);
      const hi = Math.min(lo + 1, s.length - 1);
      return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    };
    // The sign of a zero depends on which of several equal values a sort puts first: not compared.
    const same = (a: number, b: number): void => assert.ok(a === b, `${a} ≠ ${b}`);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.array(fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constant(-0), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 300 }),
        (cap, xs) => {
          const q = new RollingQuantiles(cap);
          xs.forEach((x, i) => {
            q.push(x);
            const window = xs.slice(Math.max(0, i + 1 - cap), i + 1);
            for (const p of [0, 0.01, 0.5, 0.99, 1]) same(q.quantile(p), naiveQuantile(window, p));
            // The same centre twice in a row and then the median: the remembered split must not leak.
            same(q.mad(0), naiveMedian(window.map((v) => Math.abs(v))));
            same(q.mad(0), naiveMedian(window.map((v) => Math.abs(v))));
            const m = q.median();
            same(q.mad(m), naiveMedian(window.map((v) => Math.abs(v - m))));
          });
        },
      ),
    );
  });
});

describe('detectors: seasonality', () => {
  it('finds a period of 24 in a noisy sine and reports its strength', () => {
    const noise = gaussian(1);
    const xs = series(24 * 20, (i) => 10 * Math.sin((2 * Math.PI * i) / 24) + noise());
    const p = detectPeriod(xs);
    assert.ok(p, 'a period is found');
    assert.equal(p.period, 24);
    assert.ok(p.strength > 0.8, `strength ${p.strength}`);
  });

  it('finds no period in white noise', () => {
    const noise = gaussian(2);
    assert.equal(detectPeriod(series(1000, () => noise())), undefined);
  });

  it('FFT autocorrelation equals the direct sum', () => {
    const noise = gaussian(3);
    const xs = series(100, (i) => Math.sin(i / 3) + noise());
    const r = autocorrelation(xs, 10);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const d = xs.map((x) => x - mean);
    const v = d.reduce((a, b) => a + b * b, 0);
    for (let lag = 0; lag <= 10; lag++) {
      let s = 0;
      for (let i = lag; i < d.length; i++) s += d[i] * d[i - lag];
      assert.ok(Math.abs(r[lag] - s / v) < 1e-9, `lag ${lag}`);
    }
  });

  it('streams: reports period 24 once enough history is seen', () => {
    const noise = gaussian(4);
    const d = new SeasonalityDetector({ history: 240 });
    let last;
    for (let i = 0; i < 600; i++) last = d.update(5 * Math.sin((2 * Math.PI * i) / 24) + 0.5 * noise());
    assert.equal(last?.period, 24);
    const results = run(
      'seasonality',
      series(600, (i) => Math.sin((2 * Math.PI * i) / 24)),
      { history: 240 },
    );
    assert.equal(results[599].details.period, 24);
    assert.equal(results[599].hot, true);
  });
});

describe('detectors: anomaly (streaming)', () => {
  it('a snapshot taken mid-stream, through JSON, continues exactly as the uninterrupted detector', () => {
    const noise = gaussian(21);
    // A daily-like cycle of 200 readings so the seasonal reference is in the saved state, and a step.
    const xs = series(4000, (i) => 20 + 3 * Math.sin((2 * Math.PI * i) / 200) + 0.3 * noise() + (i >= 3300 ? 4 : 0));
    const straight = new AnomalyDetector();
    const all = xs.map((v, i) => straight.update(i * 1000, v));
    const first = new AnomalyDetector();
    for (let i = 0; i < 3100; i++) first.update(i * 1000, xs[i]);
    const resumed = new AnomalyDetector({}, JSON.parse(JSON.stringify(first.snapshot())));
    for (let i = 3100; i < xs.length; i++) assert.deepEqual(resumed.update(i * 1000, xs[i]), all[i], `value ${i}`);
    assert.ok(all[3099].period > 0, 'the cycle was found before the cut');
    assert.ok(
      all.slice(3300, 3320).some((r) => r.score >= 0.42),
      'the step scores after the cut',
    );
  });

  it('a saved state of another shape is not used: the detector starts afresh', () => {
    const d = new AnomalyDetector({}, { levels: [1, 2], surprises: [] });
    assert.equal(d.update(0, 3).ready, false);
    assert.deepEqual(snapPackedNumbers(d.snapshot().levels, 1, 'levels'), [3]);
  });

  it('white noise never reaches the score of a real deviation (0.5)', () => {
    for (const seed of [11, 12, 13]) {
      const noise = gaussian(seed);
      const top = Math.max(
        ...run(
          'anomaly',
          series(5000, () => 20 + noise()),
        ).map((r) => r.score),
      );
      assert.ok(top < 0.5, `seed ${seed}: ${top}`);
    }
  });

  it('a short burst is flagged at its onset, with scores in [0,1] and the expected value near the level', () => {
    const noise = gaussian(21);
    const xs = series(3000, (i) => 20 + noise() + (i >= 2500 && i < 2505 ? 10 : 0));
    const r = run('anomaly', xs);
    const hot = hotIndices(r);
    assert.ok(hot.length > 0 && hot[0] >= 2500 && hot[0] <= 2505 && hot[hot.length - 1] <= 2512, `alerts at ${hot}`);
    assert.ok(r.every((x) => x.score >= 0 && x.score <= 1 && x.level >= 0 && x.level <= 1));
    assert.ok(Math.abs(r[hot[0]].expected - 20) < 0.5);
    assert.equal(r[hot[0]].direction, 'up');
  });

  it('a level step is flagged within a few values, and its onset scores highest', () => {
    const noise = gaussian(22);
    const d = new AnomalyDetector();
    const r = series(3000, (i) => (i < 2000 ? 20 : 28) + noise()).map((v, i) => d.update(i, v));
    const hot = r.flatMap((x, i) => (x.score >= d.threshold ? [i] : []));
    assert.ok(hot.length > 0 && hot[0] >= 2000 && hot[0] <= 2005, `first alert at ${hot[0]}`);
    // The onset score peaks right at the step; later flickers of the new level score lower.
    const after = r.slice(2000, 2300).map((x) => x.score);
    const peakAt = 2000 + after.indexOf(Math.max(...after));
    assert.ok(peakAt <= 2005, `highest onset score at ${peakAt}`);
  });

  it('a daily cycle (period 24) is not an anomaly, a break in it is', () => {
    const noise = gaussian(23);
    const xs = series(3000, (i) => 10 * Math.sin((2 * Math.PI * i) / 24) + 0.3 * noise() + (i >= 2600 && i < 2605 ? 8 : 0));
    const d = new AnomalyDetector();
    const r = xs.map((v, i) => d.update(i, v));
    const hot = r.flatMap((x, i) => (x.score >= d.threshold ? [i] : []));
    assert.ok(hot.length > 0 && hot[0] >= 2600 && hot[hot.length - 1] <= 2612, `alerts at ${hot}`);
    assert.equal(r[2999].period, 24);
  });

  it('direction up ignores dips, down ignores rises', () => {
    const burst = (sign: number, seed: number): number[] => {
      const noise = gaussian(seed);
      return series(3000, (i) => 20 + noise() + (i >= 2500 && i < 2505 ? sign * 10 : 0));
    };
    const within = (hot: number[]): boolean => hot.length > 0 && hot.every((i) => i >= 2500 && i <= 2512);
    assert.ok(within(hotIndices(run('anomaly', burst(+1, 24), { direction: 'up' }))));
    assert.deepEqual(hotIndices(run('anomaly', burst(-1, 24), { direction: 'up' })), []);
    assert.ok(within(hotIndices(run('anomaly', burst(-1, 25), { direction: 'down' }))));
    assert.deepEqual(hotIndices(run('anomaly', burst(+1, 25), { direction: 'down' })), []);
  });

  it('a stuck sensor raises the score well above what its noise ever did', () => {
    const noise = gaussian(26);
    const d = new AnomalyDetector();
    const r = series(2300, (i) => (i >= 2000 && i < 2200 ? 20.3 : 20 + noise())).map((v, i) => d.update(i, v));
    const before = Math.max(...r.slice(200, 2000).map((x) => x.level));
    const stuck = Math.max(...r.slice(2000, 2200).map((x) => x.level));
    assert.ok(stuck >= 0.45 && stuck > before + 0.05, `stuck ${stuck}, noise up to ${before}`);
  });

  it('minHistory: nothing is scored before it', () => {
    const xs = series(300, (i) => (i === 150 ? 100 : 1 + (i % 3)));
    const r = run('anomaly', xs, { minHistory: 200 });
    assert.ok(r.slice(0, 200).every((x) => x.score === 0 && !x.ready));
  });
});

describe('detectors: spike and dip', () => {
  it('finds a spike and a dip where they are; mode limits the side', () => {
    const noise = gaussian(31);
    const xs = series(1000, (i) => 50 + noise() + (i === 400 ? 10 : 0) + (i === 700 ? -10 : 0));
    assert.deepEqual(hotIndices(run('spike', xs)), [400, 700]);
    assert.deepEqual(hotIndices(run('spike', xs, { direction: 'up' })), [400]);
    assert.deepEqual(hotIndices(run('spike', xs, { direction: 'down' })), [700]);
    const d = new SpikeDetector({ mode: 'dips' });
    const hits = xs.flatMap((v, i) => (d.update(i, v).isAnomaly ? [i] : []));
    assert.deepEqual(hits, [700]);
  });

  it('with a short history a far value still reaches the confidence, and a farther one scores higher', () => {
    const score = (value: number): number => {
      const d = new SpikeDetector({ minHistory: 5, confidence: 95 });
      for (const v of [1, 2, 3, 2, 1]) d.update(0, v);
      return d.update(0, value).score;
    };
    assert.ok(score(2) < 0.5, `a typical value: ${score(2)}`);
    assert.ok(score(10) >= 0.95, `10 against five values near 2: ${score(10)}`);
    assert.ok(score(1e9) > score(10), 'no cap: a farther value is surer');
    assert.ok(score(1e9) > 0.999999);
    assert.equal(new SpikeDetector({ minHistory: 5, confidence: 95 }).threshold, 0.95);
  });

  it('tests from the third value on at the least: minHistory 0, 1 and 2 count as 3', () => {
    for (const minHistory of [0, 1, 2, 3]) {
      const d = new SpikeDetector({ minHistory });
      assert.deepEqual(
        [1, 2, 3, 4, 5].map((v) => d.update(0, v).ready),
        [false, false, false, true, true],
        `minHistory ${minHistory}`,
      );
    }
  });

  it('white noise raises no spike at the default confidence', () => {
    for (const seed of [32, 33, 34]) {
      const noise = gaussian(seed);
      assert.deepEqual(
        hotIndices(
          run(
            'spike',
            series(3000, () => noise()),
          ),
        ),
        [],
        `seed ${seed}`,
      );
    }
  });
});

describe('detectors: change point', () => {
  it('detects a level step soon after it, with direction and change time', () => {
    const noise = gaussian(41);
    const r = run(
      'changepoint',
      series(1000, (i) => (i < 500 ? 5 : 7) + noise()),
    );
    const hot = hotIndices(r);
    assert.equal(hot.length, 1, `changes at ${hot}`);
    assert.ok(hot[0] >= 500 && hot[0] < 520, `detected at ${hot[0]}`);
    assert.equal(r[hot[0]].direction, 'up');
    assert.equal(r[hot[0]].details.kind, 'level');
    const changeIndex = ((r[hot[0]].details.changeTime as number) - T0) / MINUTE;
    assert.ok(Math.abs(changeIndex - 500) <= 5, `change time at ${changeIndex}`);
  });

  it('detects a variance increase as a variance change', () => {
    const noise = gaussian(42);
    const r = run(
      'changepoint',
      series(1000, (i) => 5 + (i < 500 ? 1 : 3) * noise()),
    );
    const hot = hotIndices(r);
    assert.ok(hot.length >= 1 && hot[0] >= 500 && hot[0] < 560, `changes at ${hot}`);
    assert.equal(r[hot[0]].details.kind, 'variance');
  });

  it('white noise raises no change at the default confidence', () => {
    const noise = gaussian(43);
    assert.deepEqual(
      hotIndices(
        run(
          'changepoint',
          series(3000, () => noise()),
        ),
      ),
      [],
    );
  });

  it('the decision limit grows with the wanted run length', () => {
    assert.ok(cusumLimit(0.5, 1e4) > cusumLimit(0.5, 1e2));
    const d = new ChangePointDetector({ confidence: 0.999 });
    assert.equal(d.update(0, 1).ready, false);
  });
});

describe('detectors: trend', () => {
  it('a ramp is increasing with the right slope per second; a falling ramp is decreasing', () => {
    const noise = gaussian(51);
    const up = run(
      'trend',
      series(200, (i) => 0.5 * i + noise()),
    );
    assert.equal(up[199].details.trend, 'increasing');
    assert.ok(Math.abs((up[199].details.slopePerSecond as number) - 0.5 / 60) < 0.001);
    const down = run(
      'trend',
      series(200, (i) => -0.5 * i + noise()),
    );
    assert.equal(down[199].details.trend, 'decreasing');
    assert.equal(down[199].direction, 'down');
  });

  it('white noise raises no trend at the default confidence', () => {
    for (const seed of [52, 54, 55]) {
      const noise = gaussian(seed);
      assert.deepEqual(
        hotIndices(
          run(
            'trend',
            series(3000, () => noise()),
          ),
        ),
        [],
        `seed ${seed}`,
      );
    }
  });

  it('incremental S equals the batch Mann-Kendall S', () => {
    const noise = gaussian(53);
    const xs = series(150, () => noise());
    const d = new TrendDetector({ history: 40, minHistory: 3 });
    xs.forEach((v, i) => {
      const r = d.update(i * 1000, v);
      const { p } = mannKendall(xs.slice(Math.max(0, i - 39), i + 1));
      if (i >= 2) assert.ok(Math.abs(r.score - (1 - p)) < 1e-9, `at ${i}`);
    });
  });
});

describe('detectors: alert state', () => {
  it('one incident gives one start and one end after the hold-off', () => {
    const a = new AlertState({ holdOff: 5 });
    const scores = [0, 0.9, 0.2, 0.95, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9];
    const events = scores.map((s, t) => a.update(t, s, 0.5));
    assert.deepEqual(
      events.flatMap((e, t) => (e ? [`${e}@${t}`] : [])),
      ['start@1', 'end@8', 'start@11'],
    );
  });

  it('hysteresis keeps an incident open just under the threshold', () => {
    const a = new AlertState({ holdOff: 0 });
    assert.equal(a.update(0, 0.6, 0.5), 'start');
    assert.equal(a.update(1, 0.45, 0.5), undefined);
    assert.equal(a.update(2, 0.3, 0.5), 'end');
  });
});

describe('detectors: per window', () => {
  const times = series(200, (i) => T0 + i * 1000);
  it('anomaly and spike find the outlier in a window', () => {
    const noise = gaussian(61);
    const xs = series(200, (i) => 10 + noise() + (i === 120 ? 15 : 0));
    assert.deepEqual(
      analyseWindow('anomaly', times, xs).map((d) => d.index),
      [120],
    );
    assert.deepEqual(
      analyseWindow('spike', times, xs).map((d) => d.index),
      [120],
    );
    assert.deepEqual(analyseWindow('anomaly', times, xs, { direction: 'down' }), []);
  });
  it('trend judges the window as a whole', () => {
    const noise = gaussian(62);
    const [d] = analyseWindow(
      'trend',
      times,
      series(200, (i) => i * 0.1 + noise()),
    );
    assert.equal(d.details.trend, 'increasing');
    assert.ok(Math.abs((d.details.slopePerSecond as number) - 0.1) < 0.01);
    assert.deepEqual(
      analyseWindow(
        'trend',
        times,
        series(200, () => noise()),
      ),
      [],
    );
  });
  it('change point and seasonality in a window', () => {
    const noise = gaussian(63);
    const cp = analyseWindow(
      'changepoint',
      times,
      series(200, (i) => (i < 120 ? 0 : 3) + 0.5 * noise()),
    );
    assert.equal(cp.length, 1);
    assert.ok(cp[0].index >= 120 && cp[0].index < 130);
    const [s] = analyseWindow(
      'seasonality',
      times,
      series(200, (i) => Math.sin((2 * Math.PI * i) / 24)),
    );
    assert.equal(s.details.period, 24);
  });
});

describe('detectors: short histories', () => {
  it('every pattern gets ready when the history is shorter than its default minimum', () => {
    const noise = gaussian(71);
    const xs = series(200, (i) => Math.sin((2 * Math.PI * i) / 6) + 0.1 * noise());
    for (const pattern of ['anomaly', 'spike', 'changepoint', 'trend'] as Pattern[]) {
      const r = run(pattern, xs, { history: 20 });
      assert.ok(r[199].ready, `${pattern} ready`);
    }
    assert.equal(run('seasonality', xs, { history: 24 })[199].details.period, 6);
  });
});

describe('detectors: configuration', () => {
  it('rejects bad options naming the field', () => {
    assert.throws(
      () => createDetector('nope' as Pattern),
      (e: unknown) => e instanceof ConfigError && e.field === 'pattern',
    );
    assert.throws(
      () => createDetector('anomaly', { threshold: 2 }),
      (e: unknown) => e instanceof ConfigError && e.field === 'threshold',
    );
    assert.throws(
      () => createDetector('spike', { confidence: 99 }),
      (e: unknown) => e instanceof ConfigError && e.field === 'confidence',
    );
    assert.throws(
      () => createDetector('trend', { history: 1.5 }),
      (e: unknown) => e instanceof ConfigError && e.field === 'history',
    );
  });
});
