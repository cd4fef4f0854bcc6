import { InputError, describeValue, toError } from '../../core/errors';

/**
 * Runs `each` over a batch's elements, skipping the ones that throw. Returns the number of bad
 * elements; the caller counts them and reports one InputError for the message, so a batch with a
 * few bad readings still delivers the good ones and a Catch node still hears about the rest.
 */
export function forEachInBatch(items: unknown[], each: (item: object, index: number) => void): { bad: number; first?: Error } {
  let bad = 0;
  let first: Error | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    try {
      each(batchElement(item, i), i);
    } catch (err) {
      bad++;
      if (!first) first = toError(err);
    }
  }
  return { bad, first };
}

/** Element `i` of a batch or window message as an object; throws InputError when it is not one. */
export function batchElement(item: unknown, i: number): object {
  if (item === null || typeof item !== 'object') {
    throw new InputError('msg.payload', `msg.payload[${i}] is ${describeValue(item)}; batch elements must be message-like objects ({ topic, payload, timestamp })`);
  }
  return item;
}

/** The one error reported for a batch or window message with `bad` unusable elements of `total`. */
export function batchError(bad: number, total: number, first: Error | undefined): InputError {
  const property = first instanceof InputError ? first.property : 'msg.payload';
  return new InputError(property, `${bad} of ${total} elements rejected; first: ${first ? first.message : 'unknown'}`);
}

/**
 * Runs `each` on a message, or on every element of a batch message (isBatch); bad elements are
 * counted through `countRejected` and reported as one InputError, the good ones still count.
 */
export function eachEventOf(msg: { batch?: unknown; payload?: unknown }, each: (item: object) => void, countRejected: (n: number) => void): void {
  if (msg.batch !== true || !Array.isArray(msg.payload)) return each(msg);
  const { bad, first } = forEachInBatch(msg.payload, each);
  if (bad) {
    // The thrown error counts once more when the host reports it.
    countRejected(bad - 1);
    throw batchError(bad, msg.payload.length, first);
  }
}
