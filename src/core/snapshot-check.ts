/**
 * Checks for saved state read back from a context store: a snapshot may be corrupt, hand-edited
 * or written by another version, and each check throws a SnapshotError naming what is wrong, so
 * the operator can refuse the whole snapshot before any of it replaces the running state.
 */
import { ConfigError, describeValue } from './errors';
import { MAX_EVENT_TIME } from './time-range';

/** A snapshot that cannot be restored; `message` names the part and what was found. */
export class SnapshotError extends ConfigError {
  constructor(message: string) {
    super('snapshot', message);
    this.name = 'SnapshotError';
  }
}

/** An event time within the range of a date. */
export function snapTime(value: unknown, what: string): number {
  if (typeof value === 'number' && value >= -MAX_EVENT_TIME && value <= MAX_EVENT_TIME) return value;
  throw new SnapshotError(`${what}: expected a time in ms within ±${MAX_EVENT_TIME}, got ${describeValue(value)}`);
}

/** A time, or null for "none" (returned as `none`, e.g. -Infinity). */
export function snapTimeOr(value: unknown, none: number, what: string): number {
  return value === null || value === undefined ? none : snapTime(value, what);
}

/** A count: a whole number of 0 or more. */
export function snapCount(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new SnapshotError(`${what}: expected a whole number of 0 or more, got ${describeValue(value)}`);
}

/** An array (of `length` items when given). */
export function snapArray(value: unknown, what: string, length?: number): unknown[] {
  if (Array.isArray(value) && (length === undefined || value.length === length)) return value;
  throw new SnapshotError(
    `${what}: expected ${length === undefined ? 'a list' : `a list of ${length}`}, got ${describeValue(value)}${Array.isArray(value) ? ` of ${value.length}` : ''}`,
  );
}

/** A saved key entry: an object naming its key. */
export type SavedKeyEntry = Record<string, unknown> & { key: string };

/** The saved per-key entries: a list of objects, each with a key string, no key twice. */
export function snapKeyEntries(value: unknown): SavedKeyEntry[] {
  const entries = snapArray(value, 'keys');
  const seen = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const key = snapObject(entry, `key entry ${i}`).key;
    if (typeof key !== 'string') throw new SnapshotError(`key entry ${i}: expected a key string, got ${describeValue(key)}`);
    if (seen.has(key)) throw new SnapshotError(`key ${JSON.stringify(key)} appears twice`);
    seen.add(key);
  }
  return entries as SavedKeyEntry[];
}

/** A plain object. */
export function snapObject(value: unknown, what: string): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new SnapshotError(`${what}: expected an object, got ${describeValue(value)}`);
}

/** One of the allowed values. */
export function snapOneOf<T>(value: unknown, allowed: readonly T[], what: string): T {
  if (allowed.includes(value as T)) return value as T;
  throw new SnapshotError(`${what}: expected one of ${allowed.join(', ')}, got ${describeValue(value)}`);
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
  const snap = snapObject(snapshot, 'snapshot');
  if (snap.kind !== op.kind) throw new SnapshotError(`expected the state of a ${op.label}, got ${describeValue(snap.kind)}`);
  const mine = JSON.stringify(op.config);
  const theirs = JSON.stringify(snap.config);
  if (mine !== theirs) throw ConfigError.of('snapshot', 'snapshotConfig', { theirs, what: op.label, mine });
  const previous = op.current();
  try {
    op.load(snap);
  } catch (err) {
    op.reset();
    if (previous !== undefined) op.load(previous);
    if (err instanceof ConfigError) throw err;
    throw new SnapshotError(err instanceof Error ? err.message : String(err));
  }
}

/** A window [start, end) with start < end. */
export function snapWindow(start: unknown, end: unknown, what: string): [number, number] {
  const s = snapTime(start, `${what} start`);
  const e = snapTime(end, `${what} end`);
  if (!(s < e)) throw new SnapshotError(`${what}: start ${s} is not before end ${e}`);
  return [s, e];
}
