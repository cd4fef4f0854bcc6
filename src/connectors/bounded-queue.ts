/**
 * A FIFO with a hard capacity, used to hold outgoing messages while a broker is away. When full,
 * the oldest entry makes room (the newest data is usually what an IoT consumer still wants);
 * the evicted entry is handed back so its sender can be told, and every eviction is counted.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  /** Entries evicted because the queue was full, since creation. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be an integer >= 0, got ${capacity}`);
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends an item; returns the entry evicted to make room (possibly `item` itself when capacity is 0). */
  push(item: T): T | undefined {
    if (this.capacity === 0) {
      this.dropped++;
      return item;
    }
    let evicted: T | undefined;
    if (this.length >= this.capacity) {
      evicted = this.shift();
      this.dropped++;
    }
    this.items.push(item);
    return evicted;
  }

  /** Removes and returns the oldest entry. */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head];
    // Entries before `head` are spent: the queue keeps no reference to what it handed out.
    delete this.items[this.head];
    this.head++;
    // Compact now and then so a long-lived queue does not keep a growing dead prefix.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns every entry, oldest first. */
  drain(): T[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return out;
  }
}
