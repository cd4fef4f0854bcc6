/**
 * Streaming anomaly score of each value against its trailing history.
 *
 * Four views are kept per key, each robust to outliers in the history:
 *  - level: the median of the history (deviation scaled by the MAD),
 *  - step: the previous value (scaled by the median absolute step); steps far smaller than
 *    usual count as well, so a stuck or flat-lined sensor is noticed,
 *  - season: the value one period ago, when the history shows a period (scaled by the MAD of
 *    those seasonal differences), so a daily cycle is not an anomaly,
 *  - shape: the relative entropy of the recent values' spread over the history's quantile bins,
 *    for changes of behaviour within the usual range (DistributionShift).
 * Each goes through a Surprise standardiser (short mean vs its own long-run spread), the
 * surprises are summed and squashed into [0,1] (the level). The score is the level only at the onset
 * of a deviation — a value must beat the recent (decaying) peak by a margin — because one incident
 * should raise one alert, as early as possible, and not a stream of repeats; the level, which stays
 * high while the deviation lasts, tells when the incident is over.
 *
 * Default settings (chosen for sensors in general, not for one data set):
 *  - history 1000 events: about three days of 5-minute readings or 17 minutes at 1 Hz, long enough
 *    to hold two cycles of a daily pattern at 5-minute sampling, short enough to adapt to a new level;
 *  - minHistory 100 events before any score, so the scale estimates are not guesses;
 *  - a short window of 10 events: a deviation must persist or be large to matter, which tames noise;
 *  - a long window of 2000 deviations for "normal": longer than the history so a recent incident
 *    does not quickly become the norm;
 *  - onset margin 0.1 with a decay of 200 events: after an alert, a bigger deviation is needed to
 *    score again until the memory fades;
 *  - threshold 0.42: the lowest (in steps of 0.01) at which white noise, a random walk and an AR(1)
 *    process with φ 0.9 raise fewer than one alert per 7 000 events (noise and walk: about one per
 *    13 000), while a level step of ~6σ or a short burst at ~8σ still alerts within a few values.
 */
import { RollingQuantiles } from './rolling-quantiles';
import { Surprise } from './surprise';
import { NumberRing } from './ring';
import { SeasonalityDetector } from './seasonality';
import { DistributionShift } from './distribution-shift';
import { snapArray, snapNumberOrNaN, snapObject, snapRange } from '../snapshot-check';

/** Which side of expected counts as anomalous. */
export type Direction = 'up' | 'down' | 'both';

/** Settings of the streaming anomaly detector. */
export interface AnomalyOptions {
  /** Trailing history in events (default 1000). */
  history?: number;
  /** Events seen before any score (default 100). */
  minHistory?: number;
  /**
   * Alert threshold on `score`, 0..1 (default DEFAULT_ANOMALY_THRESHOLD; see the file comment).
   * Isolated spikes are the spike pattern's job; this one is for incidents.
   */
  threshold?: number;
  /** Which deviations count (default both). */
  direction?: Direction;
  /** 'auto' finds the period in the history; a number fixes it (events); 'off' ignores cycles. */
  seasonality?: 'auto' | 'off' | number;
  /** Events averaged into the short view (default 10). */
  shortWindow?: number;
}

/** The score of one value. */
export interface AnomalyResult {
  /** 0..1; high only at the onset of a deviation: alerts compare it with the threshold, a benchmark ranks it. */
  score: number;
  /** 0..1 before onset suppression: stays high while the deviation lasts, so it keeps an incident open. */
  level: number;
  /** What the value was expected to be (seasonal baseline when a period is known, else the median). */
  expected: number;
  direction: 'up' | 'down';
  /** Period in events used as the seasonal baseline, 0 when none. */
  period: number;
  /** False while the history is shorter than minHistory. */
  ready: boolean;
}

/** The detector's whole state as plain data (see AnomalyDetector.snapshot). */
export interface AnomalyState {
  /** Packed (see packed-numbers.ts); a list of numbers in state saved before. */
  levels: string | number[];
  steps: string | number[];
  seasonal: string | number[];
  surprises: unknown[];
  seasons: unknown;
  signed: unknown;
  shape: unknown;
  period: number;
  /** null before the first value (JSON has no NaN). */
  previous: number | null;
  peak: number;
}

/** Default alert threshold on the anomaly score (see the file comment for how it was chosen). */
export const DEFAULT_ANOMALY_THRESHOLD = 0.42;

