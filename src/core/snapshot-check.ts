/**
 * Checks for saved state read back from a context store: a snapshot may be corrupt, hand-edited
 * or written by another version, and each check throws a SnapshotError naming what is wrong, so
 * the operator can refuse the whole snapshot before any of it replaces the running state.
 */
import { ConfigError, SnapshotError, describeValue } from './errors';
import { MAX_EVENT_TIME } from './time-range';

export { SnapshotError };

/** An event time within the range of a date. */
export function snapTime(value: unknown, what: string): number {
  if (typeof value === 'number' && value >= -MAX_EVENT_TIME && value <= MAX_EVENT_TIME) return value;
  throw SnapshotError.because('snapshotTime', { what, max: MAX_EVENT_TIME, got: describeValue(value) });
}

/** A time, or null for "none" (returned as `none`, e.g. -Infinity). */
export function snapTimeOr(value: unknown, none: number, what: string): number {
  return value === null || value === undefined ? none : snapTime(value, what);
}

/** A count: a whole number of 0 or more. */
export function snapCount(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw SnapshotError.because('snapshotCount', { what, got: describeValue(value) });
}

/** A finite number. */
export function snapNumber(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw SnapshotError.because('snapshotNumber', { what, got: describeValue(value) });
}

/** A finite number, or null for "none" (returned as NaN, which JSON cannot hold). */
export function snapNumberOrNaN(value: unknown, what: string): number {
  return value === null ? NaN : snapNumber(value, what);
}

/** A number from `min` to `max` (both included); `whole` asks for an integer too. */
export function snapRange(value: unknown, min: number, max: number, what: string, whole = false): number {
  if (typeof value === 'number' && value >= min && value <= max && (!whole || Number.isInteger(value))) return value;
  throw SnapshotError.because('snapshotRange', { what, min, max, got: describeValue(value) });
}

/** A list of at most `max` finite numbers. */
export function snapNumbers(value: unknown, max: number, what: string): number[] {
  if (Array.isArray(value) && value.length <= max && value.every((v) => typeof v === 'number' && Number.isFinite(v))) return value as number[];
  const got = `${describeValue(value)}${Array.isArray(value) ? ` of ${value.length}` : ''}`;
  throw SnapshotError.because('snapshotNumbers', { what, max, got });
}

/** true or false. */
export function snapBoolean(value: unknown, what: string): boolean {
  if (typeof value === 'boolean') return value;
  throw SnapshotError.because('snapshotBoolean', { what });
}

/** An array (of `length` items when given). */
export function snapArray(value: unknown, what: string, length?: number): unknown[] {
  if (Array.isArray(value) && (length === undefined || value.length === length)) return value;
  const got = `${describeValue(value)}${Array.isArray(value) ? ` of ${value.length}` : ''}`;
  throw length === undefined ? SnapshotError.because('snapshotList', { what, got }) : SnapshotError.because('snapshotListOf', { what, length, got });
}

/** A saved key entry: an object naming its key. */
export type SavedKeyEntry = Record<string, unknown> & { key: string };

/** The saved per-key entries: a list of objects, each with a key string, no key twice. */
export function snapKeyEntries(value: unknown): SavedKeyEntry[] {
  const entries = snapArray(value, 'keys');
  const seen = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const key = snapObject(entry, `key entry ${i}`).key;
    if (typeof key !== 'string') throw SnapshotError.because('snapshotKeyString', { what: `key entry ${i}`, got: describeValue(key) });
    if (seen.has(key)) throw SnapshotError.because('snapshotTwice', { what: `key ${JSON.stringify(key)}` });
    seen.add(key);
  }
  return entries as SavedKeyEntry[];
}

/** A plain object. */
export function snapObject(value: unknown, what: string): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw SnapshotError.because('snapshotObject', { what, got: describeValue(value) });
}

/** One of the allowed values. */
export function snapOneOf<T>(value: unknown, allowed: readonly T[], what: string): T {
  if (allowed.includes(value as T)) return value as T;
  throw SnapshotError.because('snapshotOneOf', { what, allowed: allowed.join(', '), got: describeValue(value) });
}

