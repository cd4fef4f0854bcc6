/**
 * Hopping windows (size, slide): overlapping when slide < size. State is kept per pane of
 * gcd(size, slide) ms, so an event is added to one pane once and a window's result is the merge
 * of its size/pane panes, instead of adding each event to size/slide windows.
 */
import { TimeWindow } from '../types';
import { alignedStart, gcd } from './floor-mod';

/** Pane length shared by all hopping windows of this size and slide. */
export function hoppingPaneSize(size: number, slide: number): number {
  return gcd(size, slide);
}

/** Start of the latest hopping window that could hold `t` (it holds it only when t is before its end). */
export function latestHoppingStart(t: number, slide: number, offset = 0, endInclusive = false): number {
  return alignedStart(t, slide, offset, endInclusive);
}

/** Every hopping window that holds `t`, earliest first (none when t falls in a gap because slide > size). */
export function assignHopping(t: number, size: number, slide: number, offset = 0, endInclusive = false): TimeWindow[] {
  const out: TimeWindow[] = [];
  const latest = alignedStart(t, slide, offset, endInclusive);
  for (let start = latest; endInclusive ? t <= start + size && t > start : t < start + size; start -= slide) {
    out.unshift({ start, end: start + size });
  }
  return out;
}
