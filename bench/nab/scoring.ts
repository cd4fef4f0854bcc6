/**
 * NAB scoring, written from the rules of the Numenta Anomaly Benchmark (nab/sweeper.py,
 * optimizer.py, runner.normalize): every row of a file gets a weight from its place relative to
 * the labelled anomaly windows, only the best (earliest) detection inside a window counts, every
 * detection outside a window costs a false-positive weight, the first 15 % of each file is not
 * scored, and one threshold is chosen for the whole corpus per cost profile.
 */

/** Weights of one NAB application profile (profiles.json). */
export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
  tnWeight: number;
}

/** Where a row sits: inside a named window, outside every window (null), or unscored. */
export type RowWindow = string | null | typeof PROBATIONARY;

/** Marker for rows in a file's probationary period. */
export const PROBATIONARY = Symbol('probationary');

/** One scored row: the detector's anomaly score and what a detection there is worth. */
export interface SweepPoint {
  anomalyScore: number;
  sweepScore: number;
  window: RowWindow;
}

/** Score and confusion counts when every row with anomalyScore >= threshold is a detection. */
export interface ThresholdScore {
  threshold: number;
  score: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  total: number;
}

/** A labelled window as first and last timestamp (ms), both inclusive. */
export type WindowLimits = readonly [number, number];

/** NAB's weighting curve: ~+1 at a window's left edge, 0 at its right edge, towards -1 after it. */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

/** Rows at the start of a file that are not scored: 15 % of the file, at most 750 rows. */
export function probationaryLength(rows: number, probationPercent = 0.15): number {
  return Math.min(Math.floor(probationPercent * rows), probationPercent * 5000);
}

/** Weighs every row of one file against its windows (NAB's calcSweepScore). */
export function sweepFile(
  timestamps: readonly number[],
  anomalyScores: readonly number[],
  windows: readonly WindowLimits[],
  fileName: string,
  cost: CostMatrix,
  probationPercent = 0.15,
): SweepPoint[] {
  if (timestamps.length !== anomalyScores.length) throw new Error('timestamps and anomaly scores differ in length');
  const firstIndex = new Map<number, number>();
  timestamps.forEach((t, i) => {
    if (!firstIndex.has(t)) firstIndex.set(t, i);
  });
  const indexOf = (t: number): number => {
    const i = firstIndex.get(t);
    if (i === undefined) throw new Error(`${fileName}: window limit ${t} is not a timestamp of the file`);
    return i;
  };
  const pending = windows.slice();
  const maxTp = scaledSigmoid(-1);
  const probation = probationaryLength(timestamps.length, probationPercent);
  const out: SweepPoint[] = [];
  let current: { name: string; end: number; right: number; width: number } | undefined;
  let previous: { right: number; width: number } | undefined;

  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i];
    if (!current && pending.length && t === pending[0][0]) {
      const [start, end] = pending.shift()!;
      const right = indexOf(end);
      current = { name: `${fileName}|${start}`, end, right, width: right - indexOf(start) + 1 };
    }
    let weighted: number;
    if (current) {
      weighted = (scaledSigmoid(-(current.right - i + 1) / current.width) * cost.tpWeight) / maxTp;
    } else {
      // With no window before, a detection is as bad as one far from any window.
      const unweighted = previous ? scaledSigmoid(Math.abs(previous.right - i) / (previous.width - 1)) : -1;
      weighted = unweighted * cost.fpWeight;
    }
    out.push({
      anomalyScore: anomalyScores[i],
      sweepScore: weighted,
      window: i >= probation ? (current ? current.name : null) : PROBATIONARY,
    });
    if (current && t === current.end) {
      previous = { right: current.right, width: current.width };
      current = undefined;
    }
  }
  return out;
}

