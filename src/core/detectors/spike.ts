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
  /** Confidence in percent, 50..99.9999 (default 99.9: at most ~1 in 1000 normal values flagged). */
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
    this.threshold = (options.confidence ?? 99.9) / 100;
    this.mode = options.mode ?? 'both';
    this.minHistory = Math.max(3, options.minHistory ?? 30);
  }

  /** Tests `value` against the history, then adds it. */
  update(_time: number, value: number): SpikeResult {
    const h = this.history;
    const expected = h.length ? h.median() : value;
    let score = 0;
    const ready = h.length >= this.minHistory;
    if (ready) {
      const spread = h.quantile(0.95) - h.quantile(0.05);
      const scale = Math.max(1.4826 * h.mad(expected), 0.01 * spread, 1e-9 * Math.abs(expected), 1e-12);
      const z = (value - expected) / scale;
      const signed = this.mode === 'spikes' ? z : this.mode === 'dips' ? -z : Math.abs(z);
      // Two-sided mode spends the error budget on both tails.
      const p = this.mode === 'both' ? 2 * normalTail(signed) : normalTail(signed);
      score = Math.max(0, Math.min(1, 1 - p));
    }
    h.push(value);
    return { score, isAnomaly: score >= this.threshold, expected, direction: value >= expected ? 'up' : 'down', ready };
  }
}
