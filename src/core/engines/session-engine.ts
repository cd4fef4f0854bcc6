/**
 * Session windows with merging: an event opens [t, t + gap) and merges with every session of its
 * key it overlaps, accumulators combined with aggregate.merge, so an out-of-order event that
 * bridges two sessions joins them. The common case (an event that extends the key's newest
 * session) touches no timer: a session's timer is moved to its real end only when it comes due.
 *
 * maxDuration (see assigners/session.ts): cuts fall on multiples of maxDuration only, so a session
 * keeps one accumulator per maxDuration bucket (a Part) and the parts between two cuts merge into
 * one result when they fire. A part fires as soon as the watermark reaches its cut (the session's
 * timer never waits beyond its next cut) and its accumulators are dropped; an event for a part
 * that fired is late (lateData 'update' corrects only the parts after the session's last cut).
 */
import { sessionBucketStart, sessionFirstCut, sessionWindowOf, sessionsOverlap } from '../assigners/session';
import { BucketTimers } from '../bucket-timers';
import { ConfigError } from '../errors';
import { Firing, StreamEvent } from '../types';
import { Engine, KeyBase, Scope, isDue } from './engine';
import { snapArray, snapCount, snapObject, snapOneOf, snapTime, snapTimeOr, snapWindow } from '../snapshot-check';
import { WINDOW_STATES } from '../snapshot-schema';
import { LifecycleState, WindowLifecycle, isOpen } from '../window-lifecycle';

/** The timer store of sessions: sessions grouped by due time. */
type SessionTimers<ACC> = BucketTimers<Session<ACC>>;

/** A session's events of one maxDuration bucket [bucket, bucket + maxDuration). */
interface Part<ACC> {
  bucket: number;
  acc: ACC;
  count: number;
}

class Session<ACC> {
  /** The time of the session's live timer entry; entries at other times are stale. */
  timerAt: number | undefined = undefined;
  count = 0;
  state: LifecycleState = 'open';
  /** With maxDuration: the accumulators per bucket, by bucket (then `acc` is unused). */
  parts: Part<ACC>[] | null = null;
  constructor(
    public start: number,
    public end: number,
    public acc: ACC,
    public ks: SessionKey<ACC>,
  ) {}
}

/** A key's sessions. */
export interface SessionKey<ACC> extends KeyBase<SessionTimers<ACC>> {
  /** Sessions of the key ordered by start; rarely more than one or two. */
  sessions: Session<ACC>[];
  /** End of the latest session that fired and was dropped: earlier events are late. */
  firedEnd: number;
}

/** Merging session windows. */
export class SessionEngine<IN, ACC, OUT> implements Engine<IN, SessionKey<ACC>, SessionTimers<ACC>> {
  constructor(
    private readonly life: WindowLifecycle<IN, ACC, OUT>,
    private readonly gap: number,
    private readonly maxDuration: number | undefined,
  ) {}

  newTimers(): SessionTimers<ACC> {
    return new BucketTimers<Session<ACC>>();
  }

  private schedule(s: Session<ACC>, time: number): void {
    if (s.timerAt === time) return;
    s.timerAt = time;
    s.ks.scope.timers.schedule(s, time);
  }

  fireDue(scope: Scope<SessionTimers<ACC>>, w: number): void {
    const timers = scope.timers;
    for (;;) {
      const time = timers.peekTime();
      if (time === undefined || time > w) return;
      const group = timers.popGroup();
      for (let i = 0; i < group.length; i++) {
        const s = group[i];
        if (s.timerAt !== time || s.state === 'purged') continue;
        s.timerAt = undefined;
        this.fire(s, w);
      }
    }
  }

  nextTimer(scope: Scope<SessionTimers<ACC>>): number | undefined {
    return scope.timers.peekTime();
  }

  /** Where an idle scope's watermark jumps: past every open session's real end, which may lie beyond its timer. */
  latestTimer(scope: Scope<SessionTimers<ACC>>): number {
    return scope.timers.maxTimeOf((s, time) => (s.timerAt === time && isOpen(s.state) && s.end > time ? s.end : time));
  }

  /** When the session's timer must come due: at its end, or at its next cut when that is earlier. */
  private dueAt(s: Session<ACC>): number {
    if (s.parts === null) return s.end;
    const cut = sessionFirstCut(s.start, this.maxDuration as number);
    return cut < s.end ? cut : s.end;
  }

