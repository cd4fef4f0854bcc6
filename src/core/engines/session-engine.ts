/**
 * Session windows with merging: an event opens [t, t + gap) (cut at a maxDuration boundary) and
 * merges with every session of its key it overlaps, accumulators combined with aggregate.merge,
 * so an out-of-order event that bridges two sessions joins them. The common case (an event that
 * extends the key's newest session) touches no timer: a session's timer is moved to its real end
 * only when it comes due.
 */
import { sessionBucketStart, sessionWindowOf } from '../assigners/session';
import { BucketTimers } from '../bucket-timers';
import { StreamEvent } from '../types';
import { Engine, EngineHost, KeyBase, Scope, isDue } from './engine';
import { snapArray, snapCount, snapObject, snapOneOf, snapTimeOr, snapWindow } from '../snapshot-check';

const OPEN = 0;
const DIRTY = 1;
const FIRED = 2;
const DEAD = 3;

class Session<ACC> {
  /** The time of the session's live timer entry; entries at other times are stale. NaN: none. */
  timerAt = NaN;
  count = 0;
  state = OPEN;
  constructor(public start: number, public end: number, public acc: ACC, public ks: SessionKey<ACC>) {}
}

/** A key's sessions. */
export interface SessionKey<ACC> extends KeyBase {
  /** Sessions of the key ordered by start; rarely more than one or two. */
  sessions: Session<ACC>[];
  /** End of the latest session that fired and was dropped: earlier events are late. */
  firedEnd: number;
}

/** Merging session windows. */
export class SessionEngine<IN, ACC, OUT> implements Engine<IN, SessionKey<ACC>> {
  private readonly retain: boolean;

  constructor(
    private readonly host: EngineHost<IN, ACC, OUT>,
    private readonly gap: number,
    private readonly maxDuration: number | undefined,
  ) {
    this.retain = host.lateData === 'update' && host.allowedLateness > 0;
  }

  newTimers(): BucketTimers<Session<ACC>> {
    return new BucketTimers<Session<ACC>>();
  }

  private schedule(s: Session<ACC>, time: number): void {
    if (s.timerAt === time) return;
    s.timerAt = time;
    (s.ks.scope.timers as BucketTimers<Session<ACC>>).schedule(s, time);
  }

  fireDue(scope: Scope, w: number): void {
    const timers = scope.timers as BucketTimers<Session<ACC>>;
    for (;;) {
      const time = timers.peekTime();
      if (time === undefined || time > w) return;
      const group = timers.popGroup();
      for (let i = 0; i < group.length; i++) {
        const s = group[i];
        if (s.timerAt !== time || s.state === DEAD) continue;
        s.timerAt = NaN;
        this.fire(s, w);
      }
    }
  }

  nextTimer(scope: Scope): number | undefined {
    return (scope.timers as BucketTimers<Session<ACC>>).peekTime();
  }

  latestTimer(scope: Scope): number {
    return (scope.timers as BucketTimers<Session<ACC>>).maxTime();
  }

  hasTimers(scope: Scope): boolean {
    return (scope.timers as BucketTimers<Session<ACC>>).size > 0;
  }

  createKey(key: string, scope: Scope): SessionKey<ACC> {
    return { key, scope, sessions: [], firedEnd: -Infinity };
  }

  private candidateEnd(t: number): number {
    let end = t + this.gap;
    const max = this.maxDuration;
    if (max !== undefined) {
      const limit = sessionBucketStart(t, max) + max;
      if (end > limit) end = limit;
    }
    return end;
  }

  add(ks: SessionKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const host = this.host;
    const sessions = ks.sessions;
    const n = sessions.length;
    if (n > 0) {
      const last = sessions[n - 1];
      // Hot path: the event falls inside the newest open session (same maxDuration bucket, as end <= bucket end).
      if (last.state <= DIRTY && t >= last.start && t < last.end) {
        if (last.count >= host.maxEventsPerWindow) {
          host.dropped++;
          return;
        }
        const end = this.candidateEnd(t);
        if (end > last.end) last.end = end;
        last.acc = host.agg.add(last.acc, event.value, t);
        last.count++;
        if (host.trackDirty) last.state = DIRTY;
        if (host.emitUpdates) host.emitWindow(ks.key, last.start, last.end, last.count, 'update', last.acc);
        return;
      }
    }
    this.addSlow(ks, event, t);
  }

