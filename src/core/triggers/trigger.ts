/**
 * When a window emits before it closes. A trigger is asked on every event added to a window and on
 * every early-firing round of processing time; the watermark reaching a window's end always fires
 * it ('final'), and what happens after that (purge now, or keep for allowed lateness) is the
 * window lifecycle's one cleanup rule, not the trigger's.
 */
import type { WindowState } from '../snapshot-schema';

/** What a trigger asks for: nothing yet, or a result of the window now. */
export type TriggerResult = 'continue' | 'fire';

/** A window as a trigger sees it: its lifecycle state, which the trigger may move between 'open' and 'changed'. */
export interface TriggerWindow {
  state: WindowState | 'purged';
}

/** Decides the results a window emits before its final one. */
export interface Trigger {
  /** An event was added to an open window. */
  onElement(window: TriggerWindow): TriggerResult;
  /** A round of early firing (emit 'early', every earlyEvery ms of processing time). */
  onProcessingTime(window: TriggerWindow): TriggerResult;
}
