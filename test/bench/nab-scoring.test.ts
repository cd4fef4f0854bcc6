import { strict as assert } from 'assert';
import {
  CostMatrix,
  PROBATIONARY,
  normalisedScore,
  optimiseThreshold,
  probationaryLength,
  scaledSigmoid,
  scoreAtThreshold,
  scoreCorpus,
  scoreCorpusAt,
  scoresByThreshold,
  sweepFile,
} from '../../bench/nab/scoring';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCorpus, parseNabTime } from '../../bench/nab/corpus';

const STANDARD: CostMatrix = { tpWeight: 1, fnWeight: 1, fpWeight: 0.11, tnWeight: 1 };
const LOW_FP: CostMatrix = { tpWeight: 1, fnWeight: 1, fpWeight: 0.22, tnWeight: 1 };
const LOW_FN: CostMatrix = { tpWeight: 1, fnWeight: 2, fpWeight: 0.11, tnWeight: 1 };
const close = (a: number, b: number, eps = 1e-4): void => assert.ok(Math.abs(a - b) < eps, `${a} ≠ ${b}`);

// A 20-row file, times 0..19, one window [10, 13] (4 rows); rows 0..2 are probationary.
const times = Array.from({ length: 20 }, (_, i) => i);
const windows = [[10, 13] as const];
function scores(at: Record<number, number>): number[] {
  return times.map((i) => at[i] ?? 0);
}

