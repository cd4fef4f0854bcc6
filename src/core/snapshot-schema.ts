/**
 * The saved form of operator state: what a node writes to its context store and reads back after a
 * restart or a redeploy. It is a contract with every state saved by an earlier release, so it names
 * its fields, spells window lifecycle states as words, and carries one version number. A release
 * that changes the form raises SNAPSHOT_VERSION and adds a step to the migration chain
 * (snapshot-migration.ts) that turns the previous form into the new one; golden fixtures of every
 * version (test/fixtures/snapshots) are restored by the tests.
 *
 * Version 4 (this release): as version 3, but a detector's long lists of numbers are packed
 *   (packed-numbers.ts: base64 of little-endian doubles): anomaly's levels, steps and seasonal,
 *   changepoint's reference, spike's history, and the `values` of every ring in a detector state
 *   (the surprises' short and long, seasonality's ring, changepoint's clipped, auto's scorer).
 *   A detector reads a list of numbers there as well, so state of version 3 needs no step but
 *   its version number.
 * Version 3:
 *   { version: 3, operator?: OperatorState, extra?: <the node's own state, e.g. detector history> }
 *   OperatorState = { kind: 'window' | 'join' | 'sequence', config, watermark: WatermarkState, …counters, keys: [{ key, … }] }
 *   read from partitions also { partitions: { sources: [[source, group, max event time | null]], keys? } }
 *   (keys: a window's per-key clocks with watermarkScope 'key'); state without it still loads.
 *   window keys:  tumbling { windows: [{ start, count, state, acc }] }
 *                 hopping  { nextStart, panes: [{ start, count, acc }] }
 *                 per-event sliding { window, pending: [{ time, value }] }
 *                 session  { firedEnd, sessions: [{ start, end, count, state, acc } | { …, parts: [{ bucket, count, acc }] }] }
 *                 global   { sinceLastOpen, windows: [{ start, end, count, acc }] }
 *   Accumulators (`acc`) and a per-event sliding `window` are in their aggregate's own JSON form.
 *   The aggregate node's accumulator names each aggregation by its output name:
 *     { <as>: { op, …fields } }, the fields by op:
 *       count                        { count }
 *       sum, avg                     { count, sum }
 *       min, max, range              { min, max }                  (null while empty)
 *       stddev, variance             { count, mean, m2 }           (m2: sum of squared deviations)
 *       median, percentile(Disc)     { values } | { sketch: { count, zeros, min, max, positive: { firstBin, counts }, negative } }
 *       distinct                     { values } | { sketch }      (sketch: the HyperLogLog registers as a string)
 *       first, last, rate            { count, firstTime, first, lastTime, last }
 *       previous                     { count, lastTime, last, previousTime, previous }
 *     with dedup: { dedup: [{ key, time, acc }] }, `acc` the first event's accumulator as above;
 *     its per-event sliding window: { times, front?, slots: { <as>: … } } when every aggregation
 *     takes values out on exit, { projected: [[time, value]] } otherwise.
 *   The window nodes' accumulator is the list of the window's events.
 *   Join keys: interval { left: [{ time, value, matched }], right: […] }, window { windows: [{ start, end, fired, left, right }] };
 *   sequence keys { nextSeq, matches: [{ step, count, blocked, startTime, firstSeq, events: [[{ time, value, mask, seq }]] }] }
 *   beside the sequence's waiting events [{ key, time, value, mask }]; a detector's (extra)
 *   { pattern, config?, alerts, keys: [{ key, state, startedAt?, open? }] }, `state` the
 *   pattern's own detector state; pattern auto as written, every other pattern with
 *   config { pattern, history? } (history: events, or { duration }) and key entries
 *   { key, state, alert: { active, lastHot }, startedAt?, history?, pending? } (with a duration
 *   history: the events the key's rate gave, or state null and the [time, value] pairs still
 *   waiting for the rate). Detector states: anomaly { levels, steps, seasonal, surprises, seasons,
 *   signed, shape, period, previous, peak }, spike { history }, changepoint { reference, clipped,
 *   center, scale, up, down, varUp, upStart, downStart, varStart, varZSum, varCount }, trend
 *   { times, values, s }, seasonality { ring, sinceEstimate, current }; NaN ("none yet") as null.
 *   Patterns other than auto were not saved before this form had them: their fields are additions
 *   that no earlier state holds, so the version stays.
 *   The state of some keys only (one Kafka partition's, in its changelog record
 *   { v: 4, offset, maxTime, state }, see kafka-window-state.ts; records of version 3 are read too) has the same key entries:
 *   { kind: 'window-keys' | 'join-keys' | 'sequence-keys', config, keys } (sequence-keys with the
 *   waiting events of its keys), or { kind: 'detect-keys', config: { pattern, history? }, keys } of a detector, or
 *   { kind: 'combined-keys', parts: [<window-keys>, <detect-keys>] } of a detect node with its own
 *   windows (see combined-partition-state.ts; a plain window-keys form restores the windows only).
 * Version 2: as version 3, but the aggregate node's accumulator listed one accumulator per family
 *   of aggregations on one property, by position, with one-letter fields; only the aggregation
 *   settings tell the positions apart, so the set converts it when it reads it (see the migration).
 * Version 1: { v: 1, operator, extra } with positional lists and numbered states (see the migration).
 */
import { snapOneOf } from './snapshot-check';

/** The version of the saved form this release writes. */
export const SNAPSHOT_VERSION = 4;

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
