/**
 * State kept per key that can move to another instance key by key: the keys whose records came
 * from one Kafka partition go with the partition when it is read elsewhere. The window operator,
 * the join, the sequence and the keyed detector keep their state this way; a node with two of
 * them (a detect node's windows and detector) moves both as one CombinedPartitionState.
 */
import { Key } from './types';

/** Per-key state that can be saved, restored and forgotten for some keys only. */
export interface KeyedPartitionState {
  /** Whether any state of `key` is held (keys without state are forgotten). */
  hasKey(key: Key): boolean;
  /** The state of `keys` as plain JSON in the saved form; keys without state are left out. */
  snapshotKeys(keys: Iterable<Key>): unknown;
  /**
   * Adds the keys of a snapshotKeys() result, replacing local state of the same keys, all or
   * nothing: anything unusable throws ConfigError (SnapshotError) and changes nothing. Returns
   * the keys restored.
   */
  restoreKeys(saved: unknown): Key[];
  /** Forgets the state of `keys` without emitting (their partition is read elsewhere now). */
  dropKeys(keys: Iterable<Key>): void;
  /** Takes the watermark back to `to` when it is ahead (a partition taken over may be behind the others). */
  holdBack?(to: number): void;
  /** Declares the sources (partitions) of `group` that feed the state, see WindowOperator.expectSources. */
  expectSources?(group: string, sources: readonly string[], now: number): void;
}
