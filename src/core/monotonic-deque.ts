/**
 * Monotonic deque for sliding min or max: values that can never be the extreme again (an older
 * value beaten by a newer one) are dropped on push, so the front is always the window's extreme.
 * Push and evict are O(1) amortized and nothing is allocated per value (two growing arrays,
 * compacted now and then), unlike one accumulator per element in a two-stacks window.
 */
import { dropFront } from './drop-front';

const COMPACT_AT = 1024;

/** Sliding max (or min) of values identified by increasing sequence numbers. */
export class MonotonicDeque {
  private seqs: number[] = [];
  private vals: number[] = [];
  private head = 0;

  /** `max` true keeps the maximum at the front, false the minimum. */
  constructor(private readonly max: boolean) {}

  /** Number of candidates kept (not the window size). */
  get length(): number {
    return this.seqs.length - this.head;
  }

  /** Adds the newest value; `seq` must be greater than every seq pushed before. */
  push(seq: number, x: number): void {
    const vals = this.vals;
    const seqs = this.seqs;
    const head = this.head;
    // Equal values: the newer one stays, so the older one may go.
    if (this.max) {
      while (vals.length > head && vals[vals.length - 1] <= x) {
        vals.pop();
        seqs.pop();
      }
    } else {
      while (vals.length > head && vals[vals.length - 1] >= x) {
        vals.pop();
        seqs.pop();
      }
    }
    vals.push(x);
    seqs.push(seq);
  }

  /** The value at `seq` (and everything older) left the window. */
  evict(seq: number): void {
    const seqs = this.seqs;
    if (this.head < seqs.length && seqs[this.head] <= seq) {
      this.head++;
      if (this.head === seqs.length) this.clear();
      else if (this.head >= COMPACT_AT && this.head * 2 >= seqs.length) this.compact();
    }
  }

  /** The extreme of the window; undefined when no value is kept. */
  front(): number | undefined {
    return this.head < this.vals.length ? this.vals[this.head] : undefined;
  }

  /** Visits the kept candidates, front first. */
  forEach(fn: (seq: number, x: number) => void): void {
    for (let i = this.head; i < this.seqs.length; i++) fn(this.seqs[i], this.vals[i]);
  }

  /** Forgets every value. */
  clear(): void {
    this.seqs.length = 0;
    this.vals.length = 0;
    this.head = 0;
  }

  private compact(): void {
    const h = this.head;
    dropFront(this.seqs, h);
    dropFront(this.vals, h);
    this.head = 0;
  }
}
