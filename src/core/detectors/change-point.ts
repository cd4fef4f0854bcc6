/**
 * Persistent changes of level or variance, by two-sided CUSUM on values standardised against a
 * reference learned robustly (median/MAD) from the first `minHistory` values after the last
 * change (winsorised mean and spread: efficient, yet one outlier cannot skew it). The decision limit comes from the confidence: the expected run length between false
 * alarms on a stable stream is about history / (1 − confidence) values (Siegmund's approximation),
 * so the default 0.999 with a history of 200 means about one false alarm in 200 000 values in theory (more in practice because the reference is estimated, hence the long default reference).
 */
import { RollingQuantiles } from './rolling-quantiles';
import { NumberRing, RingState } from './ring';
import { SnapshotError, snapCount, snapNumber, snapNumberOrNaN, snapObject, snapRange } from '../snapshot-check';

/** Settings of the change-point detector. */
export interface ChangePointOptions {
  /** Values of reference after a change (default 200). */
  history?: number;
  /** Values learned before testing (default: the whole history, so the reference is not a guess). */
  minHistory?: number;
  /** 0.5..0.999999 (default 0.999). */
  confidence?: number;
  /** Smallest shift worth detecting, in reference standard deviations (default 1). */
  minShift?: number;
}

/** Result for one value. */
export interface ChangePointResult {
  /** CUSUM statistic / decision limit, clipped to 0..1; 1 when a change is declared. */
  score: number;
  isChange: boolean;
  kind?: 'level' | 'variance';
  direction: 'up' | 'down';
  /** Reference level before the change. */
  expected: number;
  /** Time the change most likely began (where the CUSUM last left zero). */
  changeTime?: number;
  ready: boolean;
}

/** The change-point detector's whole state as plain data (see ChangePointDetector.snapshot). */
export interface ChangePointState {
  /** Packed (see packed-numbers.ts); a list of numbers in state saved before. */
  reference: string | number[];
  clipped: RingState;
  center: number | null;
  scale: number | null;
  up: number;
  down: number;
  varUp: number;
  upStart: number | null;
  downStart: number | null;
  varStart: number | null;
  varZSum: number;
  varCount: number;
}

