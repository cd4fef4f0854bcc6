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
  if (!looksLikeText(text)) {
    throw InputError.of('payload', format === 'json' ? 'binaryNotJson' : 'binaryNotText', { bytes: raw.length });
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
