/**
 * Holds generated readings back for a number of ticks so they reach the flow out of order or
 * late, the way messages from real devices do after buffering, retries or a flaky uplink.
 */

interface Held<T> {
  due: number;
  order: number;
  item: T;
}

/** A queue releasing items at the tick they are due, in due-then-arrival order. */
export class DeliveryQueue<T> {
  private held: Held<T>[] = [];
  private order = 0;

  constructor(private readonly capacity: number) {}

  /** Queues `item` for tick `due`; returns false (and keeps nothing) when the queue is full. */
  hold(item: T, due: number): boolean {
    if (this.held.length >= this.capacity) return false;
    this.held.push({ due, order: this.order++, item });
    return true;
  }

  /** Removes and returns the items due at or before `tick`. */
  release(tick: number): T[] {
    if (this.held.length === 0) return [];
    const due = this.held.filter((h) => h.due <= tick);
    if (due.length === 0) return [];
    this.held = this.held.filter((h) => h.due > tick);
    due.sort((a, b) => a.due - b.due || a.order - b.order);
    return due.map((h) => h.item);
  }

  /** Removes and returns everything still held, in due order (used when a run stops). */
  drain(): T[] {
    return this.release(Infinity);
  }

  /** How many items are waiting. */
  get size(): number {
    return this.held.length;
  }
}
