import { LateEvent, WindowInfo } from '../../core/types';
import { NodeMessage } from './red';

/** The late port's message: the original message plus `late = { window, watermark }`. */
export function lateMessage<IN>(late: LateEvent<IN>, original: NodeMessage | undefined, fallback: () => NodeMessage): NodeMessage {
  const msg = original ?? fallback();
  msg.late = { window: late.window, watermark: late.watermark };
  return msg;
}

/** True for a batch: `msg.batch === true` and `msg.payload` an array of message-like objects. */
export function isBatch(msg: NodeMessage): msg is NodeMessage & { payload: unknown[] } {
  return msg.batch === true && Array.isArray(msg.payload);
}

/** True for a window message from a window node (or any node that sets msg.window). */
export function isWindowMessage(msg: NodeMessage): msg is NodeMessage & { payload: unknown[]; window: WindowInfo } {
  return msg.window !== undefined && msg.window !== null && typeof msg.window === 'object' && Array.isArray(msg.payload);
}
