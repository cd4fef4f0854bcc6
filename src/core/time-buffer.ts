/**
 * Events kept in event-time order (equal times in arrival order), consumed from the front as the
 * watermark passes them. Mostly-ordered input appends; an out-of-order event is inserted after a
 * binary search. The consumed front is dropped lazily, so taking the head is O(1) amortized.
 */
import { dropFront } from './drop-front';

/** Anything with an event time. */
export interface Timestamped {
  time: number;
}

/** A time-ordered queue of events with O(log n) search by time. */
export class TimeBuffer<T extends Timestamped> {
  private items: T[] = [];
  private head = 0;

  /** Number of events held. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** The `i`-th event in time order. */
  at(i: number): T {
    return this.items[this.head + i];
  }

  /** The earliest event, or undefined. */
  first(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Adds `item` after every event with a time ≤ its own (stable for equal times). */
  insert(item: T): void {
    const a = this.items;
    const n = a.length;
    if (n === this.head || a[n - 1].time <= item.time) {
      a.push(item);
      return;
    }
    let lo = this.head;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid].time <= item.time) lo = mid + 1;
      else hi = mid;
    }
    a.splice(lo, 0, item);
  }

  /** Index (as for at()) of the first event with time ≥ `t`; size when there is none. */
  indexAtOrAfter(t: number): number {
    const a = this.items;
    let lo = this.head;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid].time < t) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.head;
  }

  /** Removes and returns the earliest event. */
  shift(): T | undefined {
    const a = this.items;
    if (this.head >= a.length) return undefined;
    const item = a[this.head];
    this.head++;
    if (this.head === a.length) {
      a.length = 0;
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= a.length) {
      dropFront(a, this.head);
      this.head = 0;
    }
    return item;
  }

  /** The events in time order (a copy). */
  toArray(): T[] {
    return this.items.slice(this.head);
  }

  /** Drops every event. */
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
