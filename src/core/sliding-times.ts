/**
 * The event times of a per-event sliding window, oldest first. Every sliding structure keeps them
 * the same way (an array whose used head is dropped in place now and then), so the queries that
 * only need the times live here once.
 */
export abstract class SlidingTimes {
  /** Removes the oldest event. */
  abstract pop(): void;

  protected times: number[] = [];
  /** Index of the oldest event still in the window. */
  protected head = 0;

  /** Number of events in the window. */
  get size(): number {
    return this.times.length - this.head;
  }

  /** Event time of the oldest event; undefined when empty. */
  oldestTime(): number | undefined {
    return this.head < this.times.length ? this.times[this.head] : undefined;
  }

  /** Event time of the newest event; undefined when empty. */
  newestTime(): number | undefined {
    return this.head < this.times.length ? this.times[this.times.length - 1] : undefined;
  }

  /** Removes every event at or before `time`, oldest first; returns how many left. */
  popThrough(time: number): number {
    let n = 0;
    while (this.head < this.times.length && this.times[this.head] <= time) {
      this.pop();
      n++;
    }
    return n;
  }
}
