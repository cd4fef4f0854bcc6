/**
 * Reads saved state of any version a release wrote and brings it to the current form, one step per
 * version (v1 → v2 → …). A step only renames and restructures; it checks the outline it needs and
 * throws SnapshotError naming the part, and leaves every value for the operator's restore to check,
 * so a migrated snapshot is refused or taken whole exactly as a current one is.
 *
 * One part cannot be migrated here: an aggregation set's accumulators of version 2, which only the
 * set's settings can name (see "version 2 → 3" below); the set converts them when it reads them.
 */
import { ConfigReason, ReasonParams, reasonText } from './config-reasons';
import { describeValue } from './errors';
import { SnapshotError, snapArray, snapObject, snapOneOf } from './snapshot-check';
import { SNAPSHOT_VERSION, SavedState, WindowState } from './snapshot-schema';

/**
 * Saved state of a version this release cannot read (a newer release wrote it, or it has no
 * version). Made from a code of the setting reasons, which the node layer says in the user's
 * language; its message is the English text.
 */
export class SnapshotVersionError extends Error {
  constructor(
    readonly code: ConfigReason,
    readonly params: ReasonParams,
  ) {
    super(reasonText(code, params));
    this.name = 'SnapshotVersionError';
  }
}

type Json = Record<string, unknown>;

/** The step from version n to n + 1, by n. */
const STEPS: Record<number, (state: Json) => Json> = { 1: fromV1, 2: fromV2, 3: fromV3 };

/** Saved state in the current form; throws SnapshotVersionError for an unknown version, SnapshotError for a damaged outline. */
export function readSavedState(saved: unknown): SavedState {
  if (Array.isArray(saved)) throw new SnapshotVersionError('snapshotVersionList', { version: SNAPSHOT_VERSION });
  if (saved === null || typeof saved !== 'object') {
    throw new SnapshotVersionError('snapshotVersionType', { version: SNAPSHOT_VERSION, type: saved === null ? 'null' : typeof saved });
  }
  let state = saved as Json;
  // Version 1 named its version `v`.
  let version = 'version' in state ? state.version : state.v;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1 || version > SNAPSHOT_VERSION) {
    throw new SnapshotVersionError('snapshotVersionOther', { version: SNAPSHOT_VERSION, found: JSON.stringify(version) ?? 'none' });
  }
  for (; version < SNAPSHOT_VERSION; version++) state = STEPS[version](state);
  return currentForm(state);
}

/** The envelope of migrated state, checked: the current version, the operator's and the node's state as they are. */
function currentForm(state: Json): SavedState {
  if (state.version !== SNAPSHOT_VERSION)
    throw new SnapshotVersionError('snapshotMigrationEnd', { got: describeValue(state.version), version: SNAPSHOT_VERSION });
  const out: SavedState = { version: SNAPSHOT_VERSION };
  if (state.operator !== undefined) out.operator = state.operator;
  if (state.extra !== undefined) out.extra = state.extra;
  return out;
}

// ---- version 1 → 2 ------------------------------------------------------------------------
// Version 1 wrote { v: 1, operator, extra }; the operator named its kind in `format` and saved
// keys, windows, events and watermarks as positional lists, window states as engine numbers.

/** Version 1's window state numbers: tumbling windows counted from EMPTY = 0, sessions from OPEN = 0. */
const V1_TUMBLING_STATES: Record<number, WindowState> = { 1: 'open', 2: 'changed', 3: 'fired' };
const V1_SESSION_STATES: Record<number, WindowState> = { 0: 'open', 1: 'changed', 2: 'fired' };

function fromV1(v1: Json): Json {
  const state: Json = { version: 2 };
  if (v1.operator !== undefined && v1.operator !== null) state.operator = operatorFromV1(snapObject(v1.operator, 'operator'));
  if (v1.extra !== undefined && v1.extra !== null) state.extra = v1.extra;
  return state;
}

function operatorFromV1(op: Json): Json {
  switch (op.format) {
    case 'stream-window-operator/1':
      return windowFromV1(op);
    case 'stream-join/1':
      return joinFromV1(op);
    case 'stream-sequence/1':
      return sequenceFromV1(op);
    default:
      throw SnapshotError.because('snapshotOperatorFormat', { got: describeValue(op.format) });
  }
}

/** [maxEventTime, value, lastInputAt] → named. */
function watermarkFromV1(json: unknown, what: string): Json {
  const [maxEventTime, value, lastInputAt] = snapArray(json, what, 3);
  return { maxEventTime, value, lastInputAt };
}

