import { wordsOf } from './i18n';
import type { DoneFn, NodeMessage, RedNode } from './red';

/** What a failure kind says: `one` for the first message, `more(n)` for the n counted after it. */
export interface FailureKind {
  one: string;
  more(n: number): string;
}

interface Pending {
  kind: FailureKind;
  count: number;
  last?: NodeMessage;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Reports failures that hit many messages for one cause (a broker away, a full queue) without a
 * line per message: the first failure of a kind goes out at once, the next ones of that kind are
 * counted and go out as one line per interval ("899 more messages dropped: …"), and close() reports
 * what is still counted. Each line is node.error(text, msg): a Catch node gets it as the last
 * message it covers with `msg.count` = how many messages the line stands for; without a Catch
 * node it is one log line. The exact totals belong in the node's status.
 */
export class ErrorDigest {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly node: RedNode,
    private readonly intervalMs = 30000,
  ) {}

  /** One message failed for reason `id`; `msg` is the message (omitted when there is none). */
  add(id: string, kind: FailureKind, msg?: NodeMessage): void {
    const p = this.pending.get(id);
    if (p) {
      p.count++;
      p.last = msg;
      // The latest wording: it may carry the latest error.
      p.kind = kind;
      return;
    }
    this.report(kind.one, 1, msg);
    const entry: Pending = { kind, count: 0 };
    entry.timer = setTimeout(() => this.tick(id), this.intervalMs);
    this.pending.set(id, entry);
  }

  /** Reports every count still open and stops the timers (the node closes). */
  close(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      if (p.count) this.report(p.kind.more(p.count), p.count, p.last);
    }
  }

  private tick(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    if (!p.count) {
      // A quiet interval: the next failure of this kind is news again.
      this.pending.delete(id);
      return;
    }
    this.report(p.kind.more(p.count), p.count, p.last);
    p.count = 0;
    p.last = undefined;
    p.timer = setTimeout(() => this.tick(id), this.intervalMs);
  }

  /** One line for `count` messages at once (e.g. a queue given up on close); `msg` is the last of them. */
  report(text: string, count: number, msg: NodeMessage | undefined): void {
    const out: NodeMessage = msg ? msg : {};
    out.count = count;
    this.node.error(text, out);
  }
}

/** A message waiting in an out connector's queue. */
export interface QueuedSend {
  topic: string;
  msg: NodeMessage;
  done: DoneFn;
}

/**
 * What an out connector does with each message its full queue (of `size`) pushes out: counted in
 * `digest` as dropped, in the words of the node's catalog (`digest.*`), and completed.
 */
export function evictionReporter(digest: ErrorDigest, type: string, size: number): (evicted: QueuedSend) => void {
  const { say, sayCount } = wordsOf(type, 'digest');
  const why = say('queueFull', { size });
  const kind = (topic: string): FailureKind => ({ one: say('dropped', { why, topic }), more: (n) => sayCount('droppedMore', n, { why }) });
  return (evicted) => {
    digest.add('dropped', kind(evicted.topic), evicted.msg);
    evicted.done();
  };
}
