/**
 * Several per-key states of one node that follow Kafka partitions together: a detect node with
 * its own windows keeps the window operator's open windows and the detector's history and open
 * incidents of the same keys, and both must move when the keys' partition does, as one.
 *
 * Saved form: { kind: 'combined-keys', parts: [<each part's snapshotKeys() form>] }. Every part's
 * form lists its keys as `keys: [{ key, … }]`, as all the keyed operators' forms do. A form of the
 * first part alone (saved before the node kept the other parts with it) restores that part only.
 */
import { KeyedPartitionState } from './keyed-partition-state';
import { snapArray, snapKeyEntries, snapObject } from './snapshot-check';
import { Key } from './types';

/** The kind of the combined saved form. */
export const COMBINED_KEYS = 'combined-keys';

/** Per-key states saved, restored and dropped together (see the file comment). */
export class CombinedPartitionState implements KeyedPartitionState {
  /** `parts`: how to reach each state, looked up at each call (a part may be made after this). */
  constructor(private readonly parts: ReadonlyArray<() => KeyedPartitionState>) {}

  /** Whether any part holds state of `key`. */
  hasKey(key: Key): boolean {
    return this.parts.some((part) => part().hasKey(key));
  }

  /** Every part's snapshotKeys() of `keys`, in the parts' order. */
  snapshotKeys(keys: Iterable<Key>): { kind: string; parts: unknown[] } {
    const list = [...keys];
    return { kind: COMBINED_KEYS, parts: this.parts.map((part) => part().snapshotKeys(list)) };
  }

  /**
   * Restores every part's keys, all or nothing: when a part refuses its form, the parts restored
   * before it get their keys' previous state back, and the error is thrown. Returns every key restored.
   */
  restoreKeys(saved: unknown): Key[] {
    const snap = snapObject(saved, 'snapshot');
    if (snap.kind !== COMBINED_KEYS) return this.parts[0]().restoreKeys(saved);
    const forms = snapArray(snap.parts, 'parts', this.parts.length);
    const names = new Set<Key>();
    forms.forEach((form, i) => {
      for (const entry of snapKeyEntries(snapObject(form, `part ${i}`).keys)) names.add(entry.key);
    });
    const keys = [...names];
    const states = this.parts.map((part) => part());
    const previous = states.map((state) => state.snapshotKeys(keys));
    const restored = new Set<Key>();
    let i = 0;
    try {
      for (; i < states.length; i++) for (const key of states[i].restoreKeys(forms[i])) restored.add(key);
    } catch (err) {
      // The part that failed changed nothing; the ones before it did.
      for (let j = 0; j < i; j++) {
        states[j].dropKeys(keys);
        states[j].restoreKeys(previous[j]);
      }
      throw err;
    }
    return [...restored];
  }

  /** Forgets `keys` in every part. */
  dropKeys(keys: Iterable<Key>): void {
    const list = [...keys];
    for (const part of this.parts) part().dropKeys(list);
  }

  /** Takes the watermark back in every part that has one. */
  holdBack(to: number): void {
    for (const part of this.parts) part().holdBack?.(to);
  }

  /** Declares the sources to every part that keeps watermarks per source. */
  expectSources(group: string, sources: readonly string[], now: number): void {
    for (const part of this.parts) part().expectSources?.(group, sources, now);
  }
}
