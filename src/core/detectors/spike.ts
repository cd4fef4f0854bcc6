/**
 * Spikes and dips in the manner of Azure Stream Analytics' AnomalyDetection_SpikeAndDip: each
 * value is tested against the last `history` values (median and MAD, so earlier spikes do not
 * hide the next one), and its score is the confidence that it does not belong to them.
 */
import { RollingQuantiles } from './rolling-quantiles';
import { normalTail } from './normal';

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
  /** Values needed before any test (default 30). */
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
      // The scale comes from a short history, so it is uncertain: treat z as Student-t with the
      // MAD's effective degrees of freedom (~37 % of the values) and map it to a normal score.
      const nu = Math.max(2, 0.37 * h.length);
      const raw = (value - expected) / scale;
      const z = (raw * (1 - 1 / (4 * nu))) / Math.sqrt(1 + (raw * raw) / (2 * nu));
      const signed = this.mode === 'spikes' ? z : this.mode === 'dips' ? -z : Math.abs(z);
      // Two-sided mode spends the error budget on both tails.
      const p = this.mode === 'both' ? 2 * normalTail(signed) : normalTail(signed);
      score = Math.max(0, Math.min(1, 1 - p));
    }
    h.push(value);
    return { score, isAnomaly: score >= this.threshold, expected, direction: value >= expected ? 'up' : 'down', ready };
  }
}
