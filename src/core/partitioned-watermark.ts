/**
 * A stream read from several sources at once (the partitions of a Kafka topic) has one event
 * clock per source, and the sources are read at different speeds: a reader working through a
 * backlog hands out a batch of one partition, then one of the next. One watermark fed by all of
 * them runs ahead with the fastest source and declares the slower sources' readings late. So
 * each source keeps its own bounded out-of-orderness watermark and the stream's watermark is
 * their minimum (as Flink does for the splits of a source).
 *
 * A source that delivers nothing would then hold the stream back for ever (a partition no key
 * hashes to, or one whose reader moved on), so a source without input for `idleAfter` ms is
 * left out of the minimum until it delivers again (Flink's idleness). Idleness is measured on a
 * clock that only runs while the stream as a whole receives input — a gap between two inputs
 * counts at most STALL ms — so when the whole flow stalls (backpressure, a broker away), the
 * sources that were merely waiting their turn do not all turn idle at once. And a source the
 * reader still has records for (fetched and not yet handled, or behind its log end) is not
 * idle however long it waits for its turn: the `busy` predicate says so, and such a source
 * counts as active when its idle time comes (Flink marks a split idle only when its reader has
 * nothing for it).
 */

import { SnapshotError, snapArray, snapTimeOr } from './snapshot-check';
import { describeValue } from './errors';
import { finiteOrNull } from './option-checks';

/** Longest gap between two inputs (ms) that counts in full towards a source's idleness. */
export const STALL = 1000;

/** Whether the reader still has records of `source` (of `group`) the stream has not received. */
export type SourceBusy = (source: string, group: string) => boolean;

/** Saved form of a stream's sources: [source, group, max event time or null] each. */
export type SourcesJSON = [string, string, number | null][];

interface SourceState {
  /** Group the source belongs to (the topic): expect() replaces the sources of one group. */
  group: string;
  /** Largest event time seen from this source, -Infinity before its first event. */
  max: number;
  /** Activity clock at the source's last input (or when it became expected). */
  seenAt: number;
}

/** Watermark of a stream read from several sources: the minimum of the sources that are not idle. */
export class PartitionedWatermark {
  /** Combined watermark candidate, -Infinity while any active source has no event yet. */
  value = -Infinity;
  /** Whether the last observe() was the first event of its source (since it became expected). */
  firstOfSource = false;
  private readonly sources = new Map<string, SourceState>();
  /** Processing time that passed while input arrived, gaps capped at STALL. */
  private activity = 0;
  private lastNow = NaN;
  /** The source holding the minimum; only its progress can move the minimum up. */
  private lowest: SourceState | undefined;
  /** Activity clock at which some active source turns idle. */
  private nextIdle = Infinity;

  /**
   * `stall`: longest gap between inputs that counts in full (Infinity when `now` is itself an
   * activity clock); `busy`: whether a source still has records waiting, so it is not idle.
   */
  constructor(
    private readonly maxOutOfOrder: number,
    private readonly idleAfter: number,
    private readonly stall = STALL,
    private readonly busy?: SourceBusy,
  ) {}

  /** Processing time that passed while input arrived (gaps capped): the clock idleness is measured on. */
  get activityClock(): number {
    return this.activity;
  }

  /** Number of sources known (expected or seen). */
  get size(): number {
    return this.sources.size;
  }

  /**
   * Declares the sources of `group` that feed the stream (e.g. every partition of a topic the
   * reader owns): sources not yet seen hold the watermark back from the start, and sources of
   * the group that are not listed (partitions now read elsewhere) are forgotten.
   */
  expect(group: string, ids: readonly string[], now: number): void {
    this.tick(now);
    const keep = new Set(ids);
    for (const [id, s] of this.sources) if (s.group === group && !keep.has(id)) this.sources.delete(id);
    for (const id of ids) if (!this.sources.has(id)) this.sources.set(id, { group, max: -Infinity, seenAt: this.activity });
    this.recompute();
  }

  /** Records an event of `source` at event time `t`, processing time `now`; returns the combined watermark. */
  observe(source: string, group: string, t: number, now: number): number {
    this.tick(now);
    let s = this.sources.get(source);
    if (s === undefined) {
      s = { group, max: -Infinity, seenAt: this.activity };
      this.sources.set(source, s);
      this.lowest = undefined;
    }
    const wasIdle = this.activity - s.seenAt >= this.idleAfter;
    this.firstOfSource = s.max === -Infinity;
    s.seenAt = this.activity;
    if (t > s.max) s.max = t;
    else if (!wasIdle && this.lowest !== undefined && this.activity < this.nextIdle) return this.value;
    if (wasIdle || this.lowest === undefined || this.lowest === s || this.activity >= this.nextIdle) this.recompute();
    return this.value;
  }

  private tick(now: number): void {
    if (now > this.lastNow) this.activity += Math.min(now - this.lastNow, this.stall);
    if (!(now <= this.lastNow)) this.lastNow = now;
  }

  /** Plain JSON: [source, group, max event time or null] per source (idleness is not kept). */
  toJSON(): SourcesJSON {
    const out: SourcesJSON = [];
    for (const [id, s] of this.sources) out.push([id, s.group, finiteOrNull(s.max)]);
    return out;
  }

  /**
   * Loads what toJSON produced into an empty instance; the sources count as just seen, so a
   * restored source that stays quiet turns idle after idleAfter. Throws SnapshotError otherwise.
   */
  load(json: unknown): void {
    const loaded = new Map<string, SourceState>();
    for (const [i, entry] of snapArray(json, 'sources').entries()) {
      const [id, group, max] = sourceEntry(entry, `source ${i}`);
      if (loaded.has(id)) throw SnapshotError.because('snapshotTwice', { what: `source ${JSON.stringify(id)}` });
      loaded.set(id, { group, max, seenAt: this.activity });
    }
    for (const [id, s] of loaded) this.sources.set(id, s);
    this.recompute();
  }

  /** O(sources): runs when the lowest source moved, a source woke up or one may have turned idle. */
  private recompute(): void {
    let lowest: SourceState | undefined;
    let nextIdle = Infinity;
    const busy = this.busy;
    for (const [id, s] of this.sources) {
      let idleAt = s.seenAt + this.idleAfter;
      if (this.activity >= idleAt) {
        // Records of it still wait in the reader: it is waiting its turn, not quiet. Counted as
        // seen now, it is asked again one idle time later (the predicate runs once per idle
        // time per waiting source, not per event).
        if (busy === undefined || !busy(id, s.group)) continue;
        s.seenAt = this.activity;
        idleAt = this.activity + this.idleAfter;
      }
      if (idleAt < nextIdle) nextIdle = idleAt;
      if (lowest === undefined || s.max < lowest.max) lowest = s;
    }
    this.lowest = lowest;
    this.nextIdle = nextIdle;
    // Every source idle: nothing holds the stream back; the watermark stays where it is.
    if (lowest !== undefined) this.value = lowest.max - this.maxOutOfOrder;
  }
}

/** One [source, group, max event time or null] entry of saved sources. */
export function sourceEntry(json: unknown, what: string): [string, string, number] {
  const [id, group, max] = snapArray(json, what, 3);
  if (typeof id !== 'string' || typeof group !== 'string')
    throw SnapshotError.because('snapshotSourceGroup', { what, id: describeValue(id), group: describeValue(group) });
  return [id, group, snapTimeOr(max, -Infinity, `${what} event time`)];
}
