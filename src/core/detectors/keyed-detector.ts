/**
 * A detector per key with its incident state: what stream-detect runs for each key, and what the
 * NAB benchmark runs per file, so the score a benchmark measures is the score a user sees.
 *
 * It owns the key table (bounded by maxKeys), turns a history given as a duration into a number of
 * events once a key's event rate is known, and runs the alert state (one alert per incident, one
 * end after the hold-off).
 */
import { AlertSnapshot, AlertState, AlertTransition } from './alert-state';
import { Detection, DetectorOptions, Pattern, StreamDetector, WindowDetection, analyseWindow, createDetector, validateDetectorOptions } from './detector';
import { Key } from '../types';
import { describeValue, InputError } from '../errors';
import { SnapshotError, restoreSomeKeys, snapArray, snapKeyEntries, snapNumber, snapObject, snapRange } from '../snapshot-check';
import { KeyedPartitionState } from '../keyed-partition-state';

/** A history in events, or a duration (ms) sized into events from the key's observed rate. */
export type HistorySpec = { events: number } | { duration: number };

/** Keys tracked when maxKeys is not set: an anomaly detector with the default history holds ~100 kB per key. */
export const DEFAULT_MAX_KEYS = 1000;

/**
 * Quiet event time (ms) before an incident ends, when not set: long enough that a deviation
 * dipping under the threshold for a few seconds stays one incident, short enough that readings a
 * few minutes apart end it at the first quiet one.
 */
export const DEFAULT_HOLD_OFF = 60_000;

// Intervals observed before a duration history is turned into a number of events.
const RATE_SAMPLE = 10;
// The interval assumed when a key's first values all share one timestamp.
const FALLBACK_INTERVAL = 1000;

/** Settings of a keyed detector; every one has a default. */
export interface KeyedDetectorOptions {
  /** Default anomaly. */
  pattern?: Pattern;
  /** The detector's settings (its `history` is replaced by `history` below when that is given). */
  options?: DetectorOptions;
  history?: HistorySpec;
  /** Default DEFAULT_HOLD_OFF. */
  holdOff?: number;
  /** Default DEFAULT_MAX_KEYS. */
  maxKeys?: number;
}

/** What one value (or one analysed window) did for its key. */
export interface KeyedStep {
  detection: Detection;
  /** 'start' when an incident opens with this value, 'end' when it closes. */
  transition: AlertTransition;
  /** Whether an incident is open after this value. */
  inAlert: boolean;
  /** When the open (or just ended) incident started. */
  startedAt?: number;
}

/** A closed window's analysis: every detection, most significant first, and what it did to the key's incident. */
export interface KeyedWindowStep {
  found: WindowDetection[];
  /** Undefined when the key is over maxKeys (the detections are still reported). */
  step: KeyedStep | undefined;
  /** Where the incident state was updated: the top detection's time and value, or the window end and last value. */
  time: number;
  value: number;
}

interface KeyState {
  detector?: StreamDetector;
  /** The detector's history in events, when a duration history was turned into it. */
  events?: number;
  /** Values waiting while a duration history learns the key's event rate. */
  pending?: Array<[number, number]>;
  alert: AlertState;
  startedAt?: number;
  /** Auto: whether the detector's own incident is open. */
  open?: boolean;
}

/**
 * A key's saved entry. Auto: the detector's state, and whether its own incident is open. Other
 * patterns: the detector's state and the alert state; with a duration history, the history in
 * events the key's rate gave, or (state null) the values still waiting for the rate.
 */
export interface KeyedEntry {
  key: Key;
  state: unknown;
  startedAt?: number;
  open?: boolean;
  alert?: AlertSnapshot;
  history?: number;
  pending?: Array<[number, number]>;
}

/** The settings a saved state must have been taken with: the pattern, and what sizes the history (not for auto). */
export interface KeyedConfig {
  pattern: Pattern;
  history?: number | { duration: number };
}

/** A keyed detector's state as plain data. */
export interface KeyedSnapshot {
  pattern: Pattern;
  /** Absent for auto, and in state saved before other patterns could be saved. */
  config?: KeyedConfig;
  keys: KeyedEntry[];
  alerts: number;
}

/** Some keys' detectors as plain data (snapshotKeys), the saved form of a partition's keys. */
export interface KeyedKeysSnapshot {
  kind: 'detect-keys';
  config: KeyedConfig;
  keys: KeyedEntry[];
}

