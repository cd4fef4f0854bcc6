/**
 * Message property paths (`payload.temperature`, `payload.readings[0].v`, `payload["a b"]`),
 * parsed once at config time into a getter so the per-message path does no string work.
 */
import { ConfigError } from './errors';
import type { ConfigReason, ReasonParams } from './config-reasons';

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

/** Reads the value at a compiled path; undefined when any step on the way is missing. */
export type Getter = (input: unknown) => unknown;

/** Splits a property path into its segments; throws ConfigError naming `field` when malformed. */
export function parsePath(path: string, field = 'property'): PathSegment[] {
  if (typeof path !== 'string') {
    throw ConfigError.of(field, 'pathNotString', { got: typeof path });
  }
  let text = path.trim();
  // Node-RED users write both "payload.x" and "msg.payload.x"; both mean the same property.
  if (text.startsWith('msg.') || text.startsWith('msg[')) text = text.slice(text[3] === '.' ? 4 : 3);
  if (text === '') throw ConfigError.of(field, 'pathEmpty');

  const bad = (code: ConfigReason, params: ReasonParams = {}): ConfigError => ConfigError.of(field, code, { path, ...params });
  const segments: PathSegment[] = [];
  let i = 0;
  let expectName = true;
  while (i < text.length) {
    const c = text[i];
    if (c === '[') {
      const close = scanBracket(text, i, segments, bad);
      i = close + 1;
      expectName = false;
    } else if (c === '.') {
      if (expectName) throw bad('pathEmptyName', { at: i });
      i++;
      expectName = true;
      if (i >= text.length) throw bad('pathEndsWithDot');
    } else {
      if (!expectName) throw bad('pathExpectedDot', { at: i });
      let j = i;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      const name = text.slice(i, j);
      if (name.trim() !== name) throw bad('pathSpaces', { name });
      if (name === ']') throw bad('pathUnmatched', { at: i });
      segments.push(name);
      i = j;
      expectName = false;
    }
  }
  return segments;
}

/** Reads `[0]`, `["key"]` or `['key']` starting at `open`; returns the index of the closing `]`. */
function scanBracket(text: string, open: number, out: PathSegment[], bad: (code: ConfigReason, params?: ReasonParams) => ConfigError): number {
  const quote = text[open + 1];
  if (quote === '"' || quote === "'") {
    let value = '';
    let j = open + 2;
    for (; j < text.length && text[j] !== quote; j++) {
      if (text[j] === '\\' && j + 1 < text.length) j++;
      value += text[j];
    }
    if (j >= text.length) throw bad('pathUnterminated', { at: open + 1 });
    if (text[j + 1] !== ']') throw bad('pathExpectedClose', { at: j + 1 });
    out.push(value);
    return j + 1;
  }
  const close = text.indexOf(']', open);
  if (close < 0) throw bad('pathUnclosed', { at: open });
  const inner = text.slice(open + 1, close).trim();
  if (!/^\d+$/.test(inner)) {
    throw bad('pathIndex', { inner });
  }
  out.push(Number(inner));
  return close;
}

/** Formats segments back to the canonical path text (`payload.readings[0]["a b"]`). */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    // A leading "msg" would read as the optional msg. prefix, so it is quoted.
    else if (/^[A-Za-z_$][\w$-]*$/.test(s) && !(out === '' && s === 'msg')) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * Compiles a property path into a getter; throws ConfigError naming `field` when malformed.
 * Short paths get unrolled getters because they are read for every message.
 */
export function compilePath(path: string, field = 'property'): Getter {
  return compileSegments(parsePath(path, field));
}

/* eslint-disable @typescript-eslint/no-explicit-any */
// The properties nearly every message is read by, as named loads: V8 compiles `o.payload` to one
// field load, while `o[a]` with `a` held in a closure goes through a keyed lookup every time.
const getPayload: Getter = (o: any) => (o == null ? undefined : o.payload);
const getTopic: Getter = (o: any) => (o == null ? undefined : o.topic);
const getTimestamp: Getter = (o: any) => (o == null ? undefined : o.timestamp);
const getValue: Getter = (o: any) => (o == null ? undefined : o.value);
/* eslint-enable @typescript-eslint/no-explicit-any */

function namedGetter(name: string | number): Getter | undefined {
  switch (name) {
    case 'payload':
      return getPayload;
    case 'topic':
      return getTopic;
    case 'timestamp':
      return getTimestamp;
    case 'value':
      return getValue;
    default:
      return undefined;
  }
}

/** Builds a getter for already-parsed segments. */
export function compileSegments(segments: readonly PathSegment[]): Getter {
  // Reading through `any` is the point here: the input is whatever the message carries.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const [a, b, c] = segments;
  switch (segments.length) {
    case 0:
      return (o) => o;
    case 1:
      return namedGetter(a) ?? ((o: any) => (o == null ? undefined : o[a]));
    case 2:
      return (o: any) => {
        if (o == null) return undefined;
        const x = o[a];
        return x == null ? undefined : x[b];
      };
    case 3:
      return (o: any) => {
        if (o == null) return undefined;
        const x = o[a];
        if (x == null) return undefined;
        const y = x[b];
        return y == null ? undefined : y[c];
      };
    default: {
      const steps = segments.slice();
      return (o: any) => {
        let x = o;
        for (let i = 0; i < steps.length; i++) {
          if (x == null) return undefined;
          x = x[steps[i]];
        }
        return x;
      };
    }
  }
}

/** Writes a value at a compiled path. */
export type Setter = (target: object, value: unknown) => void;

// Writing through these would reach an object's prototype instead of the message.
const UNSAFE_SEGMENTS = new Set<PathSegment>(['__proto__', 'constructor', 'prototype']);

/**
 * Compiles a property path into a setter that creates the objects (or, before an index, arrays)
 * missing on the way; throws ConfigError naming `field` when malformed or when a step would
 * reach a prototype.
 */
export function compileSetter(path: string, field = 'property'): Setter {
  const segments = parsePath(path, field);
  const unsafe = segments.find((s) => UNSAFE_SEGMENTS.has(s));
  if (unsafe !== undefined) throw ConfigError.of(field, 'pathUnwritable', { path, segment: String(unsafe) });
  const last = segments[segments.length - 1];
  if (segments.length === 1) {
    return (target, value) => {
      (target as Record<PathSegment, unknown>)[last] = value;
    };
  }
  const steps = segments.slice(0, -1);
  return (target, value) => {
    let x = target as Record<PathSegment, unknown>;
    for (let i = 0; i < steps.length; i++) {
      let next = x[steps[i]];
      if (next === null || typeof next !== 'object') {
        next = typeof (i + 1 < steps.length ? steps[i + 1] : last) === 'number' ? [] : {};
        x[steps[i]] = next;
      }
      x = next as Record<PathSegment, unknown>;
    }
    x[last] = value;
  };
}
