import { lowerBound } from './lower-bound';
import { packNumbers, snapPackedNumbers } from '../packed-numbers';

/**
 * The last `capacity` values of a series, kept both in arrival order (ring) and sorted, so the
 * median, any quantile and the median absolute deviation are exact and cheap: O(capacity) memmove
 * per push, O(log capacity) per query. Memory is bounded by the capacity.
 */
export class RollingQuantiles {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private size = 0;
  // The last centre mad() split the values at, and where: the next split is near it.
  private lastCenter = NaN;
  private lastSplit = 0;
  // kthSplit's last answer, where the next one nearly always is.
  private lastTake = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  /** How many values are held. */
  get length(): number {
    return this.size;
  }

  /** Adds a value, evicting the oldest when full. */
  push(value: number): void {
    const s = this.sorted;
    if (this.size === this.capacity) {
      // Replace the evicted value in place: one memmove between the two positions, not two to the end.
      const old = this.ring[this.head];
      this.ring[this.head] = value;
      if (++this.head === this.capacity) this.head = 0;
      // Both positions in one branch-free pass (as lowerBound): the two searches are independent,
      // so the processor overlaps them, and none of their compares can be mispredicted.
      let a = 0;
      let b = 0;
      for (let n = this.size; n > 1;) {
        const half = n >> 1;
        a += half & -+(s[a + half] < old);
        b += half & -+(s[b + half] < value);
        n -= half;
      }
      a += +(s[a] < old);
      b += +(s[b] < value);
      if (b <= a) {
        this.shift(b, a, 1);
        s[b] = value;
      } else {
        this.shift(a + 1, b, -1);
        s[b - 1] = value;
      }
      return;
    }
    this.ring[(this.head + this.size) % this.capacity] = value;
    const at = lowerBound(this.sorted, this.size, value);
    s.copyWithin(at + 1, at, this.size);
    s[at] = value;
    this.size++;
  }

  /** Drops every value. */
  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  /** The i-th oldest value held (0 = oldest). */
  at(i: number): number {
    return this.ring[(this.head + i) % this.capacity];
  }