/** Per-key detectors and incidents for one pattern (see the file comment). */
export class KeyedDetector implements KeyedPartitionState {
  readonly pattern: Pattern;
  readonly holdOff: number;
  readonly maxKeys: number;
  private readonly options: DetectorOptions;
  private readonly history: HistorySpec | undefined;
  private readonly keys = new Map<Key, KeyState>();
  private alertCount = 0;
  private activeCount = 0;
  private dropped = 0;

  constructor(o: KeyedDetectorOptions = {}) {
    this.pattern = o.pattern ?? 'anomaly';
    // The incident detector sizes itself by the observed rate; a history setting means nothing to it.
    this.history = this.pattern === 'auto' ? undefined : o.history;
    this.options = { ...o.options };
    if (this.history && 'events' in this.history) this.options.history = this.history.events;
    validateDetectorOptions(this.pattern, this.options);
    this.holdOff = o.holdOff ?? DEFAULT_HOLD_OFF;
    this.maxKeys = o.maxKeys ?? DEFAULT_MAX_KEYS;
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.keys.size;
  }

  /** Incidents started since creation. */
  get alerts(): number {
    return this.alertCount;
  }

  /** Incidents open now. */
  get active(): number {
    return this.activeCount;
  }

  /** Values refused because maxKeys keys were already tracked. */
  get droppedKeys(): number {
    return this.dropped;
  }

  /**
   * Scores one value of `key` and runs its incident state; undefined when the key is over maxKeys.
   * `arrival` is the processing time the value came at (default `time`): silence is judged on it.
   */
  update(key: Key, time: number, value: number, arrival?: number): KeyedStep | undefined {
    // A NaN or infinity would break the sorted history every scorer keeps, for good: refused before it gets there.
    if (!Number.isFinite(value)) throw InputError.of('value', 'valueFinite', { got: describeValue(value) });
    if (!Number.isFinite(time)) throw InputError.of('time', 'timeFinite', { got: describeValue(time) });
    const s = this.stateOf(key);
    if (!s) return undefined;
    return this.track(s, time, this.detect(s, time, value, arrival));
  }

  /** Checks every key for silence at processing time `now` (auto); returns the incidents that start. */
  idle(now: number): Array<{ key: Key; step: KeyedStep }> {
    const out: Array<{ key: Key; step: KeyedStep }> = [];
    for (const [key, s] of this.keys) {
      const d = s.detector?.idle?.(now);
      if (d) out.push({ key, step: this.track(s, now, d) });
    }
    return out;
  }

  /** The detectors' and incidents' state as plain data. */
  snapshot(): KeyedSnapshot {
    const keys: KeyedEntry[] = [];
    for (const key of this.keys.keys()) keys.push(this.keyEntry(key)!);
    const snap: KeyedSnapshot = { pattern: this.pattern, keys, alerts: this.alertCount };
    if (this.pattern !== 'auto') snap.config = this.config;
    return snap;
  }

  /** What a saved state must have been taken with (see KeyedConfig). */
  private get config(): KeyedConfig {
    if (this.pattern === 'auto') return { pattern: this.pattern };
    const history = this.history && 'duration' in this.history ? { duration: this.history.duration } : this.options.history;
    return history === undefined ? { pattern: this.pattern } : { pattern: this.pattern, history };
  }

  /** A key's saved entry; undefined when the key has no state. */
  private keyEntry(key: Key): KeyedEntry | undefined {
    const s = this.keys.get(key);
    if (!s) return undefined;
    if (this.pattern === 'auto') return { key, state: s.detector!.snapshot(), startedAt: s.startedAt, open: s.open };
    const entry: KeyedEntry = { key, state: s.detector ? s.detector.snapshot() : null, alert: s.alert.snapshot() };
    if (s.startedAt !== undefined) entry.startedAt = s.startedAt;
    if (s.events !== undefined) entry.history = s.events;
    if (s.pending) entry.pending = s.pending.map(([t, v]) => [t, v]);
    return entry;
  }

