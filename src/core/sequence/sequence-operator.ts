/**
 * The keyed sequence (pattern) operator, Flink CEP style: per key, events are matched in
 * event-time order against an ordered list of steps (see pattern.ts, partial-match.ts).
 *
 * Time: one watermark for the stream = largest event time seen − maxOutOfOrder (processing time:
 * the arrival time). Events wait in a buffer until the watermark reaches them and are then
 * matched in event-time order (equal times in arrival order), so input shuffled within
 * maxOutOfOrder gives the same matches as sorted input. An event behind the watermark is late:
 * counted and dropped. With maxOutOfOrder 0 and ordered input nothing waits.
 *
 * within: every event of a match lies before the first event's time + within. A partial match
 * times out once the watermark reaches that time (or an event at or after it is matched); it is
 * then emitted as a timeout when onTimeout is given. A pattern ending in a negation completes
 * at that moment instead, when no such event came.
 *
 * After a match (skip strategy, Flink's AfterMatchSkipStrategy): 'past-last-event' (default)
 * drops every partial match that began at or before the match's last event, so an event is part
 * of at most one match; 'to-next' drops the partial matches that began with the same event as
 * the match; 'no-skip' keeps them all (overlapping matches).
 *
 * Limits: maxPartialMatches per key (new partial matches beyond it are dropped, the older ones
 * stay), maxEventsPerWindow per partial match (one that would take more ends) and per key for the
 * events waiting for the watermark, maxKeys. Every drop is counted in stats().dropped.
 * idleTimeout: after that long without input (processing time) the watermark moves past every
 * waiting event and every partial match's within, so they are matched or time out.
 */
import { ConfigError, describeValue } from '../errors';
import { SnapshotError, snapArray, snapCount, snapKeyEntries, snapObject, snapTime } from '../snapshot-check';
import { KeyedOperator, KeyedSourceOptions } from '../keyed-operator';
import { finiteOrNull, nonNegative, oneOf, positiveLimit } from '../option-checks';
import { SEQUENCE_CONTIGUITIES, SKIP_STRATEGIES } from '../setting-values';
import { StreamOperator } from '../stream-operator';
import { Watermark } from '../watermark';
import { EventTimeGuard, EventTimeGuardOptions } from '../event-time-guard';
import { Key, StreamEvent, TimeMode } from '../types';
import { TimeBuffer } from '../time-buffer';
import { Timed } from '../timer-heap';
import { CompiledPattern, SequenceStep, compilePattern } from './pattern';
import { PartialMatch, SequenceEvent, advanceMatch, isComplete, startMatch } from './partial-match';

/** What to drop after a match. */
export type SkipStrategy = 'past-last-event' | 'to-next' | 'no-skip';

/** A match, or a partial match that timed out: the events per step name, in event-time order. */
export interface SequenceResult<IN> {
  key: Key;
  /** One entry per positive step, in pattern order (steps without events left out on timeouts). */
  steps: { name: string; events: { time: number; value: IN }[] }[];
  /** Time of the first and the last event. */
  start: number;
  end: number;
}

/** Options of a SequenceOperator; durations in ms. */
export interface SequenceOperatorOptions<IN> extends EventTimeGuardOptions, KeyedSourceOptions {
  steps: SequenceStep[];
  /** 0/unset = no time limit. */
  within?: number;
  /** Default 'relaxed'. */
  contiguity?: 'strict' | 'relaxed';
  /** Default 'past-last-event'. */
  skip?: SkipStrategy;
  timeMode?: TimeMode;
  maxOutOfOrder?: number;
  idleTimeout?: number;
  maxKeys?: number;
  /** Default 100. */
  maxPartialMatches?: number;
  maxEventsPerWindow?: number;
  onMatch: (match: SequenceResult<IN>) => void;
  /** Partial matches whose within passed; not called when unset. */
  onTimeout?: (partial: SequenceResult<IN>) => void;
}

