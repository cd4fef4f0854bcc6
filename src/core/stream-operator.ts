/**
 * What a node host drives in any keyed event-time operator (windows, joins, sequences) besides
 * feeding it events: processing time, the next wakeup, flush and reset, status counters and
 * snapshots. Feeding events is operator specific (a join needs a side, a window does not).
 */
import { Key, OperatorStats } from './types';

/** The lifecycle every keyed operator shares; the WindowOperator has it too. */
export interface StreamOperator {
  /** Processing time moved on: idle close, processing-time watermark. */
  advance(now: number): void;
  /** The processing time at which advance() next has work; undefined when nothing waits. */
  nextWakeup(): number | undefined;
  /** Emits what is open (of `key`) now and drops that state. */
  flush(now: number, key?: Key): void;
  /** Drops the state (of `key`) without emitting. */
  reset(key?: Key): void;
  /** Counters for the node status. */
  stats(): OperatorStats;
  /** The whole state as plain JSON. */
  snapshot(): unknown;
  /** Replaces the state with a snapshot; throws ConfigError when it was taken with other options. */
  restore(snapshot: unknown): void;
}