/** How restoreWhole reaches an operator's state. */
export interface Restorable {
  /** The saved state's `kind` this operator takes, and how errors name the operator. */
  kind: string;
  label: string;
  /** The settings fingerprint saved with the state; a snapshot of other settings is refused. */
  config: unknown;
  /** The current state in the saved form, undefined when there is none. */
  current(): Record<string, unknown> | undefined;
  /** Replaces the state with a saved one; throws on anything it cannot use. */
  load(snap: Record<string, unknown>): void;
  /** Drops all state. */
  reset(): void;
}

/**
 * Replaces an operator's state with a snapshot, all or nothing: a snapshot of another kind or
 * other settings is refused before anything changes; one that fails while loading is undone by
 * loading the state from before. Throws ConfigError (SnapshotError for a damaged snapshot).
 */
export function restoreWhole(snapshot: unknown, op: Restorable): void {
  const snap = checkedSnapshot(snapshot, op.kind, 'snapshotKind', op.label, op.config);
  const previous = op.current();
  try {
    op.load(snap);
  } catch (err) {
    op.reset();
    if (previous !== undefined) op.load(previous);
    throw asConfigError(err);
  }
}

/** How restoreSomeKeys reaches an operator's per-key state (see keyed-partition-state.ts). */
export interface KeysRestorable {
  /** The `kind` of the operator's snapshotKeys() form, and how errors name the operator. */
  kind: string;
  label: string;
  /** The settings fingerprint saved with the keys; keys saved with other settings are refused. */
  config: unknown;
  /** snapshotKeys() of these keys as they are now. */
  current(keys: string[]): unknown;
  /** Forgets these keys. */
  drop(keys: string[]): void;
  /** Adds the keys of a snapshotKeys() form whose keys are not held; throws on anything it cannot use. */
  load(snap: Record<string, unknown>): void;
}

/**
 * Replaces the state of the keys a snapshotKeys() form holds, all or nothing like restoreWhole:
 * the keys' state from before is put back when loading fails. Returns the keys restored.
 */
export function restoreSomeKeys(snapshot: unknown, op: KeysRestorable): string[] {
  const snap = checkedSnapshot(snapshot, op.kind, 'snapshotKeysKind', op.label, op.config);
  const names = snapKeyEntries(snap.keys).map((entry) => entry.key);
  // The operator's own form of these keys, read back as load() reads any saved form.
  const previous = snapObject(op.current(names), 'snapshot');
  op.drop(names);
  try {
    op.load(snap);
  } catch (err) {
    op.drop(names);
    op.load(previous);
    throw asConfigError(err);
  }
  return names;
}

/** The snapshot as an object of `kind` taken with `config`; throws SnapshotError or ConfigError naming what differs. */
function checkedSnapshot(
  snapshot: unknown,
  kind: string,
  otherKind: 'snapshotKind' | 'snapshotKeysKind',
  label: string,
  config: unknown,
): Record<string, unknown> {
  const snap = snapObject(snapshot, 'snapshot');
  if (snap.kind !== kind) throw SnapshotError.because(otherKind, { label, got: describeValue(snap.kind) });
  const mine = JSON.stringify(config);
  const theirs = JSON.stringify(snap.config);
  if (mine !== theirs) throw ConfigError.of('snapshot', 'snapshotConfig', { theirs, what: label, mine });
  return snap;
}

/** A failure while loading saved state, as the ConfigError restore throws. */
function asConfigError(err: unknown): ConfigError {
  return err instanceof ConfigError ? err : SnapshotError.quoting('snapshotUnusable', {}, err);
}

/** A window [start, end) with start < end. */
export function snapWindow(start: unknown, end: unknown, what: string): [number, number] {
  const s = snapTime(start, `${what} start`);
  const e = snapTime(end, `${what} end`);
  if (!(s < e)) throw SnapshotError.because('snapshotWindowEnds', { what, start: s, end: e });
  return [s, e];
}
