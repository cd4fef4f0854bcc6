import { SlidingTimes } from './sliding-times';

/**
 * A sliding structure that keeps each event's value beside its time (it needs them again on exit),
 * so its snapshot is simply the events in the window.
 */
export abstract class SlidingEvents<IN> extends SlidingTimes {
  protected values: IN[] = [];

  /** Appends the newest event. */
  abstract push(time: number, value: IN): void;

  /** The events, oldest first, as [time, value] pairs. */
  toJSON(): unknown {
    const events: [number, IN][] = [];
    for (let i = this.head; i < this.times.length; i++) events.push([this.times[i], this.values[i]]);
    return events;
  }

  /** Pushes the [time, value] events made by toJSON. */
  fromJSON(json: unknown): void {
    for (const [t, v] of json as [number, IN][]) this.push(t, v);
  }
}
