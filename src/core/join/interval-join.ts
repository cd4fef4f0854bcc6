/**
 * Interval join (Flink's intervalJoin): a left event at time a meets every right event of the
 * same key at time b with lower ≤ b − a ≤ upper, bounds inclusive. A pair is emitted as soon as
 * its second event arrives. Each side is kept in event-time order, so the partners of an event
 * are one binary search and a scan of the matches. A left event expires once no right event
 * that is still on time can fall in its interval (watermark − lateness > a + upper), a right
 * event once watermark − lateness > b − lower; an unmatched event of an outer side is emitted
 * when it expires. Expired events are dropped whenever their key gets an event, and by the
 * operator's timer for keys that go quiet.
 */
import { Buffered, JoinHost, JoinKey, JoinSide, JoinStrategy } from './join-types';
import { TimeBuffer } from '../time-buffer';
import { loadEvents, saveEvents } from './saved-events';

/** The interval join of left and right events with right.time − left.time in [lower, upper]. */
export class IntervalJoin<IN> implements JoinStrategy<IN> {
  constructor(
    private readonly host: JoinHost<IN>,
    readonly lower: number,
    readonly upper: number,
  ) {}

  isLate(time: number, watermark: number): boolean {
    return time < watermark - this.host.allowedLateness;
  }

  add(ks: JoinKey<IN>, side: JoinSide, event: Buffered<IN>, watermark: number): void {
    // The key's own events keep its buffers tight; the timer only has to catch keys that go quiet.
    this.expire(ks, watermark);
    const left = side === 'left';
    const mine = left ? ks.left : ks.right;
    if (mine.size >= this.host.maxEventsPerWindow) return this.host.drop();
    const other = left ? ks.right : ks.left;
    const from = left ? event.time + this.lower : event.time - this.upper;
    const to = left ? event.time + this.upper : event.time - this.lower;
    for (let i = other.indexAtOrAfter(from); i < other.size; i++) {
      const o = other.at(i);
      if (o.time > to) break;
      o.matched = event.matched = true;
      this.host.emit({ key: ks.key, left: left ? event : o, right: left ? o : event, late: false });
    }
    mine.insert(event);
  }

  expire(ks: JoinKey<IN>, watermark: number): void {
    const limit = watermark - this.host.allowedLateness;
    this.drain(ks, ks.left, this.upper, limit, this.host.leftOuter, 'left');
    this.drain(ks, ks.right, -this.lower, limit, this.host.rightOuter, 'right');
  }

  flush(ks: JoinKey<IN>): void {
    this.drain(ks, ks.left, this.upper, Infinity, this.host.leftOuter, 'left');
    this.drain(ks, ks.right, -this.lower, Infinity, this.host.rightOuter, 'right');
  }

  dueAt(ks: JoinKey<IN>): number {
    // An outer side is due exactly when its first event expires (its unmatched events leave then);
    // an inner side only needs its memory back, so a quiet key is visited a grace period later
    // and a busy one (which drains itself in add) rarely at all.
    const grace = Math.max(1000, this.upper - this.lower);
    const l = ks.left.first();
    const r = ks.right.first();
    const at = Math.min(
      l === undefined ? Infinity : l.time + this.upper + (this.host.leftOuter ? 0 : grace),
      r === undefined ? Infinity : r.time - this.lower + (this.host.rightOuter ? 0 : grace),
    );
    return at + this.host.allowedLateness;
  }

  open(ks: JoinKey<IN>): number {
    return ks.left.size + ks.right.size;
  }

  snapshotKey(ks: JoinKey<IN>): Record<string, unknown> {
    return { left: saveEvents(ks.left.toArray()), right: saveEvents(ks.right.toArray()) };
  }

  restoreKey(ks: JoinKey<IN>, saved: Record<string, unknown>): void {
    const what = `key ${JSON.stringify(ks.key)}`;
    const left = loadEvents<IN>(saved.left, `${what} left`);
    const right = loadEvents<IN>(saved.right, `${what} right`);
    for (const e of left) ks.left.insert(e);
    for (const e of right) ks.right.insert(e);
  }

  /** Drops the events of one side whose last possible partner time (time + reach) is behind `limit`. */
  private drain(ks: JoinKey<IN>, buffer: TimeBuffer<Buffered<IN>>, reach: number, limit: number, outer: boolean, side: JoinSide): void {
    for (let e = buffer.first(); e !== undefined && limit > e.time + reach; e = buffer.first()) {
      buffer.shift();
      if (outer && !e.matched) this.host.emit({ key: ks.key, left: side === 'left' ? e : null, right: side === 'left' ? null : e, late: false });
    }
  }
}
