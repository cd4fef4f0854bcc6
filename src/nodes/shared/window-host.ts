import { WindowOperator } from '../../core/window-operator';
import { InputError, toError } from '../../core/errors';
import { AggregateFunction, Emission, LateEvent, Key, StreamEvent, TimeMode, WindowInfo } from '../../core/types';
import { StreamOperator } from '../../core/stream-operator';
import { KeyedPartitionState } from '../../core/keyed-partition-state';
import { DoneFn, NodeMessage, NodeStatus, RedNode, SendFn } from './red';
import { ThrottledStatus } from './throttled-status';
import { ThrottledWarning } from './throttled-warning';
import { controlKey } from './control-key';
import { countText } from './i18n';
import { OperatorSettings } from './window-config';
import { KafkaWindowState } from './kafka-window-state';
import { PartitionSource, partitionSources } from '../../connectors/partition-sources';
import { BatchInputError } from './batch';
import { localInputError } from './input-error';
import { EmitContext, Emissions } from './emissions';
import { InputQueue } from './input-queue';
import { WakeUp } from './wake-up';
import { StateStore } from './state-store';
import { nodeStatus } from './node-status';
import { metricsWhenOn } from './metrics-when-on';

/**
 * Handles one input message; throws InputError for bad input; may return a promise (JSONata).
 * `ctx` is where the results it causes go: pass it to process() and to whatever the node sends.
 */
export type InputHandler = (msg: NodeMessage, ctx: EmitContext, now: number) => void | Promise<void>;

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
   * `emitted` holds what its callbacks emitted: the host delivers it after each flush or wakeup.
   */
  custom?: {
    operator: StreamOperator & KeyedPartitionState;
    timeMode: TimeMode;
    timed: boolean;
    openLabel: string;
    emitted: { deliver(ctx: EmitContext): void };
    /** The operator's maxOutOfOrder (ms), for the watermark of a partition taken over (default 0). */
    maxOutOfOrder?: number;
  };
  /** Node-RED context store for snapshots; '' or undefined = memory only. */
  store?: string;
  handle: InputHandler;
  /** A window fired (required with settings), with the context of the input or timer that fired it. */
  onResult?(window: WindowInfo, result: OUT, ctx: EmitContext): void;
  /** A late event, with the context of the input that brought it (ctx.element: its batch element). */
  onLate?(late: LateEvent<IN>, ctx: EmitContext): void;
  /** A msg.reset (of `key`, or of every key) for state the node keeps beside the operator; runs in input order, before the operator's reset. */
  onReset?(key: Key | undefined): void;
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
  /**
   * The same state key by key, for a node whose whole state it is (no window operator beside it):
   * it then follows Kafka partitions as an operator's keys do. Without it, a node with extraState
   * keeps its state where it is when partitions move.
   */
  keyedState?: KeyedPartitionState;
}

/**
 * Runs an operator inside a Node-RED node by wiring small parts together: the input queue (every
 * input, control messages included, in arrival order), the wake-up timer, the state store and
 * the status line. Results reach the node's callbacks with the EmitContext of the call that
 * caused them, never through a send kept between messages. Bad input is counted, shown, and
 * reported through done(err) for a Catch node.
 */
export class WindowHost<IN, ACC, OUT> {
  readonly operator: WindowOperator<IN, ACC, OUT> | undefined;
  /** What the timer, flush, reset, snapshots and status drive: the window operator or the custom one. */
  private readonly driven: StreamOperator | undefined;
  /** What the driven operator emitted and the host has not delivered yet. */
  private readonly emitted: { deliver(ctx: EmitContext): void } | undefined;
  /** Messages (or batch elements) that could not be used. */
  rejected = 0;
  /** Messages handled (control messages excluded). */
  received = 0;

  private readonly node: RedNode;
  private readonly opts: WindowHostOptions<IN, ACC, OUT>;
  private readonly status: ThrottledStatus;
  private readonly queue: InputQueue;
  private readonly wakeUp: WakeUp;
  private readonly state: StateStore | undefined;
  /** Results of a timer or of a flush from the node itself go out through node.send, caused by no message. */
  private readonly timerCtx: EmitContext;
  private spare: StreamEvent<IN> | undefined;
  private now = 0;
  private closed = false;
  /** Only processing time, idle close and early results need a timer; pure event time never does. */
  private readonly timed: boolean;
  /** The mapper's resolve, when a property is read from flow, global, env or JSONata. */
  private readonly resolve: ((msg: NodeMessage) => void | Promise<void>) | undefined;
  /** Read Date.now() for every message (processing time, timers, or arrival-time mapping). */
  private readonly clocked: boolean;
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
  /** The state that follows partitions: the operator's keys, or the node's own keyed state; undefined when some state cannot follow. */
  private readonly keyed: KeyedPartitionState | undefined;
  /** The reader named in msg.kafka.source, its id and the registry's generation when it was looked up (see joinReader). */
  private reader: PartitionSource | undefined;
  private readerId: unknown;
  private readerGeneration = -1;
  /** The msg.kafka.assigned array last compared: the reader shares one per assignment, so most messages match it by identity. */
  private assignedSeen: unknown;