function windowFromV1(op: Json): Json {
  const window = snapObject(snapObject(op.config, 'config').window, 'config window');
  const keyFromV1 = windowKeyFromV1(window);
  const keys = snapArray(op.keys, 'keys').map((entry, i) => {
    const [key, data, wm] = snapArray(entry, `key entry ${i}`, 3);
    const what = `key ${JSON.stringify(key)}`;
    const out: Json = { key, ...keyFromV1(data, what) };
    if (wm !== null) out.watermark = watermarkFromV1(wm, `${what} watermark`);
    return out;
  });
  // Counters missing from the earliest version-1 snapshots started at 0.
  return {
    kind: 'window',
    config: op.config,
    watermark: watermarkFromV1(op.watermark, 'watermark'),
    maxEventTime: op.maxEventTime ?? null,
    nextEarlyAt: op.nextEarlyAt ?? null,
    late: op.late ?? 0,
    dropped: op.dropped ?? 0,
    ahead: op.ahead ?? 0,
    keys,
  };
}

/** The engine's per-key state of version 1 → named fields, by window type. */
function windowKeyFromV1(window: Json): (data: unknown, what: string) => Json {
  switch (window.type) {
    case 'tumbling':
      return (data, what) => ({
        windows: snapArray(data, `${what} windows`).map((w, i) => {
          const [start, count, state, acc] = snapArray(w, `${what} window ${i}`, 4);
          return { start, count, state: stateFromV1(state, V1_TUMBLING_STATES, `${what} window ${i} state`), acc };
        }),
      });
    case 'sliding':
      if (window.slide === 'event') {
        return (data, what) => {
          const d = snapObject(data, what);
          const pending = snapArray(d.pending, `${what} pending`).map((p, i) => {
            const [time, value] = snapArray(p, `${what} pending ${i}`, 2);
            return { time, value };
          });
          return { window: d.window, pending };
        };
      }
      return (data, what) => {
        const d = snapObject(data, what);
        const panes = snapArray(d.panes, `${what} panes`).map((p, i) => {
          const [start, count, acc] = snapArray(p, `${what} pane ${i}`, 3);
          return { start, count, acc };
        });
        return { nextStart: d.nextStart, panes };
      };
    case 'session': {
      const cut = window.maxDuration !== undefined && window.maxDuration !== null;
      return (data, what) => {
        const d = snapObject(data, what);
        const sessions = snapArray(d.sessions, `${what} sessions`).map((s, i) => {
          const [start, end, count, state, acc] = snapArray(s, `${what} session ${i}`, 5);
          const session: Json = { start, end, count, state: stateFromV1(state, V1_SESSION_STATES, `${what} session ${i} state`) };
          const parts = (acc as { parts?: unknown } | null)?.parts;
          // Sessions cut by maxDuration kept { parts }; without parts they were cut by an older rule,
          // which the session engine refuses by the missing parts.
          if (cut && Array.isArray(parts)) {
            session.parts = parts.map((p, j) => {
              const [bucket, n, a] = snapArray(p, `${what} session ${i} part ${j}`, 3);
              return { bucket, count: n, acc: a };
            });
          } else {
            session.acc = acc;
          }
          return session;
        });
        return { firedEnd: d.firedEnd, sessions };
      };
    }
    case 'global':
      return (data, what) => {
        const d = snapObject(data, what);
        const windows = snapArray(d.open, `${what} windows`).map((w, i) => {
          const [start, end, count, acc] = snapArray(w, `${what} window ${i}`, 4);
          return { start, end, count, acc };
        });
        return { sinceLastOpen: d.n, windows };
      };
    default:
      throw SnapshotError.because('snapshotWindowType', { got: describeValue(window.type) });
  }
}

function stateFromV1(value: unknown, names: Record<number, WindowState>, what: string): WindowState {
  return names[snapOneOf(value, Object.keys(names).map(Number), what)];
}

/** [time, value, matched 0/1] → named. */
function joinEventsFromV1(list: unknown, what: string): Json[] {
  return snapArray(list, what).map((e, i) => {
    const [time, value, matched] = snapArray(e, `${what} ${i}`, 3);
    return { time, value, matched: snapOneOf(matched, [0, 1], `${what} ${i} matched`) === 1 };
  });
}

