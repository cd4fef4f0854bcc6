import { RedNode } from './red';

/**
 * Warnings that inform without flooding the log: per kind, the first occurrence is logged at
 * once, later ones are counted and logged as one line with their count when the next occurrence
 * comes after `intervalMs`. No timer is involved, so nothing outlives the node; the exact counts
 * belong in the node status.
 */
export class ThrottledWarning {
  private readonly kinds = new Map<string, { loggedAt: number; pending: number }>();

  constructor(
    private readonly node: RedNode,
    private readonly intervalMs = 60_000,
  ) {}

  /**
   * Counts `n` occurrences of `kind`; `describe(count)` words the line when one is due, e.g.
   * (n) => `${n} events dropped: maxKeys (10000) reached`.
   */
  note(kind: string, n: number, describe: (count: number) => string, now = Date.now()): void {
    let k = this.kinds.get(kind);
    if (k === undefined) {
      k = { loggedAt: -Infinity, pending: 0 };
      this.kinds.set(kind, k);
    }
    k.pending += n;
    if (now - k.loggedAt < this.intervalMs) return;
    const count = k.pending;
    k.pending = 0;
    k.loggedAt = now;
    this.node.warn(describe(count));
  }
}
