/**
 * Count windows on a global (per key) window: every `count` events form a window, and consecutive
 * windows share `overlap` events, so a new window opens every count - overlap events, in arrival order.
 */
import { ConfigError } from '../errors';

/** Events between the starts of consecutive count windows. */
export function countWindowStep(count: number, overlap = 0): number {
  return count - overlap;
}

/** Whether the event with 0-based arrival index `n` opens a new count window. */
export function opensCountWindow(n: number, count: number, overlap = 0): boolean {
  return n % (count - overlap) === 0;
}

/** Validates a count window spec; throws ConfigError saying what is allowed. */
export function checkCountWindow(count: number | undefined, overlap: number | undefined): void {
  if (count === undefined) {
    if (overlap !== undefined && overlap !== 0) throw ConfigError.of('overlap', 'overlapNoCount');
    return;
  }
  if (!Number.isInteger(count) || count < 1) throw ConfigError.of('count', 'countWhole', { got: String(count) });
  if (overlap !== undefined && (!Number.isInteger(overlap) || overlap < 0)) throw ConfigError.of('overlap', 'overlapWhole', { got: String(overlap) });
  if (overlap !== undefined && overlap >= count) throw ConfigError.of('overlap', 'overlapBelowCount', { count });
}