/** A key's partial matches; queued on the timer heap at its oldest partial match's deadline. */
interface SeqKey<IN> extends Timed {
  readonly key: Key;
  matches: PartialMatch<IN>[];
  nextSeq: number;
  /** Events of the key waiting in the buffer. */
  waiting: number;
}

interface Waiting<IN> {
  key: Key;
  time: number;
  value: IN;
  mask: number;
}

/** Keyed pattern matching in event time; see the rules at the top of this file. */
export class SequenceOperator<IN> extends KeyedOperator<SeqKey<IN>> implements StreamOperator {
  timeouts = 0;
  matched = 0;

  readonly pattern: CompiledPattern<IN>;
  private readonly config: unknown;
  private readonly within: number;
  private readonly strict: boolean;
  private readonly skip: SkipStrategy;
  protected readonly processingTime: boolean;
  private readonly idleTimeout: number;
  private readonly maxKeys: number;
  private readonly maxPartial: number;
  private readonly maxEvents: number;
  private readonly onMatch: (m: SequenceResult<IN>) => void;
  private readonly onTimeout: ((m: SequenceResult<IN>) => void) | undefined;
  protected readonly kind = 'sequence';
  private buffer = new TimeBuffer<Waiting<IN>>();
  private partials = 0;

  /** Builds the operator; throws ConfigError naming the option and what is allowed. */
  constructor(options: SequenceOperatorOptions<IN>) {
    super();
    // How code calls the operator, which no flow setting can cause: English only, without a reason code.
    if (!options || typeof options.onMatch !== 'function') throw new ConfigError('onMatch', 'expected a function receiving matches');
    this.onMatch = options.onMatch;
    if (options.onTimeout !== undefined && typeof options.onTimeout !== 'function') throw new ConfigError('onTimeout', 'expected a function or nothing');
    this.onTimeout = options.onTimeout;
    this.within = nonNegative(options.within, 'within', 0) || Infinity;
    this.pattern = compilePattern<IN>(options.steps, this.within !== Infinity);
    this.strict = oneOf(options.contiguity, 'contiguity', SEQUENCE_CONTIGUITIES, 'relaxed') === 'strict';
    this.skip = oneOf(options.skip, 'skip', SKIP_STRATEGIES, 'past-last-event');
    this.processingTime = oneOf(options.timeMode, 'timeMode', ['event', 'processing'], 'event') === 'processing';
    this.wm = new Watermark(this.processingTime ? 0 : nonNegative(options.maxOutOfOrder, 'maxOutOfOrder', 0));
    this.guard = new EventTimeGuard(options);
    this.idleTimeout = nonNegative(options.idleTimeout, 'idleTimeout', 0);
    this.useSources(options, this.idleTimeout);
    this.maxKeys = positiveLimit(options.maxKeys, 'maxKeys');
    this.maxPartial = options.maxPartialMatches === undefined ? 100 : positiveLimit(options.maxPartialMatches, 'maxPartialMatches');
    this.maxEvents = positiveLimit(options.maxEventsPerWindow, 'maxEventsPerWindow');
    // Rules are part of the fingerprint: saved masks were computed with them.
    this.config = { steps: options.steps, within: finiteOrNull(this.within), strict: this.strict, timeMode: this.processingTime ? 'processing' : 'event' };
  }