  /** A key's state from its saved entry, every field checked; throws SnapshotError naming the first that does not fit. */
  private stateFrom(entry: Record<string, unknown>): KeyState {
    const what = `key ${JSON.stringify(entry.key)}`;
    if (typeof entry.startedAt !== 'number' && entry.startedAt !== undefined && entry.startedAt !== null)
      throw SnapshotError.because('snapshotTimeOrNothing', { what: `${what} startedAt`, got: describeValue(entry.startedAt) });
    const startedAt = entry.startedAt ?? undefined;
    const alert = new AlertState({ holdOff: this.holdOff });
    if (this.pattern === 'auto') {
      const open = typeof entry.open === 'boolean' ? entry.open : undefined;
      return { alert, detector: createDetector(this.pattern, this.options, entry.state), startedAt, open };
    }
    alert.restore(entry.alert, `${what} alert`);
    const s: KeyState = { alert, startedAt };
    if (this.history && 'duration' in this.history && entry.pending !== undefined) {
      // Still learning the key's rate: the values seen so far, no detector yet.
      if (entry.state !== null) throw SnapshotError.because('snapshotOneOf', { what: `${what} state`, allowed: 'null', got: describeValue(entry.state) });
      s.pending = snapArray(entry.pending, `${what} pending`).map((p, i) => {
        const pair = snapArray(p, `${what} pending ${i}`, 2);
        return [snapNumber(pair[0], `${what} pending ${i} time`), snapNumber(pair[1], `${what} pending ${i} value`)] as [number, number];
      });
      if (s.pending.length > RATE_SAMPLE)
        throw SnapshotError.because('snapshotBelow', { what: `${what} pending`, max: RATE_SAMPLE + 1, got: s.pending.length });
    } else if (this.history && 'duration' in this.history) {
      s.events = snapRange(entry.history, 3, 100000, `${what} history`, true);
      s.detector = createDetector(this.pattern, { ...this.options, history: s.events }, snapObject(entry.state, `${what} state`));
    } else {
      s.detector = createDetector(this.pattern, this.options, snapObject(entry.state, `${what} state`));
    }
    return s;
  }

  /** Adds the keys of saved entries, all checked before any is added; over maxKeys a key is left out and counted as dropped. Returns the keys added. */
  private load(entries: Array<Record<string, unknown> & { key: Key }>): Key[] {
    const states = entries.map((entry) => [entry.key, this.stateFrom(entry)] as const);
    const added: Key[] = [];
    for (const [key, s] of states) {
      if (this.keys.size >= this.maxKeys) {
        this.dropped++;
        continue;
      }
      this.keys.set(key, s);
      if (s.open || s.alert.inAlert) this.activeCount++;
      added.push(key);
    }
    return added;
  }

  /**
   * Restores a snapshot taken by snapshot() of a detector with the same pattern (and history
   * setting); other snapshots are ignored. All or nothing: anything unusable throws
   * ConfigError (SnapshotError) and changes nothing.
   */
  restore(snap: KeyedSnapshot | undefined): void {
    if (!snap || snap.pattern !== this.pattern || JSON.stringify(snap.config ?? { pattern: snap.pattern }) !== JSON.stringify(this.config)) return;
    const entries = snapKeyEntries(snap.keys).filter((k) => !this.keys.has(k.key));
    this.load(entries.slice(0, Math.max(0, this.maxKeys - this.keys.size)));
    if (Number.isInteger(snap.alerts) && snap.alerts > this.alertCount) this.alertCount = snap.alerts;
  }

  /** Whether the key has a detector (or values waiting for one). */
  hasKey(key: Key): boolean {
    return this.keys.has(key);
  }

  /**
   * The detectors' and incidents' state of some keys only, with key entries as snapshot() writes
   * them, to restore them elsewhere with restoreKeys(); keys without state are left out.
   */
  snapshotKeys(keys: Iterable<Key>): KeyedKeysSnapshot {
    const out: KeyedEntry[] = [];
    for (const key of keys) {
      const entry = this.keyEntry(key);
      if (entry !== undefined) out.push(entry);
    }
    return { kind: 'detect-keys', config: this.config, keys: out };
  }

  /**
   * Adds the keys of a snapshotKeys() result of a detector with the same pattern (and history
   * setting), replacing the local state of the same keys, all or nothing (beyond maxKeys a key is
   * left out and counted as dropped); returns the keys restored. Throws ConfigError
   * (SnapshotError) for anything else.
   */
  restoreKeys(saved: unknown): Key[] {
    let restored: Key[] = [];
    restoreSomeKeys(saved, {
      kind: 'detect-keys',
      label: `${this.pattern} detector`,
      config: this.config,
      current: (keys) => this.snapshotKeys(keys),
      drop: (keys) => this.dropKeys(keys),
      load: (snap) => {
        restored = this.load(snapKeyEntries(snap.keys));
      },
    });
    return restored;
  }

  /** Forgets the history and open incidents of some keys. */
  dropKeys(keys: Iterable<Key>): void {
    for (const key of keys) this.reset(key);
  }

