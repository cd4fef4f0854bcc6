import { InputError, describeValue } from '../../core/errors';
import { keyOf } from '../../core/key-of';
import { Key } from '../../core/types';
import { NodeMessage } from './red';

/**
 * The key a control message (msg.reset, msg.flush) selects, from msg.topic: undefined (every key)
 * only when msg.topic is absent; strings, numbers and booleans name one key exactly as events of
 * that topic are keyed ('' is the key of events without a topic). Anything else is an error, never
 * "every key": a reset meant for one key must not wipe the others.
 */
export function controlKey(msg: NodeMessage): Key | undefined {
  const topic = msg.topic;
  if (topic === undefined || topic === null) return undefined;
  const key = keyOf(topic);
  if (key !== undefined) return key;
  throw InputError.of('msg.topic', 'controlTopic', { got: describeValue(topic) });
}
