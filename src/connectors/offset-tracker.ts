/** A position to commit: the offset of the next record to read on a partition (Kafka convention). */
export interface CommitPoint {
  topic: string;
  partition: number;
  offset: string;
}

interface PartitionState {
  /** Offsets handed out and not yet known to be committed, in arrival order. */
  pending: { offset: bigint; done: boolean }[];
  committed?: bigint;
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

  private state(topic: string, partition: number): PartitionState {
    const id = `${partition}\u0000${topic}`;
    let s = this.parts.get(id);
    if (!s) {
      s = { pending: [] };
      this.parts.set(id, s);
    }
    return s;
  }

  /** Records handed out and not yet handled. */
  get inFlight(): number {
    return this.count;
  }

  /** Notes that a record was handed to the flow. */
  add(topic: string, partition: number, offset: string): void {
    this.state(topic, partition).pending.push({ offset: BigInt(offset), done: false });
    this.count++;
  }

  /** Notes that a record was handled; returns a new commit point when the committable position moved. */
  complete(topic: string, partition: number, offset: string): CommitPoint | undefined {
    const s = this.parts.get(`${partition}\u0000${topic}`);
    if (!s) return undefined;
    const o = BigInt(offset);
    // Offsets were added in increasing order: binary search, not a scan per completed record.
    const list = s.pending;
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].offset < o) lo = mid + 1;
      else hi = mid;
    }
    let entry: { offset: bigint; done: boolean } | undefined = list[lo];
    // A partition read again from an earlier offset (after a rebalance kept it here) holds an
    // offset twice and is no longer sorted: then look at every entry.
    if (!entry || entry.offset !== o || entry.done) entry = list.find((e) => e.offset === o && !e.done);
    if (!entry) return undefined;
    entry.done = true;
    this.count--;
    let next: bigint | undefined;
    while (s.pending.length && s.pending[0].done) next = s.pending.shift()!.offset + 1n;
    if (next === undefined) return undefined;
    s.committed = next;
    return { topic, partition, offset: next.toString() };
  }

  /** The partitions with records in flight. */
  partitions(): { topic: string; partition: number }[] {
    return [...this.parts.keys()].map((id) => {
      const i = id.indexOf('\u0000');
      return { partition: Number(id.slice(0, i)), topic: id.slice(i + 1) };
    });
  }

  /** Forgets a partition that this consumer no longer owns (its records will be redelivered elsewhere). */
  revoke(topic: string, partition: number): void {
    const id = `${partition}\u0000${topic}`;
    const s = this.parts.get(id);
    if (!s) return;
    this.count -= s.pending.filter((e) => !e.done).length;
    this.parts.delete(id);
  }

  /** Forgets everything, e.g. after the consumer stopped. */
  clear(): void {
    this.parts.clear();
    this.count = 0;
  }
}
