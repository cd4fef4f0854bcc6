/**
 * Seasonality: the dominant period of a series from its autocorrelation, with the autocorrelation
 * at that lag as its strength (0..1). Used on its own and as the seasonal baseline of the anomaly
 * detector, so a daily cycle is not mistaken for an anomaly.
 */
import { NumberRing } from './ring';
import { autocorrelation } from './fft';
import { snapNumber, snapObject, snapRange } from '../snapshot-check';

/** A detected period in events and how strongly the series repeats at that lag. */
export interface Period {
  period: number;
  strength: number;
}

/** Options of period detection. */
export interface PeriodOptions {
  /** Smallest period considered, in events (default 2). */
  minPeriod?: number;
  /** Largest period considered (default half the values, so at least two cycles are seen). */
  maxPeriod?: number;
  /** Autocorrelation a peak needs to count as seasonal (default 0.3). */
  minStrength?: number;
}

/** Finds the strongest autocorrelation peak past the first zero crossing; undefined when none. */
export function detectPeriod(values: ArrayLike<number>, options: PeriodOptions = {}): Period | undefined {
  const n = values.length;
  const maxLag = Math.min(options.maxPeriod ?? Math.floor(n / 2), Math.floor(n / 2));
  const minLag = Math.max(2, options.minPeriod ?? 2);
  const minStrength = options.minStrength ?? 0.3;
  if (maxLag < minLag + 1) return undefined;
  const r = autocorrelation(values, maxLag + 1);
  if (!(r[0] > 0)) return undefined;
  const acf = (lag: number): number => r[lag];
  // Peaks before the first zero crossing are just the series being smooth, not periodic.
  let lag = 1;
  let prev = acf(1);
  while (lag < maxLag && prev > 0) prev = acf(++lag);
  let best: Period | undefined;
  let cur = acf(lag + 1);
  for (let l = lag + 1; l < maxLag; l++) {
    const next = acf(l + 1);
    if (l >= minLag && cur > prev && cur >= next && cur >= minStrength && (!best || cur > best.strength)) {
      best = { period: l, strength: cur };
    }
    prev = cur;
    cur = next;
  }
  return best;
}

/** Options of the streaming seasonality detector. */
export interface SeasonalityOptions extends PeriodOptions {
  /** Events of history the period is found in (default 1000). */
  history?: number;
  /** First estimate after this many events, then re-estimate as often (default history / 4). */
  every?: number;
  /** Re-estimate every this many events after the first estimate (default `every`). */
  thenEvery?: number;
  /** Events needed before the first estimate (default 2 × minPeriod cycles, at least 48). */
  minHistory?: number;
}

/** Streaming period detector: keeps a bounded history and re-estimates the period now and then. */
export class SeasonalityDetector {
  private readonly ring: NumberRing;
  private readonly every: number;
  private readonly thenEvery: number;
  private readonly minHistory: number;
  private sinceEstimate = 0;
  private current: Period | undefined;

  constructor(private readonly options: SeasonalityOptions = {}) {
    const history = options.history ?? 1000;
    this.ring = new NumberRing(history);
    this.every = Math.max(1, options.every ?? Math.floor(history / 4));
    this.thenEvery = Math.max(1, options.thenEvery ?? this.every);
    this.minHistory = Math.min(history, options.minHistory ?? Math.max(48, 4 * (options.minPeriod ?? 2)));
  }

  /** Adds a value; returns the current period estimate (undefined while none is found). */
  update(value: number): Period | undefined {
    this.ring.push(value);
    if (++this.sinceEstimate >= this.every && this.ring.length >= this.minHistory) {
      this.sinceEstimate = this.every - this.thenEvery;
      this.current = detectPeriod(this.ring.values(), this.options);
    }
    return this.current;
  }

  /** The detector as plain data. */
  save(): { ring: unknown; sinceEstimate: number; current: Period | null } {
    return { ring: this.ring.save(), sinceEstimate: this.sinceEstimate, current: this.current ? { ...this.current } : null };
  }

  /** Takes the state saved by save(); throws SnapshotError naming `what` when it is not one. */
  load(o: unknown, what: string): void {
    const x = snapObject(o, what);
    // Counts up to `every` (or to minHistory before the first estimate), and starts again from every − thenEvery after one.
    const sinceEstimate = snapRange(
      x.sinceEstimate,
      Math.min(0, this.every - this.thenEvery),
      Math.max(this.every, this.minHistory),
      `${what} sinceEstimate`,
      true,
    );
    let current: Period | undefined;
    if (x.current !== null) {
      const c = snapObject(x.current, `${what} current`);
      current = {
        period: snapRange(c.period, 2, this.ring.capacity, `${what} current period`, true),
        strength: snapNumber(c.strength, `${what} current strength`),
      };
    }
    this.ring.load(x.ring, `${what} ring`);
    this.sinceEstimate = sinceEstimate;
    this.current = current;
  }

  /** The latest estimate. */
  get period(): Period | undefined {
    return this.current;
  }
}
