import { checkCalendar } from '../../core/assigners/calendar';
import { formatDuration, parseDuration } from '../../core/duration';
import { ConfigError } from '../../core/errors';
import { EMIT_STRATEGIES, FUTURE_DATA_POLICIES, LATE_DATA_POLICIES, WATERMARK_SCOPES, WINDOW_BOUNDS, WINDOW_TYPES } from '../../core/setting-values';
import { checkWindowSpec } from '../../core/window-spec';
import { EmitStrategy, FutureDataPolicy, LateDataPolicy, TimeMode, WindowBounds, WindowSpec, WindowType } from '../../core/types';

/** Window and time settings as they appear in flow JSON (DESIGN §3); strings or numbers. */
export interface WindowConfig {
  windowType?: unknown;
  size?: unknown;
  slide?: unknown;
  gap?: unknown;
  maxDuration?: unknown;
  count?: unknown;
  overlap?: unknown;
  offset?: unknown;
  /** Tumbling only: '' (fixed size) | 'day' | 'week' | 'shifts', in `timeZone`, shifts starting at `shifts`. */
  calendar?: unknown;
  timeZone?: unknown;
  shifts?: unknown;
  bounds?: unknown;
  maxOutOfOrder?: unknown;
  allowedLateness?: unknown;
  idleTimeout?: unknown;
  lateData?: unknown;
  emit?: unknown;
  earlyEvery?: unknown;
  maxKeys?: unknown;
  maxEventsPerWindow?: unknown;
  watermarkScope?: unknown;
  maxFutureSkew?: unknown;
  futureData?: unknown;
}

/** The operator options that come from config (everything but the aggregate and onEmit). */
export interface OperatorSettings {
  window: WindowSpec;
  bounds: WindowBounds;
  timeMode: TimeMode;
  maxOutOfOrder: number;
  allowedLateness: number;
  lateData: LateDataPolicy;
  emit: EmitStrategy;
  earlyEvery?: number;
  idleTimeout?: number;
  watermarkScope: 'stream' | 'key';
  maxKeys: number;
  maxEventsPerWindow: number;
  /** Infinity = off. */
  maxFutureSkew: number;
  futureData: FutureDataPolicy;
}

/**
 * Keys a windowed node tracks when maxKeys is empty. Memory stays bounded by default: an open
 * window costs from ~200 bytes (tumbling avg) to ~1.5 kB (per-event sliding avg) per key.
 */
export const DEFAULT_MAX_KEYS = 10_000;
/** Largest maxKeys accepted: a bound the user can still reason about (~1.5 GB at the costliest). */
export const MAX_MAX_KEYS = 1_000_000;
/** Event time further ahead of the clock than this is rejected by default (a broken clock or unit). */
export const DEFAULT_MAX_FUTURE_SKEW = 3_600_000;

const isBlank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** A duration field that must be > 0. */
export function positiveDuration(value: unknown, field: string): number {
  if (isBlank(value)) throw ConfigError.of(field, 'durationRequired');
  const ms = parseDuration(value as string | number, field);
  if (!(ms > 0)) throw ConfigError.of(field, 'durationLongerThanZero', { got: String(value) });
  return ms;
}

/** A duration field where blank means 0 (or "off"). */
export function optionalDuration(value: unknown, field: string): number {
  if (isBlank(value)) return 0;
  const ms = parseDuration(value as string | number, field, { allowZero: true });
  if (!(ms >= 0)) throw ConfigError.of(field, 'durationZeroOrMore', { got: String(value) });
  return ms;
}

/** A positive integer field where blank means unlimited. */
export function optionalLimit(value: unknown, field: string): number {
  if (isBlank(value)) return Infinity;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw ConfigError.of(field, 'limitOrEmpty', { got: String(value) });
  return n;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (isBlank(value)) return fallback;
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  throw ConfigError.of(field, 'notAllowed', { got: String(value), allowed: allowed.join(', ') });
}

/**
 * Parses the window settings of a window type into a WindowSpec (durations in ms), checked by the
 * core's window rules (offset within the size or slide, slide within the size, …), which the editor
 * runs too. `type` is forced by a window node; processors pass undefined and read `windowType`,
 * where 'none' returns undefined (no own window: per message, or window messages only).
 */
export function parseWindowSpec(config: WindowConfig, type?: WindowType): WindowSpec | undefined {
  const spec = convertWindowSpec(config, type);
  if (spec) checkWindowSpec(spec);
  return spec;
}

