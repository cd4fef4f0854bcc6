/**
 * How unusual a recent deviation is for this stream: the mean of the last few deviations,
 * standardised against the long-run distribution of that same mean. A stream that always
 * deviates a lot (noisy, cyclic) learns that this is normal; a quiet stream is alarmed by less.
 */
import { NumberRing } from './ring';
import { snapObject, snapRange } from '../snapshot-check';

/** Short-mean-vs-long-history standardiser for one deviation signal. */
export class Surprise {
  private readonly short: NumberRing;
  private readonly long: NumberRing;
  /** From the last update: how many standard deviations the short mean lies *below* normal (≥ 0). */
  below = 0;

  constructor(
    shortWindow: number,
    longWindow: number,
    private readonly minHistory: number,
  ) {
    this.short = new NumberRing(shortWindow);
    this.long = new NumberRing(longWindow);
  }

  /** The standardiser as plain data. */
  save(): { short: unknown; long: unknown; below: number } {
    return { short: this.short.save(), long: this.long.save(), below: this.below };
  }

  /** Takes the state saved by save(); throws SnapshotError naming `what` when it is not one. */
  load(o: unknown, what: string): void {
    const x = snapObject(o, what);
    const below = snapRange(x.below, 0, Infinity, `${what} below`);
    this.short.load(x.short, `${what} short`);
    this.long.load(x.long, `${what} long`);
    this.below = below;
  }

  /** Adds a deviation (≥ 0) and returns how many standard deviations its short mean lies above normal (≥ 0). */
  update(deviation: number): number {
    this.short.push(deviation);
    const m = this.short.mean();
    let z = 0;
    this.below = 0;
    if (this.long.length >= this.minHistory) {
      // A floor on the spread keeps a perfectly regular stream from turning rounding into alarms.
      const raw = (m - this.long.mean()) / Math.max(this.long.std(), 1e-3);
      z = Math.max(0, raw);
      this.below = Math.max(0, -raw);
    }
    this.long.push(m);
    return z;
  }
}
