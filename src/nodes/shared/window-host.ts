import { WindowOperator } from '../../core/window-operator';
import { ConfigError, InputError, toError } from '../../core/errors';
import { SnapshotError } from '../../core/snapshot-check';
import { savedState } from '../../core/snapshot-schema';
import { SnapshotVersionError, readSavedState } from '../../core/snapshot-migration';
import { AggregateFunction, Emission, LateEvent, Key, StreamEvent, TimeMode, WindowInfo } from '../../core/types';
import { StreamOperator } from '../../core/stream-operator';
import { DoneFn, NodeMessage, NodeStatus, RedNode, SendFn } from './red';
import { ThrottledStatus } from './throttled-status';
import { ThrottledWarning } from './throttled-warning';
import { controlKey } from './control-key';
import { formatDuration } from '../../core/duration';
import { text } from './i18n';
import { OperatorSettings } from './window-config';
import { KafkaWindowState } from './kafka-window-state';
import { partitionSources } from '../../connectors/partition-sources';

/** Handles one input message; throws InputError for bad input; may return a promise (JSONata). */
export type InputHandler = (msg: NodeMessage, send: SendFn, now: number) => void | Promise<void>;

export interface WindowHostOptions<IN, ACC, OUT> {
  node: RedNode;
  /** Window, time and limit settings; undefined = no own window (per message / window messages). */
  settings?: OperatorSettings;
  /** Required with settings. */
  aggregate?: AggregateFunction<IN, ACC, OUT>;
  /**
   * Instead of settings: an operator the node built (a join, a sequence), fed by the node's own
   * handler with `arrivalTime` as processing time. `timed`: it needs advance() on the clock
   * (processing time, idle timeout); `openLabel` is the catalog key (status.<openLabel>) naming its open state in the status.
   */
  custom?: { operator: StreamOperator; timeMode: TimeMode; timed: boolean; openLabel: string };
  /** Node-RED context store for snapshots; '' or undefined = memory only. */
  store?: string;
  handle: InputHandler;
  /**
   * A window fired (required with settings): the window and its result apart, so no emission
   * object is made per result (windowMessage builds the message).
   */
  onResult?(window: WindowInfo, result: OUT, send: SendFn): void;
  /** `msg` is the input message being processed when the late event arrived. */
  onLate?(late: LateEvent<IN>, msg: NodeMessage | undefined, send: SendFn): void;
  /**
   * Whether `handle` needs the arrival time (the `now` argument) in event time, e.g. when the
   * time property is empty. Default true. When false and no timer is needed either, the clock
   * is not read per message (reading it costs more than the rest of the per-message work on some
   * machines); `now` is then the last processing time the host saw.
   */
  arrivalTime?: boolean;
  /**
   * The node's event mapping: its arrival-time fallbacks (timeMode auto) show in the status, and
   * its `resolve` (flow, global, env or JSONata properties) runs before `handle`, in input order.
   */
  mapper?: { readonly arrivalFallbacks: number; readonly resolve?: (msg: NodeMessage) => void | Promise<void> };
  /** Puts a result where the node's outputProperty says (windowMessage); undefined = msg.payload. */
  placeResult?: (msg: NodeMessage, result: unknown) => void;
  /** Extra status text after the standard counters (e.g. "12 passed"). */
  statusText?(): string;
  /** How often a dirty state is saved to the store, ms (default 10 s). */
  saveEveryMs?: number;
  /** State of the node's own beside the windows (a detector's history), saved and restored with them. */
  extraState?: { snapshot(): unknown; restore(saved: unknown): void };
}

interface QueuedInput {
  msg: NodeMessage;
  send: SendFn;
  done: DoneFn;
}

const STATE_KEY = 'streamState';
// setTimeout fires immediately for delays beyond 2^31-1 ms.
const MAX_DELAY = 0x7fffffff;

/**
 * Runs a WindowOperator inside a Node-RED node: ordered input (async handlers are serialised so
 * results keep input order), control messages (msg.flush, msg.reset), bad-input accounting
 * (counted, shown, reported through done(err) for a Catch node), one processing-time timer
 * driven by operator.nextWakeup(), snapshots to a context store, a throttled status and a clean
 * close. Everything here is per node; nothing is per event except one counter and one compare.
 */
