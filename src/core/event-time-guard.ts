/**
 * The check every keyed operator makes on an event time before it may move a watermark: within
 * the range of a date (so window arithmetic is exact) and not further ahead of processing time
 * than maxFutureSkew, since one event from a broken clock would otherwise close every open
 * window and make every later event late.
 */
import { ConfigError, InputError, describeValue } from './errors';
import { outOfRange } from './event-time';
import { nonNegative, oneOf } from './option-checks';
import { MAX_EVENT_TIME, describeSpan, likelyTimeUnit } from './time-range';
import { FutureDataPolicy } from './types';

/** The guard's settings, as operators take them. */
export interface EventTimeGuardOptions {
  /** ms; default Infinity (no check). */
  maxFutureSkew?: number;
  /** 'reject' (InputError, default) or 'clamp' to the clock + maxFutureSkew. */
  futureData?: FutureDataPolicy;
  /** A fresh processing time, read only for an event that looks ahead of the `now` given (which may be stale). */
  clock?: () => number;
}

/** Checks event times for one operator and counts those ahead of the clock. */
export class EventTimeGuard {
  /** Events beyond maxFutureSkew ahead of the clock (rejected or clamped). */
  ahead = 0;
  readonly maxFutureSkew: number;
  private readonly clamp: boolean;
  private readonly clock: (() => number) | undefined;

  /** Throws ConfigError for a bad setting. */
  constructor(options: EventTimeGuardOptions) {
    this.maxFutureSkew = options.maxFutureSkew === Infinity ? Infinity : nonNegative(options.maxFutureSkew, 'maxFutureSkew', Infinity);
    this.clamp = oneOf(options.futureData, 'futureData', ['reject', 'clamp'], 'reject') === 'clamp';
    // How code builds the guard, which no flow setting can cause: English only, without a reason code.
    if (options.clock !== undefined && typeof options.clock !== 'function')
      throw new ConfigError('clock', 'expected a function returning processing time in ms');
    this.clock = options.clock;
  }

  /** The event time to use for `t` arriving at processing time `now`; throws InputError when it cannot be used. */
  check(t: number, now: number): number {
    // NaN and non-numbers fail the range test too; the common case costs three comparisons.
    if (!(t >= -MAX_EVENT_TIME && t <= MAX_EVENT_TIME)) {
      if (typeof t === 'number' && Number.isFinite(t)) throw outOfRange(t, 'time');
      throw InputError.of('time', 'timeNotMs', { got: describeValue(t) });
    }
    return t > now + this.maxFutureSkew ? this.aheadOfClock(t, now) : t;
  }

  private aheadOfClock(t: number, now: number): number {
    const fresh = this.clock !== undefined ? this.clock() : now;
    const limit = fresh + this.maxFutureSkew;
    if (t <= limit) return t;
    this.ahead++;
    if (this.clamp) return limit;
    const unit = likelyTimeUnit(t);
    const params = { time: new Date(t).toISOString(), ahead: describeSpan(t - fresh), skew: describeSpan(this.maxFutureSkew) };
    throw unit ? InputError.of('time', 'aheadOfClockUnit', { ...params, unit }) : InputError.of('time', 'aheadOfClock', params);
  }
}
