/**
 * The saved form of operator state: what a node writes to its context store and reads back after a
 * restart or a redeploy. It is a contract with every state saved by an earlier release, so it names
 * its fields, spells window lifecycle states as words, and carries one version number. A release
 * that changes the form raises SNAPSHOT_VERSION and adds a step to the migration chain
 * (snapshot-migration.ts) that turns the previous form into the new one; golden fixtures of every
 * version (test/fixtures/snapshots) are restored by the tests.
 *
 * Version 2 (this release):
 *   { version: 2, operator?: OperatorState, extra?: <the node's own state, e.g. detector history> }
 *   OperatorState = { kind: 'window' | 'join' | 'sequence', config, watermark: WatermarkState, …counters, keys: [{ key, … }] }
 *   window keys:  tumbling { windows: [{ start, count, state, acc }] }
 *                 hopping  { nextStart, panes: [{ start, count, acc }] }
 *                 per-event sliding { window, pending: [{ time, value }] }
 *                 session  { firedEnd, sessions: [{ start, end, count, state, acc } | { …, parts: [{ bucket, count, acc }] }] }
 *                 global   { sinceLastOpen, windows: [{ start, end, count, acc }] }
 *   Accumulators (`acc`) and a per-event sliding `window` are in their aggregate's own JSON form.
 * Version 1: { v: 1, operator, extra } with positional lists and numbered states (see the migration).
 */
import { snapOneOf } from './snapshot-check';

/** The version of the saved form this release writes. */
export const SNAPSHOT_VERSION = 2;

/** What a node saves: the operator's state and the node's own state beside it. */
export interface SavedState {
  version: number;
  operator?: unknown;
  extra?: unknown;
}

/** A window's lifecycle as saved: collecting, collecting with changes not yet emitted early, or fired and kept for late events. */
export type WindowState = 'open' | 'changed' | 'fired';

/** Every saved window state, in lifecycle order. */
export const WINDOW_STATES: readonly WindowState[] = ['open', 'changed', 'fired'];

/** How one engine numbers the saved lifecycle states in memory. */
export type WindowStateCodes = Readonly<Record<WindowState, number>>;

/** The saved name of an engine's in-memory state number. */
export function windowStateName(code: number, codes: WindowStateCodes): WindowState {
  for (const name of WINDOW_STATES) if (codes[name] === code) return name;
  throw new RangeError(`window state ${code} has no saved name`);
}

/** The in-memory number of a saved state name; throws SnapshotError naming `what` for anything else. */
export function windowStateCode(value: unknown, codes: WindowStateCodes, what: string): number {
  return codes[snapOneOf(value, WINDOW_STATES, what)];
}

/** The state a node saves, in the current form. */
export function savedState(operator: unknown, extra: unknown): SavedState {
  const state: SavedState = { version: SNAPSHOT_VERSION };
  if (operator !== undefined) state.operator = operator;
  if (extra !== undefined) state.extra = extra;
  return state;
}
