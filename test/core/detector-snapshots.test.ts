// Every detector pattern saves its state as plain JSON and goes on from it exactly: a detector
// restored at any point of a series gives the same detections as the one that was never
// interrupted, and a keyed detector's incidents (open alert, start time, hold-off, values waiting
// for a duration history's rate) move with the key. Saved state that does not fit is refused,
// naming the field, and changes nothing.
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { AlertState } from '../../src/core/detectors/alert-state';
import { createDetector, DetectorOptions, Pattern } from '../../src/core/detectors/detector';
import { HistorySpec, KeyedDetector } from '../../src/core/detectors/keyed-detector';
import { SnapshotError } from '../../src/core/errors';
import { snapPackedNumbers } from '../../src/core/packed-numbers';

const T0 = 1_700_000_000_000;
const json = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** Small histories, so that a few hundred values fill them several times and detections happen. */
const OPTIONS: Record<Exclude<Pattern, 'auto'>, DetectorOptions> = {
  anomaly: { history: 40, minHistory: 12 },
  spike: { history: 25, minHistory: 5, confidence: 0.99 },
  changepoint: { history: 20, minHistory: 8, confidence: 0.99 },
  trend: { history: 15, minHistory: 5, confidence: 0.99 },
  seasonality: { history: 32, minHistory: 16, threshold: 0.3 },
};
const PATTERNS = Object.keys(OPTIONS) as Array<Exclude<Pattern, 'auto'>>;

/** A series with noise, level shifts, spikes, ramps and cycles: [time, value] pairs, times increasing irregularly. */
const series = fc
  .array(
    fc.record({
      noise: fc.integer({ min: -20, max: 20 }),
      gap: fc.integer({ min: 1, max: 3 }),
      event: fc.constantFrom('none', 'none', 'none', 'none', 'none', 'none', 'shift', 'spike', 'ramp', 'cycle'),
    }),
    { minLength: 1, maxLength: 260, size: 'max' },
  )
  .map((steps) => {
    let time = T0;
    let level = 20;
    let slope = 0;
    let cycle = 0;
    return steps.map(({ noise, gap, event }, i) => {
      time += gap * 1000;
      if (event === 'shift') level += noise >= 0 ? 8 : -8;
      if (event === 'ramp') slope = slope ? 0 : noise / 40;
      if (event === 'cycle') cycle = cycle ? 0 : 3;
      level += slope;
      const value = level + noise / 10 + (event === 'spike' ? 15 : 0) + cycle * Math.sin((2 * Math.PI * i) / 8);
      return [time, Math.round(value * 1000) / 1000 + 0] as [number, number];
    });
  });

describe('detector snapshots', () => {
  for (const pattern of PATTERNS) {
    it(`${pattern}: restored at any cut from its JSON, it detects exactly as the uninterrupted detector`, () => {
      fc.assert(
        fc.property(series, fc.nat(), (values, at) => {
          const cut = at % (values.length + 1);
          const whole = createDetector(pattern, OPTIONS[pattern]);
          const first = createDetector(pattern, OPTIONS[pattern]);
          for (const [t, v] of values.slice(0, cut)) {
            whole.update(t, v);
            first.update(t, v);
          }
          const resumed = createDetector(pattern, OPTIONS[pattern], json(first.snapshot()));
          for (const [t, v] of values.slice(cut)) assert.deepEqual(json(resumed.update(t, v)), json(whole.update(t, v)));
          assert.deepEqual(json(resumed.snapshot()), json(whole.snapshot()));
        }),
        { numRuns: 60 },
      );
    });
  }

  it('the detections of the series the properties run on include alerts of every pattern', () => {
    // Otherwise the properties above compare quiet detectors only.
    const values = fc.sample(series, { numRuns: 40, seed: 7 }).flat();
    for (const pattern of PATTERNS) {
      const d = createDetector(pattern, OPTIONS[pattern]);
      assert.ok(
        values.some(([t, v]) => d.update(t, v).hot),
        `${pattern} alerts somewhere`,
      );
    }
  });

  it('a saved state that does not fit is refused naming the field', () => {
    const d = createDetector('changepoint', OPTIONS.changepoint);
    for (let i = 0; i < 30; i++) d.update(T0 + i * 1000, 20 + (i % 3));
    const saved = json(d.snapshot()) as Record<string, unknown>;
    const refused = (pattern: Pattern, state: unknown, field: RegExp) =>
      assert.throws(
        () => createDetector(pattern, OPTIONS[pattern as Exclude<Pattern, 'auto'>], state),
        (e: Error) => e instanceof SnapshotError && field.test(e.message),
      );
    refused('changepoint', { ...saved, up: -1 }, /changepoint state up/);
    refused('changepoint', { ...saved, center: 'x' }, /changepoint state center: expected a finite number/);
    refused('changepoint', { ...saved, reference: [1, 2, null] }, /changepoint state reference: expected a list of at most 20 finite numbers/);
    refused('changepoint', { ...saved, clipped: { ...(saved.clipped as object), values: [1] } }, /changepoint state clipped values/);
    refused('spike', { history: new Array(26).fill(1) }, /spike state history: expected a list of at most 25/);
    refused('spike', [1, 2], /spike state: expected an object/);
    refused('trend', { times: [1, 2], values: [3], s: 0 }, /trend state times: expected a list of 1/);
    refused('trend', { times: [1, 2], values: [3, 4], s: 2 }, /trend state s: expected a number from -1 to 1/);
    refused('seasonality', { ring: { values: [], sum: 0, sumSq: 0, sinceResum: 0 }, sinceEstimate: 1e9, current: null }, /seasonality state sinceEstimate/);
    refused('anomaly', { ...(json(createDetector('anomaly', OPTIONS.anomaly).snapshot()) as object), peak: 2 }, /anomaly state peak/);
    refused('anomaly', { surprises: [] }, /anomaly state surprises: expected a list of 4/);
  });

  it("auto's saved state from another version still starts afresh instead of refusing", () => {
    const d = createDetector('auto', {}, { n: 'x' });
    assert.equal(d.update(T0, 1).ready, false);
  });
});

