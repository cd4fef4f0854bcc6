import { InputError, describeValue } from '../core/errors';

/** How an incoming payload is decoded: `auto` tries JSON and falls back to text for non-JSON text. */
export type PayloadFormat = 'auto' | 'json' | 'string' | 'buffer';

export const PAYLOAD_FORMATS: readonly PayloadFormat[] = ['auto', 'json', 'string', 'buffer'];

/** True when the bytes are valid UTF-8 text without control characters other than whitespace. */
function looksLikeText(text: string): boolean {
  // U+FFFD means the decoder met bytes that are not UTF-8; NUL and friends mean binary data.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
  return !/[\uFFFD\u0000-\u0008\u000E-\u001F]/.test(text);
}

/**
 * Decodes a payload received from a broker. Throws InputError (property `payload`) when the
 * bytes cannot be what the format promises: invalid JSON for `json`, binary data for `auto`
 * or `string`.
 */
export function decodePayload(raw: Buffer | null | undefined, format: PayloadFormat): unknown {
  if (raw === null || raw === undefined) return null;
  if (format === 'buffer') return raw;
  const text = raw.toString('utf8');
  // The common case, a JSON document, parsed once: text JSON accepts has no control characters
  // (JSON allows none outside its whitespace, not even in strings), so only U+FFFD remains to
  // tell binary data; what it refuses, or what may be plain text, takes the full path below,
  // whose answer is the same for every text this one accepts.
  if (format !== 'string' && startsLikeJson(text.charCodeAt(0)) && text.indexOf('\uFFFD') < 0) {
    try {
      return JSON.parse(text);
    } catch {
      // The full path says why.
    }
  }
  return decodeChecked(text, raw.length, format);
}

/** `{`, `[`, `"`, `-` or a digit: how most JSON documents begin (the others take the full path). */
function startsLikeJson(c: number): boolean {
  return c === 123 || c === 91 || c === 34 || c === 45 || (c >= 48 && c <= 57);
}

/** decodePayload of a text, every check in turn; exported for the test that holds the fast path to it. */
export function decodeChecked(text: string, bytes: number, format: Exclude<PayloadFormat, 'buffer'>): unknown {
  if (!looksLikeText(text)) {
    throw InputError.of('payload', format === 'json' ? 'binaryNotJson' : 'binaryNotText', { bytes });
  }
  if (format === 'string') return text;
  const trimmed = text.trim();
  if (format === 'auto') {
    // Only what looks like a JSON document is parsed, so plain words stay strings.
    if (!/^[[{"]|^-?\d|^(true|false|null)$/.test(trimmed)) return text;
    try {
      return JSON.parse(trimmed);
    } catch {
      if (/^[[{]/.test(trimmed)) throw InputError.of('payload', 'notJson', { got: describeValue(text) });
      return text;
    }
  }
  try {
    return JSON.parse(trimmed);
  } catch {
    throw InputError.of('payload', 'notJson', { got: describeValue(text) });
  }
}

/** Encodes a value for a broker: buffers and strings as they are, everything else as JSON. */
export function encodePayload(value: unknown): Buffer | string {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}
