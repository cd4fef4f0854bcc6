import { StreamOperator } from '../../core/stream-operator';
import { KeyedPartitionState } from '../../core/keyed-partition-state';
import { StreamEvent, TimeMode } from '../../core/types';
import { eachEventOf } from './batch';
import { EmitContext } from './emissions';
import { NodeMessage, RedNode } from './red';
import { WindowHost, WindowHostOptions } from './window-host';

/** What a node that runs an operator of its own (a join, a sequence) tells operatorHost. */
export interface OperatorHostOptions<E extends StreamEvent<unknown>> {
  node: RedNode;
  operator: StreamOperator & KeyedPartitionState & { process(event: E, now: number, source?: string, sourceGroup?: string): void };
  emitted: { deliver(ctx: EmitContext): void };
  /** The node's `store` setting. */
  store: unknown;
  /** The time mapping: its clock, and its time property ('' = arrival time). */
  time: { readonly timeMode: TimeMode; readonly timeLabel: string };
  /** The operator's maxOutOfOrder in ms (0 when unset). */
  maxOutOfOrder?: number;
  /** idleTimeout in ms (0 = none): a timer then flushes a quiet operator. */
  idleTimeout: number;
  /** Catalog key naming the operator's open state in the status (status.<openLabel>). */
  openLabel: string;
  mapper: WindowHostOptions<unknown, unknown, unknown>['mapper'];
  statusText?: () => string;
  /** The event of one message (or batch element); throws InputError for a message it cannot use. */
  event(msg: NodeMessage, now: number): E;
}

/**
 * The host of a node that feeds an operator of its own, one event per message or batch element,
 * its results going out with the message that caused them: timed when it runs in processing time
 * or closes idle state, reading the clock per message only when an event's time is its arrival.
 * The key of every event is noted first, so its state follows its Kafka partition, and the
 * partition it was read from goes with the event, so the operator keeps a watermark per partition.
 */
export function operatorHost<E extends StreamEvent<unknown>>(o: OperatorHostOptions<E>): WindowHost<unknown, unknown, unknown> {
  const { timeMode, timeLabel } = o.time;
  const add = (msg: NodeMessage, ctx: EmitContext, now: number): void => {
    const e = o.event(msg, now);
    host.noteKey(e.key, e.time);
    // The Kafka partition it was read from: one watermark per partition.
    o.operator.process(e, now, host.messageSource, host.messageTopic);
    o.emitted.deliver(ctx);
  };
  const host = new WindowHost<unknown, unknown, unknown>({
    node: o.node,
    custom: {
      operator: o.operator,
      emitted: o.emitted,
      timeMode,
      timed: timeMode === 'processing' || o.idleTimeout > 0,
      openLabel: o.openLabel,
      maxOutOfOrder: o.maxOutOfOrder,
    },
    store: typeof o.store === 'string' ? o.store : undefined,
    arrivalTime: timeMode === 'processing' || timeLabel === '',
    mapper: o.mapper,
    statusText: o.statusText,
    handle: (msg, ctx, now) => eachEventOf(msg, (item) => add(item, ctx, now)),
  });
  return host;
}
