/**
 * One fuzz case: a node configuration and a message sequence — a clean stream of readings on the
 * keys c1..c3, control messages both nodes get ("shared"), and hostile messages interleaved.
 * fast-check draws the case as plain tokens, so the same (config, seed) rebuilds the same case
 * in any process, and a message is made fresh for each node from its tokens: NaN, Infinity,
 * -0, Dates, missing properties and own `__proto__` properties cannot travel as JSON.
 */
import * as fc from 'fast-check';
import { FUZZ_CONFIGS, FuzzConfig } from './fuzz-configs';

export type Msg = Record<string, any>;

/**
 * Event time of the first clean reading: ten minutes ago (to the minute), so the clean stream is
 * as close to the clock as live readings are, and any bound a node sets relative to arrival time
 * (a maximum skew into the future or the past) treats it as it would treat live readings.
 */
export const T0 = Math.floor(Date.now() / 60000) * 60000 - 10 * 60000;
export const CLEAN_KEYS = ['c1', 'c2', 'c3'];
/** A far-future time: more than this ahead of the clock. */
const FUTURE_MS = 24 * 3600 * 1000;

/** A token and how to make its value; `plausible` is the latest clean event time so far. */
interface Token {
  show: string;
  make(plausible: number): unknown;
  /** For keys: an object or array, which a keyed node must refuse. */
  unusable?: boolean;
}
const MISSING = Symbol('missing');
const tok = (show: string, make: (p: number) => unknown, unusable = false): Token => ({ show, make, unusable });
const lit = (v: unknown, show = typeof v === 'string' ? JSON.stringify(v) : String(v)): Token => tok(show, () => v);

const KEYS: Record<string, Token> = {
  c1: lit('c1'),
  c2: lit('c2'),
  c3: lit('c3'),
  h1: lit('h1'),
  h2: lit('h2'),
  object: tok('{ a: 1 }', () => ({ a: 1 }), true),
  array: tok('[1, 2]', () => [1, 2], true),
  nested: tok('{ toString: "x" }', () => ({ toString: 'x' }), true),
  true: lit(true),
  false: lit(false),
  empty: lit(''),
  zero: lit(0),
  negZero: tok('-0', () => -0),
  nan: lit(NaN),
  big: lit(1e308),
  proto: lit('__proto__'),
  ctor: lit('constructor'),
  prototype: lit('prototype'),
  hasOwn: lit('hasOwnProperty'),
  toStr: lit('toString'),
  long: tok('"k".repeat(5000)', () => 'k'.repeat(5000)),
  null: lit(null),
  missing: tok('(missing)', () => MISSING),
};
const HOSTILE_KEYS = Object.keys(KEYS).filter((k) => !CLEAN_KEYS.includes(k));
const UNUSABLE_KEYS = Object.keys(KEYS).filter((k) => KEYS[k].unusable);
// A reset without a topic clears every key by design: only topics that name one key are hostile.
const RESET_KEYS = HOSTILE_KEYS.filter((k) => k !== 'missing' && k !== 'null');

