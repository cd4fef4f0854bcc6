import { ConfigError } from '../../core/errors';
import { compileSetter, parsePath } from '../../core/path';
import { normaliseProperty } from './event-mapper';
import { NodeMessage } from './red';

// A result message's own parts: a result written over them would lose its key or window.
const RESERVED = ['topic', 'window', '_msgid'];

/**
 * The `outputProperty` setting: where a result goes in its message (a msg path, default
 * `payload`). Returns undefined for payload, so the common case keeps its one-literal message;
 * else a function that writes the result at the path. Throws ConfigError for a malformed path or
 * one that would overwrite topic, window or _msgid.
 */
export function compileOutputProperty(value: unknown): ((msg: NodeMessage, result: unknown) => void) | undefined {
  const text = normaliseProperty(value, 'payload') || 'payload';
  const first = parsePath(text, 'outputProperty')[0];
  if (first === 'payload' && text === 'payload') return undefined;
  if (RESERVED.includes(String(first))) {
    const code = first === 'topic' ? 'outputCarriesKey' : first === 'window' ? 'outputCarriesWindow' : 'outputCarriesId';
    throw ConfigError.of('outputProperty', code, { property: String(first) });
  }
  const set = compileSetter(text, 'outputProperty');
  return (msg, result) => set(msg, result);
}
