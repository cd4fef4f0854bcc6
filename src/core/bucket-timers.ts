/**
 * Timers for aligned (tumbling) windows: every key's windows end at the same instants, so items
 * are grouped by due time and only the distinct times sit in a heap. Scheduling a window costs
 * one array slot instead of a heap entry and two fields on the window; items are never removed,
 * the engine recognises and skips stale ones when their time comes.
 */

import type { TimerStore } from './timer-store';

/** Items grouped by due time, popped earliest time first. */
export class BucketTimers<T> implements TimerStore {
  /** Earliest due time, +Infinity when empty (see TimerStore). */
  head = Infinity;
  private readonly byTime = new Map<number, T[]>();
  /** Min-heap of the distinct due times. */
  private readonly times: number[] = [];

  /** Number of distinct due times waiting. */
  get size(): number {
    return this.times.length;
  }

  /** Adds `item` to the group due at `time`. */
  schedule(item: T, time: number): void {
    const group = this.byTime.get(time);
    if (group !== undefined) {
      group.push(item);
      return;
    }
    this.byTime.set(time, [item]);
    const times = this.times;
    let i = times.length;
    times.push(time);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent] <= time) break;
      times[i] = times[parent];
      i = parent;
    }
    times[i] = time;
    this.head = times[0];
  }

  /** Earliest due time, or undefined. */
  peekTime(): number | undefined {
    return this.times[0];
  }

  /** Removes the earliest group and returns its items (the time is what peekTime returned). */
  popGroup(): T[] {
    const times = this.times;
    const time = times[0];
    const last = times.pop() as number;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && times[child + 1] < times[child]) child++;
        if (times[child] >= last) break;
        times[i] = times[child];
        i = child;
      }
      times[i] = last;
    }
    this.head = n > 0 ? times[0] : Infinity;
    const group = this.byTime.get(time) as T[];
    this.byTime.delete(time);
    return group;
  }

  /** Latest due time, -Infinity when empty. */
  maxTime(): number {
    let max = -Infinity;
    for (const t of this.times) if (t > max) max = t;
    return max;
  }

  /** Largest `value(item, time)` over the waiting items (stale ones included), -Infinity when empty. */
  maxTimeOf(value: (item: T, time: number) => number): number {
    let max = -Infinity;
    for (const [time, group] of this.byTime) {
      for (const item of group) {
        const v = value(item, time);
        if (v > max) max = v;
      }
    }
    return max;
  }

  /** Drops every timer. */
  clear(): void {
    this.byTime.clear();
    this.times.length = 0;
    this.head = Infinity;
  }
}
