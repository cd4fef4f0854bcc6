/**
 * Event-time timers of the window operator: a binary min-heap of the items (windows, panes,
 * sessions, keys) that fire when the watermark passes their time. Items carry their own heap
 * index so rescheduling is O(log n) without searching, and ties break on window start and the
 * key's creation order, so firing order is the same after a snapshot is restored.
 */

import type { TimerStore } from './timer-store';

/** Something that can wait in a TimerHeap. */
export interface Timed {
  /** Time at which the item is due; only TimerHeap changes it while the item is queued. */
  timerAt: number;
  /** Position in the heap, -1 when not queued. */
  heapIndex: number;
  /** Secondary order for items due at the same time. */
  start: number;
  /** Tertiary order: creation order of the item's key (kept by snapshots), cheaper than comparing key strings. */
  seq: number;
}

/** Min-heap of Timed items ordered by (timerAt, start, key), or by (timerAt, `order`, start, key) when an order is given. */
export class TimerHeap<T extends Timed> implements TimerStore {
  /** Due time of the earliest item, +Infinity when empty (see TimerStore). */
  head = Infinity;
  private readonly items: T[] = [];

  /** `order` ranks items due at the same time before start and key do (negative: `a` first). */
  constructor(private readonly order?: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  /** The earliest item, or undefined. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Queues `item` at `time`, or moves it there if already queued. */
  schedule(item: T, time: number): void {
    if (item.heapIndex >= 0) {
      const earlier = time < item.timerAt;
      item.timerAt = time;
      if (earlier) this.up(item.heapIndex);
      else this.down(item.heapIndex);
    } else {
      item.timerAt = time;
      item.heapIndex = this.items.length;
      this.items.push(item);
      this.up(item.heapIndex);
    }
    this.refreshHead();
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop() as T;
    top.heapIndex = -1;
    if (items.length > 0) {
      items[0] = last;
      last.heapIndex = 0;
      this.down(0);
    }
    this.refreshHead();
    return top;
  }

  /** Takes `item` out of the heap if it is queued. */
  remove(item: T): void {
    const i = item.heapIndex;
    if (i < 0) return;
    const items = this.items;
    const last = items.pop() as T;
    item.heapIndex = -1;
    if (i < items.length) {
      items[i] = last;
      last.heapIndex = i;
      this.up(i);
      this.down(last.heapIndex);
    }
    this.refreshHead();
  }

  /** Empties the heap. */
  clear(): void {
    for (const item of this.items) item.heapIndex = -1;
    this.items.length = 0;
    this.head = Infinity;
  }

  /** The largest `of(item)` over the queued items (-Infinity when empty); by default their due times. */
  maxTime(of: (item: T) => number = (item) => item.timerAt): number {
    let max = -Infinity;
    for (const item of this.items) {
      const time = of(item);
      if (time > max) max = time;
    }
    return max;
  }

  private refreshHead(): void {
    const items = this.items;
    this.head = items.length > 0 ? items[0].timerAt : Infinity;
  }

  private less(a: T, b: T): boolean {
    if (a.timerAt !== b.timerAt) return a.timerAt < b.timerAt;
    if (this.order !== undefined) {
      const o = this.order(a, b);
      if (o !== 0) return o < 0;
    }
    if (a.start !== b.start) return a.start < b.start;
    return a.seq < b.seq;
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent];
      if (!this.less(item, p)) break;
      items[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    items[i] = item;
    item.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.less(items[child + 1], items[child])) child++;
      const c = items[child];
      if (!this.less(c, item)) break;
      items[i] = c;
      c.heapIndex = i;
      i = child;
    }
    items[i] = item;
    item.heapIndex = i;
  }
}
