/**
 * Sliding aggregation over a FIFO of events with any AggregateFunction (the "two-stacks" queue):
 * the front stack keeps suffix aggregates, the back stack one running accumulator, so push, pop
 * and query are O(1) amortized merges for min, max and every other mergeable aggregate, and the
 * window is never rescanned.
 */
import type { SlidingAggregator } from './sliding-aggregator';
import { dropFront } from './drop-front';
import { AggregateFunction } from './types';
import { SlidingEvents } from './sliding-events';

const COMPACT_AT = 1024;

/** FIFO window of (time, value) with O(1) amortized aggregate queries. */
export class TwoStacksAggregator<IN, ACC, OUT> extends SlidingEvents<IN> implements SlidingAggregator<IN, OUT> {
  /** front[i] aggregates values[i .. mid); set for head <= i < mid only. */
  private front: (ACC | undefined)[] = [];
  private mid = 0;
  private back: ACC;
  private backCount = 0;

  constructor(private readonly agg: AggregateFunction<IN, ACC, OUT>) {
    super();
    this.back = agg.createAccumulator();
  }

  /** Appends the newest event. */
  push(time: number, value: IN): void {
    this.times.push(time);
    this.values.push(value);
    this.front.push(undefined);
    this.back = this.agg.add(this.back, value, time);
    this.backCount++;
  }

  /** Removes the oldest event. */
  pop(): void {
    if (this.head >= this.times.length) return;
    if (this.head === this.mid) this.flip();
    // The window holds no accumulator or value it has let go of.
    this.front[this.head] = undefined;
    delete this.values[this.head];
    this.head++;
    if (this.head >= COMPACT_AT && this.head * 2 >= this.times.length) this.compact();
  }

  /** Aggregate result of the whole window. */
  result(): OUT {
    const agg = this.agg;
    const front = this.head < this.mid ? this.front[this.head] : undefined;
    if (front === undefined) return agg.result(this.back);
    if (this.backCount === 0) return agg.result(front);
    // merge may mutate its first argument, so combine into a fresh accumulator.
    return agg.result(agg.merge(agg.merge(agg.createAccumulator(), front), this.back));
  }

  /** Empties the window. */
  clear(): void {
    this.times = [];
    this.values = [];
    this.front = [];
    this.head = 0;
    this.mid = 0;
    this.back = this.agg.createAccumulator();
    this.backCount = 0;
  }

  /** Moves the back stack onto the front stack, computing suffix aggregates newest to oldest. */
  private flip(): void {
    const agg = this.agg;
    const end = this.times.length;
    let next: ACC | undefined;
    for (let i = end - 1; i >= this.mid; i--) {
      let acc = agg.add(agg.createAccumulator(), this.values[i], this.times[i]);
      if (next !== undefined) acc = agg.merge(acc, next);
      this.front[i] = acc;
      next = acc;
    }
    this.mid = end;
    this.back = agg.createAccumulator();
    this.backCount = 0;
  }

  private compact(): void {
    const h = this.head;
    dropFront(this.times, h);
    dropFront(this.values, h);
    dropFront(this.front, h);
    this.head = 0;
    this.mid -= h;
  }
}
