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
  if (!spec || typeof spec !== 'object') throw new ConfigError('window', 'expected a window spec { type: tumbling | sliding | session | global, ... }');
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
        throw new ConfigError('slide', `size and slide must be whole milliseconds, got size ${spec.size} and slide ${spec.slide}`);
      }
      if (spec.slide > spec.size) {
        throw new ConfigError('slide', `must not be longer than the size (${formatDuration(spec.size)}); for gaps between windows use a tumbling window`);
      }
      if (spec.size / spec.slide > MAX_WINDOWS_PER_EVENT) {
        throw new ConfigError(
          'slide',
          `size ÷ slide is ${spec.size / spec.slide}: every event would belong to that many windows (at most ${MAX_WINDOWS_PER_EVENT} allowed); use a longer slide, or slide "event" for a window that moves with every event`,
        );
      }
      offsetWithin(spec.offset, spec.slide, 'slide');
      return { type: 'sliding', size: spec.size, slide: spec.slide, offset: spec.offset ?? 0 };
    case 'session':
      positive(spec.gap, 'gap');
      if (spec.maxDuration !== undefined && spec.maxDuration !== 0) {
        positive(spec.maxDuration, 'maxDuration');
        if (spec.maxDuration < spec.gap) throw new ConfigError('maxDuration', `must be at least the gap (${formatDuration(spec.gap)}), or empty for no limit`);
      }
      return spec.maxDuration ? { type: 'session', gap: spec.gap, maxDuration: spec.maxDuration } : { type: 'session', gap: spec.gap };
    case 'global':
      checkCountWindow(spec.count, spec.overlap);
      return spec.count === undefined ? { type: 'global' } : { type: 'global', count: spec.count, overlap: spec.overlap ?? 0 };
    default:
      throw new ConfigError('windowType', `must be one of ${WINDOW_TYPES.join(', ')}, got ${describeValue((spec as { type?: unknown }).type)}`);
  }
}

function positive(value: unknown, field: string): void {
  if (typeof value !== 'number' || !(value > 0 && value <= MAX_DURATION)) {
    throw new ConfigError(field, `must be a duration greater than 0 ms and at most ${MAX_DURATION} ms, got ${describeValue(value)}`);
  }
}

/** An offset shifts the grid of windows that start every `period` ms: 0 up to, not including, the period. */
function offsetWithin(value: unknown, period: number, periodName: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_DURATION)) {
    throw new ConfigError('offset', `must be a duration of 0 ms or more and at most ${MAX_DURATION} ms, got ${describeValue(value)}`);
  }
  if (value >= period) throw new ConfigError('offset', `must be shorter than the ${periodName} (${formatDuration(period)})`);
}
