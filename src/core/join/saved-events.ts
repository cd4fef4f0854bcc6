/** A join's buffered events in the saved form (snapshot-schema.ts): `{ time, value, matched }`. */
import { SnapshotError, snapArray, snapObject, snapTime } from '../snapshot-check';
import { Buffered } from './join-types';

/** Buffered events as saved. */
export function saveEvents<IN>(events: Iterable<Buffered<IN>>): unknown[] {
  const out: unknown[] = [];
  for (const e of events) out.push({ time: e.time, value: e.value, matched: e.matched });
  return out;
}

/** Saved events read back, each time checked; throws SnapshotError naming `what`. */
export function loadEvents<IN>(saved: unknown, what: string): Buffered<IN>[] {
  return snapArray(saved, what).map((entry, i) => {
    const e = snapObject(entry, `${what} ${i}`);
    if (typeof e.matched !== 'boolean') throw SnapshotError.because('snapshotBoolean', { what: `${what} ${i} matched` });
    return { time: snapTime(e.time, `${what} ${i} time`), value: e.value as IN, matched: e.matched };
  });
}
