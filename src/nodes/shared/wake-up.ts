// setTimeout fires immediately for delays beyond 2^31-1 ms.
const MAX_DELAY = 0x7fffffff;

/**
 * One processing-time timer for an operator's next wakeup: arm() keeps the earliest time asked
 * for, so a stream of events re-arming it costs one compare each, not a timer each.
 */
export class WakeUp {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private at = Infinity;

  constructor(private readonly onWake: () => void) {}

  /** The processing time armed (ms epoch), Infinity when none: arm() with a later time changes nothing. */
  get due(): number {
    return this.at;
  }

  /**
   * Wake at processing time `at` (ms epoch), unless an earlier wakeup is armed already. The host
   * re-arms after every message and most leave the earliest time as armed, so `clock` is read
   * only when the timer must move.
   */
  arm(at: number | undefined, clock: () => number): void {
    if (at === undefined || at >= this.at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.at = at;
    this.timer = setTimeout(this.fire, Math.min(MAX_DELAY, Math.max(0, at - clock())));
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Infinity;
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.at = Infinity;
    this.onWake();
  };
}