export class WindowHost<IN, ACC, OUT> {
  readonly operator: WindowOperator<IN, ACC, OUT> | undefined;
  /** What the timer, flush, reset, snapshots and status drive: the window operator or the custom one. */
  private readonly driven: StreamOperator | undefined;
  /** Messages (or batch elements) that could not be used. */
  rejected = 0;
  /** Messages handled (control messages excluded). */
  received = 0;

  private readonly node: RedNode;
  private readonly opts: WindowHostOptions<IN, ACC, OUT>;
  private readonly status: ThrottledStatus;
  private readonly store: string | undefined;
  private send: SendFn;
  private currentMsg: NodeMessage | undefined;
  private spare: StreamEvent<IN> | undefined = { key: '', time: 0, value: undefined as IN };
  private now = 0;
  private ready = false;
  private closed = false;
  private dirty = false;
  private queue: QueuedInput[] = [];
  /** An async handler (JSONata) is running; later inputs wait in the queue. */
  private busy = false;
  private wakeTimer: ReturnType<typeof setTimeout> | undefined;
  private wakeAt = Infinity;
  /** Only processing time, idle close and early results need a timer; pure event time never does. */
  private readonly timed: boolean;
  /** The mapper's resolve, when a property is read from flow, global, env or JSONata. */
  private readonly resolve: ((msg: NodeMessage) => void | Promise<void>) | undefined;
  /** Read Date.now() for every message (processing time, timers, or arrival-time mapping). */
  private readonly clocked: boolean;
  private saveTimer: ReturnType<typeof setInterval> | undefined;
  private lastError = '';
  private readonly warnings: ThrottledWarning;
  /** operator.dropped when the last limit warning was counted. */
  private droppedSeen = 0;
  /** Partition and topic of the message being handled, when a Kafka reader sent it (see sourceOf). */
  private source: string | undefined;
  private sourceGroup = '';
  private sourcePartition: unknown;
  private assigned: readonly unknown[] = [];
  /** With a Kafka reader that keeps partition state: this node's part in it (see kafka-window-state.ts). */
  private kafkaState: KafkaWindowState | undefined;
  /** The msg.kafka.assigned array last compared: the reader shares one per assignment, so most messages match it by identity. */
  private assignedSeen: unknown;

  /** Throws ConfigError when the operator rejects the settings. */
  constructor(opts: WindowHostOptions<IN, ACC, OUT>) {
    this.opts = opts;
    this.node = opts.node;
    this.send = this.nodeSend;
    this.store = opts.store ? opts.store : undefined;
    if (opts.settings) {
      if (!opts.aggregate) throw new Error('WindowHost: an aggregate is required with window settings');
      const onResult = opts.onResult;
      if (!onResult) throw new Error('WindowHost: onResult is required with window settings');
      const onWindow = (window: WindowInfo, result: OUT): void => {
        if (this.kafkaState !== undefined) this.kafkaState.mark(window);
        onResult(window, result, this.send);
      };
      this.operator = new WindowOperator<IN, ACC, OUT>({
        ...opts.settings,
        aggregate: opts.aggregate,
        onEmit: this.onEmit,
        onWindow,
        // The host reads the clock only when it must; the operator asks for a fresh reading
        // before it rejects an event as ahead of the clock.
        clock: () => Date.now(),
      });
    }
    this.driven = this.operator ?? opts.custom?.operator;
    this.resolve = opts.mapper?.resolve;
    const st = opts.settings;
    this.timed = (!!st && (st.timeMode === 'processing' || !!st.idleTimeout || st.emit === 'early')) || !!opts.custom?.timed;
    this.clocked = this.timed || opts.arrivalTime !== false;
    this.now = Date.now();
    this.status = new ThrottledStatus(this.node, () => this.renderStatus());
    this.warnings = new ThrottledWarning(this.node);
    this.restore();
  }

