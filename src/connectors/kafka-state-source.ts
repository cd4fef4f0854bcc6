import { performance } from 'perf_hooks';
import type { CommitPoint } from './offset-tracker';
import type { Changelog, PartitionRef, PartitionSource, PartitionStateOwner } from './partition-sources';

/** Largest share of the time a reader's timed checkpoints may spend taking snapshots (see checkpointDue). */
export const SNAPSHOT_SHARE = 0.05;

/**
 * The reader's side of window state that follows partitions: the owners (stateful nodes fed by
 * the reader), the assignment, and the commit barrier. A record counts as done for the commit
 * only when the flow has handled it and every owner's state that includes it is in the
 * owner's changelog (Flink's aligned checkpoint: committing offset N means the state including
 * N is stored). So the committed position of a partition is the least of the handled position
 * and every owner's hold, and it moves when the flow finishes records or a checkpoint is written.
 */
export class KafkaStateSource implements PartitionSource {
  private readonly owners = new Set<PartitionStateOwner>();
  private readonly changelogs = new Map<string, Changelog>();
  private readonly retirements = new Map<string, Promise<void>>();
  /** Topic → owned partitions. */
  private assignment = new Map<string, Set<number>>();
  private counts = new Map<string, number>();
  /** Per partition (the offset tracker's id): the latest handled point and the position committed. */
  private readonly handled = new Map<string, CommitPoint>();
  private readonly committed = new Map<string, number>();
  private running: Promise<CommitPoint[]> | undefined;
  /** When the last checkpoint began (ms, the caller's clock) and how long its snapshots blocked the flow (ms). */
  private lastCheckpoint = { at: -Infinity, snapshotMs: 0 };
  /** Snapshots (a checkpoint's, a closing node's last) waiting for the flow to handle what was in flight when they were taken. */
  private barriers: { targets: Map<string, number>; release: (go: boolean) => void }[] = [];

  constructor(
    readonly id: string,
    private readonly makeChangelog: (nodeId: string) => Changelog,
    private readonly logEnd: (topic: string, partition: number) => number | undefined,
    /** Per partition id: the position the flow must have handled to finish the records in flight now. */
    private readonly inFlightEnds: () => Map<string, number> = () => new Map(),
    /** Longest a checkpoint waits for the flow before it is given up (ms); 0 = no limit. */
    private readonly maxWait = 0,
    /** Whether the reader has records of the partition the flow has not handled. */
    private readonly backlog: (topic: string, partition: number) => boolean = () => false,
  ) {}

  /** The commit bookkeeping as plain data, for diagnostics. */
  describe(): { checkpointing: boolean; waitingFor: [string, number][]; handled: [string, number][]; committed: [string, number][] } {
    const name = (id: string) => id.replace('\u0000', ':');
    return {
      checkpointing: this.running !== undefined,
      waitingFor: this.barriers.flatMap((b) => [...b.targets].map(([id, t]): [string, number] => [name(id), t])),
      handled: [...this.handled].map(([id, p]) => [name(id), p.position!]),
      committed: [...this.committed].map(([id, c]) => [name(id), c]),
    };
  }

  /** Number of stateful nodes that take part. */
  get ownerCount(): number {
    return this.owners.size;
  }

  owns(topic: string, partition: number): boolean {
    return this.assignment.get(topic)?.has(partition) ?? false;
  }

  assigned(): PartitionRef[] {
    const out: PartitionRef[] = [];
    for (const [topic, parts] of this.assignment) for (const partition of parts) out.push({ topic, partition });
    return out;
  }

  partitionCounts(): ReadonlyMap<string, number> {
    return this.counts;
  }

  endOf(topic: string, partition: number): number | undefined {
    return this.logEnd(topic, partition);
  }

  pending(topic: string, partition: number): boolean {
    return this.backlog(topic, partition);
  }

  attach(owner: PartitionStateOwner): void {
    this.owners.add(owner);
  }

  detach(owner: PartitionStateOwner): void {
    this.owners.delete(owner);
  }

  retiring(nodeId: string, written: Promise<void>): void {
    const all = Promise.all([this.retirements.get(nodeId), written.catch(() => undefined)]).then(() => undefined);
    this.retirements.set(nodeId, all);
    void all.then(() => {
      if (this.retirements.get(nodeId) === all) this.retirements.delete(nodeId);
    });
  }

  retired(nodeId: string): Promise<void> {
    return this.retirements.get(nodeId) ?? Promise.resolve();
  }

  changelog(nodeId: string): Changelog {
    let c = this.changelogs.get(nodeId);
    if (!c) this.changelogs.set(nodeId, (c = this.makeChangelog(nodeId)));
    return c;
  }