  hasTimers(scope: Scope<SessionTimers<ACC>>): boolean {
    return scope.timers.size > 0;
  }

  createKey(key: string, scope: Scope<SessionTimers<ACC>>): SessionKey<ACC> {
    return { key, scope, sessions: [], firedEnd: -Infinity };
  }

  private newSession(ks: SessionKey<ACC>, t: number, end: number): Session<ACC> {
    const s = new Session<ACC>(t, end, this.maxDuration === undefined ? this.life.agg.createAccumulator() : (undefined as ACC), ks);
    if (this.maxDuration !== undefined) s.parts = [];
    return s;
  }

  /** Adds a value to the session's accumulator, or to its bucket's part with maxDuration. */
  private addValue(s: Session<ACC>, value: IN, t: number): void {
    const agg = this.life.agg;
    s.count++;
    const parts = s.parts;
    if (parts === null) {
      s.acc = agg.add(s.acc, value, t);
      return;
    }
    const bucket = sessionBucketStart(t, this.maxDuration as number);
    let i = parts.length;
    while (i > 0 && parts[i - 1].bucket > bucket) i--;
    if (i > 0 && parts[i - 1].bucket === bucket) {
      const p = parts[i - 1];
      p.acc = agg.add(p.acc, value, t);
      p.count++;
      return;
    }
    parts.splice(i, 0, { bucket, acc: agg.add(agg.createAccumulator(), value, t), count: 1 });
  }