const BAD_TIMES: Record<string, Token> = {
  nan: lit(NaN),
  inf: lit(Infinity),
  negInf: lit(-Infinity),
  text: lit('not a date'),
  empty: lit(''),
  badIso: lit('2026-13-45T00:00:00Z'),
  object: tok('{}', () => ({})),
  array: tok('[]', () => []),
  bool: lit(true),
  null: lit(null),
  missing: tok('(missing)', () => MISSING),
  badDate: tok('new Date(NaN)', () => new Date(NaN)),
  expString: lit('1e20'),
  spaces: lit('   '),
};
const EXTREME_TIMES: Record<string, Token> = {
  e20: lit(1e20),
  negMax: lit(-1.7976931348623157e308),
  max: lit(1.7976931348623157e308),
  fltMax: lit(3.4028234663852886e38),
  micro: tok('T × 1000 (µs)', (p) => p * 1000),
  nano: tok('T × 1e6 (ns)', (p) => p * 1e6),
  negative: lit(-1),
  zero: lit(0),
  seconds: tok('T / 1000 (s)', (p) => Math.floor(p / 1000)),
  pastHour: tok('T − 1 h', (p) => p - 3600000),
  // A minute before the latest clean reading, written without a zone (UTC) and with one.
  isoLocal: tok('ISO of T − 1 min, no zone', (p) => new Date(p - 60000).toISOString().slice(0, 19)),
  isoZoned: tok('ISO of T − 1 min, +05:30', (p) => new Date(p - 60000 + 19800000).toISOString().slice(0, 19) + '+05:30'),
  iso2100: lit('2100-01-01T00:00:00Z'),
  dateMax: tok('new Date(8.64e15)', () => new Date(8.64e15)),
  numericString: lit('99999999999999999999'),
  year275760: lit(8.64e15 + 1),
};
const BAD_VALUES: Record<string, Token> = {
  text: lit('abc'),
  numText: lit('12abc'),
  null: lit(null),
  object: tok('{}', () => ({})),
  array: tok('[1]', () => [1]),
  bool: lit(true),
  nan: lit(NaN),
  inf: lit(Infinity),
  negInf: lit(-Infinity),
  missing: tok('(missing)', () => MISSING),
};
const EXTREME_VALUES: Record<string, Token> = {
  max: lit(1e308),
  negMax: lit(-1.79e308),
  fltMax: lit(3.4028234663852886e38),
  tiny: lit(5e-324),
  negZero: tok('-0', () => -0),
  e20: lit(1e20),
  numString: lit('42'),
  // Catastrophic backtracking for a nested quantifier such as (a+)+$.
  backtrack: tok('"a".repeat(32) + "!"', () => 'a'.repeat(32) + '!'),
};
const SIM_BAD: Record<string, Token> = {
  tock: lit('tock'),
  startNow: lit('start now'),
  object: tok('{}', () => ({})),
  array: tok('["tick"]', () => ['tick']),
  null: lit(null),
  missing: tok('(missing)', () => MISSING),
  nan: lit(NaN),
  bool: lit(true),
  empty: lit(''),
  proto: lit('__proto__'),
  ctor: lit('constructor'),
  toStr: lit('toString'),
  number: lit(42),
};

/** A hostile message as tokens. */
export type Hostile =
  | { kind: 'badTime' | 'extremeTime'; key: string; time: string }
  | { kind: 'badValue' | 'extremeValue'; key: string; value: string }
  | { kind: 'oddKey'; key: string }
  | { kind: 'batch'; items: Array<Hostile | { kind: 'raw'; value: string }> }
  | { kind: 'window'; key: string; window: string; records: string[] }
  | { kind: 'reset'; key: string }
  | { kind: 'pollute'; variant: number }
  | { kind: 'sim'; value: string };

export type Item =
  | { role: 'clean'; key: string; value: number; dt: number }
  | { role: 'clean'; sim: 'tick' | 'reset' | 'stop' }
  | { role: 'shared'; flush: string }
  | { role: 'hostile'; h: Hostile };

export interface FuzzCase {
  config: FuzzConfig;
  configIndex: number;
  items: Item[];
}

const pick = (table: Record<string, Token>): fc.Arbitrary<string> => fc.constantFrom(...Object.keys(table));
const cleanKey = fc.constantFrom(...CLEAN_KEYS);
const hostileKey = fc.constantFrom('h1', 'h2');
const anyKey = fc.constantFrom(...HOSTILE_KEYS);
const POLLUTE_VARIANTS = 6;