/** The window settings' strings as numbers: this layer only converts, the core decides what is allowed. */
function convertWindowSpec(config: WindowConfig, type?: WindowType): WindowSpec | undefined {
  const windowType = type ?? oneOf(config.windowType, 'windowType', [...WINDOW_TYPES, 'none'] as const, 'none');
  switch (windowType) {
    case 'none':
      return undefined;
    case 'tumbling': {
      if (!isBlank(config.calendar) && config.calendar !== 'none') {
        const calendar = checkCalendar({ unit: config.calendar, timeZone: config.timeZone, shifts: config.shifts });
        return { type: 'tumbling', size: 86400000, calendar };
      }
      return { type: 'tumbling', size: positiveDuration(config.size, 'size'), offset: optionalDuration(config.offset, 'offset') };
    }
    case 'sliding': {
      const size = positiveDuration(config.size, 'size');
      const slideRaw = isBlank(config.slide) ? 'event' : config.slide;
      if (slideRaw === 'event') return { type: 'sliding', size, slide: 'event' };
      return { type: 'sliding', size, slide: positiveDuration(slideRaw, 'slide'), offset: optionalDuration(config.offset, 'offset') };
    }
    case 'session': {
      const gap = positiveDuration(config.gap, 'gap');
      const maxDuration = optionalDuration(config.maxDuration, 'maxDuration');
      return maxDuration > 0 ? { type: 'session', gap, maxDuration } : { type: 'session', gap };
    }
    case 'global': {
      const count = isBlank(config.count) ? undefined : optionalLimit(config.count, 'count');
      const overlap = isBlank(config.overlap) ? 0 : Number(config.overlap);
      if (!Number.isInteger(overlap) || overlap < 0) throw ConfigError.of('overlap', 'overlapWholeOrEmpty', { got: String(config.overlap) });
      if (count === undefined) return overlap ? { type: 'global', overlap } : { type: 'global' };
      return { type: 'global', count, overlap };
    }
  }
}

/** Parses the time, emission and limit settings shared by every windowed node. */
export function parseOperatorSettings(config: WindowConfig, window: WindowSpec, timeMode: TimeMode): OperatorSettings {
  const emit = oneOf(config.emit, 'emit', EMIT_STRATEGIES, 'final');
  const earlyEvery = emit === 'early' ? positiveDuration(config.earlyEvery, 'earlyEvery') : undefined;
  const idleTimeout = optionalDuration(config.idleTimeout, 'idleTimeout');
  return {
    window,
    bounds: oneOf(config.bounds, 'bounds', WINDOW_BOUNDS, '[start,end)'),
    timeMode,
    maxOutOfOrder: optionalDuration(config.maxOutOfOrder, 'maxOutOfOrder'),
    allowedLateness: optionalDuration(config.allowedLateness, 'allowedLateness'),
    lateData: oneOf(config.lateData, 'lateData', LATE_DATA_POLICIES, 'drop'),
    emit,
    earlyEvery,
    idleTimeout: idleTimeout > 0 ? idleTimeout : undefined,
    watermarkScope: oneOf(config.watermarkScope, 'watermarkScope', WATERMARK_SCOPES, 'stream'),
    maxKeys: keyLimit(config.maxKeys),
    maxEventsPerWindow: optionalLimit(config.maxEventsPerWindow, 'maxEventsPerWindow'),
    ...parseFutureSettings(config),
  };
}

/** maxKeys: empty means the default, never unlimited, so a flood of new keys cannot exhaust memory. */
export function keyLimit(value: unknown): number {
  if (isBlank(value)) return DEFAULT_MAX_KEYS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_MAX_KEYS) {
    throw ConfigError.of('maxKeys', 'keyLimit', { max: MAX_MAX_KEYS, default: DEFAULT_MAX_KEYS, got: String(value) });
  }
  return n;
}

/** The guard against event times ahead of the clock, shared by every event-time operator. */
export function parseFutureSettings(config: WindowConfig): { maxFutureSkew: number; futureData: FutureDataPolicy } {
  return {
    maxFutureSkew: futureSkew(config.maxFutureSkew),
    futureData: oneOf(config.futureData, 'futureData', FUTURE_DATA_POLICIES, 'reject'),
  };
}

/** maxFutureSkew: empty means the default (1h), "off" turns the check off. */
function futureSkew(value: unknown): number {
  if (isBlank(value)) return DEFAULT_MAX_FUTURE_SKEW;
  if (typeof value === 'string' && value.trim().toLowerCase() === 'off') return Infinity;
  return optionalDuration(value, 'maxFutureSkew');
}

/** Short human form of a window for labels and status: "tumbling 1m", "sliding 5m/1m". */
export function describeWindow(spec: WindowSpec | undefined): string {
  if (!spec) return '';
  switch (spec.type) {
    case 'tumbling':
      return `tumbling ${formatDuration(spec.size)}`;
    case 'sliding':
      return `sliding ${formatDuration(spec.size)}${spec.slide === 'event' ? '' : '/' + formatDuration(spec.slide)}`;
    case 'session':
      return `session ${formatDuration(spec.gap)}`;
    case 'global':
      return spec.count ? `every ${spec.count}` : 'global';
  }
}
