import { NodeMessage, SendFn } from './red';

/**
 * Where the results of one call into an operator go: the `send` of the input that drove it and
 * that input message (its _msgid goes on the results), as Node-RED's batch and join nodes hand
 * `send` down from their input listener. A timer-driven call has the node's own send and no cause.
 */
export interface EmitContext {
  readonly send: SendFn;
  /** The input message that caused the results; undefined when the wake-up timer drove the operator. */
  readonly msg: NodeMessage | undefined;
  /** The element of a batch message being processed, when the cause is a batch. */
  readonly element?: NodeMessage;
}

/**
 * What an operator emitted during one call, held until the caller, who has the call's
 * EmitContext in hand, delivers it. Operators call back synchronously and know nothing of
 * Node-RED, so their callbacks push here instead of reaching for a send kept in a field.
 */
export class Emissions<R> {
  private readonly held: R[] = [];

  constructor(private readonly deliverOne: (item: R, ctx: EmitContext) => void) {}

  /** For the operator's callback. */
  readonly push = (item: R): void => {
    this.held.push(item);
  };

  /** Delivers everything held, in emission order, to `ctx`. */
  deliver(ctx: EmitContext): void {
    const items = this.held;
    if (items.length === 0) return;
    try {
      for (let i = 0; i < items.length; i++) this.deliverOne(items[i], ctx);
    } finally {
      // Also when a result throws: nothing is left behind for the next call.
      items.length = 0;
    }
  }
}
