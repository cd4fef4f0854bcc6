import { DoneFn, NodeMessage, SendFn } from './red';

/** One input as Node-RED handed it to the listener. */
export interface QueuedInput {
  msg: NodeMessage;
  send: SendFn;
  done: DoneFn;
}

/**
 * Keeps inputs in arrival order: while the node is not ready (saved state being read) or an
 * input is still being handled asynchronously (JSONata, a partition's state being restored),
 * every later input, control messages included, waits here and runs in turn.
 */
export class InputQueue {
  private waiting: QueuedInput[] = [];
  private ready = false;
  private busy = false;
  private closed = false;

  /** `run` handles one input; it may call hold() to make the following ones wait. */
  constructor(private readonly run: (msg: NodeMessage, send: SendFn, done: DoneFn) => void) {}

  /** An input arrived: run it now, or after the ones before it. */
  push(msg: NodeMessage, send: SendFn, done: DoneFn): void {
    if (!this.ready || this.busy) this.waiting.push({ msg, send, done });
    else this.run(msg, send, done);
  }

  /** Whether inputs wait for one still being handled. */
  get holding(): boolean {
    return this.busy;
  }

  /** The input being handled goes on asynchronously: later ones wait until release(). */
  hold(): void {
    this.busy = true;
  }

  /** Puts an input back at the head (it runs again once released). */
  putBack(input: QueuedInput): void {
    this.waiting.unshift(input);
  }

  /** The asynchronous work is over: run what waited. */
  release(): void {
    this.busy = false;
    this.drain();
  }

  /** The node can take inputs (its saved state is read): run what waited. */
  open(): void {
    this.ready = true;
    this.drain();
  }

  /** Inputs stop; every one that waited is handed to `each` (it still owes Node-RED its done()). */
  close(each: (input: QueuedInput) => void): void {
    this.closed = true;
    const waited = this.waiting;
    this.waiting = [];
    for (const q of waited) each(q);
  }

  private drain(): void {
    while (this.waiting.length && this.ready && !this.busy && !this.closed) {
      const q = this.waiting.shift()!;
      this.run(q.msg, q.send, q.done);
    }
  }
}
