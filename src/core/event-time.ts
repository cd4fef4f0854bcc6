/**
 * Event time as it arrives on a message: ms since the epoch, a numeric string, an ISO-8601 string
 * or a Date, within the range of a JavaScript Date. Everything else is an InputError the adapter
 * reports without stopping the flow.
 */
import { InputError, describeValue } from './errors';
import { MAX_EVENT_TIME, isEventTimeInRange, likelyTimeUnit } from './time-range';

// Date.parse accepts many informal formats that differ between engines; only ISO-8601 is portable.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const NUMERIC = /^[+-]?(\d+(?:\.\d+)?|\.\d+)$/;

/**
 * Parses an event time to ms since the epoch; throws InputError naming `property` and the value's
 * type. ISO strings without a zone are UTC: Date.parse would read a date-time without a zone in
 * the host's local zone, so the same data would give other windows on another machine.
 */
export function parseEventTime(value: unknown, property: string): number {
  let ms = NaN;
  if (typeof value === 'number') {
    ms = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (NUMERIC.test(text)) {
      ms = Number(text);
    } else {
      const iso = ISO_8601.exec(text);
      if (iso) ms = Date.parse(iso[1] === undefined && text.length > 10 ? `${text.replace(' ', 'T')}Z` : text);
    }
  } else if (value instanceof Date) {
    ms = value.getTime();
  }
  if (isEventTimeInRange(ms)) return ms;
  if (Number.isFinite(ms)) throw outOfRange(ms, property);
  throw InputError.of(property, 'eventTime', { label: property, got: describeValue(value) });
}

/** The error for a finite time beyond the range every window computation is exact in. */
export function outOfRange(ms: number, property: string): InputError {
  const unit = likelyTimeUnit(ms);
  const params = { label: property, ms, max: MAX_EVENT_TIME };
  return unit ? InputError.of(property, 'timeOutOfRangeUnit', { ...params, unit }) : InputError.of(property, 'timeOutOfRange', params);
}
