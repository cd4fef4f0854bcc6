/**
 * Per-event sliding windows (Azure Stream Analytics SlidingWindow): a window of `size` ms that
 * ends at each instant its content changes, i.e. when an event enters (its own time T) or
 * leaves (its time + size). The window that ends at T is (T - size, T]: it holds the event that
 * entered at T and no longer holds one that left at T.
 */
import { TimeWindow } from '../types';

/** The per-event sliding window that ends at `t`: (t - size, t]. */
export function slidingEventWindow(t: number, size: number): TimeWindow {
  return { start: t - size, end: t };
}

/** The instant an event at `t` leaves every later window. */
export function slidingExitTime(t: number, size: number): number {
  return t + size;
}
