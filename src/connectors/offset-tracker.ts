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
   * Offsets handed out and not yet known to be committed, in arrival order. Numbers: Kafka
   * offsets are 64-bit, but a partition would need 2^53 records to leave the exact range.
   */
  pending: { offset: number; done: boolean }[];
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
  private count = 0;
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
      s = { id, pending: [] };
      this.parts.set(id, s);
    }
    this.lastTopic = topic;
    this.lastPartition = partition;
    this.last = s;
    return s;
  }

  /** Records handed out and not yet handled. */
  get inFlight(): number {
    return this.count;
  }

  /** Notes that a record was handed to the flow. */
  add(topic: string, partition: number, offset: string): void {
    this.find(topic, partition, true)!.pending.push({ offset: Number(offset), done: false });
    this.count++;
  }

  /** Notes that a record was handled; returns a new commit point when the committable position moved. */
  complete(topic: string, partition: number, offset: string): CommitPoint | undefined {
    const s = this.find(topic, partition, false);
    if (!s) return undefined;
    const o = Number(offset);
    // Offsets were added in increasing order: binary search, not a scan per completed record.
    const list = s.pending;
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].offset < o) lo = mid + 1;
      else hi = mid;
    }
    let entry: { offset: number; done: boolean } | undefined = list[lo];
    // A partition read again from an earlier offset (after a rebalance kept it here) holds an
    // offset twice and is no longer sorted: then look at every entry.
    if (!entry || entry.offset !== o || entry.done) entry = list.find((e) => e.offset === o && !e.done);
    if (!entry) return undefined;
    entry.done = true;
    this.count--;
    let next: number | undefined;
    while (s.pending.length && s.pending[0].done) next = s.pending.shift()!.offset + 1;
    if (next === undefined) return undefined;
    s.committed = next;
    return { topic, partition, offset: String(next), id: s.id, position: next };
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
    for (const s of this.parts.values()) if (s.pending.length) out.set(s.id, s.pending[s.pending.length - 1].offset + 1);
    return out;
  }

  /** Forgets a partition that this consumer no longer owns (its records will be redelivered elsewhere). */
  revoke(topic: string, partition: number): void {
    const id = `${partition}\u0000${topic}`;
    const s = this.parts.get(id);
    if (!s) return;
    this.count -= s.pending.filter((e) => !e.done).length;
    this.parts.delete(id);
    if (this.last === s) this.last = undefined;
  }

  /** Forgets everything, e.g. after the consumer stopped. */
  clear(): void {
    this.parts.clear();
    this.count = 0;
    this.last = undefined;
  }
}
