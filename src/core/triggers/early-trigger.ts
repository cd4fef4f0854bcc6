/**
 * emit 'early': every earlyEvery ms of processing time, a result of each window that changed
 * since its last one. The window's 'changed' state is the trigger's memory, and it is saved with
 * the window, so a restored operator still sends the results it owed.
 */
import type { Trigger, TriggerResult, TriggerWindow } from './trigger';

/** Marks windows changed on elements and fires the changed ones on each processing-time round. */
export const earlyTrigger: Trigger = {
  onElement(window: TriggerWindow): TriggerResult {
    window.state = 'changed';
    return 'continue';
  },
  onProcessingTime(window: TriggerWindow): TriggerResult {
    if (window.state !== 'changed') return 'continue';
    window.state = 'open';
    return 'fire';
  },
};