function hostileArb(cfg: FuzzConfig): fc.Arbitrary<Hostile> {
  if (cfg.value === 'sim') return pick(SIM_BAD).map((value) => ({ kind: 'sim' as const, value }));
  const single: fc.Arbitrary<Hostile> = fc.oneof(
    // Unusable times may name a clean key: the node must refuse them without a trace.
    fc.record({ kind: fc.constant('badTime' as const), key: cfg.readsTime ? fc.oneof(cleanKey, hostileKey) : hostileKey, time: pick(BAD_TIMES) }),
    fc.record({ kind: fc.constant('extremeTime' as const), key: hostileKey, time: pick(EXTREME_TIMES) }),
    fc.record({ kind: fc.constant('badValue' as const), key: cfg.readsNumber ? fc.oneof(cleanKey, hostileKey) : hostileKey, value: pick(BAD_VALUES) }),
    fc.record({ kind: fc.constant('extremeValue' as const), key: hostileKey, value: pick(EXTREME_VALUES) }),
    fc.record({ kind: fc.constant('oddKey' as const), key: anyKey }),
  );
  const raw = fc.constantFrom('null', 'five', 'text', 'array', 'emptyObject').map((value) => ({ kind: 'raw' as const, value }));
  return fc.oneof(
    { weight: 6, arbitrary: single },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('batch' as const), items: fc.array(fc.oneof(single, raw), { minLength: 0, maxLength: 6 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('window' as const),
        key: hostileKey,
        window: fc.constantFrom('ok', 'empty', 'nanStart', 'array', 'stringPayload'),
        records: fc.array(fc.constantFrom('good', 'text', 'null', 'nan', 'raw', 'badTime', 'huge'), { maxLength: 5 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('reset' as const), key: fc.oneof(fc.constantFrom(...UNUSABLE_KEYS), fc.constantFrom(...RESET_KEYS)) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('pollute' as const), variant: fc.nat(POLLUTE_VARIANTS - 1) }) },
  );
}

function cleanArb(cfg: FuzzConfig): fc.Arbitrary<Item> {
  if (cfg.value === 'sim') {
    return fc.constantFrom('tick', 'tick', 'tick', 'tick', 'reset', 'stop').map((sim) => ({ role: 'clean' as const, sim }));
  }
  return fc.record({
    role: fc.constant('clean' as const),
    key: cleanKey,
    value: fc.integer({ min: 0, max: 1000 }).map((v) => v / 10),
    // Mostly forward in time, sometimes a little out of order.
    dt: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 4000 }) }, { weight: 1, arbitrary: fc.integer({ min: -1500, max: 0 }) }),
  });
}

/** The arbitrary of cases for one configuration. */
export function caseArb(configIndex: number): fc.Arbitrary<FuzzCase> {
  const config = FUZZ_CONFIGS[configIndex];
  const shared: fc.Arbitrary<Item> = fc.constantFrom('none', 'h1', 'true', 'object', 'empty', 'c1').map((flush) => ({ role: 'shared' as const, flush }));
  return fc
    .record({
      clean: fc.array(cleanArb(config), { minLength: 4, maxLength: 40 }),
      hostile: fc.array(fc.tuple(fc.nat(), hostileArb(config)), { minLength: 1, maxLength: 14 }),
      flushes: fc.array(fc.tuple(fc.nat(), shared), { maxLength: config.value === 'sim' ? 0 : 2 }),
    })
    .map(({ clean, hostile, flushes }) => {
      const slots: Item[][] = Array.from({ length: clean.length + 1 }, () => []);
      for (const [at, h] of hostile) slots[at % slots.length].push({ role: 'hostile', h });
      for (const [at, s] of flushes) slots[at % slots.length].push(s);
      const items: Item[] = [];
      slots.forEach((extra, i) => {
        items.push(...extra);
        if (i < clean.length) items.push(clean[i]);
      });
      // A final flush shows what every open window holds.
      if (config.value !== 'sim') items.push({ role: 'shared', flush: 'none' });
      return { config, configIndex, items };
    });
}

/** Rebuilds case `caseSeed` of configuration `configIndex` (same seed, same case, in any process). */
export function buildCase(configIndex: number, caseSeed: number): FuzzCase {
  return fc.sample(caseArb(configIndex), { seed: caseSeed, numRuns: 1 })[0];
}

/** A message about to be sent, with what the harness expects of it. */
export interface Prepared {
  index: number;
  role: Item['role'];
  msg: Msg;
  /** The node must report it through done(err). */
  mustReject: boolean;
  /** Carries an event time more than a day ahead of the clock. */
  future: boolean;
  /** A JavaScript literal of the message, for reproductions. */
  text: string;
}

function set(msg: Msg, prop: string, value: unknown): void {
  if (value !== MISSING) msg[prop] = value;
}