/** NAB score and counts at every distinct anomaly score, from "nothing detected" (1.1) down. */
export function scoresByThreshold(points: readonly SweepPoint[], cost: CostMatrix): ThresholdScore[] {
  const scorable = points.filter((p) => p.window !== PROBATIONARY).sort((a, b) => b.anomalyScore - a.anomalyScore);
  // Each window starts as a missed window; it becomes its best (earliest) detection's weight.
  const windowScore = new Map<string, number>();
  for (const p of scorable) if (typeof p.window === 'string') windowScore.set(p.window, -cost.fnWeight);
  let windowTotal = -cost.fnWeight * windowScore.size;
  let fpTotal = 0;
  let tn = 0;
  let fn = 0;
  for (const p of scorable)
    if (p.window === null) tn++;
    else fn++;
  let tp = 0;
  let fp = 0;
  let threshold = 1.1;
  const out: ThresholdScore[] = [];
  const record = (): void => {
    out.push({ threshold, score: fpTotal + windowTotal, tp, tn, fp, fn, total: tp + tn + fp + fn });
  };
  for (const p of scorable) {
    if (p.anomalyScore !== threshold) {
      record();
      threshold = p.anomalyScore;
    }
    if (p.window === null) {
      fp++;
      tn--;
      fpTotal += p.sweepScore;
    } else {
      tp++;
      fn--;
      const name = p.window as string;
      const before = windowScore.get(name)!;
      if (p.sweepScore > before) {
        windowScore.set(name, p.sweepScore);
        windowTotal += p.sweepScore - before;
      }
    }
  }
  record();
  return out;
}

/** The threshold with the highest total score over the given rows (NAB's optimizeThreshold). */
export function optimiseThreshold(points: readonly SweepPoint[], cost: CostMatrix): ThresholdScore {
  const all = scoresByThreshold(points, cost);
  let best = all[0];
  for (const s of all) if (s.score > best.score) best = s;
  return best;
}

/** The score at a fixed threshold: the last sweep row whose threshold is not below it. */
export function scoreAtThreshold(points: readonly SweepPoint[], cost: CostMatrix, threshold: number): ThresholdScore {
  const all = scoresByThreshold(points, cost);
  let match = all[0];
  for (const s of all) {
    if (s.threshold < threshold) break;
    match = s;
  }
  return match;
}

/** NAB's final figure: 100 · (raw − null) / (perfect − null). */
export function normalisedScore(raw: number, nullScore: number, perfect: number): number {
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** One file's detector output, ready to score. */
export interface ScoredFile {
  /** `<category>/<file>.csv`, as in combined_windows.json. */
  name: string;
  timestamps: readonly number[];
  anomalyScores: readonly number[];
  windows: readonly WindowLimits[];
}

/** A profile's corpus result: optimised threshold, raw/null/perfect totals and the normalised score. */
export interface CorpusScore extends ThresholdScore {
  raw: number;
  nullScore: number;
  perfect: number;
  normalised: number;
}

/**
 * Scores a corpus for one profile the way NAB's runner does: threshold optimised over all rows,
 * baseline = the null detector (constant 0.5) optimised the same way on the same files,
 * perfect = one full true positive per labelled window.
 */
export function scoreCorpus(files: readonly ScoredFile[], cost: CostMatrix, probationPercent = 0.15): CorpusScore {
  return scoreCorpusWith(files, cost, probationPercent);
}

/**
 * Scores a corpus for one profile at a fixed threshold instead of the optimised one: how a
 * detector fares when its alerts are taken as they come (e.g. 1 at each alert, threshold 1).
 */
export function scoreCorpusAt(files: readonly ScoredFile[], cost: CostMatrix, threshold: number, probationPercent = 0.15): CorpusScore {
  return scoreCorpusWith(files, cost, probationPercent, threshold);
}

function scoreCorpusWith(files: readonly ScoredFile[], cost: CostMatrix, probationPercent: number, threshold?: number): CorpusScore {
  const sweep = (scoresOf: (f: ScoredFile) => readonly number[]): SweepPoint[] =>
    files.flatMap((f) => sweepFile(f.timestamps, scoresOf(f), f.windows, f.name, cost, probationPercent));
  const points = sweep((f) => f.anomalyScores);
  const best = threshold === undefined ? optimiseThreshold(points, cost) : scoreAtThreshold(points, cost, threshold);
  const nullScore = optimiseThreshold(
    sweep((f) => f.timestamps.map(() => 0.5)),
    cost,
  ).score;
  const perfect = files.reduce((n, f) => n + f.windows.length, 0) * cost.tpWeight;
  return { ...best, raw: best.score, nullScore, perfect, normalised: normalisedScore(best.score, nullScore, perfect) };
}