  /** Merges `other` into `target` (accumulators, or parts bucket by bucket). */
  private mergeInto(target: Session<ACC>, other: Session<ACC>): void {
    const agg = this.life.agg;
    target.count += other.count;
    if (target.parts === null || other.parts === null) {
      target.acc = agg.merge(target.acc, other.acc);
      return;
    }
    const merged: Part<ACC>[] = [];
    const a = target.parts;
    const b = other.parts;
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && a[i].bucket < b[j].bucket)) merged.push(a[i++]);
      else if (i >= a.length || b[j].bucket < a[i].bucket) merged.push(b[j++]);
      else {
        const p = a[i++];
        const q = b[j++];
        p.acc = agg.merge(p.acc, q.acc);
        p.count += q.count;
        merged.push(p);
      }
    }
    target.parts = merged;
  }

  /** One accumulator over parts from..to-1 (the part's own when there is one). */
  private partsAcc(parts: Part<ACC>[], from: number, to: number): ACC {
    if (to - from === 1) return parts[from].acc;
    const agg = this.life.agg;
    let acc = agg.createAccumulator();
    for (let i = from; i < to; i++) acc = agg.merge(acc, parts[i].acc);
    return acc;
  }

  /**
   * Emits the session's result(s) with `firing`: one window, or with maxDuration one per part
   * between cuts that holds events (only the one holding `at`, when given).
   */
  private emitSession(ks: SessionKey<ACC>, s: Session<ACC>, firing: Firing, at?: number): void {
    const life = this.life;
    const parts = s.parts;
    if (parts === null) {
      life.emit(ks.key, s.start, s.end, s.count, firing, s.acc);
      return;
    }
    const max = this.maxDuration as number;
    let start = s.start;
    let i = 0;
    while (i < parts.length) {
      const cut = sessionFirstCut(start, max);
      let j = i;
      let count = 0;
      while (j < parts.length && parts[j].bucket < cut) count += parts[j++].count;
      const end = cut < s.end ? cut : s.end;
      if (j > i && (at === undefined || (at >= start && at < cut))) life.emit(ks.key, start, end, count, firing, this.partsAcc(parts, i, j));
      // Cuts between here and the next part cut nothing: go straight to the one that starts its bucket.
      start = j < parts.length && parts[j].bucket > cut ? parts[j].bucket : cut;
      i = j;
    }
  }

  /** With maxDuration: fires the parts of `s` whose cut the watermark `w` has reached, and drops them. */
  private fireCuts(ks: SessionKey<ACC>, s: Session<ACC>, w: number): void {
    const parts = s.parts as Part<ACC>[];
    const max = this.maxDuration as number;
    for (;;) {
      const cut = sessionFirstCut(s.start, max);
      if (cut >= s.end || cut > w) return;
      let j = 0;
      let count = 0;
      while (j < parts.length && parts[j].bucket < cut) count += parts[j++].count;
      if (count > 0) this.life.emit(ks.key, s.start, cut, count, 'final', this.partsAcc(parts, 0, j));
      parts.splice(0, j);
      s.count -= count;
      if (cut > ks.firedEnd) ks.firedEnd = cut;
      // The session goes on from the cut; cuts up to the next part (or the watermark) cut nothing.
      const limit = parts.length > 0 && parts[0].bucket < w ? parts[0].bucket : w;
      s.start = limit > cut ? sessionBucketStart(limit, max) : cut;
    }
  }

  add(ks: SessionKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const sessions = ks.sessions;
    const n = sessions.length;
    if (n > 0) {
      const last = sessions[n - 1];
      // Hot path: the event falls inside the newest open session (same maxDuration bucket, as end <= bucket end).
      if (isOpen(last.state) && t >= last.start && t < last.end) {
        if (!this.life.admits(last.count)) return;
        const end = t + this.gap;
        if (end > last.end) last.end = end;
        this.addValue(last, event.value, t);
        const firing = this.life.added(last);
        if (firing !== undefined) this.emitSession(ks, last, firing, t);
        return;
      }
    }
    this.addSlow(ks, event, t);
  }

  private addSlow(ks: SessionKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const life = this.life;
    const w = ks.scope.wm.value;
    const own = sessionWindowOf(t, this.gap);
    const end = own.end;
    const sessions = ks.sessions;
    let first = -1;
    let lastIdx = -1;
    let touchesFired = false;
    for (let i = 0; i < sessions.length; i++) {
      const s = sessions[i];
      if (sessionsOverlap(s, own)) {
        if (first < 0) first = i;
        lastIdx = i;
        if (s.state === 'fired') touchesFired = true;
      }
    }
    const late = touchesFired || isDue(end, w, true) || t < ks.firedEnd;
    // Within a cut that fired nothing is kept: a session kept for lateness lies after the last cut.
    if (late && !life.lateEvent(event, t, end, w, t >= ks.firedEnd && life.isKept(end, w, true))) return;
    // A dropped event must leave no trace: check the limit before it can move a start or an end,
    // or bridge two sessions.
    if (first >= 0) {
      let joined = 0;
      for (let i = first; i <= lastIdx; i++) joined += sessions[i].count;
      if (!life.admits(joined)) return;
    }
    let target: Session<ACC>;
    if (first < 0) {
      target = this.newSession(ks, t, end);
      let at = sessions.length;
      while (at > 0 && sessions[at - 1].start > t) at--;
      sessions.splice(at, 0, target);
      life.opened();
    } else {
      target = sessions[first];
      if (target.state === 'fired') life.opened();
      for (let i = first + 1; i <= lastIdx; i++) {
        const other = sessions[i];
        this.mergeInto(target, other);
        if (other.end > target.end) target.end = other.end;
        if (other.state !== 'fired') life.closed();
        other.state = 'purged';
        other.timerAt = undefined;
      }
      if (lastIdx > first) sessions.splice(first + 1, lastIdx - first);
      if (t < target.start) target.start = t;
      if (end > target.end) target.end = end;
      target.state = 'open';
    }
    this.addValue(target, event.value, t);
    if (isDue(target.end, w, true)) {
      // Merged entirely behind the watermark: the correction goes out now.
      life.closed();
      target.state = 'fired';
      this.emitSession(ks, target, 'late');
      this.schedule(target, life.cleanupTime(target.end));
      return;
    }
    const firing = life.added(target);
    // A timer at or before the end (and the next cut) is enough: when it comes due it moves to the real one.
    const due = this.dueAt(target);
    if (target.timerAt === undefined || target.timerAt > due) this.schedule(target, due);
    if (firing !== undefined) this.emitSession(ks, target, firing, t);
  }

  /** The session's timer came due (its timer is cleared). */
  private fire(s: Session<ACC>, w: number): void {
    const ks = s.ks;
    const life = this.life;
    if (s.state !== 'fired') {
      // Extended by events since the timer was set: wait for the real end.
      if (!isDue(s.end, w, true)) {
        if (s.parts !== null) this.fireCuts(ks, s, w);
        this.schedule(s, this.dueAt(s));
        return;
      }
      const kept = life.fire(s, s.end, w, true);
      this.emitSession(ks, s, 'final');
      if (kept) {
        this.schedule(s, life.cleanupTime(s.end));
        return;
      }
    } else if (!isDue(life.cleanupTime(s.end), w, true)) {
      // A late merge moved the cleanup time on.
      this.schedule(s, life.cleanupTime(s.end));
      return;
    }
    this.drop(ks, s);
  }

  private drop(ks: SessionKey<ACC>, s: Session<ACC>): void {
    s.state = 'purged';
    const i = ks.sessions.indexOf(s);
    if (i >= 0) ks.sessions.splice(i, 1);
    if (s.end > ks.firedEnd) ks.firedEnd = s.end;
  }

  flush(ks: SessionKey<ACC>): void {
    for (const s of ks.sessions) {
      s.timerAt = undefined;
      if (s.state !== 'fired') {
        this.life.closed();
        this.emitSession(ks, s, 'final');
      }
      s.state = 'purged';
    }
    ks.sessions = [];
  }

  idle(): void {
    // Sessions close by watermark; the operator advances it.
  }

  early(ks: SessionKey<ACC>): void {
    for (const s of ks.sessions) if (this.life.early(s)) this.emitSession(ks, s, 'early');
  }

  reset(ks: SessionKey<ACC>): void {
    for (const s of ks.sessions) {
      s.timerAt = undefined;
      if (s.state !== 'fired') this.life.closed();
      s.state = 'purged';
    }
    ks.sessions = [];
  }

  isEmpty(ks: SessionKey<ACC>): boolean {
    return ks.sessions.length === 0;
  }

  snapshotKey(ks: SessionKey<ACC>): Record<string, unknown> {
    return {
      firedEnd: Number.isFinite(ks.firedEnd) ? ks.firedEnd : null,
      sessions: ks.sessions.map((s) => {
        const saved: Record<string, unknown> = { start: s.start, end: s.end, count: s.count, state: s.state };
        if (s.parts === null) saved.acc = this.life.accToJSON(s.acc);
        else saved.parts = s.parts.map((p) => ({ bucket: p.bucket, count: p.count, acc: this.life.accToJSON(p.acc) }));
        return saved;
      }),
    };
  }

  restoreKey(ks: SessionKey<ACC>, saved: Record<string, unknown>): void {
    const what = `key ${JSON.stringify(ks.key)}`;
    const firedEnd = snapTimeOr(saved.firedEnd, -Infinity, `${what} firedEnd`);
    // Checked whole, accumulators read back, before the key gets any session.
    const sessions = snapArray(saved.sessions, `${what} sessions`).map((entry, i) => {
      const at = `${what} session ${i}`;
      const session = snapObject(entry, at);
      const [s, e] = snapWindow(session.start, session.end, at);
      let whole: ACC | undefined;
      let parts: { bucket: number; count: number; acc: ACC }[] | undefined;
      if (this.maxDuration === undefined) {
        whole = this.life.accFromJSON(session.acc);
      } else {
        // Sessions cut by an older maxDuration rule were saved whole, without their parts.
        if (!Array.isArray(session.parts)) throw ConfigError.of('snapshot', 'snapshotSessionParts');
        parts = session.parts.map((entry, j) => {
          const part = snapObject(entry, `${at} part ${j}`);
          return {
            bucket: snapTime(part.bucket, `${at} part ${j} bucket`),
            count: snapCount(part.count, `${at} part ${j} count`),
            acc: this.life.accFromJSON(part.acc),
          };
        });
      }
      return { start: s, end: e, count: snapCount(session.count, `${at} count`), state: snapOneOf(session.state, WINDOW_STATES, `${at} state`), whole, parts };
    });
    ks.firedEnd = firedEnd;
    for (const { start, end, count, state, whole, parts } of sessions) {
      const s = this.newSession(ks, start, end);
      if (parts !== undefined) s.parts = parts;
      else s.acc = whole as ACC;
      s.count = count;
      s.state = state;
      ks.sessions.push(s);
      if (state === 'fired') {
        this.schedule(s, this.life.cleanupTime(end));
      } else {
        this.life.opened();
        this.schedule(s, this.dueAt(s));
      }
    }
  }
}
