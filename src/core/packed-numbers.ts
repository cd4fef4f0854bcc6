/**
 * Long lists of numbers in saved state, packed: each number as its 8 bytes (IEEE 754 double,
 * little-endian), the whole in base64. A detector's histories hold thousands of doubles per key;
 * as JSON numbers each takes about 19 characters, and turning them into text is the slowest part
 * of a checkpoint, which holds the flow while it runs. Packed, a number takes 10.7 characters,
 * is copied as bytes both ways, and comes back bit for bit (-0 included, which JSON loses).
 * Plain JavaScript (the core has no Buffer); the text is made from its character codes by the
 * platform's TextDecoder where there is one (Node.js and browsers), as the byte-for-byte loop
 * that would do it otherwise costs several times the rest.
 */
import { SnapshotError, describeValue } from './errors';
import { snapNumbers } from './snapshot-check';

const BYTES = 8;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CODE = new Uint8Array(64).map((_, i) => ALPHABET.charCodeAt(i));
// Character code (a byte) → 6-bit value, 255 for a character outside the alphabet.
const VALUE = new Uint8Array(256).fill(255);
for (let i = 0; i < 64; i++) VALUE[ALPHABET.charCodeAt(i)] = i;
const PAD = 61; // '='
// Characters turned into a string per call of String.fromCharCode, where there is no TextDecoder.
const CHUNK = 8192;

// ASCII bytes ↔ text; base64 is ASCII, which UTF-8 (the codecs' default) leaves as it is.
interface TextCodecs {
  TextDecoder?: new () => { decode(bytes: Uint8Array): string };
  TextEncoder?: new () => { encode(text: string): Uint8Array };
}
const platform = globalThis as unknown as TextCodecs;
const textOf = platform.TextDecoder ? new platform.TextDecoder() : undefined;
const bytesOf = platform.TextEncoder ? new platform.TextEncoder() : undefined;

function asciiText(codes: Uint8Array): string {
  if (textOf) return textOf.decode(codes);
  let out = '';
  for (let c = 0; c < codes.length; c += CHUNK) out += String.fromCharCode.apply(null, codes.subarray(c, c + CHUNK) as unknown as number[]);
  return out;
}

// Whether this platform keeps doubles little-endian (all that run Node.js do): their bytes are then packed as they lie.
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * The numbers packed (see the file comment): `count` of `data` from index `from` on, going on at
 * its start past its end (a ring's values in arrival order). Defaults: all of `data`.
 */
export function packNumbers(data: Float64Array, from = 0, count = data.length): string {
  const first = Math.min(count, data.length - from);
  let values = data.subarray(from, from + first);
  if (first < count) {
    values = new Float64Array(count);
    values.set(data.subarray(from, from + first));
    values.set(data.subarray(0, count - first), first);
  }
  let bytes: Uint8Array;
  if (LITTLE_ENDIAN) bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  else {
    bytes = new Uint8Array(count * BYTES);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < count; i++) view.setFloat64(i * BYTES, values[i], true);
  }
  // A double list is a multiple of 8 bytes: every group of 3 but the last is whole.
  const chars = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chars[o++] = CODE[n >>> 18];
    chars[o++] = CODE[(n >>> 12) & 63];
    chars[o++] = CODE[(n >>> 6) & 63];
    chars[o++] = CODE[n & 63];
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    chars[o++] = CODE[n >>> 18];
    chars[o++] = CODE[(n >>> 12) & 63];
    chars[o++] = rest === 2 ? CODE[(n >>> 6) & 63] : PAD;
    chars[o++] = PAD;
  }
  return asciiText(chars);
}

/**
 * A saved list of at most `max` finite numbers, packed by packNumbers or (as state saved before
 * packing) a JSON array; throws SnapshotError naming `what` when it is neither.
 */
export function snapPackedNumbers(value: unknown, max: number, what: string): number[] {
  if (typeof value !== 'string') return snapNumbers(value, max, what);
  const refuse = (why: string): never => {
    throw SnapshotError.because('snapshotNumbers', { what, max, got: `${describeValue(value)}: ${why}` });
  };
  // Length first: nothing longer than `max` numbers is decoded.
  if (value.length > Math.ceil((max * BYTES) / 3) * 4) refuse(`more than ${max} packed numbers`);
  if (value.length % 4 !== 0) refuse('not base64');
  const pad = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  const byteCount = (value.length / 4) * 3 - pad;
  if (byteCount % BYTES !== 0) refuse(`${byteCount} bytes, not a whole number of ${BYTES}-byte numbers`);
  // Character codes, one byte each: a character outside ASCII (several UTF-8 bytes, or a code
  // over 255 without TextEncoder) cannot be base64.
  let codes: Uint8Array;
  if (bytesOf) {
    codes = bytesOf.encode(value);
    if (codes.length !== value.length) refuse('not base64');
  } else {
    codes = new Uint8Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      codes[i] = c < 256 ? c : 255;
    }
  }
  const bytes = new Uint8Array(byteCount + pad);
  // Whole groups of 4 characters, then the last one if it ends in padding. A character outside
  // the alphabet maps to 255, whose top bit survives the OR of all the values.
  const whole = pad ? value.length - 4 : value.length;
  let bad = 0;
  let o = 0;
  for (let i = 0; i < whole; i += 4) {
    const a = VALUE[codes[i]];
    const b = VALUE[codes[i + 1]];
    const c = VALUE[codes[i + 2]];
    const d = VALUE[codes[i + 3]];
    bad |= a | b | c | d;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[o++] = n >>> 16;
    bytes[o++] = (n >>> 8) & 255;
    bytes[o++] = n & 255;
  }
  if (pad) {
    const a = VALUE[codes[whole]];
    const b = VALUE[codes[whole + 1]];
    const c = pad === 2 ? 0 : VALUE[codes[whole + 2]];
    bad |= a | b | c;
    const n = (a << 18) | (b << 12) | (c << 6);
    bytes[o++] = n >>> 16;
    bytes[o++] = (n >>> 8) & 255;
  }
  if (bad & 128) refuse('not base64');
  const count = byteCount / BYTES;
  const doubles = LITTLE_ENDIAN ? new Float64Array(bytes.buffer, 0, count) : undefined;
  const view = new DataView(bytes.buffer);
  const out = new Array<number>(count);
  for (let j = 0; j < count; j++) {
    const v = doubles ? doubles[j] : view.getFloat64(j * BYTES, true);
    if (!Number.isFinite(v)) refuse(`number ${j} is ${v}`);
    out[j] = v;
  }
  return out;
}
