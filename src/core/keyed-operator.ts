/**
 * What the join and the sequence operators share: a key table whose key states wait on one timer
 * heap, one stream watermark, the event-time guard and the late/dropped counters; from them the
 * status counters, and the whole and per-key saved forms built from each operator's key entries.
 */
import { EventTimeGuard } from './event-time-guard';
import { Keyed, KeyTable } from './key-table';
import { KeyedPartitionState } from './keyed-partition-state';
import { restoreSomeKeys, restoreWhole } from './snapshot-check';
import { Timed, TimerHeap } from './timer-heap';
import { Key, OperatorStats } from './types';
import { Watermark } from './watermark';

/** The shared part of a keyed event-time operator whose key states are queued on a timer heap. */
export abstract class KeyedOperator<KS extends Keyed & Timed> implements KeyedPartitionState {
  late = 0;
  dropped = 0;

  protected keys = new KeyTable<KS>();
  protected timers = new TimerHeap<KS>();
  protected keySeq = 0;
  protected idle = false;
  /** Set by the operator's constructor, which checks its options in its own order. */
  protected guard!: EventTimeGuard;
  protected wm!: Watermark;

  /** The saved form's kind ('join', 'sequence'); the state of some keys is `<kind>-keys`. */
  protected abstract readonly kind: string;
  /** The settings a saved form must have been taken with. */
  protected abstract fingerprint(): unknown;
  /** One key's saved entry: its name and its state. */
  protected abstract keyEntry(ks: KS): Record<string, unknown>;
  /** Replaces everything with a whole saved form whose kind and settings were checked. */
  protected abstract load(snap: Record<string, unknown>): void;
  /** Adds the keys of a snapshotKeys() form whose kind and settings were checked (the keys are not held). */
  protected abstract loadKeys(snap: Record<string, unknown>): void;
  /** What the status counts as open: buffered events, windows or partial matches. */
  protected abstract openCount(): number;
  /** The whole state in the saved form (snapshot-schema.ts). */
  abstract snapshot(): unknown;
  /** Drops the state (of `key`) without emitting. */
  abstract reset(key?: Key): void;
  /** Forgets the state of some keys without emitting. */
  abstract dropKeys(keys: Iterable<Key>): void;

  /** Counters for the node status. */
  stats(): OperatorStats {
    return {
      keys: this.keys.size,
      openWindows: this.openCount(),
      watermark: this.wm.value,
      maxEventTime: this.wm.maxEventTime,
      late: this.late,
      dropped: this.dropped,
      ahead: this.guard.ahead,
    };
  }

  /** Replaces the state with a saved one, all or nothing: anything unusable throws ConfigError (SnapshotError) and changes nothing. */
  restore(snapshot: unknown): void {
    restoreWhole(snapshot, {
      kind: this.kind,
      label: this.kind,
      config: this.fingerprint(),
      current: () => this.snapshot() as Record<string, unknown>,
      load: (snap) => this.load(snap),
      reset: () => this.reset(),
    });
  }

  /** The state of some keys only, with key entries as snapshot() writes them; the watermark stays. */
  snapshotKeys(keys: Iterable<Key>): unknown {
    const out: unknown[] = [];
    for (const key of keys) {
      const ks = this.keys.get(key);
      if (ks !== undefined) out.push(this.keyEntry(ks));
    }
    return { kind: `${this.kind}-keys`, config: this.fingerprint(), keys: out };
  }

  /** Adds the keys of a snapshotKeys() result, replacing their local state, all or nothing; returns the keys restored. */
  restoreKeys(saved: unknown): Key[] {
    return restoreSomeKeys(saved, {
      kind: `${this.kind}-keys`,
      label: this.kind,
      config: this.fingerprint(),
      current: (keys) => this.snapshotKeys(keys) as Record<string, unknown>,
      drop: (keys) => this.dropKeys(keys),
      load: (snap) => this.loadKeys(snap),
    });
  }

  /** Whether the operator holds state of the key (keys without state are forgotten). */
  hasKey(key: Key): boolean {
    return this.keys.get(key) !== undefined;
  }
}
