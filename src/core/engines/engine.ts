/**
 * The contract between the window operator and its per-window-type engines. An engine stores
 * windows (find or create, merge, evict) and keeps them in its own kind of timer store; the rules
 * every window type shares (trigger, lateness, limits, counting) are the WindowLifecycle's, which
 * the operator hands to the engine. Internal to the core; nodes use WindowOperator only.
 */
import { TimerHeap, Timed } from '../timer-heap';
import type { TimerStore } from '../timer-store';
import { StreamEvent } from '../types';
import { Watermark } from '../watermark';
import { isDue } from '../window-lifecycle';

export { isDue };

/** A watermark and the timers it drives: one for the stream, or one per key with watermarkScope 'key'. */
export interface Scope<T extends TimerStore = TimerStore> {
  wm: Watermark;
  /** The engine's timer store (see Engine.newTimers); its head says when fireDue can have work. */
  timers: T;
}

/** Per-key state every engine extends. */
export interface KeyBase<T extends TimerStore = TimerStore> {
  key: string;
  scope: Scope<T>;
}

/** Key state of engines whose timers sit in a TimerHeap: `seq` breaks ties between keys. */
export interface SeqKey<T extends TimerStore = TimerStore> extends KeyBase<T> {
  seq: number;
}

/** One window type's storage; the operator owns keys, watermarks and the lifecycle. */
export interface Engine<IN, KS extends KeyBase<T>, T extends TimerStore> {
  /** A fresh timer store for a scope. */
  newTimers(): T;
  /** Fires every timer of the scope due at watermark `w` (every timer up to `w` when inclusive). */
  fireDue(scope: Scope<T>, w: number, inclusive: boolean): void;
  /** Earliest processing time at which a timer of the scope is due in processing-time mode. */
  nextTimer(scope: Scope<T>): number | undefined;
  /** Latest timer of the scope (-Infinity when none), where an idle scope's watermark jumps. */
  latestTimer(scope: Scope<T>): number;
  /** Whether the scope has timers (possibly stale ones). */
  hasTimers(scope: Scope<T>): boolean;
  /** `seq` numbers keys in creation order (restores keep the order). */
  createKey(key: string, scope: Scope<T>, seq: number): KS;
  /** Adds an event whose event time is `t` (the watermark already includes it). */
  add(ks: KS, event: StreamEvent<IN>, t: number): void;
  /** Fires every window of the key now ('final') and drops its state. */
  flush(ks: KS): void;
  /** Input stopped: close what can be closed (time engines advance the watermark instead). */
  idle(ks: KS): void;
  /** Emits 'early' results of the key's open windows the trigger fires. */
  early(ks: KS): void;
  /** Drops the key's state and timers without emitting. */
  reset(ks: KS): void;
  /** Whether the key holds any state (keys without state are forgotten in stream scope). */
  isEmpty(ks: KS): boolean;
  /** The key's windows in the saved form (named fields, see snapshot-schema.ts), beside `key` and `watermark`. */
  snapshotKey(ks: KS): Record<string, unknown>;
  /** Loads what snapshotKey saved (`saved` is the whole key entry); checks it whole and throws SnapshotError before changing anything. */
  restoreKey(ks: KS, saved: Record<string, unknown>): void;
}

/**
 * Timer handling shared by the engines that keep their timers in a TimerHeap: one timer per key,
 * due when the watermark passes it (or reaches it, when dueAtEqual).
 */
export abstract class HeapTimerEngine<K extends Timed & KeyBase<TimerHeap<K>>> {
  protected abstract readonly dueAtEqual: boolean;
  protected abstract fire(item: K, w: number, inclusive: boolean): void;

  newTimers(): TimerHeap<K> {
    return new TimerHeap<K>();
  }

  fireDue(scope: Scope<TimerHeap<K>>, w: number, inclusive: boolean): void {
    const heap = scope.timers;
    for (;;) {
      const top = heap.peek();
      if (top === undefined || !isDue(top.timerAt, w, inclusive || this.dueAtEqual)) return;
      heap.pop();
      this.fire(top, w, inclusive);
    }
  }

  nextTimer(scope: Scope<TimerHeap<K>>): number | undefined {
    const top = scope.timers.peek();
    if (top === undefined) return undefined;
    // Processing time is whole ms: a timer due only once time has passed it wakes 1 ms later.
    return this.dueAtEqual ? top.timerAt : top.timerAt + 1;
  }

  latestTimer(scope: Scope<TimerHeap<K>>): number {
    return scope.timers.maxTime();
  }

  hasTimers(scope: Scope<TimerHeap<K>>): boolean {
    return scope.timers.size > 0;
  }
}
