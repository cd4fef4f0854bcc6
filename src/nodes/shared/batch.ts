import { InputError, describeValue, toError } from '../../core/errors';
import { inputReasonText } from '../../core/input-reasons';
import { isBatch } from './messages';
import { NodeMessage } from './red';

/**
 * The one error a batch or window message with unusable elements is reported with: a Catch node
 * hears about the message once, while the status counts every unusable element (`elements`).
 */
export class BatchInputError extends InputError {
  constructor(
    property: string,
    readonly elements: number,
    total: number,
    /** The first element's error, which the message quotes (and the node layer says in the user's language). */
    readonly first: Error | undefined,
  ) {
    const params = { bad: elements, total, first: first ? first.message : 'unknown' };
    super(property, inputReasonText('batchRejected', params), 'batchRejected', params);
  }
}

/** Any object can be read as a message: every property of one is optional. */
function isMessageLike(item: unknown): item is NodeMessage {
  return item !== null && typeof item === 'object';
}

/** Element `i` of a batch or window message as a message-like object; throws InputError when it is not one. */
export function batchElement(item: unknown, i: number): NodeMessage {
  if (!isMessageLike(item)) {
    throw InputError.of('msg.payload', 'batchElement', { index: i, got: describeValue(item) });
  }
  return item;
}

/**
 * Runs `each` over the elements of a batch or window message, skipping the ones that throw, then
 * `finish` (what the message sends as a whole). The unusable elements are reported together as
 * one BatchInputError after that, so a batch with a few bad readings still delivers the good ones.
 */
export function processBatch(items: readonly unknown[], each: (item: NodeMessage, index: number) => void, finish?: () => void): void {
  let bad = 0;
  let first: Error | undefined;
  for (let i = 0; i < items.length; i++) {
    try {
      each(batchElement(items[i], i), i);
    } catch (err) {
      bad++;
      first ??= toError(err);
    }
  }
  finish?.();
  if (bad) {
    const property = first instanceof InputError ? first.property : 'msg.payload';
    throw new BatchInputError(property, bad, items.length, first);
  }
}

/** Runs `each` on a message, or through processBatch on every element of a batch message. */
export function eachEventOf(msg: NodeMessage, each: (item: NodeMessage) => void): void {
  if (isBatch(msg)) processBatch(msg.payload, each);
  else each(msg);
}