  /**
   * A new assignment (topic → partitions, and the partition count of each subscribed topic as
   * far as known): owners forget the partitions that went elsewhere, and their commit
   * bookkeeping goes too. Returns the revoked partitions.
   */
  setAssignment(assigned: Record<string, number[]>, counts: Record<string, number> = {}): PartitionRef[] {
    this.counts = new Map(Object.entries(counts).filter(([, n]) => Number.isSafeInteger(n) && n > 0));
    const lost: PartitionRef[] = [];
    for (const [topic, parts] of this.assignment) {
      for (const partition of parts) if (!assigned[topic]?.includes(partition)) lost.push({ topic, partition });
    }
    this.assignment = new Map(Object.entries(assigned).map(([t, p]) => [t, new Set(p)]));
    for (const r of lost) {
      const id = `${r.partition}\u0000${r.topic}`;
      this.handled.delete(id);
      this.committed.delete(id);
    }
    if (lost.length) for (const o of this.owners) o.revoked(lost);
    this.checkBarriers();
    return lost;
  }

  /**
   * The flow handled records up to `p`: the point to commit now, capped by the owners' holds,
   * or undefined when the committed position cannot move.
   */
  cap(p: CommitPoint): CommitPoint | undefined {
    this.handled.set(p.id!, p);
    if (this.barriers.length) this.checkBarriers();
    return this.capped(p);
  }

  /** Releases each waiting snapshot once every partition it waits for is handled far enough, or no longer owned. */
  private checkBarriers(): void {
    const done = this.barriers.filter((b) => {
      for (const [id, target] of b.targets) {
        const i = id.indexOf('\u0000');
        const owned = this.owns(id.slice(i + 1), Number(id.slice(0, i)));
        if (owned && (this.handled.get(id)?.position ?? -1) < target) return false;
      }
      return true;
    });
    if (!done.length) return;
    this.barriers = this.barriers.filter((b) => !done.includes(b));
    for (const b of done) b.release(true);
  }

  aligned(): Promise<boolean> {
    const b = { targets: this.inFlightEnds(), release: (_go: boolean) => undefined as void };
    let giveUp: ReturnType<typeof setTimeout> | undefined;
    return new Promise<boolean>((release) => {
      b.release = release;
      this.barriers.push(b);
      this.checkBarriers();
      // A message the flow is slow to finish must not hold every later checkpoint back: this
      // snapshot is given up (nothing written) and the next one is taken afresh.
      if (this.barriers.includes(b) && this.maxWait > 0) {
        giveUp = setTimeout(() => {
          this.barriers = this.barriers.filter((x) => x !== b);
          release(false);
        }, this.maxWait);
      }
    }).finally(() => clearTimeout(giveUp));
  }

  private capped(p: CommitPoint): CommitPoint | undefined {
    let pos = p.position!;
    for (const o of this.owners) {
      const h = o.hold(p.topic, p.partition);
      if (h !== undefined && h < pos) pos = h;
    }
    const before = this.committed.get(p.id!);
    if (before !== undefined && pos <= before) return undefined;
    this.committed.set(p.id!, pos);
    return pos === p.position ? p : { ...p, offset: String(pos), position: pos };
  }

  /**
   * An aligned checkpoint: every owner takes its snapshot now; once the flow has handled every
   * record in flight at that moment (so the results the snapshot no longer holds have reached
   * their destination), the snapshots are written; then returns the commit points that moved.
   * One checkpoint at a time: a call while one runs gets that one's outcome. `now` is when it
   * begins, `cpuClock` measures how long the snapshots take (see checkpointDue).
   */
  checkpoint(now = Date.now(), cpuClock: () => number = () => performance.now()): Promise<CommitPoint[]> {
    if (this.running) return this.running;
    const writes: ((write: boolean) => Promise<void>)[] = [];
    const began = cpuClock();
    for (const o of this.owners) {
      const w = o.snapshot();
      if (w) writes.push(w);
    }
    this.lastCheckpoint = { at: now, snapshotMs: cpuClock() - began };
    this.running = this.aligned()
      .then((go) => Promise.all(writes.map((w) => w(go).catch(() => undefined))))
      .then(() => {
        const out: CommitPoint[] = [];
        for (const p of this.handled.values()) {
          const c = this.capped(p);
          if (c) out.push(c);
        }
        return out;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /**
   * Whether a checkpoint on the timer (every `every` ms) is due at `now`: always, or later
   * when taking its snapshots blocked the flow for long. Snapshots are taken at once, so that
   * they agree with the offsets handled (a large state, e.g. hundreds of detector keys, takes
   * hundreds of ms); spaced out so they take at most SNAPSHOT_SHARE of the time, a large state
   * cannot starve the flow, at the price of more records to read again after a crash.
   */
  checkpointDue(now: number, every: number): boolean {
    const wait = this.lastCheckpoint.snapshotMs / SNAPSHOT_SHARE;
    // The timer itself keeps `every`: only a longer wait is checked here.
    return wait <= every || now - this.lastCheckpoint.at >= wait;
  }

  /**
   * Gives up the snapshots still waiting for the flow (the reader stops and what is in flight
   * will not finish): nothing of them is written, so the changelog never holds state whose
   * results may not have arrived.
   */
  abandonWait(): void {
    const all = this.barriers;
    this.barriers = [];
    for (const b of all) b.release(false);
  }
}
