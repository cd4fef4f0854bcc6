import { CollectedEvent, collectEvents } from '../../core/collect-events';
import { WindowType } from '../../core/types';
import { eachEventOf } from './batch';
import { failOnConfig } from './config-error';
import { EventMapper, EventMappingConfig, compileEventMapper } from './event-mapper';
import { isBatch, lateMessage } from './messages';
import { compileOutputProperty } from './output-property';
import { NodeMessage, RedAPI, RedNode } from './red';
import { parseDuration } from '../../core/duration';
import { WindowConfig, parseOperatorSettings, parseWindowSpec } from './window-config';
import { WindowHost } from './window-host';

/** A window record as it appears in a window message's payload (plus id, type, metadata when present). */
export interface WindowRecord {
  topic?: unknown;
  payload: unknown;
  [k: string]: unknown;
}

/**
 * How a message becomes the record a window keeps. collectEvents copies topic, payload, eventId,
 * eventType and metadata into its own record, so with the default value property the message
 * itself is the input: no allocation per event.
 */
export function windowRecordOf(mapper: EventMapper): (msg: NodeMessage) => WindowRecord {
  if (mapper.valueLabel === 'msg.payload') return (msg) => msg as WindowRecord;
  return (msg) => {
    const record: WindowRecord = { topic: msg.topic, payload: mapper.value(msg) };
    if (msg.eventId !== undefined) record.eventId = msg.eventId;
    if (msg.eventType !== undefined) record.eventType = msg.eventType;
    if (msg.metadata !== undefined) record.metadata = msg.metadata;
    return record;
  };
}

/** The settings of every node that windows events: window, event mapping, where the result goes, state store. */
export interface WindowedNodeConfig extends WindowConfig, EventMappingConfig {
  /** Where the window's result goes in its message (a msg path; default payload). */
  outputProperty?: unknown;
  store?: unknown;
}

export interface WindowNodeConfig extends WindowedNodeConfig {
  /** Global windows only: flush every open window at this processing-time interval. */
  flushEvery?: unknown;
}

/**
 * The behaviour shared by the four window nodes: events in, one message per fired window out
 * (`payload` = the window's records in event-time order). Only the window type differs.
 */
export function setupWindowNode(RED: RedAPI, node: RedNode, config: WindowNodeConfig, type: WindowType): void {
  let host: WindowHost<WindowRecord, CollectedEvent[], CollectedEvent[]>;
  let flushTimer: ReturnType<typeof setInterval> | undefined;
  try {
    const mapper = compileEventMapper(config, { RED, node });
    const placeResult = compileOutputProperty(config.outputProperty);
    const spec = parseWindowSpec(config, type)!;
    const settings = parseOperatorSettings(config, spec, mapper.timeMode);
    const latePort = settings.lateData === 'output';
    const flushEvery =
      type === 'global' && config.flushEvery !== undefined && String(config.flushEvery).trim() !== ''
        ? parseDuration(config.flushEvery as string | number, 'flushEvery')
        : 0;
    const toRecord = windowRecordOf(mapper);
    host = new WindowHost({
      node,
      settings,
      aggregate: collectEvents<WindowRecord>(),
      store: typeof config.store === 'string' ? config.store : undefined,
      arrivalTime: mapper.arrivalTime,
      mapper,
      placeResult,
      handle: (msg, ctx, now) => eachEventOf(msg, (item) => host.process({ key: mapper.key(item), time: mapper.time(item, now), value: toRecord(item) }, ctx)),
      onResult: (window, records, ctx) => {
        const msg = host.windowMessage(window.key, records, window, ctx);
        ctx.send(latePort ? [msg, null] : msg);
      },
      onLate: (late, ctx) => {
        if (!latePort) return;
        // A batch element is no message of its own: the late port gets its record.
        const original = ctx.msg === undefined || isBatch(ctx.msg) ? undefined : ctx.msg;
        ctx.send([null, lateMessage(late, original, () => ({ ...late.event.value, timestamp: late.event.time }))]);
      },
    });
    if (flushEvery > 0) flushTimer = setInterval(() => host.flush(), flushEvery);
  } catch (err) {
    failOnConfig(node, err);
    return;
  }
  node.on('input', (msg, send, done) => host.input(msg, send, done));
  node.on('close', (removed, done) => {
    if (flushTimer !== undefined) clearInterval(flushTimer);
    host.close(removed, done);
  });
}