const ONSET_MARGIN = 0.1;
// The recent spread is judged on the last 60 values over 20 quantile bins of the history (3
// values expected per bin): long enough for a histogram, short enough to react within the hour
// at one reading a minute.
const SHAPE_WINDOW = 60;
const SHAPE_BINS = 20;
// The bins follow the history every 20 values: it moves slowly, and re-binning is the costly part.
const SHAPE_REFRESH = 20;
const ONSET_DECAY = Math.exp(-1 / 200);
const SURPRISE_SCALE = 3;

/** Maps a non-negative surprise to [0,1): slowly saturating so very large deviations still rank. */
export function squash(z: number): number {
  const l = Math.log1p(Math.max(0, z));
  return l / (l + SURPRISE_SCALE);
}

/** Streaming anomaly detector for one key (see the file comment). */
export class AnomalyDetector {
  readonly threshold: number;
  readonly direction: Direction;
  private readonly minHistory: number;
  private readonly levels: RollingQuantiles;
  private readonly steps: RollingQuantiles;
  private readonly seasonal: RollingQuantiles;
  private readonly levelSurprise: Surprise;
  private readonly stepSurprise: Surprise;
  private readonly seasonSurprise: Surprise;
  private readonly seasons: SeasonalityDetector | undefined;
  private readonly fixedPeriod: number;
  private period = 0;
  private previous = NaN;
  private peak = 0;
  // The result advance returns, overwritten by every value.
  private readonly out: AnomalyResult = { score: 0, level: 0, expected: 0, direction: 'up', period: 0, ready: false };
  private readonly signed: NumberRing;
  private readonly shape: DistributionShift;
  private readonly shapeSurprise: Surprise;

  /** `state`: a snapshot() of a detector with the same options; anything else starts afresh. */
  constructor(options: AnomalyOptions = {}, state?: unknown) {
    const history = options.history ?? 1000;
    const shortWindow = options.shortWindow ?? 10;
    // Never more than the history holds, or a short history would never be ready.
    this.minHistory = Math.min(history, Math.max(2, options.minHistory ?? 100));
    this.threshold = options.threshold ?? DEFAULT_ANOMALY_THRESHOLD;
    this.direction = options.direction ?? 'both';
    this.levels = new RollingQuantiles(history);
    this.signed = new NumberRing(shortWindow);
    this.steps = new RollingQuantiles(history);
    this.seasonal = new RollingQuantiles(history);
    const longWindow = 2 * history;
    this.levelSurprise = new Surprise(shortWindow, longWindow, this.minHistory);
    this.stepSurprise = new Surprise(shortWindow, longWindow, this.minHistory);
    this.seasonSurprise = new Surprise(shortWindow, longWindow, this.minHistory);
    this.shape = new DistributionShift(SHAPE_WINDOW, SHAPE_BINS, SHAPE_REFRESH);
    // The divergence is already a summary of many values: no further short averaging.
    this.shapeSurprise = new Surprise(1, longWindow, this.minHistory);
    const s = options.seasonality ?? 'auto';
    this.fixedPeriod = typeof s === 'number' ? s : 0;
    this.period = this.fixedPeriod;
    // A period is found once the history is full, then checked every three histories: cycles
    // rarely change, and the autocorrelation is the costliest step.
    this.seasons = s === 'auto' ? new SeasonalityDetector({ history, every: history, thenEvery: 3 * history, minHistory: 48 }) : undefined;
    if (state !== undefined) {
      try {
        this.restore(state);
      } catch {
        // The incident detector's scorer learns afresh from state saved before it had one, or by another version.
        this.reset();
      }
    }
  }

  /** The whole state as plain data, to go on elsewhere with `new AnomalyDetector(options, state)`. */
  snapshot(): AnomalyState {
    return {
      levels: this.levels.save(),
      steps: this.steps.save(),
      seasonal: this.seasonal.save(),
      surprises: [this.levelSurprise, this.stepSurprise, this.seasonSurprise, this.shapeSurprise].map((x) => x.save()),
      seasons: this.seasons?.save() ?? null,
      signed: this.signed.save(),
      shape: this.shape.save(),
      period: this.period,
      previous: Number.isNaN(this.previous) ? null : this.previous,
      peak: this.peak,
    };
  }