describe('NAB scoring', () => {
  it('scaled sigmoid: +0.98661 at a window start, 0 at its end, −1 far after', () => {
    close(scaledSigmoid(-1), 0.98661);
    close(scaledSigmoid(-0.5), 0.84828);
    close(scaledSigmoid(0), 0);
    close(scaledSigmoid(1), -0.98661);
    assert.equal(scaledSigmoid(3.5), -1);
  });

  it('probationary period: 15 % of the rows, at most 750', () => {
    assert.equal(probationaryLength(20), 3);
    assert.equal(probationaryLength(4032), 604);
    assert.equal(probationaryLength(22695), 750);
  });

  it('weighs rows: full TP at the window start, less later, FP costs by distance to the last window', () => {
    const points = sweepFile(times, scores({}), windows, 'f.csv', STANDARD);
    assert.equal(points[2].window, PROBATIONARY);
    assert.equal(points[3].window, null);
    assert.equal(points[10].window, 'f.csv|10');
    close(points[10].sweepScore, 1);
    close(points[12].sweepScore, 0.84828 / 0.98661);
    close(points[13].sweepScore, scaledSigmoid(-0.25) / 0.98661);
    close(points[5].sweepScore, -0.11);
    close(points[15].sweepScore, 0.11 * scaledSigmoid(2 / 3));
    close(points[15].sweepScore, -0.10242);
  });

  it('sweeps thresholds: one row per distinct score, earliest detection counts, probation ignored', () => {
    const s = scores({ 1: 1, 5: 0.9, 12: 0.8, 13: 0.8, 15: 0.7 });
    const rows = scoresByThreshold(sweepFile(times, s, windows, 'f.csv', STANDARD), STANDARD);
    assert.deepEqual(
      rows.map((r) => r.threshold),
      [1.1, 0.9, 0.8, 0.7, 0],
    );
    close(rows[0].score, -1);
    close(rows[1].score, -1.11);
    // Rows 12 and 13 are both in the window: only the better (earlier) one counts.
    close(rows[2].score, 0.85979 - 0.11);
    close(rows[3].score, 0.85979 - 0.11 - 0.10242);
    assert.deepEqual([rows[2].tp, rows[2].fp, rows[2].fn, rows[2].tn], [2, 1, 2, 12]);
    const best = optimiseThreshold(sweepFile(times, s, windows, 'f.csv', STANDARD), STANDARD);
    assert.equal(best.threshold, 0.8);
    close(best.score, 0.74979);
    assert.equal(scoreAtThreshold(sweepFile(times, s, windows, 'f.csv', STANDARD), STANDARD, 0.75).threshold, 0.8);
  });

  it('normalises against the null detector on the same files (hand-computed)', () => {
    const s = scores({ 5: 0.9, 12: 0.8, 15: 0.7 });
    const r = scoreCorpus([{ name: 'f.csv', timestamps: times, anomalyScores: s, windows }], STANDARD);
    // Null detector (0.5 everywhere) on this tiny file is best detecting everything:
    // window +1, FPs 7 × −0.11 before it and 0.11 × Σ scaledSigmoid(k/3), k = 1..6, after it.
    const after = [1, 2, 3, 4, 5, 6].reduce((a, k) => a + 0.11 * scaledSigmoid(k / 3), 0);
    close(r.nullScore, 1 - 0.77 + after);
    close(r.nullScore, -0.38565);
    assert.equal(r.perfect, 1);
    close(r.normalised, (100 * (0.74979 + 0.38565)) / (1 + 0.38565), 1e-2);
    close(normalisedScore(-1, -1, 1), 0);
  });

  it('sanity: never firing scores 0, a perfect detector 100, on every profile', () => {
    const t = Array.from({ length: 2000 }, (_, i) => i * 300_000);
    const files = [
      { name: 'a.csv', timestamps: t, windows: [[t[500], t[599]] as const, [t[1500], t[1599]] as const] },
      { name: 'b.csv', timestamps: t, windows: [[t[1000], t[1099]] as const] },
      { name: 'c.csv', timestamps: t, windows: [] },
    ];
    for (const cost of [STANDARD, LOW_FP, LOW_FN]) {
      const never = scoreCorpus(
        files.map((f) => ({ ...f, anomalyScores: t.map(() => 0) })),
        cost,
      );
      close(never.normalised, 0);
      const perfect = scoreCorpus(
        files.map((f) => ({ ...f, anomalyScores: t.map((x) => (f.windows.some((w) => w[0] === x) ? 1 : 0)) })),
        cost,
      );
      close(perfect.normalised, 100);
      // Detecting at each window's last row earns almost nothing, but beats missing the window.
      const late = scoreCorpus(
        files.map((f) => ({ ...f, anomalyScores: t.map((x) => (f.windows.some((w) => w[1] === x) ? 1 : 0)) })),
        cost,
      );
      const w = scaledSigmoid(-1 / 100) / scaledSigmoid(-1);
      close(late.normalised, (100 * (3 * w + 3 * cost.fnWeight)) / (3 + 3 * cost.fnWeight));
    }
  });

  it('scores alerts at a fixed threshold: rows below it are not detections, on every profile', () => {
    const t = Array.from({ length: 2000 }, (_, i) => i * 300_000);
    const files = [
      { name: 'a.csv', timestamps: t, windows: [[t[500], t[599]] as const, [t[1500], t[1599]] as const] },
      { name: 'c.csv', timestamps: t, windows: [] },
    ];
    // 1 at each window start, and a 0.7 in the file without windows (after its probation).
    const scored = files.map((f) => ({
      ...f,
      anomalyScores: t.map((x, i) => (f.windows.some((w) => w[0] === x) ? 1 : f.name === 'c.csv' && i === 1000 ? 0.7 : 0)),
    }));
    for (const cost of [STANDARD, LOW_FP, LOW_FN]) {
      const alertsOnly = scoreCorpusAt(scored, cost, 1);
      close(alertsOnly.raw, 2);
      assert.deepEqual([alertsOnly.tp, alertsOnly.fp], [2, 0]);
      const withLower = scoreCorpusAt(scored, cost, 0.5);
      close(withLower.raw, 2 - cost.fpWeight);
      assert.deepEqual([withLower.tp, withLower.fp], [2, 1]);
      close(withLower.normalised, (100 * (withLower.raw - withLower.nullScore)) / (2 - withLower.nullScore));
    }
  });

  it('reads NAB timestamps as UTC, with or without microseconds', () => {
    assert.equal(parseNabTime('2014-04-10 07:15:00'), Date.UTC(2014, 3, 10, 7, 15));
    assert.equal(parseNabTime('2014-04-10 07:15:00.000000'), Date.UTC(2014, 3, 10, 7, 15));
    assert.throws(() => parseNabTime('yesterday'));
  });

  it('loads a NAB folder: every <category>/<file>.csv with its windows from combined_windows.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nab-'));
    fs.mkdirSync(path.join(dir, 'realX'));
    fs.writeFileSync(path.join(dir, 'realX', 'a.csv'), 'timestamp,value\n2014-01-01 00:00:00,1.5\n2014-01-01 00:05:00,2\n2014-01-01 00:10:00,-3\n');
    fs.writeFileSync(path.join(dir, 'realX', 'b.csv'), 'timestamp,value\n2014-01-01 00:00:00,7\n');
    fs.writeFileSync(
      path.join(dir, 'combined_windows.json'),
      JSON.stringify({ 'realX/a.csv': [['2014-01-01 00:05:00.000000', '2014-01-01 00:10:00.000000']], 'realX/b.csv': [] }),
    );
    const files = loadCorpus(dir);
    assert.deepEqual(
      files.map((f) => f.name),
      ['realX/a.csv', 'realX/b.csv'],
    );
    assert.deepEqual(files[0].values, [1.5, 2, -3]);
    assert.deepEqual(files[0].windows, [[Date.UTC(2014, 0, 1, 0, 5), Date.UTC(2014, 0, 1, 0, 10)]]);
    assert.equal(files[0].rawTimestamps[1], '2014-01-01 00:05:00');
    assert.deepEqual(files[1].windows, []);
    fs.rmSync(dir, { recursive: true });
    assert.throws(() => loadCorpus(os.tmpdir() + '/no-such-nab-dir'), /combined_windows\.json/);
  });
});