  /** Runs the incident state of `key` on a detection made elsewhere (a closed window); undefined when over maxKeys. */
  observe(key: Key, time: number, detection: Detection): KeyedStep | undefined {
    const s = this.stateOf(key);
    if (!s) return undefined;
    return this.track(s, time, detection);
  }

  /**
   * Analyses a closed window of `key` at once and runs its incident state on the most significant
   * detection (or on a quiet one at `end` when there is none), so incidents span consecutive windows.
   */
  analyseWindow(key: Key, times: readonly number[], values: readonly number[], end: number): KeyedWindowStep {
    // A window holding fewer values than minHistory (part-filled, e.g. right after a deploy) is not judged.
    const found = values.length && values.length >= (this.options.minHistory ?? 0) ? analyseWindow(this.pattern, times, values, this.options) : [];
    const top = found[0];
    const last = values.length ? values[values.length - 1] : NaN;
    const quiet: Detection = { pattern: this.pattern, score: 0, level: 0, threshold: 1, hot: false, expected: last, direction: 'up', ready: true, details: {} };
    const time = top ? top.time : end;
    return { found, step: this.observe(key, time, top ?? quiet), time, value: top ? top.value : last };
  }

  /** Forgets the history and open incident of `key`, or of every key. */
  reset(key?: Key): void {
    for (const [k, s] of this.keys) {
      if (key !== undefined && k !== key) continue;
      if (s.alert.inAlert || s.open) this.activeCount--;
      this.keys.delete(k);
    }
  }

  private stateOf(key: Key): KeyState | undefined {
    let s = this.keys.get(key);
    if (!s) {
      if (this.keys.size >= this.maxKeys) {
        this.dropped++;
        return undefined;
      }
      s = { alert: new AlertState({ holdOff: this.holdOff }) };
      if (this.history && 'duration' in this.history) s.pending = [];
      else s.detector = createDetector(this.pattern, this.options);
      this.keys.set(key, s);
    }
    return s;
  }

  private detect(s: KeyState, time: number, value: number, arrival?: number): Detection {
    if (s.detector) return s.detector.update(time, value, arrival);
    const pending = s.pending!;
    pending.push([time, value]);
    if (pending.length <= RATE_SAMPLE) {
      return { pattern: this.pattern, score: 0, level: 0, threshold: 1, hot: false, expected: value, direction: 'up', ready: false, details: {} };
    }
    // The median interval: a burst or a pause among the first values does not skew it.
    const gaps = pending
      .slice(1)
      .map(([t], i) => t - pending[i][0])
      .filter((g) => g > 0)
      .sort((a, b) => a - b);
    const interval = gaps.length ? gaps[gaps.length >> 1] : FALLBACK_INTERVAL;
    const duration = (this.history as { duration: number }).duration;
    const events = Math.max(3, Math.min(100000, Math.round(duration / interval)));
    const detector = createDetector(this.pattern, { ...this.options, history: events });
    s.detector = detector;
    s.events = events;
    s.pending = undefined;
    let last!: Detection;
    for (const [t, v] of pending) last = detector.update(t, v);
    return last;
  }

  private track(s: KeyState, time: number, d: Detection): KeyedStep {
    if (d.incident !== undefined) {
      // The detector decides its incidents itself (auto): count them, keep since from the detector.
      const transition = d.incident === 'none' ? undefined : d.incident;
      if (transition === 'start') {
        s.open = true;
        s.startedAt = typeof d.details.since === 'number' ? d.details.since : time;
        this.alertCount++;
        this.activeCount++;
      } else if (transition === 'end') {
        s.open = false;
        this.activeCount--;
      }
      const startedAt = s.startedAt;
      if (transition === 'end') s.startedAt = undefined;
      return { detection: d, transition, inAlert: !!s.open, startedAt };
    }
    // An incident starts on a qualifying value and lasts while the persistent level stays near
    // the threshold; a value that does not qualify can never start one, whatever its level.
    const signal = d.hot ? Math.max(d.score, d.threshold) : Math.min(d.level, d.threshold * 0.999);
    const transition = s.alert.update(time, signal, d.threshold);
    let startedAt = s.startedAt;
    if (transition === 'start') {
      startedAt = s.startedAt = time;
      this.alertCount++;
      this.activeCount++;
    } else if (transition === 'end') {
      this.activeCount--;
      s.startedAt = undefined;
    }
    return { detection: d, transition, inAlert: s.alert.inAlert, startedAt };
  }
}