  /**
   * Adds one event; its conditions are tested now, it is matched when the watermark reaches it.
   * `source` names where the event was read (a partition of `sourceGroup`): see keyed-operator.ts.
   */
  process(event: StreamEvent<IN>, now: number, source?: string, sourceGroup = ''): void {
    const t = this.processingTime ? now : this.guard.check(event.time, now);
    this.wm.lastInputAt = now;
    this.idle = false;
    // Read from partitions, the event moves the watermark first: a partition's first event may
    // take it back, and whether the event is late is decided after that.
    const sourced = !this.processingTime && this.sources.sourceOf(source) !== undefined;
    const movedFirst = sourced && this.observeTime(t, now, source, sourceGroup);
    if (t < this.wm.value) {
      this.late++;
      if (movedFirst) this.catchUp();
      return;
    }
    const mask = this.pattern.mask(event.value);
    let ks = this.keys.get(event.key);
    if (ks === undefined) {
      if (this.keys.size >= this.maxKeys) this.forgetEmptyKeys();
      if (this.keys.size >= this.maxKeys) {
        this.dropped++;
        if (movedFirst) this.catchUp();
        return;
      }
      ks = this.newKey(event.key);
    }
    const moved = sourced ? movedFirst : this.processingTime ? this.wm.advanceTo(now) : this.wm.observe(t);
    if (this.buffer.size === 0 && t <= this.wm.value) {
      // In order and nothing waiting: straight to the matcher.
      this.release(ks, t, event.value, mask);
    } else {
      if (ks.waiting >= this.maxEvents) {
        this.dropped++;
      } else {
        ks.waiting++;
        this.buffer.insert({ key: event.key, time: t, value: event.value, mask });
      }
      if (moved) this.releaseUpTo(this.wm.value);
    }
    if (moved) this.expireAll(this.wm.value);
  }

  /** The watermark moved without an event to add: what waited for it is matched, what passed its within ends. */
  private catchUp(): void {
    this.releaseUpTo(this.wm.value);
    this.expireAll(this.wm.value);
  }

  advance(now: number): void {
    if (this.processingTime) {
      if (this.wm.advanceTo(now)) this.expireAll(now);
    } else if (this.idleTimeout > 0 && !this.idle && now - this.wm.lastInputAt >= this.idleTimeout && this.hasState()) {
      this.idle = true;
      // Every waiting event first (they may start partial matches), then past every deadline.
      this.wm.advanceTo(this.wm.maxEventTime);
      this.releaseUpTo(Infinity);
      let to = this.wm.value;
      for (const ks of this.keys.values()) for (const pm of ks.matches) if (pm.startTime + this.within > to) to = pm.startTime + this.within;
      // Without within a partial match never times out.
      if (to !== Infinity) this.wm.advanceTo(to);
      this.expireAll(this.wm.value);
    }
    this.forgetEmptyKeys();
  }

  nextWakeup(): number | undefined {
    if (!this.hasState()) return undefined;
    if (this.processingTime) return this.timers.size > 0 ? this.timers.head : undefined;
    if (this.idleTimeout > 0 && !this.idle) return this.wm.lastInputAt + this.idleTimeout;
    return undefined;
  }

  /** Matches every waiting event, then ends every partial match (pattern end negations complete, the rest time out). */
  flush(now: number, key?: Key): void {
    void now;
    this.releaseUpTo(Infinity, key);
    const targets = key === undefined ? [...this.keys.values()] : [this.keys.get(key)].filter((k): k is SeqKey<IN> => k !== undefined);
    for (const ks of targets) {
      this.expireKey(ks, Infinity);
      this.reschedule(ks);
    }
    this.forgetEmptyKeys();
  }

  reset(key?: Key): void {
    if (key === undefined) {
      this.keys.clear();
      this.buffer.clear();
      this.timers.clear();
      this.partials = 0;
      this.wm = new Watermark(this.wm.maxOutOfOrder);
      this.sources.clear();
      return;
    }
    this.dropKeys([key]);
  }

  protected openCount(): number {
    return this.partials;
  }

  protected fingerprint(): unknown {
    return this.config;
  }

  /** The operator's whole state in the saved form (snapshot-schema.ts). */
  snapshot(): unknown {
    const keys: unknown[] = [];
    for (const ks of this.keys.values()) keys.push(this.keyEntry(ks));
    return {
      kind: 'sequence',
      config: this.config,
      watermark: this.wm.toJSON(),
      late: this.late,
      dropped: this.dropped,
      timeouts: this.timeouts,
      matched: this.matched,
      waiting: this.buffer.toArray().map(savedWaiting),
      keys,
      ...this.partitionsEntry(),
    };
  }

