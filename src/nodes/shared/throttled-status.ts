import { NodeStatus, RedNode } from './red';

/**
 * Refreshes a node's status at most once per `intervalMs`. The per-message cost is one boolean
 * test: `touch()` arms a single timer when none is pending, and the status text is rendered only
 * when that timer fires, so a fast stream pays nothing for its status line.
 */
export class ThrottledStatus {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = '';
  private closed = false;

  constructor(
    private readonly node: RedNode,
    private readonly render: () => NodeStatus,
    private readonly intervalMs = 250,
  ) {}

  /** Something changed: refresh the status soon. */
  touch(): void {
    if (this.timer === undefined && !this.closed) this.timer = setTimeout(this.refresh, this.intervalMs);
  }

  /** Refresh now (after a flush, reset or restore, where the user expects to see it). */
  readonly refresh = (): void => {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.closed) return;
    const status = this.render();
    const key = `${status.fill}|${status.shape}|${status.text}`;
    if (key === this.last) return;
    this.last = key;
    this.node.status(status);
  };

  /** Show a fixed status (a config error) and stop refreshing. */
  fixed(status: NodeStatus): void {
    this.close();
    this.node.status(status);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