function joinFromV1(op: Json): Json {
  const interval = snapObject(snapObject(op.config, 'config').join, 'config join').mode === 'interval';
  const keys = snapArray(op.keys, 'keys').map((entry, i) => {
    const [key, data] = snapArray(entry, `key entry ${i}`, 2);
    const what = `key ${JSON.stringify(key)}`;
    if (interval) {
      const [left, right] = snapArray(data, what, 2);
      return { key, left: joinEventsFromV1(left, `${what} left`), right: joinEventsFromV1(right, `${what} right`) };
    }
    const windows = snapArray(data, `${what} windows`).map((w, j) => {
      const at = `${what} window ${j}`;
      const [start, end, fired, left, right] = snapArray(w, at, 5);
      return {
        start,
        end,
        fired: snapOneOf(fired, [0, 1], `${at} fired`) === 1,
        left: joinEventsFromV1(left, `${at} left`),
        right: joinEventsFromV1(right, `${at} right`),
      };
    });
    return { key, windows };
  });
  return { kind: 'join', config: op.config, watermark: watermarkFromV1(op.watermark, 'watermark'), late: op.late, dropped: op.dropped, keys };
}

function sequenceFromV1(op: Json): Json {
  const [late, dropped, timeouts, matched] = snapArray(op.counters, 'counters', 4);
  const waiting = snapArray(op.waiting, 'waiting').map((w, i) => {
    const [key, time, value, mask] = snapArray(w, `waiting ${i}`, 4);
    return { key, time, value, mask };
  });
  const keys = snapArray(op.keys, 'keys').map((entry, i) => {
    const [key, nextSeq, pms] = snapArray(entry, `key entry ${i}`, 3);
    const what = `key ${JSON.stringify(key)}`;
    const matches = snapArray(pms, `${what} matches`).map((pm, j) => {
      const at = `${what} match ${j}`;
      const [step, count, blocked, startTime, firstSeq, events] = snapArray(pm, at, 6);
      const lists = snapArray(events, `${at} events`).map((list, s) =>
        snapArray(list, `${at} step ${s}`).map((e, k) => {
          const [time, value, mask, seq] = snapArray(e, `${at} step ${s} event ${k}`, 4);
          return { time, value, mask, seq };
        }),
      );
      return { step, count, blocked: snapOneOf(blocked, [0, 1], `${at} blocked`) === 1, startTime, firstSeq, events: lists };
    });
    return { key, nextSeq, matches };
  });
  return { kind: 'sequence', config: op.config, watermark: watermarkFromV1(op.watermark, 'watermark'), late, dropped, timeouts, matched, waiting, keys };
}

// ---- version 2 → 3 ------------------------------------------------------------------------
// Version 2 saved an aggregation set's accumulators by position, one per family of aggregations
// on one property (sum and avg shared one; min, max and range one; the percentiles one; first and
// last one), ordered by property: a list, or the lone accumulator itself when there was one, with
// one-letter fields. Version 3 names each aggregation's own accumulator. The saved form does not
// carry the aggregation settings, which alone tell which position is which aggregation, so the
// version step changes nothing else, and the set converts a version-2 accumulator (and a
// per-event sliding window's per-slot state) with the functions below when it reads one.

function fromV2(v2: Json): Json {
  return { ...v2, version: 3 };
}

// ---- version 3 → 4 ------------------------------------------------------------------------
// Version 4 packs a detector's long lists of numbers; the detectors read the lists of version 3 as they are.

function fromV3(v3: Json): Json {
  return { ...v3, version: 4 };
}

/** What a conversion needs of one aggregation of a set: output name, op and canonical property path. */
export interface AggregationOutline {
  name: string;
  op: string;
  path: string;
}

/** Whether `json` is a set accumulator of version 3: every entry an object naming its op (version 2 wrote lists, numbers and untagged fields). */
export function isNamedAggregations(json: unknown): json is Record<string, Json> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  const entries = Object.values(json);
  return entries.length > 0 && entries.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e) && typeof e.op === 'string');
}

/** Version 2's accumulator family of each op: the ops of one family on one property shared a slot. */
const V2_FAMILIES: Record<string, string> = {
  count: 'count',
  sum: 'sum',
  avg: 'sum',
  min: 'extremes',
  max: 'extremes',
  range: 'extremes',
  stddev: 'variance',
  variance: 'variance',
  median: 'quantile',
  percentile: 'quantile',
  percentileDisc: 'quantile',
  distinct: 'distinct',
  first: 'first-last',
  last: 'first-last',
  previous: 'previous',
  rate: 'rate',
};