function valueShape(cfg: FuzzConfig, v: unknown): unknown {
  if (cfg.value !== 'payload.temperature') return v;
  const payload: Msg = { humidity: 50 };
  set(payload, 'temperature', v);
  return payload;
}

const isFuture = (t: unknown): boolean => {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'string' ? (/^\d+$/.test(t.trim()) ? Number(t) : Date.parse(t)) : t;
  return typeof ms === 'number' && ms > Date.now() + FUTURE_MS;
};

interface Made {
  msg: unknown;
  mustReject: boolean;
  future: boolean;
}

/** Makes a hostile message (or batch element) fresh from its tokens. */
function makeHostile(cfg: FuzzConfig, h: Hostile | { kind: 'raw'; value: string }, plausible: number): Made {
  const msg: Msg = {};
  switch (h.kind) {
    case 'raw': {
      const raw: Record<string, unknown> = { null: null, five: 5, text: 'x', array: [], emptyObject: {} };
      // An empty object or array is an event without time or key: refused wherever time is read.
      const objectLike = h.value === 'emptyObject' || h.value === 'array';
      return { msg: raw[h.value], mustReject: !objectLike || cfg.readsTime, future: false };
    }
    case 'badTime':
    case 'extremeTime': {
      const t = (h.kind === 'badTime' ? BAD_TIMES : EXTREME_TIMES)[h.time].make(plausible);
      set(msg, 'topic', KEYS[h.key].make(plausible));
      msg.payload = valueShape(cfg, 50);
      set(msg, 'timestamp', t);
      return { msg, mustReject: h.kind === 'badTime' && cfg.readsTime, future: h.kind === 'extremeTime' && isFuture(t) };
    }
    case 'badValue':
    case 'extremeValue': {
      set(msg, 'topic', KEYS[h.key].make(plausible));
      const v = (h.kind === 'badValue' ? BAD_VALUES : EXTREME_VALUES)[h.value].make(plausible);
      if (v !== MISSING) msg.payload = valueShape(cfg, v);
      msg.timestamp = plausible;
      return { msg, mustReject: h.kind === 'badValue' && cfg.readsNumber, future: false };
    }
    case 'oddKey': {
      set(msg, 'topic', KEYS[h.key].make(plausible));
      msg.payload = valueShape(cfg, 50);
      msg.timestamp = plausible;
      return { msg, mustReject: !!KEYS[h.key].unusable && cfg.readsKey, future: false };
    }
    case 'batch': {
      const made = h.items.map((item) => makeHostile(cfg, item, plausible));
      return {
        msg: { batch: true, payload: made.map((m) => m.msg) },
        mustReject: made.some((m) => m.mustReject),
        future: made.some((m) => m.future),
      };
    }
    case 'window': {
      const key = KEYS[h.key].make(plausible) as string;
      const records = h.records.map((r) => {
        switch (r) {
          case 'good':
            return { topic: key, payload: valueShape(cfg, 40), timestamp: plausible - 1000 };
          case 'text':
            return { topic: key, payload: 'abc', timestamp: plausible - 1000 };
          case 'null':
            return null;
          case 'nan':
            return { topic: key, payload: NaN, timestamp: plausible - 1000 };
          case 'raw':
            return 7;
          case 'badTime':
            return { topic: key, payload: valueShape(cfg, 40), timestamp: 'never' };
          default:
            return { topic: key, payload: valueShape(cfg, 1e308), timestamp: plausible - 1000 };
        }
      });
      const windows: Record<string, unknown> = {
        ok: { type: 'tumbling', key, start: plausible - 10000, end: plausible, count: records.length, firing: 'final' },
        empty: {},
        nanStart: { type: 'tumbling', key, start: NaN, end: Infinity, count: -1 },
        array: [],
        stringPayload: { type: 'tumbling', key, start: plausible - 10000, end: plausible, count: 1 },
      };
      return {
        msg: { topic: key, payload: h.window === 'stringPayload' ? 'not records' : records, window: windows[h.window] },
        mustReject: false,
        future: false,
      };
    }
    case 'reset': {
      const reset: Msg = { reset: true };
      set(reset, 'topic', KEYS[h.key].make(plausible));
      return { msg: reset, mustReject: !!KEYS[h.key].unusable && cfg.keyed, future: false };
    }
    case 'pollute': {
      const t = plausible;
      const texts = [
        `{"topic":"h1","payload":{"__proto__":{"polluted":"payload"},"temperature":1},"timestamp":${t}}`,
        `{"topic":"__proto__","payload":1,"timestamp":${t},"__proto__":{"polluted":"msg"}}`,
        `{"topic":"constructor","payload":{"constructor":{"prototype":{"polluted":"ctor"}}},"timestamp":${t}}`,
        `{"batch":true,"payload":[{"topic":"__proto__","payload":{"__proto__":{"polluted":"item"}},"timestamp":${t}},{"__proto__":{"polluted":"item2"}}]}`,
        `{"topic":"h2","payload":[{"payload":{"__proto__":{"polluted":"record"}},"timestamp":${t}}],"window":{"__proto__":{"polluted":"window"},"key":"__proto__","start":${t - 10000},"end":${t}}}`,
        `{"reset":true,"topic":"__proto__","__proto__":{"polluted":"reset"}}`,
      ];
      return { msg: JSON.parse(texts[h.variant % texts.length]), mustReject: false, future: false };
    }
    case 'sim': {
      set(msg, 'payload', SIM_BAD[h.value].make(plausible));
      return { msg, mustReject: true, future: false };
    }
  }
}

