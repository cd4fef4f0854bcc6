import type { NodeStatus } from '../nodes/shared/red';

/** States both client libraries are mapped onto. */
export type LinkState = 'connecting' | 'connected' | 'rebalancing' | 'paused' | 'disconnected' | 'failed' | 'closed';

/** The status line of a connector node: colour from the link state, then the node's counters; `label` words the state. */
export function connectionStatus(state: LinkState, detail: string[], error?: string, label: string = state): NodeStatus {
  const text = [label, ...detail].join(' · ') + (error && state !== 'connected' ? `: ${error}` : '');
  switch (state) {
    case 'connected':
      return { fill: 'green', shape: 'dot', text };
    case 'connecting':
    case 'rebalancing':
      return { fill: 'yellow', shape: 'ring', text };
    case 'paused':
      return { fill: 'blue', shape: 'ring', text };
    case 'failed':
      return { fill: 'red', shape: 'dot', text };
    default:
      return { fill: 'red', shape: 'ring', text };
  }
}

/** Shortens an error message for a status line: the reason before a "; " hint, at most 60 characters. */
export function shortError(err: unknown): string | undefined {
  if (!err) return undefined;
  const m = (err instanceof Error ? err.message : String(err)).split('; ')[0];
  return m.length > 60 ? m.slice(0, 57) + '…' : m;
}