  protected load(snap: Record<string, unknown>): void {
    this.reset();
    this.wm.load(snap.watermark);
    this.late = snapCount(snap.late, 'late');
    this.dropped = snapCount(snap.dropped, 'dropped');
    this.timeouts = snapCount(snap.timeouts, 'timeouts');
    this.matched = snapCount(snap.matched, 'matched');
    this.loadEntries(snap, false);
    this.loadPartitions(snap);
  }

  /** The partial matches of some keys only, with the events of theirs still waiting for the watermark. */
  override snapshotKeys(keys: Iterable<Key>): unknown {
    const saved = super.snapshotKeys(keys) as { keys: { key: Key }[] };
    const names = new Set<Key>();
    for (const { key } of saved.keys) if (this.keys.get(key)!.waiting > 0) names.add(key);
    const waiting = names.size ? this.buffer.toArray().filter((w) => names.has(w.key)) : [];
    return { ...saved, waiting: waiting.map(savedWaiting) };
  }

  protected loadKeys(snap: Record<string, unknown>): void {
    this.loadEntries(snap, true);
  }

  /** Forgets the partial matches and waiting events of some keys without emitting. */
  dropKeys(keys: Iterable<Key>): void {
    const gone = new Set<Key>();
    for (const key of keys) {
      const ks = this.keys.get(key);
      if (ks === undefined) continue;
      this.partials -= ks.matches.length;
      if (ks.heapIndex >= 0) this.timers.remove(ks);
      this.keys.delete(key);
      if (ks.waiting > 0) gone.add(key);
    }
    // One pass over the buffer for all of them.
    if (gone.size) this.rebuildBuffer((w) => !gone.has(w.key));
  }

  protected keyEntry(ks: SeqKey<IN>): Record<string, unknown> {
    const matches = ks.matches.map((pm) => ({
      step: pm.step,
      count: pm.count,
      blocked: pm.blocked,
      startTime: pm.startTime,
      firstSeq: pm.firstSeq,
      events: pm.events.map((list) => list.map((e) => ({ time: e.time, value: e.value, mask: e.mask, seq: e.seq }))),
    }));
    return { key: ks.key, nextSeq: ks.nextSeq, matches };
  }