  /** The entry point for node.on('input', (msg, send, done) => host.input(msg, send, done)). */
  input(msg: NodeMessage, send: SendFn, done: DoneFn): void {
    if (this.closed) {
      this.kafkaState?.refuse(msg);
      return done();
    }
    if (!this.ready || this.busy) {
      // Restoring, or an async handler is still running: keep arrival order.
      this.queue.push({ msg, send, done });
      return;
    }
    this.run(msg, send, done);
  }

  /** Feeds one event to the operator; call from the input handler. */
  process(event: StreamEvent<IN>): void {
    if (this.kafkaState !== undefined) this.kafkaState.note(String(event.key), event.time);
    this.operator!.process(event, this.now, this.source, this.sourceGroup);
  }

  /**
   * process() without an event object per message: the operator reads an event during the call
   * and keeps its parts, never the object, so one object serves every message (a nested call,
   * should an emission lead back here, gets its own).
   */
  processValue(key: Key, time: number, value: IN): void {
    if (this.kafkaState !== undefined) this.kafkaState.note(String(key), time);
    const e = this.spare;
    if (e === undefined) return this.operator!.process({ key, time, value }, this.now, this.source, this.sourceGroup);
    this.spare = undefined;
    e.key = key;
    e.time = time;
    e.value = value;
    try {
      this.operator!.process(e, this.now, this.source, this.sourceGroup);
    } finally {
      // Holds no message between calls.
      e.value = undefined as IN;
      this.spare = e;
    }
  }

  /** Where results go now: the send of the message being handled, node.send from a timer. */
  get output(): SendFn {
    return this.send;
  }

  /** Processing time of the message being handled (Date.now() at arrival, see arrivalTime). */
  get arrivalTime(): number {
    return this.now;
  }

  /**
   * A result message { topic, payload, window[, _msgid] }. It carries the _msgid of the input
   * message that caused it (as Node-RED's split node does for its parts): results stay traceable
   * to their cause, and Node-RED need not generate an id per result; results fired by a timer get
   * a fresh id from Node-RED. Built in one literal: adding _msgid afterwards would change the
   * object's shape once per message.
   */
  windowMessage(topic: unknown, payload: unknown, window: WindowInfo): NodeMessage {
    const cause = this.currentMsg;
    const id = cause === undefined ? undefined : cause._msgid;
    const place = this.opts.placeResult;
    if (place === undefined) return id !== undefined ? { topic, payload, window, _msgid: id } : { topic, payload, window };
    const msg: NodeMessage = id !== undefined ? { topic, window, _msgid: id } : { topic, window };
    place(msg, payload);
    return msg;
  }

  /** A result message like windowMessage's, with `info` as msg[name] (msg.join, msg.sequence) instead of msg.window. */
  resultMessage(topic: unknown, payload: unknown, name: string, info: unknown): NodeMessage {
    const cause = this.currentMsg;
    const id = cause === undefined ? undefined : cause._msgid;
    const msg: NodeMessage = id !== undefined ? { topic, payload, _msgid: id } : { topic, payload };
    msg[name] = info;
    return msg;
  }

  /** Counts `n` unusable elements of a batch or window message (the handler then throws one error). */
  countRejected(n: number): void {
    this.rejected += n;
  }

  /** Emit every open window now (of `key` when given). */
  flush(key?: Key): void {
    if (!this.driven) return;
    this.now = Date.now();
    this.driven.flush(this.now, key);
    this.dirty = true;
    this.rearm();
  }

  /** Drop every open window (of `key` when given) without emitting. */
  reset(key?: Key): void {
    if (!this.driven) return;
    this.driven.reset(key);
    this.dirty = true;
  }

  /** For node.on('close', (removed, done) => host.close(removed, done)). */
  close(removed: boolean, done: () => void): void {
    this.closed = true;
    this.kafkaState?.close();
    this.status.close();
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    if (this.saveTimer !== undefined) clearInterval(this.saveTimer);
    this.wakeTimer = this.saveTimer = undefined;
    // Inputs that never ran still owe Node-RED their done().
    const queued = this.queue;
    this.queue = [];
    for (const q of queued) {
      this.kafkaState?.refuse(q.msg);
      q.done();
    }
    if (this.store && (this.driven || this.opts.extraState) && !removed && this.ready) {
      this.save(() => done());
    } else {
      done();
    }
  }

