/**
 * Event time as it arrives on a message: ms since the epoch, a numeric string, an ISO-8601 string
 * or a Date. Everything else is an InputError the adapter reports without stopping the flow.
 */
import { InputError, describeValue } from './errors';

// Date.parse accepts many informal formats that differ between engines; only ISO-8601 is portable.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const NUMERIC = /^[+-]?(\d+(?:\.\d+)?|\.\d+)$/;

/** Parses an event time to ms since the epoch; throws InputError naming `property` and the value's type. */
export function parseEventTime(value: unknown, property: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (NUMERIC.test(text)) return Number(text);
    if (ISO_8601.test(text)) {
      const ms = Date.parse(text);
      if (Number.isFinite(ms)) return ms;
    }
  } else if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isFinite(ms)) return ms;
  }
  throw new InputError(
    property,
    `${property}: expected an event time (ms since the epoch, an ISO-8601 string or a Date), got ${describeValue(value)}`,
  );
}