  /** Throws ConfigError when the operator rejects the settings. */
  constructor(opts: WindowHostOptions<IN, ACC, OUT>) {
    this.opts = opts;
    this.node = opts.node;
    metricsWhenOn(opts.node);
    this.timerCtx = { send: (msg) => this.node.send(msg), msg: undefined };
    if (opts.settings) {
      if (!opts.aggregate) throw new Error('WindowHost: an aggregate is required with window settings');
      const onResult = opts.onResult;
      if (!onResult) throw new Error('WindowHost: onResult is required with window settings');
      const onLate = opts.onLate;
      const emitted = new Emissions<Emission<IN, OUT>>((e, ctx) => {
        if (e.kind === 'late') {
          onLate?.(e, ctx);
          return;
        }
        if (this.kafkaState !== undefined) this.kafkaState.mark(e.window);
        onResult(e.window, e.result, ctx);
      });
      this.emitted = emitted;
      this.operator = new WindowOperator<IN, ACC, OUT>({
        ...opts.settings,
        aggregate: opts.aggregate,
        onEmit: emitted.push,
        // The host reads the clock only when it must; the operator asks for a fresh reading
        // before it rejects an event as ahead of the clock.
        clock: () => Date.now(),
        sourceBusy: this.sourceBusy,
      });
      this.spare = { key: '', time: 0, value: undefined as IN };
    } else {
      this.emitted = opts.custom?.emitted;
    }
    this.driven = this.operator ?? opts.custom?.operator;
    // Only a node whose whole state is keyed can hand a partition's part over.
    this.keyed = opts.keyedState ?? (opts.extraState === undefined ? (this.operator ?? opts.custom?.operator) : undefined);
    this.resolve = opts.mapper?.resolve;
    const st = opts.settings;
    this.timed = (!!st && (st.timeMode === 'processing' || !!st.idleTimeout || st.emit === 'early')) || !!opts.custom?.timed;
    this.clocked = this.timed || opts.arrivalTime !== false;
    this.now = Date.now();
    this.status = new ThrottledStatus(this.node, () => this.renderStatus());
    this.warnings = new ThrottledWarning(this.node);
    this.queue = new InputQueue(this.run);
    this.wakeUp = new WakeUp(this.wake);
    const saved = opts.store && (this.driven || opts.extraState) ? opts.store : undefined;
    this.state = saved === undefined ? undefined : new StateStore(this.node, saved, this.driven, opts.extraState, opts.saveEveryMs);
    if (this.state === undefined) this.queue.open();
    else
      this.state.load(() => {
        this.rearm();
        this.status.refresh();
        this.queue.open();
      });
  }

  /** The entry point for node.on('input', (msg, send, done) => host.input(msg, send, done)). */
  input(msg: NodeMessage, send: SendFn, done: DoneFn): void {
    if (this.closed) {
      this.kafkaState?.refuse(msg);
      return done();
    }
    this.queue.push(msg, send, done);
  }

  /** A partition its reader still has records of waits its turn: it is not idle (an operator's sourceBusy option). */
  readonly sourceBusy = (source: string, topic: string): boolean => this.reader !== undefined && this.reader.pending(topic, parseInt(source, 10));

  /** Where the message being handled was read (`partition:topic`), when a Kafka reader sent it: an operator's process() source. */
  get messageSource(): string | undefined {
    return this.source;
  }

  /** The topic of messageSource: an operator's process() source group. */
  get messageTopic(): string {
    return this.sourceGroup;
  }

  /** Feeds one event to the operator; its results go to `ctx`. Call from the input handler. */
  process(event: StreamEvent<IN>, ctx: EmitContext): void {
    if (this.kafkaState !== undefined) this.kafkaState.note(String(event.key), event.time);
    this.operator!.process(event, this.now, this.source, this.sourceGroup);
    this.emitted!.deliver(ctx);
  }

  /**
   * process() without an event object per message: the operator reads an event during the call
   * and keeps its parts, never the object, so one object serves every message (a nested call,
   * should an emission lead back here, gets its own).
   */
  processValue(key: Key, time: number, value: IN, ctx: EmitContext): void {
    const e = this.spare;
    if (e === undefined) return this.process({ key, time, value }, ctx);
    if (this.kafkaState !== undefined) this.kafkaState.note(String(key), time);
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
    this.emitted!.deliver(ctx);
  }

