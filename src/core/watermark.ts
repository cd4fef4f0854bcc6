/**
 * Bounded out-of-orderness watermark: the event time up to which the stream (or one key) is
 * considered complete. It only moves forward: watermark = max event time seen - maxOutOfOrder,
 * or further when processing time or an idle timeout pushes it.
 */
import { finiteOrNull } from './aggregates/snapshot-json';
import { snapObject, snapTimeOr } from './snapshot-check';

/** One watermark clock; the operator keeps one per stream, or one per key with watermarkScope 'key'. */
export class Watermark {
  /** Largest event time observed, -Infinity before the first event. */
  maxEventTime = -Infinity;
  /** Current watermark, -Infinity before the first event. */
  value = -Infinity;
  /** Processing time of the last input, for idle detection. */
  lastInputAt = -Infinity;

  constructor(public readonly maxOutOfOrder: number) {}

  /** Records an event time; returns true when the watermark moved forward. */
  observe(eventTime: number): boolean {
    if (eventTime <= this.maxEventTime) return false;
    this.maxEventTime = eventTime;
    const next = eventTime - this.maxOutOfOrder;
    if (next <= this.value) return false;
    this.value = next;
    return true;
  }

  /** Moves the watermark to `to` if that is forward; returns true when it moved. */
  advanceTo(to: number): boolean {
    if (to <= this.value) return false;
    this.value = to;
    return true;
  }

  /**
   * Takes the watermark back to `to` when it is ahead: a source (partition) that starts or resumes
   * behind the others must not find its records late. What already fired stays fired.
   */
  holdBack(to: number): void {
    if (to < this.value) this.value = to;
  }

  /** Plain-JSON form for snapshots (±Infinity become null). */
  toJSON(): { maxEventTime: number | null; value: number | null; lastInputAt: number | null } {
    return { maxEventTime: finiteOrNull(this.maxEventTime), value: finiteOrNull(this.value), lastInputAt: finiteOrNull(this.lastInputAt) };
  }

  /** Restores what toJSON produced; throws SnapshotError, changing nothing, when it is not that. */
  load(json: unknown): void {
    const saved = snapObject(json, 'watermark');
    const maxEventTime = snapTimeOr(saved.maxEventTime, -Infinity, 'watermark maxEventTime');
    const wm = snapTimeOr(saved.value, -Infinity, 'watermark value');
    this.lastInputAt = snapTimeOr(saved.lastInputAt, -Infinity, 'watermark lastInputAt');
    this.maxEventTime = maxEventTime;
    this.value = wm;
  }
}
