/**
 * The window of a per-event sliding aggregation: a FIFO of (time, value) that answers its
 * aggregate after every push or pop. createSlidingAggregator picks the cheapest structure the
 * aggregate allows: monotonic deques for min and max (ExtremesWindow), subtract-on-exit for count, sum, avg and
 * variance (InvertibleWindow), and the two-stacks queue for everything else.
 */
import { countAggregate } from './aggregates/count';
import { ExtremesAcc, maxAggregate, minAggregate } from './aggregates/extremes';
import { rangeAggregate } from './aggregates/range';
import { ExtremesWindow } from './extremes-window';
import { InvertibleWindow, SLIDE_COUNT } from './invertible-window';
import { TwoStacksAggregator } from './two-stacks';
import type { AggregateFunction } from './types';

/** A FIFO window of events with its aggregate result at any moment. */
export interface SlidingAggregator<IN, OUT> {
  /** Number of events in the window. */
  readonly size: number;
  /** Event time of the oldest event; undefined when empty. */
  oldestTime(): number | undefined;
  /** Event time of the newest event; undefined when empty. */
  newestTime(): number | undefined;
  /** Appends the newest event. */
  push(time: number, value: IN): void;
  /** Removes the oldest event. */
  pop(): void;
  /** Removes every event at or before `time`, oldest first; returns how many left. */
  popThrough(time: number): number;
  /** Aggregate result of the whole window. */
  result(): OUT;
  /** Plain-JSON state for snapshots. */
  toJSON(): unknown;
  /** Loads state made by toJSON into an empty window; also takes a list of [time, value] events. */
  fromJSON(json: unknown): void;
  /** Empties the window. */
  clear(): void;
}

/** An aggregate that knows a cheaper sliding structure than two-stacks (undefined: it does not). */
export interface SlidingCapable<IN, OUT> {
  createSlidingAggregator(): SlidingAggregator<IN, OUT> | undefined;
}

const same = (v: unknown): unknown => v;
// NaN would sit in a monotonic deque forever (every comparison with it is false); the plain
// min/max accumulators ignore it, so the deque must too.
const notNaN = (v: unknown): boolean => typeof v === 'number' && v === v;

/** Whether `agg` is the plain min, max or range aggregate, whose accumulator the deques can stand in for. */
function isExtremes<IN, ACC, OUT>(agg: AggregateFunction<IN, ACC, OUT>): agg is AggregateFunction<IN, ACC, OUT> & AggregateFunction<IN, ExtremesAcc, OUT> {
  const plain: object = agg;
  return plain === maxAggregate || plain === minAggregate || plain === rangeAggregate;
}

/** Whether `agg` brings its own sliding structure. */
function isSlidingCapable<IN, OUT>(agg: object): agg is SlidingCapable<IN, OUT> {
  return typeof (agg as Partial<SlidingCapable<IN, OUT>>).createSlidingAggregator === 'function';
}

/** The cheapest sliding window for `agg`: deques, subtract-on-exit, else two-stacks. */
export function createSlidingAggregator<IN, ACC, OUT>(agg: AggregateFunction<IN, ACC, OUT>): SlidingAggregator<IN, OUT> {
  if (isSlidingCapable<IN, OUT>(agg)) {
    const own = agg.createSlidingAggregator();
    if (own !== undefined) return own;
  }
  if (isExtremes(agg)) {
    const plain: object = agg;
    const finish = (acc: ExtremesAcc): OUT => agg.result(acc);
    return new ExtremesWindow<IN, OUT>(same, notNaN, plain !== maxAggregate, plain !== minAggregate, finish);
  }
  const plain: object = agg;
  if (plain === countAggregate) {
    const slot = { kind: SLIDE_COUNT, get: same, accepts: () => true, reuse: false, min: false, max: false };
    return new InvertibleWindow<IN, OUT>([slot], (accs) => agg.result(accs[0] as ACC));
  }
  return new TwoStacksAggregator(agg);
}