  private addSlow(ks: SessionKey<ACC>, event: StreamEvent<IN>, t: number): void {
    const host = this.host;
    const w = ks.scope.wm.value;
    const end = this.candidateEnd(t);
    const bucket = this.maxDuration === undefined ? 0 : sessionBucketStart(t, this.maxDuration);
    const sessions = ks.sessions;
    let first = -1;
    let lastIdx = -1;
    let touchesFired = false;
    for (let i = 0; i < sessions.length; i++) {
      const s = sessions[i];
      if (s.start < end && t < s.end && (this.maxDuration === undefined || sessionBucketStart(s.start, this.maxDuration) === bucket)) {
        if (first < 0) first = i;
        lastIdx = i;
        if (s.state === FIRED) touchesFired = true;
      }
    }
    const late = touchesFired || isDue(end, w, true) || t < ks.firedEnd;
    if (late) {
      if (!this.retain || isDue(end + host.allowedLateness, w, true) || t < ks.firedEnd) {
        host.lateEvent(event, t, end, w);
        return;
      }
      host.late++;
    }
    // A dropped event must leave no trace: check the limit before it can move a start or an end,
    // or bridge two sessions.
    if (first >= 0) {
      let joined = 0;
      for (let i = first; i <= lastIdx; i++) joined += sessions[i].count;
      if (joined >= host.maxEventsPerWindow) {
        host.dropped++;
        return;
      }
    }
    let target: Session<ACC>;
    if (first < 0) {
      target = new Session<ACC>(t, end, host.agg.createAccumulator(), ks);
      let at = sessions.length;
      while (at > 0 && sessions[at - 1].start > t) at--;
      sessions.splice(at, 0, target);
      host.openWindows++;
    } else {
      target = sessions[first];
      if (target.state === FIRED) host.openWindows++;
      for (let i = first + 1; i <= lastIdx; i++) {
        const other = sessions[i];
        target.acc = host.agg.merge(target.acc, other.acc);
        target.count += other.count;
        if (other.end > target.end) target.end = other.end;
        if (other.state !== FIRED) host.openWindows--;
        other.state = DEAD;
        other.timerAt = NaN;
      }
      if (lastIdx > first) sessions.splice(first + 1, lastIdx - first);
      if (t < target.start) target.start = t;
      if (end > target.end) target.end = end;
      target.state = OPEN;
    }
    target.acc = host.agg.add(target.acc, event.value, t);
    target.count++;
    if (isDue(target.end, w, true)) {
      // Merged entirely behind the watermark: the correction goes out now.
      host.openWindows--;
      target.state = FIRED;
      host.emitWindow(ks.key, target.start, target.end, target.count, 'late', target.acc);
      this.schedule(target, target.end + host.allowedLateness);
      return;
    }
    if (host.trackDirty) target.state = DIRTY;
    // A timer at or before the end is enough: when it comes due it moves to the real end.
    if (!(target.timerAt <= target.end)) this.schedule(target, target.end);
    if (host.emitUpdates) host.emitWindow(ks.key, target.start, target.end, target.count, 'update', target.acc);
  }

  /** The session's timer came due (its timer is cleared). */
  private fire(s: Session<ACC>, w: number): void {
    const ks = s.ks;
    if (s.state !== FIRED) {
      // Extended by events since the timer was set: wait for the real end.
      if (!isDue(s.end, w, true)) {
        this.schedule(s, s.end);
        return;
      }
      this.host.openWindows--;
      this.host.emitWindow(ks.key, s.start, s.end, s.count, 'final', s.acc);
      const purgeAt = s.end + this.host.allowedLateness;
      if (this.retain && !isDue(purgeAt, w, true)) {
        s.state = FIRED;
        this.schedule(s, purgeAt);
        return;
      }
    } else if (!isDue(s.end + this.host.allowedLateness, w, true)) {
      // A late merge moved the purge time on.
      this.schedule(s, s.end + this.host.allowedLateness);
      return;
    }
    this.drop(ks, s);
  }

  private drop(ks: SessionKey<ACC>, s: Session<ACC>): void {
    s.state = DEAD;
    const i = ks.sessions.indexOf(s);
    if (i >= 0) ks.sessions.splice(i, 1);
    if (s.end > ks.firedEnd) ks.firedEnd = s.end;
  }

  flush(ks: SessionKey<ACC>): void {
    for (const s of ks.sessions) {
      s.timerAt = NaN;
      if (s.state !== FIRED) {
        this.host.openWindows--;
        this.host.emitWindow(ks.key, s.start, s.end, s.count, 'final', s.acc);
      }
      s.state = DEAD;
    }
    ks.sessions = [];
  }

  idle(): void {
    // Sessions close by watermark; the operator advances it.
  }

  early(ks: SessionKey<ACC>): void {
    for (const s of ks.sessions) {
      if (s.state !== DIRTY) continue;
      s.state = OPEN;
      this.host.emitWindow(ks.key, s.start, s.end, s.count, 'early', s.acc);
    }
  }

  reset(ks: SessionKey<ACC>): void {
    for (const s of ks.sessions) {
      s.timerAt = NaN;
      if (s.state !== FIRED) this.host.openWindows--;
      s.state = DEAD;
    }
    ks.sessions = [];
  }

  isEmpty(ks: SessionKey<ACC>): boolean {
    return ks.sessions.length === 0;
  }

  snapshotKey(ks: SessionKey<ACC>): unknown {
    return {
      firedEnd: Number.isFinite(ks.firedEnd) ? ks.firedEnd : null,
      sessions: ks.sessions.map((s) => [s.start, s.end, s.count, s.state, this.host.accToJSON(s.acc)]),
    };
  }

  restoreKey(ks: SessionKey<ACC>, json: unknown): void {
    const what = `key ${JSON.stringify(ks.key)}`;
    const data = snapObject(json, what);
    const firedEnd = snapTimeOr(data.firedEnd, -Infinity, `${what} firedEnd`);
    const sessions = snapArray(data.sessions, `${what} sessions`).map((entry, i) => {
      const [start, end, count, state, acc] = snapArray(entry, `${what} session ${i}`, 5);
      const [s, e] = snapWindow(start, end, `${what} session ${i}`);
      return [s, e, snapCount(count, `${what} session ${i} count`), snapOneOf(state, [OPEN, DIRTY, FIRED], `${what} session ${i} state`), this.host.accFromJSON(acc)] as const;
    });
    ks.firedEnd = firedEnd;
    for (const [start, end, count, state, acc] of sessions) {
      const s = new Session<ACC>(start, end, acc, ks);
      s.count = count;
      s.state = state;
      ks.sessions.push(s);
      if (state === FIRED) {
        this.schedule(s, end + this.host.allowedLateness);
      } else {
        this.host.openWindows++;
        this.schedule(s, end);
      }
    }
  }
}
