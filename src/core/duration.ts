/**
 * Durations as users type them in the editor ("500ms", "10s", "1h30m", "2d") or as plain
 * milliseconds, parsed once at configuration time so the core only ever sees numbers.
 */
import { ConfigError, describeValue } from './errors';
import { MAX_DURATION } from './time-range';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d|w)/gy;
const NUMERIC = /^[+]?(\d+(?:\.\d+)?|\.\d+)$/;

/** What the error messages promise, so users can copy a valid form. */
export const DURATION_FORMS = 'a duration like 500ms, 10s, 5m, 1h30m, 2d or a number of milliseconds';

/** Options of parseDuration. */
export interface ParseDurationOptions {
  /** Accept 0 (e.g. "no out-of-order allowance"); durations must otherwise be positive. */
  allowZero?: boolean;
}

/** Parses a duration (number of ms, numeric string, or units ms/s/m/h/d/w) to ms; throws ConfigError naming `field`. */
export function parseDuration(value: unknown, field: string, options: ParseDurationOptions = {}): number {
  let ms: number | undefined;
  if (typeof value === 'number') {
    ms = value;
  } else if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (NUMERIC.test(text)) ms = Number(text);
    else ms = parseUnits(text);
  }
  if (ms === undefined || !Number.isFinite(ms)) {
    throw ConfigError.of(field, 'durationExpected', { forms: DURATION_FORMS, got: describeValue(value) });
  }
  if (ms < 0) throw ConfigError.of(field, 'durationNegative', { forms: DURATION_FORMS, got: describeValue(value) });
  if (ms > MAX_DURATION) throw ConfigError.of(field, 'durationTooLong', { max: MAX_DURATION, got: describeValue(value) });
  if (ms === 0 && !options.allowZero) {
    throw ConfigError.of(field, 'durationZero', { forms: DURATION_FORMS, got: describeValue(value) });
  }
  return ms;
}

/** Sums "1h30m"-style parts; undefined when any character is not part of a unit term. */
function parseUnits(text: string): number | undefined {
  if (text === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    while (text[pos] === ' ') pos++;
    if (pos >= text.length) break;
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = PART.lastIndex;
  }
  return total;
}

/**
 * Formats ms compactly for labels, statuses and messages ("1h30m", "500ms", "-2s"); the one formatter
 * every node uses. `maxParts` keeps only the largest units (2: "1d2h" for a status that must stay
 * short); by default every unit is kept, so the text parses back to the same number of ms.
 */
export function formatDuration(ms: number, maxParts = Infinity): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  // Beyond a second a fraction of a millisecond says nothing: whole ms, as the units print them.
  let rest = Math.abs(ms) >= 1000 ? Math.round(Math.abs(ms)) : Math.abs(ms);
  if (rest === 0) return '0ms';
  const parts: string[] = [];
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      const n = Math.floor(rest / size);
      parts.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return sign + parts.slice(0, maxParts).join('');
}
