/** What the preDeliver and onComplete hooks hand over, as far as the tracker reads it. */
export interface HookEvent {
  msg?: { _msgid?: string };
}

/** The part of Node-RED's `RED.hooks` the tracker uses. */
export interface HooksApi {
  add(name: string, fn: (event: HookEvent) => void): void;
  remove(name: string): void;
}

interface Entry {
  receivers: number;
  sent: boolean;
  onHandled: (arg: never) => void;
  /** Handed to onHandled: one shared callback serves every message, no closure per message. */
  arg: unknown;
  /** When tracking began (the caller's clock, ms). */
  since: number;
}

function handle(e: Entry): void {
  (e.onHandled as (arg: unknown) => void)(e.arg);
}

/**
 * Observes when a message sent by one node has been handled by the flow: every node it was
 * delivered to (directly or further downstream, as long as the message keeps its `_msgid`)
 * has called done(). Built on Node-RED's messaging hooks: `preDeliver` counts a delivery,
 * `onComplete` (fired by done(), with or without an error) counts a completion.
 *
 * Guarantees and limits: a message is "handled" once the number of completions reaches the
 * number of deliveries seen so far; a node that forwards the message after calling done()
 * extends the chain only if it sends before its done(). Nodes that never call done() (legacy
 * two-argument input handlers) keep the message in flight for ever. A message delivered to no
 * node is handled at once.
 */
export class HandledTracker {
  private entries = new Map<string, Entry>();
  private readonly label: string;

  constructor(
    private readonly hooks: HooksApi,
    label: string,
  ) {
    this.label = label.replace(/[^A-Za-z0-9_-]/g, '_');
    hooks.add(`preDeliver.${this.label}`, (ev: HookEvent) => {
      const e = ev?.msg?._msgid !== undefined ? this.entries.get(ev.msg._msgid) : undefined;
      if (e) e.receivers++;
    });
    hooks.add(`onComplete.${this.label}`, (ev: HookEvent) => {
      const id = ev?.msg?._msgid;
      const e = id !== undefined ? this.entries.get(id) : undefined;
      if (!e) return;
      e.receivers--;
      this.settle(id!, e);
    });
  }

  /** Number of messages being tracked. */
  get size(): number {
    return this.entries.size;
  }

  /** Starts tracking a message id at time `now` (ms); call before sending it. `onHandled` gets `arg`. */
  track<T>(msgid: string, onHandled: (arg: T) => void, now = 0, arg?: T): void {
    this.entries.set(msgid, { receivers: 0, sent: false, onHandled, arg, since: now });
  }

  /**
   * Counts every message tracked before `before` as handled, whatever its receivers still owe:
   * a message some node never completes must not hold its source for ever. Entries are kept in
   * tracking order, so the scan stops at the first younger one. Returns how many expired.
   */
  expire(before: number): number {
    let n = 0;
    for (const [id, e] of this.entries) {
      if (e.since >= before) break;
      this.entries.delete(id);
      n++;
      handle(e);
    }
    return n;
  }

  /** Call right after node.send(): deliveries have been counted by then (the hook runs synchronously in send). */
  sent(msgid: string): void {
    const e = this.entries.get(msgid);
    if (!e) return;
    e.sent = true;
    this.settle(msgid, e);
  }

  /** Stops tracking without calling back (e.g. the partition was revoked). */
  forget(msgid: string): void {
    this.entries.delete(msgid);
  }

  private settle(id: string, e: Entry): void {
    if (!e.sent || e.receivers > 0) return;
    this.entries.delete(id);
    handle(e);
  }

  /** Removes the hooks. */
  dispose(): void {
    this.hooks.remove(`*.${this.label}`);
    this.entries.clear();
  }
}
