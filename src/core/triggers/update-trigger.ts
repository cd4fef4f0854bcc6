/**
 * emit 'update': a running result after every event that changed a window.
 */
import type { Trigger, TriggerResult } from './trigger';

/** Fires on every element. */
export const updateTrigger: Trigger = {
  onElement(): TriggerResult {
    return 'fire';
  },
  onProcessingTime(): TriggerResult {
    return 'continue';
  },
};
