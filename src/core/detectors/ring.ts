/**
 * A fixed-capacity ring of numbers with a running sum and sum of squares, so a trailing mean and
 * standard deviation cost O(1) per value and memory stays bounded.
 */
import { packNumbers, snapPackedNumbers } from '../packed-numbers';
import { snapNumber, snapObject, snapRange } from '../snapshot-check';

// Values pushed between two recomputations of the running sums.
const RESUM_EVERY = 1 << 16;

/** A ring's saved form: the values in arrival order, packed (see packed-numbers.ts; a JSON array in state saved before). */
export interface RingState {
  values: string | number[];
  sum: number;
  sumSq: number;
  sinceResum: number;
}

export class NumberRing {
  private readonly data: Float64Array;
  private head = 0;
  private size = 0;
  private sum = 0;
  private sumSq = 0;
  private sinceResum = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
    this.data = new Float64Array(capacity);
  }

  /** How many values are held. */
  get length(): number {
    return this.size;
  }

  /** Adds a value, evicting the oldest when full. */
  push(value: number): void {
    if (this.size === this.capacity) {
      const old = this.data[this.head];
      this.sum -= old;
      this.sumSq -= old * old;
      this.data[this.head] = value;
      if (++this.head === this.capacity) this.head = 0;
    } else {
      const at = this.head + this.size;
      this.data[at < this.capacity ? at : at - this.capacity] = value;
      this.size++;
    }
    this.sum += value;
    this.sumSq += value * value;
    // Running sums drift after millions of add/subtract pairs; recompute them now and then.
    if (++this.sinceResum >= RESUM_EVERY) this.resum();
  }

  /** The i-th oldest value (0 = oldest). */
  at(i: number): number {
    return this.data[(this.head + i) % this.capacity];
  }

  /** Mean of the held values; NaN when empty. */
  mean(): number {
    return this.sum / this.size;
  }

  /** Population standard deviation of the held values. */
  std(): number {
    const m = this.sum / this.size;
    return Math.sqrt(Math.max(0, this.sumSq / this.size - m * m));
  }

  /** Values in arrival order. */
  values(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.at(i));
    return out;
  }

  /** The ring as plain data, running sums included so a restored ring goes on bit for bit. */
  save(): RingState {
    return { values: packNumbers(this.data, this.head, this.size), sum: this.sum, sumSq: this.sumSq, sinceResum: this.sinceResum };
  }

  /**
   * Takes the state saved by save() (of a ring with the same capacity); throws SnapshotError
   * naming `what` when it is not one.
   */
  load(o: unknown, what: string): void {
    const r = snapObject(o, what);
    const values = snapPackedNumbers(r.values, this.capacity, `${what} values`);
    const sum = snapNumber(r.sum, `${what} sum`);
    const sumSq = snapNumber(r.sumSq, `${what} sumSq`);
    const sinceResum = snapRange(r.sinceResum, 0, RESUM_EVERY, `${what} sinceResum`, true);
    this.clear();
    for (const v of values) this.push(v);
    this.sum = sum;
    this.sumSq = sumSq;
    this.sinceResum = sinceResum;
  }

  /** Drops every value. */
  clear(): void {
    this.head = 0;
    this.size = 0;
    this.sum = 0;
    this.sumSq = 0;
  }

  private resum(): void {
    this.sinceResum = 0;
    this.sum = 0;
    this.sumSq = 0;
    for (let i = 0; i < this.size; i++) {
      const v = this.at(i);
      this.sum += v;
      this.sumSq += v * v;
    }
  }
}