  /** Shows an error status (bad config) and stops status refreshes. */
  fail(text: string): void {
    this.status.fixed({ fill: 'red', shape: 'ring', text });
  }

  private readonly nodeSend: SendFn = (msg) => this.node.send(msg);

  private run(msg: NodeMessage, send: SendFn, done: DoneFn): void {
    if (this.clocked) this.now = Date.now();
    if (msg.flush || msg.reset) {
      try {
        this.control(msg, send);
      } catch (err) {
        this.send = this.nodeSend;
        this.reportBad(err, done);
        return;
      }
      done();
      return;
    }
    this.received++;
    this.send = send;
    this.currentMsg = msg;
    if (msg.kafka !== undefined || this.source !== undefined) {
      this.sourceOf(msg);
      if (this.kafkaState !== undefined && this.source !== undefined) {
        const admission = this.kafkaState.admit(msg);
        if (admission !== 'process') {
          this.received--;
          this.send = this.nodeSend;
          this.currentMsg = undefined;
          if (admission === 'skip') done();
          else this.restorePartitions({ msg, send, done });
          return;
        }
      }
    }
    let result: void | Promise<void>;
    try {
      const resolving = this.resolve === undefined ? undefined : this.resolve(msg);
      result = resolving === undefined ? this.opts.handle(msg, send, this.now) : resolving.then(() => this.resume(msg, send));
    } catch (err) {
      this.afterInput();
      this.reportBad(err, done);
      return;
    }
    if (result && typeof (result as Promise<void>).then === 'function') {
      this.busy = true;
      (result as Promise<void>)
        .then(
          () => {
            this.afterAsync();
            done();
          },
          (err) => {
            this.afterAsync();
            this.reportBad(err, done);
          },
        )
        // Nothing above should throw; if it does, say so rather than leave a rejection unhandled.
        .catch((err) => this.node.error(toError(err)));
      return;
    }
    this.afterInput();
    done();
  }

  /**
   * A message from stream-kafka-in (single or batch) names its partition in msg.kafka, and the
   * partitions of its topic the reader owns in msg.kafka.assigned: the operator then keeps one
   * watermark per partition, so a partition read faster than the others cannot make theirs late.
   */
  private sourceOf(msg: NodeMessage): void {
    const k = msg.kafka as { topic?: unknown; partition?: unknown; assigned?: unknown } | undefined;
    if (!k || typeof k !== 'object' || typeof k.topic !== 'string' || !Number.isInteger(k.partition) || !this.operator) {
      this.source = undefined;
      return;
    }
    // Idleness of a partition is measured in processing time: read the clock even where the
    // handler itself needs none.
    if (!this.clocked) this.now = Date.now();
    // Records come in runs of one partition: the same source name serves the run (no string
    // built and hashed anew per message).
    if (this.source === undefined || k.partition !== this.sourcePartition || k.topic !== this.sourceGroup) {
      this.source = `${k.partition}:${k.topic}`;
      this.sourceGroup = k.topic;
      this.sourcePartition = k.partition;
    }
    this.joinReader((k as { source?: unknown }).source);
    const a = k.assigned;
    if (a === this.assignedSeen) return;
    this.assignedSeen = a;
    // Compared by content: Node-RED copies messages sent to several wires.
    if (Array.isArray(a) && a.length <= 100000 && (a.length !== this.assigned.length || a.some((p, i) => p !== this.assigned[i]))) {
      this.assigned = a.slice();
      const topic = k.topic;
      this.operator.expectSources(topic, a.filter((p) => Number.isInteger(p)).map((p) => `${p}:${topic}`), this.now);
    }
  }

  /**
   * handle() once the message's typed properties are read. A timer may have fired meanwhile and
   * pointed results at node.send: they go to this message's send again, at the time it runs.
   */
  private resume(msg: NodeMessage, send: SendFn): void | Promise<void> {
    if (this.closed) return;
    if (this.clocked) this.now = Date.now();
    this.send = send;
    this.currentMsg = msg;
    return this.opts.handle(msg, send, this.now);
  }