describe('alert state snapshots', () => {
  it('an open incident goes on from its snapshot: the same hold-off ends it', () => {
    const a = new AlertState({ holdOff: 5000 });
    assert.equal(a.update(1000, 2, 1), 'start');
    a.update(3000, 0.9, 1);
    const b = new AlertState({ holdOff: 5000 });
    b.restore(json(a.snapshot()), 'alert');
    assert.equal(b.inAlert, true);
    assert.equal(b.update(7999, 0, 1), undefined, 'quiet for less than the hold-off since the last hot value at 3000');
    assert.equal(b.update(8000, 0, 1), 'end');
    assert.deepEqual(json(new AlertState().snapshot()), { active: false, lastHot: null });
  });

  it('refuses a snapshot that does not fit', () => {
    const a = new AlertState();
    assert.throws(() => a.restore({ active: 'yes', lastHot: 1 }, 'alert'), /alert active: expected true or false/);
    assert.throws(() => a.restore({ active: true, lastHot: null }, 'alert'), /alert lastHot: expected a finite number/);
    assert.equal(a.inAlert, false);
  });
});

/** Readings of three keys, each a series of the generator, interleaved by time. */
const keyedSeries = fc
  .tuple(series, series, series)
  .map((all) => all.flatMap((values, k) => values.map(([t, v]) => ({ key: `k${k}`, time: t + k, value: v }))).sort((a, b) => a.time - b.time));

