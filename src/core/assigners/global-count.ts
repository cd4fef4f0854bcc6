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
    if (overlap !== undefined && overlap !== 0) throw new ConfigError('overlap', 'needs a count: windows without one have nothing to overlap');
    return;
  }
  if (!Number.isInteger(count) || count < 1) throw new ConfigError('count', `must be a whole number of events ≥ 1, got ${count}`);
  if (overlap !== undefined && (!Number.isInteger(overlap) || overlap < 0))
    throw new ConfigError('overlap', `must be a whole number of 0 or more, got ${overlap}`);
  if (overlap !== undefined && overlap >= count) throw new ConfigError('overlap', `must be smaller than the count (${count})`);
}
