import type { PermanentErrorDescription } from '../../connectors/kafka-connection';
import { shortError } from '../../connectors/connection-status';
import { ChangelogTimeout } from '../../connectors/changelog-timeout';
import { MqttRefusal } from '../../connectors/mqtt-refusal';
import { SubscriptionRefusal } from '../../connectors/subscription-refusal';
import { toError } from '../../core/errors';
import { text } from './i18n';

/** The hint for a permanent connection error in node `type`'s language, from the catalog's hint.<key>. */
export function connectionHint(type: string, d: PermanentErrorDescription): string {
  return text(type, `hint.${d.hint}`, d.params);
}

/**
 * The status-line text of a permanent connection error in node `type`'s language: an untrusted
 * certificate's reason after status.tls ("TLS: …"); a refusal without readable text as status.authFailed.
 */
export function permanentErrorStatus(type: string, d: PermanentErrorDescription): string {
  const reason = d.short ?? text(type, 'status.authFailed');
  return d.hint === 'untrustedCertificate' ? text(type, 'status.tls', { reason }) : reason;
}

/** A connection error shortened for the status line (shortError); a refused login or certificate said in node `type`'s language (status.refused, status.tls). */
export function connectionErrorStatus(type: string, err: unknown): string | undefined {
  if (!(err instanceof MqttRefusal)) return shortError(err);
  return shortError(text(type, err.kind === 'certificate' ? 'status.tls' : 'status.refused', { reason: err.detail }));
}

/**
 * A connector's error in node `type`'s language where the connector says what it is: a refused
 * subscription (error.subscriptionRefused), a changelog read that took too long
 * (warning.changelogTimeout); anything else as it was thrown. In English both read as the error's own message.
 */
export function connectorErrorText(type: string, err: unknown): string {
  if (err instanceof SubscriptionRefusal) return text(type, 'error.subscriptionRefused', { subscription: err.subscription, code: err.reasonCode });
  if (err instanceof ChangelogTimeout) return text(type, 'warning.changelogTimeout', { topic: err.topic, ms: err.ms });
  return toError(err).message;
}
