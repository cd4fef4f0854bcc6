/**
 * A detector per key with its incident state: what stream-detect runs for each key, and what the
 * NAB benchmark runs per file, so the score a benchmark measures is the score a user sees.
 *
 * It owns the key table (bounded by maxKeys), turns a history given as a duration into a number of
 * events once a key's event rate is known, and runs the alert state (one alert per incident, one
 * end after the hold-off).
 */
import { AlertState, AlertTransition } from './alert-state';
import { Detection, DetectorOptions, Pattern, StreamDetector, WindowDetection, analyseWindow, createDetector, validateDetectorOptions } from './detector';
import { Key } from '../types';
import { describeValue, InputError } from '../errors';
import { SnapshotError, restoreSomeKeys, snapKeyEntries } from '../snapshot-check';
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
  /** Values waiting while a duration history learns the key's event rate. */
  pending?: Array<[number, number]>;
  alert: AlertState;
  startedAt?: number;
  /** Auto: whether the detector's own incident is open. */
  open?: boolean;
}

/** A keyed detector's state as plain data (patterns whose detectors can snapshot: auto). */
export interface KeyedSnapshot {
  pattern: Pattern;
  keys: Array<{ key: Key; state: unknown; startedAt?: number; open?: boolean }>;
  alerts: number;
}

/** Some keys' detectors as plain data (snapshotKeys), the saved form of a partition's keys. */
export interface KeyedKeysSnapshot {
  kind: 'detect-keys';
  config: { pattern: Pattern };
  keys: KeyedSnapshot['keys'];
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

  /** The detectors' state as plain data, or undefined when the pattern's detectors cannot snapshot. */
  snapshot(): KeyedSnapshot | undefined {
    if (this.pattern !== 'auto') return undefined;
    const keys: KeyedSnapshot['keys'] = [];
    for (const key of this.keys.keys()) {
      const entry = this.keyEntry(key);
      if (entry !== undefined) keys.push(entry);
    }
    return { pattern: this.pattern, keys, alerts: this.alertCount };
  }

  /** A key's saved entry, when its detector can snapshot. */
  private keyEntry(key: Key): KeyedSnapshot['keys'][number] | undefined {
    const s = this.keys.get(key);
    if (!s?.detector?.snapshot) return undefined;
    return { key, state: s.detector.snapshot(), startedAt: s.startedAt, open: s.open };
  }

  /** Adds a key's detector from its saved entry. */
  private put(key: Key, k: Omit<KeyedSnapshot['keys'][number], 'key'>): void {
    const s: KeyState = {
      alert: new AlertState({ holdOff: this.holdOff }),
      detector: createDetector(this.pattern, this.options, k.state),
      startedAt: k.startedAt,
      open: k.open,
    };
    this.keys.set(key, s);
    if (s.open) this.activeCount++;
  }

  /** Restores a snapshot taken by snapshot() of a detector with the same pattern; other snapshots are ignored. */
  restore(snap: KeyedSnapshot | undefined): void {
    if (!snap || snap.pattern !== this.pattern || !Array.isArray(snap.keys)) return;
    for (const k of snap.keys.slice(0, this.maxKeys)) {
      if (!this.keys.has(k.key)) this.put(k.key, k);
    }
    if (Number.isInteger(snap.alerts) && snap.alerts > this.alertCount) this.alertCount = snap.alerts;
  }

  /** Whether the key has a detector (or values waiting for one). */
  hasKey(key: Key): boolean {
    return this.keys.has(key);
  }

  /**
   * The detectors' state of some keys only (auto), with key entries as snapshot() writes them, to
   * restore them elsewhere with restoreKeys(); keys without state are left out.
   */
  snapshotKeys(keys: Iterable<Key>): KeyedKeysSnapshot {
    const out: KeyedSnapshot['keys'] = [];
    for (const key of keys) {
      const entry = this.keyEntry(key);
      if (entry !== undefined) out.push(entry);
    }
    return { kind: 'detect-keys', config: { pattern: this.pattern }, keys: out };
  }

  /**
   * Adds the keys of a snapshotKeys() result of a detector with the same pattern, replacing the
   * local state of the same keys, all or nothing (beyond maxKeys a key is left out and counted
   * as dropped); returns the keys restored. Throws ConfigError (SnapshotError) for anything else.
   */
  restoreKeys(saved: unknown): Key[] {
    const restored: Key[] = [];
    restoreSomeKeys(saved, {
      kind: 'detect-keys',
      label: `${this.pattern} detector`,
      config: { pattern: this.pattern },
      current: (keys) => this.snapshotKeys(keys),
      drop: (keys) => this.dropKeys(keys),
      load: (snap) => {
        restored.length = 0;
        for (const entry of snapKeyEntries(snap.keys)) {
          if (typeof entry.startedAt !== 'number' && entry.startedAt !== undefined && entry.startedAt !== null)
            throw SnapshotError.because('snapshotTimeOrNothing', { what: `key ${JSON.stringify(entry.key)} startedAt`, got: describeValue(entry.startedAt) });
          if (this.keys.size >= this.maxKeys) {
            this.dropped++;
            continue;
          }
          this.put(entry.key, {
            state: entry.state,
            startedAt: entry.startedAt ?? undefined,
            open: typeof entry.open === 'boolean' ? entry.open : undefined,
          } as KeyedSnapshot['keys'][number]);
          restored.push(entry.key);
        }
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