  /**
   * A message of a partition whose state is not here yet: hold it and every later input back
   * until the partition's keys are restored from the changelog.
   */
  private restorePartitions(first: QueuedInput): void {
    this.busy = true;
    this.queue.unshift(first);
    const state = this.kafkaState!;
    state
      .restore()
      .catch((err) => this.node.error(toError(err)))
      .finally(() => {
        this.busy = false;
        this.status.touch();
        this.rearm();
        this.drain();
      });
  }

  /**
   * The reader named in msg.kafka.source keeps partition state when it commits after handling:
   * this node then takes part (only a node whose whole state is keyed can hand a partition's
   * part over; a node with state beside its windows, a detector's history, cannot).
   */
  private joinReader(id: unknown): void {
    const reader = typeof id === 'string' ? partitionSources.get(id) : undefined;
    if (reader === this.kafkaState?.source) return;
    this.kafkaState?.close();
    this.kafkaState = undefined;
    if (reader === undefined || this.operator === undefined || this.opts.extraState !== undefined) return;
    this.kafkaState = new KafkaWindowState(reader, this.node, this.operator as unknown as WindowOperator<unknown, unknown, unknown>, () => this.busy, this.opts.settings?.maxOutOfOrder ?? 0);
  }

  private afterInput(): void {
    this.kafkaState?.handled();
    this.send = this.nodeSend;
    this.currentMsg = undefined;
    this.dirty = true;
    this.rearm();
    this.status.touch();
    const op = this.operator;
    if (op !== undefined && op.dropped !== this.droppedSeen) this.warnDropped(op.dropped);
  }

  /** A limit dropped events: one counted log line per minute at most, not one Catch message per event. */
  private warnDropped(dropped: number): void {
    const st = this.opts.settings!;
    const limits = [`maxKeys ${st.maxKeys}`];
    if (st.maxEventsPerWindow !== Infinity) limits.push(`maxEventsPerWindow ${st.maxEventsPerWindow}`);
    this.warnings.note('limit', dropped - this.droppedSeen, (n) => `${n} event${n === 1 ? '' : 's'} dropped by a limit (${limits.join(', ')}); raise it or reduce the number of keys`);
    this.droppedSeen = dropped;
  }

  private afterAsync(): void {
    this.busy = false;
    this.afterInput();
    this.drain();
  }

  private drain(): void {
    while (this.queue.length && !this.busy && !this.closed) {
      const q = this.queue.shift()!;
      this.run(q.msg, q.send, q.done);
    }
  }

  private control(msg: NodeMessage, send: SendFn): void {
    // msg.flush fires every key's windows; only a reset selects one key.
    const key = msg.reset ? controlKey(msg) : undefined;
    this.send = send;
    if (msg.reset) this.reset(key);
    if (msg.flush) this.flush();
    this.send = this.nodeSend;
    this.status.refresh();
  }

  private reportBad(err: unknown, done: DoneFn): void {
    this.rejected++;
    const error = toError(err);
    this.lastError = error instanceof InputError ? error.property : '';
    this.status.touch();
    done(error);
  }

  // Window results go to onResult directly (see the constructor); only late events come here.
  private readonly onEmit = (e: Emission<IN, OUT>): void => {
    if (e.kind === 'late') this.opts.onLate?.(e, this.currentMsg, this.send);
  };

  private rearm(): void {
    if (!this.timed || this.closed) return;
    const at = this.driven!.nextWakeup();
    if (at === undefined || at >= this.wakeAt) return;
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(this.wake, Math.min(MAX_DELAY, Math.max(0, at - Date.now())));
  }

  private readonly wake = (): void => {
    this.wakeTimer = undefined;
    this.wakeAt = Infinity;
    if (this.closed || !this.driven) return;
    this.now = Date.now();
    this.send = this.nodeSend;
    try {
      this.driven.advance(this.now);
    } catch (err) {
      this.node.error(toError(err));
    }
    this.dirty = true;
    this.rearm();
    this.status.touch();
  };