  /**
   * Takes a snapshot() of a detector with the same options, every field checked; throws
   * SnapshotError naming the first that does not fit (the detector is then half loaded: the
   * caller discards it or resets it).
   */
  restore(state: unknown): void {
    const o = snapObject(state, 'anomaly state');
    const surprises = snapArray(o.surprises, 'anomaly state surprises', 4);
    const period = snapRange(o.period, 0, Math.max(this.levels.capacity, this.fixedPeriod), 'anomaly state period', true);
    const peak = snapRange(o.peak, 0, 1, 'anomaly state peak');
    const previous = snapNumberOrNaN(o.previous, 'anomaly state previous');
    this.levels.load(o.levels, 'anomaly state levels');
    this.steps.load(o.steps, 'anomaly state steps');
    this.seasonal.load(o.seasonal, 'anomaly state seasonal');
    [this.levelSurprise, this.stepSurprise, this.seasonSurprise, this.shapeSurprise].forEach((x, i) => x.load(surprises[i], `anomaly state surprise ${i}`));
    if (this.seasons) this.seasons.load(o.seasons, 'anomaly state seasons');
    this.signed.load(o.signed, 'anomaly state signed');
    this.shape.load(o.shape, 'anomaly state shape');
    this.period = period;
    this.previous = previous;
    this.peak = peak;
  }

  /** Back to a detector that has seen nothing (after a saved state that did not fit). */
  private reset(): void {
    const fresh = new AnomalyDetector({
      history: this.levels.capacity,
      minHistory: this.minHistory,
      threshold: this.threshold,
      direction: this.direction,
      seasonality: this.seasons ? 'auto' : this.fixedPeriod || 'off',
      shortWindow: this.signed.capacity,
    });
    Object.assign(this, fresh);
  }

  /** Scores `value` against the history, then adds it. `time` is accepted for symmetry with other detectors. */
  update(time: number, value: number): AnomalyResult {
    return { ...this.advance(time, value) };
  }

  /**
   * As update, but the result returned is the detector's own and the next value overwrites it:
   * for a caller that reads it at once, so a value allocates no result.
   */
  advance(_time: number, value: number): AnomalyResult {
    const q = this.levels;
    let score = 0;
    let level = 0;
    let expected = q.length ? q.median() : value;
    const ready = q.length >= this.minHistory;
    if (ready) {
      const median = expected;
      const spread = q.quantile(0.99) - q.quantile(0.01);
      // Scale floors: a flat history (MAD 0) would otherwise make any change infinitely surprising.
      const floor = Math.max(0.01 * spread, 1e-9 * Math.abs(median), 1e-9);
      const dLevel = Math.abs(value - median) / Math.max(1.4826 * q.mad(median), floor);
      const dStep = Math.abs(value - this.previous) / Math.max(1.4826 * this.steps.median(), floor);
      let z = this.levelSurprise.update(dLevel) + this.stepSurprise.update(dStep);
      // Steps far smaller than usual are news too: a stuck or flat-lined sensor.
      z += this.stepSurprise.below;
      if (this.period > 0 && q.length >= this.period) {
        const lagged = q.at(q.length - this.period);
        expected = lagged;
        const residual = value - lagged;
        if (this.seasonal.length >= this.minHistory) {
          z += this.seasonSurprise.update(Math.abs(residual) / Math.max(1.4826 * this.seasonal.mad(0), floor));
        }
        this.seasonal.push(residual);
      }
      z += this.shapeSurprise.update(this.shape.update(value, q));
      level = squash(z);
      score = level > this.peak + ONSET_MARGIN ? level : 0;
      this.peak = Math.max(this.peak * ONSET_DECAY, score);
    }
    // The side of the recent deviation, not of this one value: after a dip the level stays high
    // for a few values while single values already scatter around normal again.
    this.signed.push(value - expected);
    const up = this.signed.mean() >= 0;
    if ((this.direction === 'up' && !up) || (this.direction === 'down' && up)) {
      score = 0;
      level = 0;
    }
    if (!Number.isNaN(this.previous)) this.steps.push(Math.abs(value - this.previous));
    q.push(value);
    this.previous = value;
    if (this.seasons) {
      const p = this.seasons.update(value)?.period ?? 0;
      if (p !== this.period) {
        this.period = p;
        this.seasonal.clear();
      }
    }
    const out = this.out;
    out.score = score;
    out.level = level;
    out.expected = expected;
    out.direction = up ? 'up' : 'down';
    out.period = this.period;
    out.ready = ready;
    return out;
  }
}
