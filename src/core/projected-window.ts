/**
 * A sliding window that keeps, of each event, only what its aggregations read (the projection)
 * and hands that to an inner window. A two-stacks window must keep its events (a flip adds them
 * again), and for a median of msg.payload the event is the whole message; kept through a
 * projection it is the number alone.
 */
import type { SlidingAggregator } from './sliding-aggregator';

/** `inner` over projections, seen from outside as a window over events. */
export class ProjectedWindow<IN, P, OUT> implements SlidingAggregator<IN, OUT> {
  constructor(
    private readonly inner: SlidingAggregator<P, OUT>,
    /** `time` is the event's time, for projections that hold time-aware accumulators. */
    private readonly project: (event: IN, time: number) => P,
  ) {}

  get size(): number {
    return this.inner.size;
  }

  oldestTime(): number | undefined {
    return this.inner.oldestTime();
  }

  newestTime(): number | undefined {
    return this.inner.newestTime();
  }

  push(time: number, value: IN): void {
    this.inner.push(time, this.project(value, time));
  }

  pop(): void {
    this.inner.pop();
  }

  popThrough(time: number): number {
    return this.inner.popThrough(time);
  }

  result(): OUT {
    return this.inner.result();
  }

  /** The inner window's state, marked so that it is not taken for a list of whole events. */
  toJSON(): unknown {
    return { projected: this.inner.toJSON() };
  }

  /** Loads toJSON's state; a list of [time, event] pairs (an older snapshot) is projected as it is pushed. */
  fromJSON(json: unknown): void {
    if (json !== null && typeof json === 'object' && !Array.isArray(json) && 'projected' in json) {
      this.inner.fromJSON((json as { projected: unknown }).projected);
      return;
    }
    for (const [t, v] of json as [number, IN][]) this.push(t, v);
  }

  clear(): void {
    this.inner.clear();
  }
}
