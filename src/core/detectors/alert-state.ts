/**
 * Turns a stream of scores into incidents that do not flap: an incident starts when the score
 * reaches the threshold, stays open while the score is above threshold × clearRatio (hysteresis),
 * and ends only after `holdOff` ms without such a score. One incident, one alert, one "ended".
 */

import { snapBoolean, snapNumber, snapObject } from '../snapshot-check';

/** An alert state as plain data (see AlertState.snapshot). */
export interface AlertSnapshot {
  active: boolean;
  lastHot: number | null;
}

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

  /** The incident state as plain data: whether one is open, and the last time it was hot (null before any). */
  snapshot(): AlertSnapshot {
    return { active: this.active, lastHot: Number.isFinite(this.lastHot) ? this.lastHot : null };
  }

  /** Takes a snapshot(); throws SnapshotError naming `what` when it is not one. */
  restore(saved: unknown, what: string): void {
    const o = snapObject(saved, what);
    const active = snapBoolean(o.active, `${what} active`);
    // An open incident was hot when it started: it has a time.
    const lastHot = active ? snapNumber(o.lastHot, `${what} lastHot`) : o.lastHot === null ? -Infinity : snapNumber(o.lastHot, `${what} lastHot`);
    this.active = active;
    this.lastHot = lastHot;
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
