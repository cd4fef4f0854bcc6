/**
 * The rules of a window spec (durations in ms), checked once where an operator is built and, through
 * the editor's generated rules file, in the dialog: each rule lives here and nowhere else.
 */
import { checkCalendar } from './assigners/calendar';
import { checkCountWindow } from './assigners/global-count';
import { formatDuration } from './duration';
import { ConfigError, describeValue } from './errors';
import { WINDOW_TYPES } from './setting-values';
import { MAX_DURATION } from './time-range';
import { WindowSpec } from './types';

/** Hopping windows holding one event (size ÷ slide): bounds every per-event loop over them. */
export const MAX_WINDOWS_PER_EVENT = 100_000;

/** Checks a window spec and returns it normalised (offset 0 when unset); throws ConfigError naming the field and what is allowed. */
export function checkWindowSpec(spec: WindowSpec): WindowSpec {
  if (!spec || typeof spec !== 'object') throw ConfigError.of('window', 'windowSpecExpected');
  switch (spec.type) {
    case 'tumbling':
      if (spec.calendar !== undefined) {
        const calendar = checkCalendar(spec.calendar);
        // Nominal lengths: a calendar day or shift is as long as the clocks say.
        const size = calendar.unit === 'week' ? 7 * 86400000 : calendar.unit === 'day' ? 86400000 : Math.round(86400000 / calendar.shifts!.length);
        return { type: 'tumbling', size, offset: 0, calendar };
      }
      positive(spec.size, 'size');
      offsetWithin(spec.offset, spec.size, 'size');
      return { type: 'tumbling', size: spec.size, offset: spec.offset ?? 0 };
    case 'sliding':
      positive(spec.size, 'size');
      if (spec.slide === 'event') {
        // A window that moves with every event has no grid to shift: any offset is kept and unused.
        offsetWithin(spec.offset, Infinity, 'size');
        return { type: 'sliding', size: spec.size, slide: 'event', offset: spec.offset ?? 0 };
      }
      positive(spec.slide, 'slide');
      if (!Number.isInteger(spec.size) || !Number.isInteger(spec.slide)) {
        throw ConfigError.of('slide', 'wholeMsSizeSlide', { size: spec.size, slide: spec.slide });
      }
      if (spec.slide > spec.size) {
        throw ConfigError.of('slide', 'slideLongerThanSize', { size: formatDuration(spec.size) });
      }
      if (spec.size / spec.slide > MAX_WINDOWS_PER_EVENT) {
        throw ConfigError.of('slide', 'tooManyWindows', { ratio: spec.size / spec.slide, max: MAX_WINDOWS_PER_EVENT });
      }
      offsetWithin(spec.offset, spec.slide, 'slide');
      return { type: 'sliding', size: spec.size, slide: spec.slide, offset: spec.offset ?? 0 };
    case 'session':
      positive(spec.gap, 'gap');
      if (spec.maxDuration !== undefined && spec.maxDuration !== 0) {
        positive(spec.maxDuration, 'maxDuration');
        if (spec.maxDuration < spec.gap) throw ConfigError.of('maxDuration', 'maxDurationBelowGap', { gap: formatDuration(spec.gap) });
      }
      return spec.maxDuration ? { type: 'session', gap: spec.gap, maxDuration: spec.maxDuration } : { type: 'session', gap: spec.gap };
    case 'global':
      checkCountWindow(spec.count, spec.overlap);
      return spec.count === undefined ? { type: 'global' } : { type: 'global', count: spec.count, overlap: spec.overlap ?? 0 };
    default:
      throw ConfigError.of('windowType', 'oneOf', { allowed: WINDOW_TYPES.join(', '), got: describeValue((spec as { type?: unknown }).type) });
  }
}

function positive(value: unknown, field: string): void {
  if (typeof value !== 'number' || !(value > 0 && value <= MAX_DURATION)) {
    throw ConfigError.of(field, 'durationPositiveMs', { max: MAX_DURATION, got: describeValue(value) });
  }
}

/** An offset shifts the grid of windows that start every `period` ms: 0 up to, not including, the period. */
function offsetWithin(value: unknown, period: number, periodName: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_DURATION)) {
    throw ConfigError.of('offset', 'msRange', { max: MAX_DURATION, got: describeValue(value) });
  }
  if (value >= period) throw ConfigError.of('offset', 'offsetNotShorter', { period: periodName, length: formatDuration(period) });
}
