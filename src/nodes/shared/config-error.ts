import { ConfigError, SnapshotError, toError } from '../../core/errors';
import { SnapshotVersionError } from '../../core/snapshot-migration';
import { text } from './i18n';
import { RedNode } from './red';

/**
 * The message of a setting error in the user's language: a ConfigError with a reason code is said
 * from node `type`'s catalog (configError.<code>, with its parameters), after the field it names;
 * a saved-state error quoting another error says that one the same way; saved state of a version
 * this release cannot read is said from the same catalog, with no field; anything else as it was
 * thrown. In English each reads exactly as the error's own message.
 */
export function configErrorText(type: string, err: unknown): string {
  if (err instanceof ConfigError && err.code) {
    const params = err instanceof SnapshotError && err.inner ? { ...err.params, reason: configErrorText(type, err.inner) } : err.params;
    const key = `configError.${err.code}`;
    const reason = text(type, key, params);
    if (reason !== `${type}.${key}`) return `${err.field}: ${reason}`;
  }
  if (err instanceof SnapshotVersionError) {
    const key = `configError.${err.code}`;
    const said = text(type, key, err.params);
    if (said !== `${type}.${key}`) return said;
  }
  return toError(err).message;
}

/**
 * Reports a configuration the node cannot run with: red status naming the field, node.error
 * with what is allowed, and an input handler that completes messages without processing them so
 * the rest of the flow keeps running.
 */
export function failOnConfig(node: RedNode, err: unknown): void {
  const field = err instanceof ConfigError ? err.field : '';
  node.status({ fill: 'red', shape: 'ring', text: field ? text(node.type, 'status.invalidField', { field }) : text(node.type, 'status.invalidConfig') });
  reportConfigError(node, err);
  node.on('input', (_msg, _send, done) => done());
}

/** Logs a setting error as "invalid configuration: <field>: <reason>" in the user's language (config nodes report it so, with no status). */
export function reportConfigError(node: RedNode, err: unknown): void {
  node.error(text(node.type, 'error.invalidConfiguration', { message: configErrorText(node.type, err) }));
}