  /**
   * An event of `key` at event time `time` is about to change the node's own keyed state (a
   * join's, a sequence's, a detector's): with a Kafka reader, the key's state follows the
   * partition of the message being handled. process() does this for the window operator.
   */
  noteKey(key: Key, time: number): void {
    if (this.kafkaState !== undefined) this.kafkaState.note(key, time);
  }

  /** Whether a result of `key` that includes event time `time` may have been sent already by the previous reader of its partition (mark it replay). */
  mayRepeat(key: Key, time: number): boolean {
    return this.kafkaState !== undefined && this.kafkaState.mayRepeat(key, time);
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
  windowMessage(topic: unknown, payload: unknown, window: WindowInfo, ctx: EmitContext): NodeMessage {
    const cause = ctx.msg;
    const id = cause === undefined ? undefined : cause._msgid;
    const place = this.opts.placeResult;
    if (place === undefined) return id !== undefined ? { topic, payload, window, _msgid: id } : { topic, payload, window };
    const msg: NodeMessage = id !== undefined ? { topic, window, _msgid: id } : { topic, window };
    place(msg, payload);
    return msg;
  }

  /** A result message like windowMessage's, with `info` as msg[name] (msg.join, msg.sequence) instead of msg.window. */
  resultMessage(topic: unknown, payload: unknown, name: string, info: unknown, ctx: EmitContext): NodeMessage {
    const cause = ctx.msg;
    const id = cause === undefined ? undefined : cause._msgid;
    const msg: NodeMessage = id !== undefined ? { topic, payload, _msgid: id } : { topic, payload };
    msg[name] = info;
    return msg;
  }

  /** Emit every open window now (of `key` when given), through node.send. */
  flush(key?: Key): void {
    this.flushTo(this.timerCtx, key);
  }

  /** For node.on('close', (removed, done) => host.close(removed, done)). */
  close(removed: boolean, done: () => void): void {
    this.closed = true;
    this.kafkaState?.close();
    this.status.close();
    this.wakeUp.cancel();
    // Inputs that never ran still owe Node-RED their done().
    this.queue.close((q) => {
      this.kafkaState?.refuse(q.msg);
      q.done();
    });
    if (this.state !== undefined) this.state.close(!removed, () => done());
    else done();
  }

  /** Shows an error status (bad config) and stops status refreshes. */
  fail(text: string): void {
    this.status.fixed({ fill: 'red', shape: 'ring', text });
  }

  private flushTo(ctx: EmitContext, key?: Key): void {
    if (!this.driven) return;
    this.now = Date.now();
    this.driven.flush(this.now, key);
    this.emitted?.deliver(ctx);
    this.state?.changed();
    this.rearm();
  }

  private readonly run = (msg: NodeMessage, send: SendFn, done: DoneFn): void => {
    if (this.clocked) this.now = Date.now();
    if (msg.flush || msg.reset) {
      try {
        this.control(msg, send);
      } catch (err) {
        this.reportBad(err, done);
        return;
      }
      done();
      return;
    }
    this.received++;
    if (msg.kafka !== undefined || this.source !== undefined) {
      this.sourceOf(msg);
      if (this.kafkaState !== undefined && this.source !== undefined && this.reader === this.kafkaState.source) {
        const admission = this.kafkaState.admit(msg);
        if (admission !== 'process') {
          this.received--;
          if (admission === 'skip') done();
          else this.restorePartitions(msg, send, done);
          return;
        }
      }
    }
    const ctx: EmitContext = { send, msg };
    let result: void | Promise<void>;
    try {
      const resolving = this.resolve === undefined ? undefined : this.resolve(msg);
      result = resolving === undefined ? this.opts.handle(msg, ctx, this.now) : resolving.then(() => this.resume(msg, ctx));
    } catch (err) {
      this.afterInput();
      this.reportBad(err, done);
      return;
    }
    if (result && typeof result.then === 'function') {
      this.queue.hold();
      result
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
  };

  /**
   * A message from stream-kafka-in (single or batch) names its partition in msg.kafka, and the
   * partitions of its topic the reader owns in msg.kafka.assigned: the operator then keeps one
   * watermark per partition, so a partition read faster than the others cannot make theirs late.
   */
  private sourceOf(msg: NodeMessage): void {
    const k = msg.kafka as { topic?: unknown; partition?: unknown; assigned?: unknown } | undefined;
    if (!k || typeof k !== 'object' || typeof k.topic !== 'string' || !Number.isInteger(k.partition) || (this.keyed === undefined && !this.operator)) {
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
    // The partitions' watermarks are the operator's (a window, join or sequence).
    const target = this.operator ?? this.keyed;
    if (target?.expectSources === undefined) return;
    const a = k.assigned;
    if (a === this.assignedSeen) return;
    this.assignedSeen = a;
    // Compared by content: Node-RED copies messages sent to several wires.
    if (Array.isArray(a) && a.length <= 100000 && (a.length !== this.assigned.length || a.some((p, i) => p !== this.assigned[i]))) {
      this.assigned = a.slice();
      const topic = k.topic;
      target.expectSources(
        topic,
        a.filter((p) => Number.isInteger(p)).map((p) => `${p}:${topic}`),
        this.now,
      );
    }
  }

  /** handle() once the message's typed properties are read, at the time it runs. */
  private resume(msg: NodeMessage, ctx: EmitContext): void | Promise<void> {
    if (this.closed) return;
    if (this.clocked) this.now = Date.now();
    return this.opts.handle(msg, ctx, this.now);
  }

  /**
   * A message of a partition whose state is not here yet: hold it and every later input back
   * until the partition's keys are restored from the changelog.
   */
  private restorePartitions(msg: NodeMessage, send: SendFn, done: DoneFn): void {
    this.queue.hold();
    this.queue.putBack({ msg, send, done });
    this.kafkaState!.restore()
      .catch((err) => this.node.error(toError(err)))
      .finally(() => {
        this.status.touch();
        this.rearm();
        this.queue.release();
      });
  }

  /**
   * The reader named in msg.kafka.source keeps partition state when it commits after handling:
   * this node then takes part (only a node whose whole state is keyed can hand a partition's
   * part over; a node with state beside its windows that is not keyed cannot). A node fed by a
   * second reader too (a join of two topics read by two nodes) takes part with the first only:
   * the other's records are handled as from any source.
   */
  private joinReader(id: unknown): void {
    // Per message: the reader already looked up stays while no reader came or went.
    if (id === this.readerId && partitionSources.generation === this.readerGeneration) return;
    const reader = typeof id === 'string' ? partitionSources.get(id) : undefined;
    this.reader = reader;
    this.readerId = id;
    this.readerGeneration = partitionSources.generation;
    if (reader === this.kafkaState?.source) return;
    const current = this.kafkaState?.source;
    if (current !== undefined && partitionSources.get(current.id) === current) return;
    this.kafkaState?.close();
    this.kafkaState = undefined;
    if (reader === undefined || this.keyed === undefined) return;
    this.kafkaState = new KafkaWindowState(
      reader,
      this.node,
      this.keyed,
      () => this.queue.holding,
      this.opts.settings?.maxOutOfOrder ?? this.opts.custom?.maxOutOfOrder ?? 0,
    );
  }

  private afterInput(): void {
    this.kafkaState?.handled();
    this.state?.changed();
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
    this.warnings.note('limit', dropped - this.droppedSeen, (n) => countText(this.node.type, 'warning.dropped', n, { limits: limits.join(', ') }));
    this.droppedSeen = dropped;
  }

  private afterAsync(): void {
    this.afterInput();
    this.queue.release();
  }

  /** msg.flush fires every key's windows; only a reset selects one key. */
  private control(msg: NodeMessage, send: SendFn): void {
    const key = msg.reset ? controlKey(msg) : undefined;
    // Results of a flush carry no cause: a control message is not an event.
    const ctx: EmitContext = { send, msg: undefined };
    if (msg.reset) {
      this.opts.onReset?.(key);
      if (this.driven) {
        this.driven.reset(key);
        this.emitted?.deliver(ctx);
        this.state?.changed();
      }
    }
    if (msg.flush) this.flushTo(ctx);
    this.status.refresh();
  }

  private reportBad(err: unknown, done: DoneFn): void {
    const error = toError(err);
    this.rejected += error instanceof BatchInputError ? error.elements : 1;
    this.lastError = error instanceof InputError ? error.property : '';
    this.status.touch();
    done(localInputError(this.node.type, error));
  }

  private rearm(): void {
    if (!this.timed || this.closed) return;
    this.wakeUp.arm(this.driven!.nextWakeup(), Date.now);
  }

  private readonly wake = (): void => {
    if (this.closed || !this.driven) return;
    this.now = Date.now();
    try {
      this.driven.advance(this.now);
      this.emitted?.deliver(this.timerCtx);
    } catch (err) {
      this.node.error(toError(err));
    }
    this.state?.changed();
    this.rearm();
    this.status.touch();
  };

  private renderStatus(): NodeStatus {
    const o = this.opts;
    return nodeStatus(
      this.node.type,
      {
        stats: this.driven?.stats(),
        openLabel: o.custom?.openLabel ?? 'open',
        eventTime: (o.settings?.timeMode ?? o.custom?.timeMode) === 'event',
        clampsAhead: o.settings?.futureData === 'clamp',
        received: this.received,
        arrivalFallbacks: o.mapper?.arrivalFallbacks ?? 0,
        extra: o.statusText?.(),
        rejected: this.rejected,
        lastError: this.lastError,
      },
      Date.now(),
    );
  }
}