  private restore(): void {
    if (!this.store || (!this.driven && !this.opts.extraState)) {
      this.ready = true;
      return;
    }
    const finish = (): void => {
      if (this.closed) return;
      this.ready = true;
      this.saveTimer = setInterval(() => {
        if (this.dirty) this.save();
      }, this.opts.saveEveryMs ?? 10000);
      this.rearm();
      this.status.refresh();
      this.drain();
    };
    try {
      this.node.context().get(STATE_KEY, this.store, (err, saved) => {
        if (err) this.node.warn(`could not read saved state from context store "${this.store}": ${toError(err).message}`);
        else if (saved !== undefined && saved !== null) this.restoreSaved(saved);
        finish();
      });
    } catch (err) {
      this.node.warn(`could not read saved state: ${toError(err).message}`);
      finish();
    }
  }

  /** Restores saved state, all or nothing; anything unusable is discarded with one warning naming why. */
  private restoreSaved(saved: unknown): void {
    try {
      // Saved by this release or brought to its form from an earlier one.
      const state = readSavedState(saved);
      if (this.driven) this.driven.restore(state.operator);
      if (this.opts.extraState && state.extra !== undefined) this.opts.extraState.restore(state.extra);
    } catch (e) {
      if (e instanceof SnapshotVersionError) {
        this.node.warn(`saved windows were discarded: ${e.message}`);
        return;
      }
      const why = toError(e).message;
      // Expected after the window settings were edited and deployed: worth a line, not a warning.
      if (e instanceof ConfigError && !(e instanceof SnapshotError)) this.node.log(`saved windows do not fit the current settings and were discarded (${why})`);
      else this.node.warn(`saved windows were discarded, they are damaged (${why})`);
    }
  }

  private save(cb?: () => void): void {
    this.dirty = false;
    let snapshot: unknown;
    try {
      snapshot = savedState(this.driven?.snapshot(), this.opts.extraState?.snapshot());
    } catch (err) {
      this.node.warn(`could not snapshot windows: ${toError(err).message}`);
      cb?.();
      return;
    }
    try {
      this.node.context().set(STATE_KEY, snapshot, this.store, (err) => {
        if (err) this.node.warn(`could not save windows to context store "${this.store}": ${toError(err).message}`);
        cb?.();
      });
    } catch (err) {
      // A store that throws instead of calling back must not keep close() from finishing.
      this.node.warn(`could not save windows to context store "${this.store}": ${toError(err).message}`);
      cb?.();
    }
  }

  private renderStatus(): NodeStatus {
    const parts: string[] = [];
    let fill: NodeStatus['fill'] = 'green';
    const t = (key: string, params: Record<string, string | number>): string => text(this.node.type, `status.${key}`, params);
    if (this.driven) {
      const s = this.driven.stats();
      const st = this.opts.settings;
      parts.push(t(s.keys === 1 ? 'key' : 'keys', { count: s.keys }), t(this.opts.custom?.openLabel ?? 'open', { count: s.openWindows }));
      if (Number.isFinite(s.watermark) && (this.opts.settings?.timeMode ?? this.opts.custom?.timeMode) === 'event') {
        parts.push(t('lag', { lag: formatDuration(Math.max(0, Date.now() - s.watermark), 2) }));
      }
      if (s.late) parts.push(t('late', { count: s.late }));
      if (s.ahead) {
        parts.push(t(st?.futureData === 'clamp' ? 'aheadClamped' : 'aheadRejected', { count: s.ahead }));
        fill = 'yellow';
      }
      if (s.dropped) {
        parts.push(t('dropped', { count: s.dropped }));
        fill = 'yellow';
      }
    } else {
      parts.push(t('received', { count: this.received }));
    }
    const fallbacks = this.opts.mapper?.arrivalFallbacks;
    if (fallbacks) parts.push(t('arrivalTime', { count: fallbacks }));
    const extra = this.opts.statusText?.();
    if (extra) parts.push(extra);
    if (this.rejected) {
      parts.push(this.lastError ? t('rejectedWhy', { count: this.rejected, reason: this.lastError }) : t('rejected', { count: this.rejected }));
      fill = 'yellow';
    }
    return { fill, shape: 'dot', text: parts.join(' · ') };
  }
}