/** Decision limit h for a CUSUM with reference k so that the in-control run length is `arl`. */
export function cusumLimit(k: number, arl: number): number {
  const run = (h: number): number => {
    const b = h + 1.166;
    return (Math.exp(2 * k * b) - 2 * k * b - 1) / (2 * k * k);
  };
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (run(mid) < arl) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Streaming change-point detector for one key. */
export class ChangePointDetector {
  readonly threshold = 1;
  private readonly reference: RollingQuantiles;
  private readonly clipped: NumberRing;
  private readonly minHistory: number;
  private readonly k: number;
  private readonly h: number;
  private center = NaN;
  private scale = NaN;
  private up = 0;
  private down = 0;
  private varUp = 0;
  private upStart = NaN;
  private downStart = NaN;
  private varStart = NaN;
  private varZSum = 0;
  private varCount = 0;

  constructor(options: ChangePointOptions = {}) {
    const history = options.history ?? 200;
    const confidence = options.confidence ?? 0.999;
    this.reference = new RollingQuantiles(history);
    this.clipped = new NumberRing(history);
    this.minHistory = Math.min(history, Math.max(5, options.minHistory ?? history));
    this.k = (options.minShift ?? 1) / 2;
    // Three CUSUMs watch the stream (up, down, spread): each gets a third of the false-alarm budget.
    this.h = cusumLimit(this.k, (3 * history) / (1 - confidence));
  }

  /** The whole state as plain data (NaN, "none yet", as null), to go on elsewhere with restore(). */
  snapshot(): ChangePointState {
    const n = (x: number): number | null => (Number.isNaN(x) ? null : x);
    return {
      reference: this.reference.save(),
      clipped: this.clipped.save(),
      center: n(this.center),
      scale: n(this.scale),
      up: this.up,
      down: this.down,
      varUp: this.varUp,
      upStart: n(this.upStart),
      downStart: n(this.downStart),
      varStart: n(this.varStart),
      varZSum: this.varZSum,
      varCount: this.varCount,
    };
  }

  /** Takes a snapshot() of a detector with the same options, every field checked; throws SnapshotError naming the first that does not fit. */
  restore(state: unknown): void {
    const o = snapObject(state, 'changepoint state');
    const what = (field: string): string => `changepoint state ${field}`;
    const sums = (['up', 'down', 'varUp'] as const).map((f) => snapRange(o[f], 0, Infinity, what(f)));
    const center = snapNumberOrNaN(o.center, what('center'));
    const scale = snapNumberOrNaN(o.scale, what('scale'));
    const starts = (['upStart', 'downStart', 'varStart'] as const).map((f) => snapNumberOrNaN(o[f], what(f)));
    const varZSum = snapNumber(o.varZSum, what('varZSum'));
    const varCount = snapCount(o.varCount, what('varCount'));
    this.reference.load(o.reference, what('reference'));
    this.clipped.load(o.clipped, what('clipped'));
    // Both learn every value of the reference together.
    if (this.clipped.length !== this.reference.length)
      throw SnapshotError.because('snapshotListOf', { what: what('clipped values'), length: this.reference.length, got: `${this.clipped.length}` });
    [this.up, this.down, this.varUp] = sums;
    this.center = center;
    this.scale = scale;
    [this.upStart, this.downStart, this.varStart] = starts;
    this.varZSum = varZSum;
    this.varCount = varCount;
  }

  /** Tests `value`; after a declared change the reference is learned again from the new regime. */
  update(time: number, value: number): ChangePointResult {
    const ref = this.reference;
    if (ref.length < this.minHistory) {
      this.learn(value);
      return { score: 0, isChange: false, direction: 'up', expected: this.center, ready: false };
    }
    const z = (value - this.center) / this.scale;
    if (this.up === 0) this.upStart = time;
    if (this.down === 0) this.downStart = time;
    if (this.varUp === 0) {
      this.varStart = time;
      this.varZSum = 0;
      this.varCount = 0;
    }
    this.up = Math.max(0, this.up + z - this.k);
    this.down = Math.max(0, this.down - z - this.k);
    // |z| has mean 0.798 and sd 0.603 in control and is far less skewed than z², so the
    // normal-theory limit holds; a 3× larger spread moves it by ~2.6 sd.
    this.varUp = Math.max(0, this.varUp + (Math.min(Math.abs(z), 6) - 0.798) / 0.603 - this.k);
    this.varZSum += z;
    this.varCount++;
    const stat = Math.max(this.up, this.down, this.varUp);
    const expected = this.center;
    if (stat >= this.h) {
      // A large step also inflates |z| and may trip the spread test first: when the values since
      // that test started sit on one side of the reference, it is a level change.
      const shifted = this.varCount > 0 && Math.abs(this.varZSum / this.varCount) >= 1.5;
      const levelTripped = this.up >= this.h || this.down >= this.h;
      const kind = levelTripped || shifted ? 'level' : 'variance';
      let direction: 'up' | 'down' = 'up';
      let changeTime = this.varStart;
      if (levelTripped) {
        direction = this.up >= this.down ? 'up' : 'down';
        changeTime = direction === 'up' ? this.upStart : this.downStart;
      } else if (shifted) {
        direction = this.varZSum > 0 ? 'up' : 'down';
      }
      this.reset();
      this.learn(value);
      return { score: 1, isChange: true, kind, direction, expected, changeTime, ready: true };
    }
    return { score: Math.min(1, stat / this.h), isChange: false, direction: this.up >= this.down ? 'up' : 'down', expected, ready: true };
  }

  /** Adds a value to the reference: winsorised mean and standard deviation, median/MAD to clip. */
  private learn(value: number): void {
    const ref = this.reference;
    ref.push(value);
    const median = ref.median();
    const mad = 1.4826 * ref.mad(median);
    const spread = ref.quantile(0.95) - ref.quantile(0.05);
    const floor = Math.max(0.01 * spread, 1e-9 * Math.abs(median), 1e-12);
    const lo = median - 4 * Math.max(mad, floor);
    const hi = median + 4 * Math.max(mad, floor);
    this.clipped.push(Math.min(hi, Math.max(lo, value)));
    this.center = this.clipped.mean();
    this.scale = Math.max(this.clipped.std(), mad * 0.5, floor);
  }

  private reset(): void {
    this.reference.clear();
    this.clipped.clear();
    this.center = NaN;
    this.scale = NaN;
    this.up = 0;
    this.down = 0;
    this.varUp = 0;
  }
}
