/**
 * A key's own tail of a test statistic, for limits that hold on data with heavier tails than the
 * normal noise a nominal limit assumes (bursts, steps a cycle makes, quantised readings).
 *
 * The statistic is measured in multiples of its nominal limit, where the nominal model says
 * P(x > 1) = the false-alert budget per reading. The tail above a high quantile of x is taken as
 * exponential (peaks over threshold, as in extreme-value streaming detectors): the quantile is
 * tracked on a log scale as readings stream by, the mean excess over it is a running mean of the
 * exceedances, each clipped at a few mean excesses so one wild reading teaches little while a
 * tail that keeps reaching far grows the mean quickly. The calibrated limit is where that
 * exponential tail reaches the budget, and never below the nominal 1. A new key starts from the
 * nominal tail itself, so it keeps the nominal limit until its readings say otherwise.
 */

/** The tail of one statistic as plain numbers, for snapshots. */
export interface TailState {
  /** The tracked (1 − TAIL_SHARE) quantile of the statistic. */
  from: number;
  /** The running mean excess over it. */
  excess: number;
  /** Readings learned. */
  n: number;
}

// Share of readings above the tracked quantile.
const TAIL_SHARE = 0.02;
// Step of the quantile tracker on the log scale, per reading below it (and (1 − share)/share times
// that per reading above it, so it settles where the share of readings above it is TAIL_SHARE).
const TAIL_STEP = 0.002;
const STEP_UP = Math.exp((TAIL_STEP * (1 - TAIL_SHARE)) / TAIL_SHARE);
const STEP_DOWN = Math.exp(-TAIL_STEP);
const EXCESS_ALPHA = 0.02;
const EXCESS_CLIP = 5;
// What one reading can teach at most, in multiples of the nominal limit.
const CAP = 100;

// The budget per reading changes only with a key's rate, and every reading asks for its limit:
// the logarithm is kept for the budget last asked.
let lastPerReading = NaN;
let lastLogShare = NaN;

/** A tail that has learned nothing yet (the nominal one is taken at the first reading). */
export function newTail(): TailState {
  return { from: NaN, excess: NaN, n: 0 };
}

/** The calibrated limit, as a multiple of the nominal one (≥ 1), for a budget per reading in (0, 1). */
export function calibratedLimit(t: TailState, perReading: number): number {
  if (!(t.n > 0) || !(perReading > 0 && perReading < TAIL_SHARE)) return 1;
  if (perReading !== lastPerReading) {
    lastPerReading = perReading;
    lastLogShare = Math.log(TAIL_SHARE / perReading);
  }
  const limit = t.from + t.excess * lastLogShare;
  return limit > 1 ? limit : 1;
}

/** Adds one reading's statistic (in multiples of the nominal limit) to the tail. */
export function learnTail(t: TailState, x: number, perReading: number): void {
  if (!(x >= 0)) return;
  if (!(t.n > 0) || !(t.from > 0) || !(t.excess > 0)) {
    // The nominal tail, P(x > v) = budget^v: its quantile and mean excess.
    const logP = Math.log(Math.min(perReading, TAIL_SHARE / 2));
    t.from = Math.log(TAIL_SHARE) / logP;
    t.excess = -1 / logP;
    t.n = 0;
  }
  t.n++;
  const v = x > CAP ? CAP : x;
  if (v > t.from) {
    t.excess += EXCESS_ALPHA * (Math.min(v - t.from, EXCESS_CLIP * t.excess) - t.excess);
    t.from *= STEP_UP;
  } else {
    t.from *= STEP_DOWN;
  }
}

/** A copy of saved tail state, or a fresh tail when it is not one (JSON stores NaN as null). */
export function reviveTail(x: unknown): TailState {
  const o = x as Partial<TailState> | null;
  if (!o || typeof o !== 'object' || typeof o.from !== 'number' || typeof o.excess !== 'number' || typeof o.n !== 'number' || !(o.n >= 0)) return newTail();
  return { from: o.from, excess: o.excess, n: o.n };
}