  /**
   * Adds the key entries and waiting events of a saved form, for keys not held yet. `listed`: a
   * waiting event must be of a key the form lists (the keys of some partition, not the whole state).
   */
  private loadEntries(snap: Record<string, unknown>, listed: boolean): void {
    const steps = this.pattern.steps.length;
    const event = (entry: unknown, what: string): SequenceEvent<IN> => {
      const e = snapObject(entry, what);
      return { time: snapTime(e.time, `${what} time`), value: e.value as IN, mask: snapCount(e.mask, `${what} mask`), seq: snapCount(e.seq, `${what} seq`) };
    };
    const added = new Set<Key>();
    for (const saved of snapKeyEntries(snap.keys)) {
      const key = saved.key;
      const what = `key ${JSON.stringify(key)}`;
      const matches = snapArray(saved.matches, `${what} matches`).map((m, j): PartialMatch<IN> => {
        const at = `${what} match ${j}`;
        const pm = snapObject(m, at);
        const step = snapCount(pm.step, `${at} step`);
        if (step >= steps) throw SnapshotError.because('snapshotBelow', { what: `${at} step`, max: steps, got: step });
        if (typeof pm.blocked !== 'boolean') throw SnapshotError.because('snapshotBoolean', { what: `${at} blocked` });
        const events = snapArray(pm.events, `${at} events`).map((list, s) =>
          snapArray(list, `${at} step ${s}`).map((e, k) => event(e, `${at} step ${s} event ${k}`)),
        );
        const size = events.reduce((n, l) => n + l.length, 0);
        return {
          step,
          count: snapCount(pm.count, `${at} count`),
          blocked: pm.blocked,
          startTime: snapTime(pm.startTime, `${at} startTime`),
          firstSeq: snapCount(pm.firstSeq, `${at} firstSeq`),
          events,
          size,
        };
      });
      const ks = this.newKey(key);
      added.add(key);
      ks.matches = matches;
      ks.nextSeq = snapCount(saved.nextSeq, `${what} nextSeq`);
      this.partials += matches.length;
      this.reschedule(ks);
    }
    for (const [i, entry] of snapArray(snap.waiting, 'waiting').entries()) {
      const w = snapObject(entry, `waiting ${i}`);
      if (typeof w.key !== 'string') throw SnapshotError.because('snapshotKeyString', { what: `waiting ${i}`, got: describeValue(w.key) });
      if (listed && !added.has(w.key)) throw SnapshotError.because('snapshotKeyNotSaved', { what: `waiting ${i}`, key: JSON.stringify(w.key) });
      let ks = this.keys.get(w.key);
      if (ks === undefined) ks = this.newKey(w.key);
      ks.waiting++;
      this.buffer.insert({ key: w.key, time: snapTime(w.time, `waiting ${i} time`), value: w.value as IN, mask: snapCount(w.mask, `waiting ${i} mask`) });
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  private hasState(): boolean {
    return this.partials > 0 || this.buffer.size > 0;
  }

  private newKey(key: Key): SeqKey<IN> {
    const ks: SeqKey<IN> = { key, matches: [], nextSeq: 0, waiting: 0, timerAt: Infinity, heapIndex: -1, start: 0, seq: this.keySeq++ };
    this.keys.set(key, ks);
    return ks;
  }

  /** Queues the key at its oldest partial match's deadline (partial matches are kept in start order). */
  private reschedule(ks: SeqKey<IN>): void {
    const at = ks.matches.length > 0 ? ks.matches[0].startTime + this.within : Infinity;
    if (at === Infinity) {
      if (ks.heapIndex >= 0) this.timers.remove(ks);
    } else if (ks.heapIndex < 0 || at !== ks.timerAt) {
      this.timers.schedule(ks, at);
    }
  }

  /** Matches the waiting events up to `to` (of `key` only, when given) in event-time order. */
  private releaseUpTo(to: number, key?: Key): void {
    if (key !== undefined) {
      const mine: Waiting<IN>[] = [];
      this.rebuildBuffer((w) => (w.key === key && w.time <= to ? (mine.push(w), false) : true));
      for (const w of mine) this.releaseWaiting(w);
      return;
    }
    for (let w = this.buffer.first(); w !== undefined && w.time <= to; w = this.buffer.first()) {
      this.buffer.shift();
      this.releaseWaiting(w);
    }
  }

  private releaseWaiting(w: Waiting<IN>): void {
    const ks = this.keys.get(w.key);
    if (ks === undefined) return;
    ks.waiting--;
    this.release(ks, w.time, w.value, w.mask);
  }

  private rebuildBuffer(keep: (w: Waiting<IN>) => boolean): void {
    const all = this.buffer.toArray();
    this.buffer.clear();
    for (const w of all) if (keep(w)) this.buffer.insert(w);
  }

  /** Matches one event of the key (events reach here in event-time order). */
  private release(ks: SeqKey<IN>, time: number, value: IN, mask: number): void {
    this.expireKey(ks, time);
    const event: SequenceEvent<IN> = { time, value, mask, seq: ks.nextSeq++ };
    const pattern = this.pattern;
    const next: PartialMatch<IN>[] = [];
    const complete: PartialMatch<IN>[] = [];
    const before = ks.matches.length;
    for (const pm of ks.matches) {
      for (const moved of advanceMatch(pattern, pm, event, this.strict)) {
        if (moved.size > this.maxEvents) {
          this.dropped++;
          continue;
        }
        next.push(moved);
        if (!pattern.trailingGuard && isComplete(pattern, moved)) complete.push(moved);
      }
    }
    if ((mask & pattern.steps[0].bit) !== 0) {
      const pm = startMatch(pattern, event);
      next.push(pm);
      if (!pattern.trailingGuard && isComplete(pattern, pm)) complete.push(pm);
    }
    ks.matches = next;
    for (const pm of complete) {
      // An earlier match of this event may have dropped it already (skip strategy).
      if (!ks.matches.includes(pm)) continue;
      this.emitMatch(ks, pm);
    }
    // A match with nothing left to take leaves; one that may repeat its last step stays (no-skip).
    ks.matches = ks.matches.filter((pm) => !(complete.includes(pm) && pm.count >= pattern.steps[pm.step].max));
    if (ks.matches.length > this.maxPartial) {
      this.dropped += ks.matches.length - this.maxPartial;
      ks.matches.length = this.maxPartial;
    }
    this.partials += ks.matches.length - before;
    this.reschedule(ks);
  }

  /** Ends the key's partial matches whose within has passed at `time` (all of them at Infinity). */
  private expireKey(ks: SeqKey<IN>, time: number): void {
    const matches = ks.matches;
    if (matches.length === 0 || (time !== Infinity && matches[0].startTime + this.within > time)) return;
    const before = matches.length;
    // Partial matches are kept in start order, so the expired ones are a prefix.
    let n = 0;
    while (n < matches.length && (time === Infinity || matches[n].startTime + this.within <= time)) n++;
    const expired = matches.splice(0, n);
    for (const pm of expired) {
      if (this.pattern.trailingGuard && !pm.blocked && isComplete(this.pattern, pm)) {
        // Gone from the list already; the skip strategy applies to the rest.
        this.emitMatch(ks, pm);
      } else {
        this.timeouts++;
        if (this.onTimeout) this.onTimeout(this.result(ks.key, pm));
      }
    }
    this.partials += ks.matches.length - before;
  }

  /** Ends the partial matches of every key whose oldest one is due at `time`. */
  private expireAll(time: number): void {
    if (this.timers.head > time) return;
    const due: SeqKey<IN>[] = [];
    while (this.timers.head <= time) due.push(this.timers.pop()!);
    for (const ks of due) {
      this.expireKey(ks, time);
      this.reschedule(ks);
    }
  }

  private emitMatch(ks: SeqKey<IN>, pm: PartialMatch<IN>): void {
    this.matched++;
    this.onMatch(this.result(ks.key, pm));
    if (this.skip === 'past-last-event') {
      const last = lastSeq(pm);
      ks.matches = ks.matches.filter((other) => other.firstSeq > last);
    } else if (this.skip === 'to-next') {
      ks.matches = ks.matches.filter((other) => other.firstSeq !== pm.firstSeq);
    }
  }

  private result(key: Key, pm: PartialMatch<IN>): SequenceResult<IN> {
    const steps: SequenceResult<IN>['steps'] = [];
    let end = pm.startTime;
    this.pattern.steps.forEach((s, i) => {
      const list = pm.events[i];
      if (list.length === 0) return;
      steps.push({ name: s.name, events: list.map((e) => ({ time: e.time, value: e.value })) });
      end = list[list.length - 1].time;
    });
    return { key, steps, start: pm.startTime, end };
  }

  private forgetEmptyKeys(): void {
    if (this.keys.size <= this.partials) return;
    for (const [key, ks] of this.keys) if (ks.matches.length === 0 && ks.waiting === 0) this.keys.delete(key);
  }
}

/** A waiting event as saved. */
function savedWaiting<IN>(w: Waiting<IN>): Record<string, unknown> {
  return { key: w.key, time: w.time, value: w.value, mask: w.mask };
}

function lastSeq<IN>(pm: PartialMatch<IN>): number {
  let last = pm.firstSeq;
  for (const list of pm.events) if (list.length > 0 && list[list.length - 1].seq > last) last = list[list.length - 1].seq;
  return last;
}
