import { Key } from './types';

/**
 * A value read from a message as a key: strings as they are, numbers and booleans as their text, so
 * `msg.topic = 7` and `"7"` are one key everywhere (events, msg.reset/msg.flush, connector key
 * fields); undefined for anything else, which each caller reports in its own words.
 */
export function keyOf(value: unknown): Key | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
