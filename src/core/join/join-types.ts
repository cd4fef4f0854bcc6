/**
 * The vocabulary of stream joins: sides, join types, what a join emits and the key state the
 * interval and window join strategies keep. Pure types.
 */
import { Key, TimeWindow } from '../types';
import { Timed } from '../timer-heap';
import { TimeBuffer } from '../time-buffer';

/** Which input an event came in on. */
export type JoinSide = 'left' | 'right';

/** inner: pairs only; left/right/full also emit the events of that side (or both) that found no partner. */
export type JoinType = 'inner' | 'left' | 'right' | 'full';

/** One side's event in a join result. */
export interface JoinedEvent<IN> {
  time: number;
  value: IN;
}

/**
 * What a join emits: a pair (both sides set), or an unmatched event of an outer join (the other
 * side null) once no partner can arrive any more. `window` is set by window joins; `late` marks a
 * pair formed by an event that arrived after its window fired (within allowed lateness).
 */
export interface JoinResult<IN> {
  key: Key;
  left: JoinedEvent<IN> | null;
  right: JoinedEvent<IN> | null;
  window?: TimeWindow;
  late: boolean;
}

/** An event waiting for partners; `matched` once it found one (outer joins). */
export interface Buffered<IN> extends JoinedEvent<IN> {
  matched: boolean;
}

/** Events of both sides within one window of a window join. */
export interface JoinWindow<IN> {
  start: number;
  end: number;
  left: Buffered<IN>[];
  right: Buffered<IN>[];
  fired: boolean;
}

/** A key's state: buffers for interval joins, windows for window joins; queued on the operator's timer heap. */
export interface JoinKey<IN> extends Timed {
  readonly key: Key;
  left: TimeBuffer<Buffered<IN>>;
  right: TimeBuffer<Buffered<IN>>;
  windows: Map<number, JoinWindow<IN>>;
}

/** What a join strategy calls back into. */
export interface JoinHost<IN> {
  readonly leftOuter: boolean;
  readonly rightOuter: boolean;
  readonly allowedLateness: number;
  readonly maxEventsPerWindow: number;
  emit(result: JoinResult<IN>): void;
  /** An event dropped by a limit. */
  drop(): void;
}

/** How events of one key meet: interval join or window join. */
export interface JoinStrategy<IN> {
  /** Whether an event at `time` can no longer meet anything once the watermark is `watermark`. */
  isLate(time: number, watermark: number): boolean;
  /** Emits the pairs `event` forms now (if any) and keeps it for later partners. */
  add(ks: JoinKey<IN>, side: JoinSide, event: Buffered<IN>, watermark: number): void;
  /** Emits what the watermark completes and drops what it expires. */
  expire(ks: JoinKey<IN>, watermark: number): void;
  /** Emits everything still open of the key as if no more events came, and drops it. */
  flush(ks: JoinKey<IN>): void;
  /** The watermark at which expire() next has work for the key; Infinity when nothing is held. */
  dueAt(ks: JoinKey<IN>): number;
  /** Buffered events (interval) or open windows (window) of the key, for the status. */
  open(ks: JoinKey<IN>): number;
  /** The key's state as plain JSON. */
  snapshotKey(ks: JoinKey<IN>): Record<string, unknown>;
  /** Inverse of snapshotKey (`saved` is the whole key entry); throws SnapshotError for anything it cannot use. */
  restoreKey(ks: JoinKey<IN>, saved: Record<string, unknown>): void;
}
