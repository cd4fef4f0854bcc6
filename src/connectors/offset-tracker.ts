/** A position to commit: the offset of the next record to read on a partition (Kafka convention). */
export interface CommitPoint {
  topic: string;
  partition: number;
  offset: string;
  /** The partition's id in the tracker (set by OffsetTracker.complete), for per-partition maps. */
  id?: string;
  /** `offset` as a number. */
  position?: number;
}

interface PartitionState {
  id: string;
  /**
   * Offsets handed out and not yet known to be committed, in arrival order: a ring of `offs`
   * and `done` from `head`, `count` long (capacity a power of two). Numbers: Kafka offsets are
   * 64-bit, but a partition would need 2^53 records to leave the exact range. Typed arrays,
   * not an object per record: this runs for every record handed out and handled.
   */
  offs: Float64Array;
  done: Uint8Array;
  head: number;
  count: number;
  /** False once an offset was added below the last one (the partition read again after a rebalance). */
  sorted: boolean;
  committed?: number;
}

/**
 * Commit-after-handled bookkeeping: records of one partition arrive in offset order but may be
 * handled out of order; the committable position is the first offset not yet handled, so a
 * restart redelivers everything that was still in progress (at-least-once) and nothing handled
 * before a gap is lost.
 */
export class OffsetTracker {
  private parts = new Map<string, PartitionState>();
  private total = 0;
  // Records come in runs of one partition: the last partition's state saves building its id.
  private lastTopic = '';
  private lastPartition = -1;
  private last: PartitionState | undefined;

  private find(topic: string, partition: number, create: boolean): PartitionState | undefined {
    if (this.last !== undefined && partition === this.lastPartition && topic === this.lastTopic) return this.last;
    const id = `${partition}\u0000${topic}`;
    let s = this.parts.get(id);
    if (!s) {
      if (!create) return undefined;
      s = { id, offs: new Float64Array(16), done: new Uint8Array(16), head: 0, count: 0, sorted: true };
      this.parts.set(id, s);
    }
    this.lastTopic = topic;
    this.lastPartition = partition;
    this.last = s;
    return s;
  }

  /** Records handed out and not yet handled. */
  get inFlight(): number {
    return this.total;
  }

  /** Notes that a record was handed to the flow. */
  add(topic: string, partition: number, offset: string): void {
    const s = this.find(topic, partition, true)!;
    const o = Number(offset);
    let cap = s.offs.length;
    if (s.count === cap) {
      // Full: unroll the ring into arrays twice the size.
      const offs = new Float64Array(cap * 2);
      const done = new Uint8Array(cap * 2);
      for (let i = 0; i < s.count; i++) {
        const j = (s.head + i) & (cap - 1);
        offs[i] = s.offs[j];
        done[i] = s.done[j];
      }
      s.offs = offs;
      s.done = done;
      s.head = 0;
      cap *= 2;
    }
    if (s.count && s.offs[(s.head + s.count - 1) & (cap - 1)] >= o) s.sorted = false;
    const at = (s.head + s.count) & (cap - 1);
    s.offs[at] = o;
    s.done[at] = 0;
    s.count++;
    this.total++;
  }

  /**
   * Notes that a record was handled; returns the partition's new committable position when it
   * moved (the offset of the first record not handled), else -1.
   */
  completeAt(topic: string, partition: number, offset: string): number {
    const s = this.find(topic, partition, false);
    if (!s || !s.count) return -1;
    const o = Number(offset);
    const mask = s.offs.length - 1;
    let at = -1;
    if (s.sorted) {
      // Offsets were added in increasing order: binary search, not a scan per completed record.
      let lo = 0;
      let hi = s.count - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (s.offs[(s.head + mid) & mask] < o) lo = mid + 1;
        else hi = mid;
      }
      const j = (s.head + lo) & mask;
      if (s.offs[j] === o && !s.done[j]) at = j;
    } else {
      // A partition read again from an earlier offset (after a rebalance kept it here) holds an
      // offset twice and is no longer sorted: then look at every entry, oldest first.
      for (let i = 0; i < s.count; i++) {
        const j = (s.head + i) & mask;
        if (s.offs[j] === o && !s.done[j]) {
          at = j;
          break;
        }
      }
    }
    if (at < 0) return -1;
    s.done[at] = 1;
    this.total--;
    let next = -1;
    while (s.count && s.done[s.head]) {
      next = s.offs[s.head] + 1;
      s.head = (s.head + 1) & mask;
      s.count--;
    }
    if (!s.count) s.sorted = true;
    if (next < 0) return -1;
    s.committed = next;
    return next;
  }

  /** Notes that a record was handled; returns a new commit point when the committable position moved. */
  complete(topic: string, partition: number, offset: string): CommitPoint | undefined {
    const next = this.completeAt(topic, partition, offset);
    if (next < 0) return undefined;
    return { topic, partition, offset: String(next), id: this.last!.id, position: next };
  }

  /** The partitions with records in flight. */
  partitions(): { topic: string; partition: number }[] {
    return [...this.parts.keys()].map((id) => {
      const i = id.indexOf('\u0000');
      return { partition: Number(id.slice(0, i)), topic: id.slice(i + 1) };
    });
  }

  /** Per partition with records in flight (by id): the position the flow must have handled to finish every record handed out so far. */
  inFlightEnds(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.parts.values()) if (s.count) out.set(s.id, s.offs[(s.head + s.count - 1) & (s.offs.length - 1)] + 1);
    return out;
  }

  /** Forgets a partition that this consumer no longer owns (its records will be redelivered elsewhere). */
  revoke(topic: string, partition: number): void {
    const id = `${partition}\u0000${topic}`;
    const s = this.parts.get(id);
    if (!s) return;
    for (let i = 0; i < s.count; i++) if (!s.done[(s.head + i) & (s.offs.length - 1)]) this.total--;
    this.parts.delete(id);
    if (this.last === s) this.last = undefined;
  }

  /** Forgets everything, e.g. after the consumer stopped. */
  clear(): void {
    this.parts.clear();
    this.total = 0;
    this.last = undefined;
  }
}