describe('keyed detector snapshots', () => {
  const settings: Array<[string, Pattern, HistorySpec | undefined]> = [
    ...PATTERNS.map((p) => [p, p, undefined] as [string, Pattern, undefined]),
    ['spike with a duration history', 'spike', { duration: 20_000 }],
    ['anomaly with a duration history', 'anomaly', { duration: 40_000 }],
  ];
  for (const [name, pattern, history] of settings) {
    const make = () =>
      new KeyedDetector({
        pattern,
        options: pattern === 'auto' ? {} : { ...OPTIONS[pattern], ...(history ? { history: undefined } : {}) },
        history,
        holdOff: 4000,
      });

    it(`${name}: keys moved to another detector at any cut, through JSON, give the steps of one detector`, () => {
      fc.assert(
        fc.property(keyedSeries, fc.nat(), fc.subarray(['k0', 'k1', 'k2']), (readings, at, moved) => {
          const cut = at % (readings.length + 1);
          const whole = make();
          const here = make();
          const there = make();
          const steps = (d: KeyedDetector, r: (typeof readings)[number]) => json(d.update(r.key, r.time, r.value) ?? null);
          for (const r of readings.slice(0, cut)) {
            whole.update(r.key, r.time, r.value);
            here.update(r.key, r.time, r.value);
          }
          // The moved keys' part goes elsewhere (a partition read by another instance), the rest stays; the whole state also goes through snapshot/restore.
          const part = json(here.snapshotKeys(moved));
          assert.deepEqual(there.restoreKeys(part).sort(), moved.filter((k) => here.hasKey(k)).sort());
          here.dropKeys(moved);
          const restarted = make();
          restarted.restore(json(here.snapshot()));
          for (const r of readings.slice(cut)) {
            const expected = steps(whole, r);
            assert.deepEqual(steps(moved.includes(r.key) ? there : restarted, r), expected);
          }
          assert.equal(there.active + restarted.active, whole.active, 'open incidents counted where they are');
        }),
        { numRuns: 25 },
      );
    });
  }

  it('an open incident moves with its key: the new owner sends no second "start", and ends it after the hold-off', () => {
    const a = new KeyedDetector({ pattern: 'spike', options: { history: 20, minHistory: 5 }, holdOff: 10_000 });
    for (let i = 0; i < 20; i++) a.update('k', T0 + i * 1000, 20 + (i % 3) * 0.1);
    assert.equal(a.update('k', T0 + 20_000, 90)?.transition, 'start');
    const b = new KeyedDetector({ pattern: 'spike', options: { history: 20, minHistory: 5 }, holdOff: 10_000 });
    b.restoreKeys(json(a.snapshotKeys(['k'])));
    assert.equal(b.active, 1);
    const after = [21, 25, 30].map((s) => b.update('k', T0 + s * 1000, 20.1));
    assert.deepEqual(
      after.map((s) => s?.transition),
      [undefined, undefined, 'end'],
    );
    assert.equal(after[2]?.startedAt, T0 + 20_000);
  });

  it('values waiting for a duration history move with their key', () => {
    const a = new KeyedDetector({ pattern: 'spike', history: { duration: 10_000 } });
    for (let i = 0; i < 6; i++) a.update('k', T0 + i * 1000, 20);
    const saved = json(a.snapshotKeys(['k']));
    assert.equal(saved.keys[0].state, null);
    assert.equal(saved.keys[0].pending?.length, 6);
    const b = new KeyedDetector({ pattern: 'spike', history: { duration: 10_000 } });
    b.restoreKeys(saved);
    for (let i = 6; i < 12; i++) b.update('k', T0 + i * 1000, 20);
    const sized = json(b.snapshotKeys(['k'])).keys[0];
    assert.equal(sized.history, 10, '10 s of readings 1 s apart');
    assert.equal(snapPackedNumbers((sized.state as { history: unknown }).history, 10, 'history').length, 10, 'the 12 values, in a history of 10');
  });

  it('refuses state that does not fit, all or nothing, naming the key and field', () => {
    const a = new KeyedDetector({ pattern: 'trend', options: { history: 10 } });
    for (let i = 0; i < 12; i++) for (const key of ['x', 'y']) a.update(key, T0 + i * 1000, i);
    const saved = json(a.snapshotKeys(['x', 'y']));
    const local = new KeyedDetector({ pattern: 'trend', options: { history: 10 } });
    local.update('x', T0, 5);
    const before = JSON.stringify(local.snapshotKeys(['x', 'y']));
    const broken = json(saved);
    (broken.keys[1].alert as unknown as Record<string, unknown>).lastHot = 'soon';
    assert.throws(() => local.restoreKeys(broken), /key "y" alert lastHot: expected a finite number/);
    assert.equal(JSON.stringify(local.snapshotKeys(['x', 'y'])), before, 'the local key stays as it was, the other is not added');
    const trimmed = json(saved);
    (trimmed.keys[0].state as { values: number[] }).values.push(1, 2, 3);
    assert.throws(() => local.restoreKeys(trimmed), /trend state values: expected a list of at most 10/);
    assert.equal(JSON.stringify(local.snapshotKeys(['x', 'y'])), before);
    // Another history setting sizes the history differently: refused as other settings, before anything is read.
    const other = new KeyedDetector({ pattern: 'trend', options: { history: 20 } });
    assert.throws(() => other.restoreKeys(saved), /was taken with \{"pattern":"trend","history":10\}/);
    // The whole state refuses alike, and a snapshot of other settings is ignored.
    assert.throws(() => local.restore({ ...json(a.snapshot()), keys: broken.keys }), /key "y" alert lastHot/);
    other.restore(json(a.snapshot()));
    assert.equal(other.size, 0);
  });
});
