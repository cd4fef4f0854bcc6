/**
 * Turns a stream of scores into incidents that do not flap: an incident starts when the score
 * reaches the threshold, stays open while the score is above threshold × clearRatio (hysteresis),
 * and ends only after `holdOff` ms without such a score. One incident, one alert, one "ended".
 */

/** What happened to the incident with this update. */
export type AlertTransition = 'start' | 'end' | undefined;

/** Settings of the alert state. */
export interface AlertStateOptions {
  /** Quiet time in ms before an incident ends (default 0: ends at the first quiet value). */
  holdOff?: number;
  /** Fraction of the threshold under which a value counts as quiet (default 0.8). */
  clearRatio?: number;
}

/** Per-key incident state with hysteresis and hold-off. */
export class AlertState {
  private active = false;
  private lastHot = -Infinity;
  private readonly holdOff: number;
  private readonly clearRatio: number;

  constructor(options: AlertStateOptions = {}) {
    this.holdOff = Math.max(0, options.holdOff ?? 0);
    this.clearRatio = options.clearRatio ?? 0.8;
  }

  /** True while an incident is open. */
  get inAlert(): boolean {
    return this.active;
  }

  /** Feeds one score at `time`; returns 'start' when an incident opens, 'end' when it closes. */
  update(time: number, score: number, threshold: number): AlertTransition {
    if (!this.active) {
      if (score >= threshold) {
        this.active = true;
        this.lastHot = time;
        return 'start';
      }
      return undefined;
    }
    if (score >= threshold * this.clearRatio) {
      this.lastHot = time;
      return undefined;
    }
    if (time - this.lastHot >= this.holdOff) {
      this.active = false;
      return 'end';
    }
    return undefined;
  }
}
