import { connectionStatus, type LinkState } from '../../connectors/connection-status';
import { formatDuration } from '../../core/duration';
import { OperatorStats } from '../../core/types';
import { text } from './i18n';
import { NodeStatus } from './red';

/** What a node's status line is made of. */
export interface StatusFigures {
  /** The operator's counters; undefined for a node without an operator (it counts messages). */
  stats: OperatorStats | undefined;
  /** Catalog key (status.<openLabel>) naming the operator's open state: open, buffered, partial. */
  openLabel: string;
  /** Event time: the watermark's lag behind the clock shows. */
  eventTime: boolean;
  /** Events ahead of the clock are clamped (else rejected). */
  clampsAhead: boolean;
  received: number;
  /** Events whose time fell back to the arrival time. */
  arrivalFallbacks: number;
  /** The node's own text after the standard counters (e.g. "12 passed"). */
  extra: string | undefined;
  rejected: number;
  /** The property the last rejected message lacked, '' when unknown. */
  lastError: string;
}

/**
 * The status line of a node (type `type`) in the user's language: keys, open windows, watermark
 * lag, late, ahead-of-clock and dropped counts, then the node's own text and the rejected count;
 * yellow once something was lost or refused.
 */
export function nodeStatus(type: string, f: StatusFigures, now: number): NodeStatus {
  const parts: string[] = [];
  let fill: NodeStatus['fill'] = 'green';
  const t = (key: string, params: Record<string, string | number>): string => text(type, `status.${key}`, params);
  const s = f.stats;
  if (s) {
    parts.push(t(s.keys === 1 ? 'key' : 'keys', { count: s.keys }), t(f.openLabel, { count: s.openWindows }));
    if (Number.isFinite(s.watermark) && f.eventTime) parts.push(t('lag', { lag: formatDuration(Math.max(0, now - s.watermark), 2) }));
    if (s.late) parts.push(t('late', { count: s.late }));
    if (s.ahead) {
      parts.push(t(f.clampsAhead ? 'aheadClamped' : 'aheadRejected', { count: s.ahead }));
      fill = 'yellow';
    }
    if (s.dropped) {
      parts.push(t('dropped', { count: s.dropped }));
      fill = 'yellow';
    }
  } else {
    parts.push(t('received', { count: f.received }));
  }
  if (f.arrivalFallbacks) parts.push(t('arrivalTime', { count: f.arrivalFallbacks }));
  if (f.extra) parts.push(f.extra);
  if (f.rejected) {
    parts.push(f.lastError ? t('rejectedWhy', { count: f.rejected, reason: f.lastError }) : t('rejected', { count: f.rejected }));
    fill = 'yellow';
  }
  return { fill, shape: 'dot', text: parts.join(' · ') };
}

/** One counter of node `type`'s status line: the catalog text status.<key> with __count__ = `count`. */
export function statusCount(type: string, key: string, count: number): string {
  return text(type, `status.${key}`, { count });
}

/** The status line of connector node `type`: its link state in the user's language, then `detail`, then the last error. */
export function connectorStatus(type: string, state: LinkState, detail: string[], error?: string): NodeStatus {
  return connectionStatus(state, detail, error, text(type, `status.link.${state}`));
}
