import { ConfigError, toError } from '../../core/errors';
import { text } from './i18n';
import { RedNode } from './red';

/**
 * Reports a configuration the node cannot run with: red status naming the field, node.error
 * with what is allowed, and an input handler that completes messages without processing them so
 * the rest of the flow keeps running.
 */
export function failOnConfig(node: RedNode, err: unknown): void {
  const field = err instanceof ConfigError ? err.field : '';
  const message = toError(err).message;
  node.status({ fill: 'red', shape: 'ring', text: field ? text(node.type, 'status.invalidField', { field }) : text(node.type, 'status.invalidConfig') });
  node.error(text(node.type, 'error.invalidConfiguration', { message }));
  node.on('input', (_msg, _send, done) => done());
}