/** Version 2's slots of a set: the slot of each aggregation and the family of each slot, in saved order. */
function v2Slots(aggs: readonly AggregationOutline[]): { slotOf: number[]; families: string[] } {
  const slots: Array<{ family: string; path: string }> = [];
  const created = aggs.map((a) => {
    const family = V2_FAMILIES[a.op];
    const at = slots.findIndex((s) => s.family === family && s.path === a.path);
    return at >= 0 ? at : slots.push({ family, path: a.path }) - 1;
  });
  // Slots on one property were saved next to each other, properties in the order first read.
  const firstRead = (i: number): number => slots.findIndex((s) => s.path === slots[i].path);
  const order = slots.map((_, i) => i).sort((a, b) => firstRead(a) - firstRead(b) || a - b);
  return { slotOf: created.map((i) => order.indexOf(i)), families: order.map((i) => slots[i].family) };
}

/** A set accumulator of version 2 in the named form of version 3. */
export function aggregationsAccFromV2(json: unknown, aggs: readonly AggregationOutline[]): Record<string, Json> {
  const { slotOf, families } = v2Slots(aggs);
  if (families.length > 1 && !Array.isArray(json)) {
    throw SnapshotError.because('snapshotAccumulatorForm', { names: aggs.map((a) => a.name).join(', '), got: describeValue(json) });
  }
  const slots = families.length === 1 ? [json] : snapArray(json, 'accumulator of version 2', families.length);
  const out: Record<string, Json> = {};
  aggs.forEach((a, i) => {
    out[a.name] = { op: a.op, ...accFieldsFromV2(families[slotOf[i]], slots[slotOf[i]], `accumulator of ${a.name}`) };
  });
  return out;
}

/** One family's accumulator of version 2 → the named fields its aggregates read. */
function accFieldsFromV2(family: string, json: unknown, what: string): Json {
  if (family === 'count') return { count: json };
  const o = snapObject(json, what);
  switch (family) {
    case 'sum':
      return { count: o.n, sum: o.s };
    case 'extremes':
      return { min: o.lo, max: o.hi };
    case 'variance':
      return { count: o.n, mean: o.m, m2: o.q };
    case 'quantile':
      return o.v !== undefined ? { values: o.v } : { sketch: sketchFromV2(o.s, `${what} sketch`) };
    case 'distinct':
      return o.v !== undefined ? { values: o.v } : { sketch: o.h };
    case 'previous':
      return { count: o.n, lastTime: o.lt, last: o.l, previousTime: o.pt, previous: o.p };
    default:
      // first-last and rate
      return { count: o.n, firstTime: o.ft, first: o.f, lastTime: o.lt, last: o.l };
  }
}

/** A quantile sketch of version 2 ({ n, z, min, max, p: [lo, counts], m: [lo, counts] }) → named. */
function sketchFromV2(json: unknown, what: string): Json {
  const o = snapObject(json, what);
  const store = (v: unknown, part: string): Json => {
    const [firstBin, counts] = snapArray(v, `${what} ${part}`, 2);
    return { firstBin, counts };
  };
  return { count: o.n, zeros: o.z, min: o.min, max: o.max, positive: store(o.p, 'positive bins'), negative: store(o.m, 'negative bins') };
}

/**
 * A set's per-event sliding window of version 2 in the form of version 3: slot states listed by
 * family become one per aggregation, by name; a lone family of min/max/range, which version 2
 * kept in a window of deques alone ({ times, lo, hi }), becomes that state per aggregation.
 * Anything else is returned as it is.
 */
export function aggregationsWindowFromV2(json: unknown, aggs: readonly AggregationOutline[]): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  const { slotOf, families } = v2Slots(aggs);
  let list: unknown[];
  if ('slots' in json && Array.isArray(json.slots)) list = snapArray(json.slots, 'sliding window slots of version 2', families.length);
  else if (families.length === 1 && families[0] === 'extremes' && 'lo' in json && 'hi' in json) list = [{ lo: json.lo, hi: json.hi }];
  else return json;
  const slots: Json = {};
  aggs.forEach((a, i) => {
    slots[a.name] = list[slotOf[i]];
  });
  const rest = Object.entries(json).filter(([field]) => field !== 'lo' && field !== 'hi');
  return { ...Object.fromEntries(rest), slots };
}
