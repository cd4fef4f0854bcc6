/**
 * Spikes and dips in the manner of Azure Stream Analytics' AnomalyDetection_SpikeAndDip: each
 * value is tested against the last `history` values (median and MAD, so earlier spikes do not
 * hide the next one), and its score is the confidence that it does not belong to them.
 *
 * The spread comes from a short history, so the value's distance in spreads is read as a Student-t
 * statistic with the MAD's effective degrees of freedom (about 37 % of the values, at least 2), and
 * the score is one minus its exact t tail: a farther value always scores higher, and every
 * confidence below 100 % is reachable from the first test on (with 3 values and 95 % a value must
 * lie about 4.3 spreads out, with 120 about 2). Fewer than 3 values cannot give a median and a
 * spread, so minHistory below 3 counts as 3.
 */
import { RollingQuantiles } from './rolling-quantiles';
import { snapObject } from '../snapshot-check';

/** Which sudden deviations count. */
export type SpikeMode = 'spikes' | 'dips' | 'both';

/** Settings of the spike detector. */
export interface SpikeOptions {
  /** Values the current one is compared with (default 120, as a 2-minute history at 1 Hz). */
  history?: number;
  /**
   * Confidence in percent, 50..99.99999. Default 99.999: with the default history that takes a
   * robust z of about 5, so plain noise is flagged less than once in 100 000 values.
   */
  confidence?: number;
  mode?: SpikeMode;
  /** Values needed before any test (default 30; below 3 counts as 3, more than history as history). */
  minHistory?: number;
}

/** Result for one value. */
export interface SpikeResult {
  /** Confidence (0..1) that the value is a spike or dip in the chosen mode. */
  score: number;
  isAnomaly: boolean;
  expected: number;
  direction: 'up' | 'down';
  ready: boolean;
}

/** Streaming spike/dip detector for one key. */
export class SpikeDetector {
  readonly threshold: number;
  private readonly history: RollingQuantiles;
  private readonly mode: SpikeMode;
  private readonly minHistory: number;

  constructor(options: SpikeOptions = {}) {
    this.history = new RollingQuantiles(options.history ?? 120);
    this.threshold = (options.confidence ?? 99.999) / 100;
    this.mode = options.mode ?? 'both';
    this.minHistory = Math.min(this.history.capacity, Math.max(3, options.minHistory ?? 30));
  }

  /** The history as plain data, to go on elsewhere with restore(). */
  snapshot(): { history: string } {
    return { history: this.history.save() };
  }

  /** Takes a snapshot() of a detector with the same options; throws SnapshotError when it is not one. */
  restore(state: unknown): void {
    this.history.load(snapObject(state, 'spike state').history, 'spike state history');
  }

  /** Tests `value` against the history, then adds it. */
  update(_time: number, value: number): SpikeResult {
    const h = this.history;
    const expected = h.length ? h.median() : value;
    let score = 0;
    const ready = h.length >= this.minHistory;
    if (ready) {
      const spread = h.quantile(0.95) - h.quantile(0.05);
      // Two robust spread estimates, the larger one: a short history often makes one of them too
      // small by chance, and an underestimated spread turns ordinary values into "spikes".
      const sigma = Math.max(1.4826 * h.mad(expected), (h.quantile(0.8413) - h.quantile(0.1587)) / 2);
      const scale = Math.max(sigma, 0.01 * spread, 1e-9 * Math.abs(expected), 1e-12);
      // The scale comes from a short history, so it is uncertain: t is Student-t with the MAD's
      // effective degrees of freedom (~37 % of the values).
      const nu = Math.max(2, 0.37 * h.length);
      const t = (value - expected) / scale;
      const signed = this.mode === 'spikes' ? t : this.mode === 'dips' ? -t : Math.abs(t);
      // Two-sided mode spends the error budget on both tails.
      const p = this.mode === 'both' ? 2 * studentTail(signed, nu) : studentTail(signed, nu);
      score = Math.max(0, Math.min(1, 1 - p));
    }
    h.push(value);
    return { score, isAnomaly: score >= this.threshold, expected, direction: value >= expected ? 'up' : 'down', ready };
  }
}

/** Upper tail P(T > t) of Student's t with `nu` (> 0, not necessarily whole) degrees of freedom. */
export function studentTail(t: number, nu: number): number {
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return t > 0 ? 0 : 1;
  // P(|T| > |t|) = I_x(nu/2, 1/2) with x = nu / (nu + t²).
  const both = incompleteBeta(nu / (nu + t * t), nu / 2, 0.5);
  return t >= 0 ? both / 2 : 1 - both / 2;
}

/** Regularised incomplete beta I_x(a, b), by its continued fraction on the side where it converges fast. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** The continued fraction of the incomplete beta (modified Lentz); at most 200 terms. */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 200; m++) {
    // Even step, then odd step, of the fraction's terms.
    for (const odd of [false, true]) {
      const k = odd ? -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)) : (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
      d = 1 + k * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + k / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      f *= c * d;
      if (odd && Math.abs(c * d - 1) < 1e-14) return f;
    }
  }
  return f;
}

/** ln Γ(z) for z > 0: Stirling's series once z ≥ 8, reached through Γ(z + 1) = z Γ(z). */
function logGamma(z: number): number {
  let shift = 0;
  while (z < 8) {
    shift -= Math.log(z);
    z += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  return shift + (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
}
