/**
 * What the window operator needs to know of any engine's timers before it asks the engine to fire
 * them: the earliest time one of them waits for. A timer is due once the watermark reaches or
 * passes its time, so while the watermark is below `head` none is, and the operator skips the
 * engine call. Event times usually grow with every event, so the watermark moves on nearly every
 * event while a timer comes due only once per window.
 */
export interface TimerStore {
  /** Earliest time a timer waits for; +Infinity when there is none. Kept up to date by the store. */
  readonly head: number;
}

/** The timer store of engines that have no timers (count windows). */
export const NO_TIMERS: TimerStore = Object.freeze({ head: Infinity });