  /** Values in arrival order (a copy; snapshots pack them with save()). */
  values(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.at(i));
    return out;
  }

  /** The values in arrival order as saved state, packed (see packed-numbers.ts). */
  save(): string {
    return packNumbers(this.ring, this.head, this.size);
  }

  /**
   * Replaces the content by saved values (oldest first, at most the capacity): save()'s, or a
   * list of numbers as state saved before packing has; throws SnapshotError naming `what` when they are not finite numbers.
   */
  load(values: unknown, what: string): void {
    const list = snapPackedNumbers(values, this.capacity, what);
    this.clear();
    // As pushing them one by one would leave them, in one sort instead of a memmove per value
    // (a restore of thousands of values was quadratic).
    const n = list.length;
    this.ring.set(list);
    const s = this.sorted;
    s.set(list);
    s.subarray(0, n).sort();
    // Equal values are the same bits, but for -0 and +0, which the sort puts in sign order: a
    // value pushed goes in before those equal to it, so the zeros lie in reverse arrival order.
    let at = lowerBound(s, n, 0);
    for (let i = n - 1; i >= 0; i--) if (list[i] === 0) s[at++] = list[i];
    this.size = n;
  }

  /** Quantile p in [0,1] with linear interpolation; NaN when empty. */
  quantile(p: number): number {
    if (this.size === 0) return NaN;
    const pos = p * (this.size - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, this.size - 1);
    return this.sorted[lo] + (this.sorted[hi] - this.sorted[lo]) * (pos - lo);
  }

  /** The median; NaN when empty. */
  median(): number {
    return this.quantile(0.5);
  }

  /** Median absolute deviation from `center` (default the median), exact, in O(log² n). */
  mad(center = this.median()): number {
    const n = this.size;
    if (n === 0) return NaN;
    const split = this.splitOf(center);
    if (n % 2 === 1) return this.kthDistance((n + 1) / 2, center, split);
    const k = n / 2;
    const lo = this.kthSplit(k, center, split);
    // The k smallest distances are `lo` from the left and k − lo from the right, so the (k+1)-th
    // is the nearer of the next one on each side.
    const s = this.sorted;
    const left = lo < split ? center - s[split - 1 - lo] : Infinity;
    const right = split + k - lo < n ? s[split + k - lo] - center : Infinity;
    return (this.distanceAt(k, lo, center, split) + Math.min(left, right)) / 2;
  }

  /**
   * The k-th smallest |x − center|. Distances left of `split` grow leftwards and right of it grow
   * rightwards, so this is a selection over two sorted sequences: binary search on how many of
   * the k come from the left.
   */
  private kthDistance(k: number, center: number, split: number): number {
    return this.distanceAt(k, this.kthSplit(k, center, split), center, split);
  }

  /**
   * How many of the k smallest distances lie left of `split` (see kthDistance): the first a in
   * [lo, hi] where the next distance on the left is not below the last one taken on the right.
   * Tried first at the answer of the last call and its neighbours, where it nearly always is
   * (one value in and one out seldom move it further); a check of two distances confirms it.
   */
  private kthSplit(k: number, center: number, split: number): number {
    const lo = Math.max(0, k - (this.size - split));
    const hi = Math.min(k, split);
    const g = this.lastTake;
    const at = this.isTake(g, lo, hi, k, center, split)
      ? g
      : this.isTake(g + 1, lo, hi, k, center, split)
        ? g + 1
        : this.isTake(g - 1, lo, hi, k, center, split)
          ? g - 1
          : this.searchTake(lo, hi, k, center, split);
    this.lastTake = at;
    return at;
  }

  /** Whether a is kthSplit's answer: more from the left up to a, not beyond. */
  private isTake(a: number, lo: number, hi: number, k: number, center: number, split: number): boolean {
    return a >= lo && a <= hi && (a === lo || this.takesLeft(a - 1, k, center, split)) && (a === hi || !this.takesLeft(a, k, center, split));
  }

  /** Whether the (a+1)-th nearest value on the left is nearer than the (k−a)-th on the right (a < k). */
  private takesLeft(a: number, k: number, center: number, split: number): boolean {
    const s = this.sorted;
    return center - s[split - 1 - a] < s[split + k - a - 1] - center;
  }

  /** kthSplit's answer by binary search: takesLeft holds for a below it and fails from it on. */
  private searchTake(lo: number, hi: number, k: number, center: number, split: number): number {
    while (lo < hi) {
      const a = (lo + hi) >> 1;
      if (this.takesLeft(a, k, center, split)) lo = a + 1;
      else hi = a;
    }
    return lo;
  }

  /** The k-th smallest distance, given that `lo` of the k smallest lie left of `split`. */
  private distanceAt(k: number, lo: number, center: number, split: number): number {
    const s = this.sorted;
    const l = lo > 0 ? center - s[split - lo] : -Infinity;
    const r = k - lo > 0 ? s[split + k - lo - 1] - center : -Infinity;
    return Math.max(l, r);
  }

  /**
   * lowerBound(center), tried first at a guess and its neighbours: a median splits the values in
   * the middle, and the split of the centre asked last moves by at most one per push.
   */
  private splitOf(center: number): number {
    const g = center === this.lastCenter ? this.lastSplit : this.size >> 1;
    const h = this.splits(g, center) ? g : this.splits(g - 1, center) ? g - 1 : this.splits(g + 1, center) ? g + 1 : lowerBound(this.sorted, this.size, center);
    this.lastCenter = center;
    this.lastSplit = h;
    return h;
  }

  /** Whether `at` is lowerBound(value): every value before it is below, none from it on. */
  private splits(at: number, value: number): boolean {
    const s = this.sorted;
    const n = this.size;
    return at >= 0 && at <= n && (at === 0 || s[at - 1] < value) && (at === n || !(s[at] < value));
  }

  /** Moves sorted[from, to) one place left (by −1) or right (+1): a short run in place, a long one by memmove, whose call costs about 15 moves. */
  private shift(from: number, to: number, by: -1 | 1): void {
    const s = this.sorted;
    if (to - from > 16) s.copyWithin(from + by, from, to);
    else if (by < 0) for (let i = from; i < to; i++) s[i - 1] = s[i];
    else for (let i = to - 1; i >= from; i--) s[i + 1] = s[i];
  }
}
