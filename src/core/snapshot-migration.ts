/**
 * Reads saved state of any version a release wrote and brings it to the current form, one step per
 * version (v1 → v2 → …). A step only renames and restructures; it checks the outline it needs and
 * throws SnapshotError naming the part, and leaves every value for the operator's restore to check,
 * so a migrated snapshot is refused or taken whole exactly as a current one is.
 */
import { describeValue } from './errors';
import { SnapshotError, snapArray, snapObject, snapOneOf } from './snapshot-check';
import { SNAPSHOT_VERSION, SavedState, WindowState } from './snapshot-schema';

/** Saved state of a version this release cannot read (a newer release wrote it, or it has no version). */
export class SnapshotVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotVersionError';
  }
}

type Json = Record<string, unknown>;

/** The step from version n to n + 1, by n. */
const STEPS: Record<number, (state: Json) => Json> = { 1: fromV1 };

/** Saved state in the current form; throws SnapshotVersionError for an unknown version, SnapshotError for a damaged outline. */
export function readSavedState(saved: unknown): SavedState {
  const readable = `expected saved state of version 1 to ${SNAPSHOT_VERSION}`;
  if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) {
    throw new SnapshotVersionError(`${readable}, found ${Array.isArray(saved) ? 'a list' : `a ${saved === null ? 'null' : typeof saved}`}`);
  }
  let state = saved as Json;
  // Version 1 named its version `v`.
  let version = 'version' in state ? state.version : state.v;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1 || version > SNAPSHOT_VERSION) {
    throw new SnapshotVersionError(`${readable}, found version ${JSON.stringify(version) ?? 'none'}`);
  }
  for (; version < SNAPSHOT_VERSION; version++) state = STEPS[version](state);
  return state as unknown as SavedState;
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
      throw new SnapshotError(`operator: expected format stream-window-operator/1, stream-join/1 or stream-sequence/1, got ${describeValue(op.format)}`);
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
      throw new SnapshotError(`config window type: expected tumbling, sliding, session or global, got ${describeValue(window.type)}`);
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
      return { start, end, fired: snapOneOf(fired, [0, 1], `${at} fired`) === 1, left: joinEventsFromV1(left, `${at} left`), right: joinEventsFromV1(right, `${at} right`) };
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
