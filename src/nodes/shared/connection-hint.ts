import type { PermanentErrorDescription } from '../../connectors/kafka-connection';
import { shortError } from '../../connectors/connection-status';
import { MqttRefusal } from '../../connectors/mqtt-refusal';
import { text } from './i18n';

/** The hint for a permanent connection error in node `type`'s language, from the catalog's hint.<key>. */
export function connectionHint(type: string, d: PermanentErrorDescription): string {
  return text(type, `hint.${d.hint}`, d.params);
}

/** The status-line text of a permanent connection error in node `type`'s language: an untrusted certificate's reason after status.tls ("TLS: …"). */
export function permanentErrorStatus(type: string, d: PermanentErrorDescription): string {
  return d.hint === 'untrustedCertificate' ? text(type, 'status.tls', { reason: d.short }) : d.short;
}

/** A connection error shortened for the status line (shortError); a refused login or certificate said in node `type`'s language (status.refused, status.tls). */
export function connectionErrorStatus(type: string, err: unknown): string | undefined {
  if (!(err instanceof MqttRefusal)) return shortError(err);
  return shortError(text(type, err.kind === 'certificate' ? 'status.tls' : 'status.refused', { reason: err.detail }));
}
