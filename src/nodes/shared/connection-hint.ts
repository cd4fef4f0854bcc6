import type { PermanentErrorDescription } from '../../connectors/kafka-connection';
import { text } from './i18n';

/** The hint for a permanent connection error in node `type`'s language, from the catalog's hint.<key>. */
export function connectionHint(type: string, d: PermanentErrorDescription): string {
  return text(type, `hint.${d.hint}`, d.params);
}