/**
 * The messages of a case for one node, made fresh: all items kept (`which` = 'all'), or only what
 * a node fed the clean stream gets ('clean': clean and shared items). `keep` limits the items
 * (a shrunk case).
 */
export function prepare(c: FuzzCase, which: 'all' | 'clean', keep?: ReadonlySet<number>): Prepared[] {
  const cfg = c.config;
  const out: Prepared[] = [];
  let time = T0;
  // Hostile readings before the first clean one are dated a minute before it, so they move no watermark.
  let latest = T0 - 60000;
  c.items.forEach((item, index) => {
    if (keep && !keep.has(index)) return;
    if (which === 'clean' && item.role === 'hostile') return;
    let made: Made;
    if (item.role === 'clean' && 'sim' in item) {
      made = { msg: { payload: item.sim }, mustReject: false, future: false };
    } else if (item.role === 'clean') {
      time += item.dt;
      latest = Math.max(latest, time);
      const reading = { topic: item.key, payload: valueShape(cfg, item.value), timestamp: time };
      const msg =
        cfg.cleanAs === 'windows'
          ? {
              topic: item.key,
              payload: [reading, { ...reading, payload: valueShape(cfg, item.value + 1) }],
              window: { type: 'tumbling', key: item.key, start: time - 10000, end: time, count: 2, firing: 'final' },
            }
          : reading;
      made = { msg, mustReject: false, future: false };
    } else if (item.role === 'shared') {
      const flush: Msg = { flush: true };
      if (item.flush !== 'none') set(flush, 'topic', KEYS[item.flush].make(latest));
      made = { msg: flush, mustReject: false, future: false };
    } else {
      made = makeHostile(cfg, item.h, latest);
    }
    out.push({ index, role: item.role, msg: made.msg as Msg, mustReject: made.mustReject, future: made.future, text: show(made.msg) });
  });
  return out;
}

/** A JavaScript literal of a value: NaN, Infinity, -0, Dates, own __proto__ keys as written. */
export function show(v: unknown, depth = 0): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return v.length > 60 ? `${JSON.stringify(v.slice(0, 20))}.repeat…(${v.length} chars)` : JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (depth > 4) return '…';
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (Array.isArray(v)) return `[${v.map((x) => show(x, depth + 1)).join(', ')}]`;
  const own = Object.keys(v as object).map((k) => {
    // A quoted "__proto__" key in a literal sets the prototype; a computed one makes an own property.
    const name = k === '__proto__' ? '["__proto__"]' : /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
    return `${name}: ${show((v as Msg)[k], depth + 1)}`;
  });
  return own.length ? `{ ${own.join(', ')} }` : '{}';
}
