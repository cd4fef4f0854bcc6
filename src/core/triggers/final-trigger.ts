/**
 * emit 'final': one result per window, when the watermark closes it.
 */
import type { Trigger, TriggerResult } from './trigger';

/** Never fires before the window closes. */
export const finalTrigger: Trigger = {
  onElement(): TriggerResult {
    return 'continue';
  },
  onProcessingTime(): TriggerResult {
    return 'continue';
  },
};
