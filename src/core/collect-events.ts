/**
 * The aggregate of window nodes: a window's events themselves, as `{ timestamp, topic, payload }`
 * records in event-time order (msg.payload of a window message). Also keeps eventId, eventType
 * and metadata when the input message had them.
 */
import { readArray, readNumber, readObject } from './aggregates/snapshot-json';
import { AggregateFunction } from './types';

/** What a window node feeds in: the message (or the part of it that is kept). */
export interface CollectInput {
  topic?: unknown;
  payload: unknown;
  [k: string]: unknown;
}

/** One record of a window's payload. */
export interface CollectedEvent {
  timestamp: number;
  topic: unknown;
  payload: unknown;
  eventId?: unknown;
  eventType?: unknown;
  metadata?: unknown;
}

/** The record of one event: `{ timestamp, topic, payload }`, plus eventId, eventType and metadata when present. */
export function collectedEvent(input: CollectInput, time: number): CollectedEvent {
  const record: CollectedEvent = { timestamp: time, topic: input.topic, payload: input.payload };
  if (input.eventId !== undefined) record.eventId = input.eventId;
  if (input.eventType !== undefined) record.eventType = input.eventType;
  if (input.metadata !== undefined) record.metadata = input.metadata;
  return record;
}

const byTime = (a: CollectedEvent, b: CollectedEvent): number => a.timestamp - b.timestamp;

/** An AggregateFunction whose result is the window's events sorted by event time (stable for equal times). */
export function collectEvents<T extends CollectInput = CollectInput>(): AggregateFunction<T, CollectedEvent[], CollectedEvent[]> {
  return {
    createAccumulator: () => [],
    add(acc, input, time) {
      acc.push(collectedEvent(input, time));
      return acc;
    },
    merge(a, b) {
      for (const e of b) a.push(e);
      return a;
    },
    // A copy, so a window that fires again (late update) is not changed by what a flow does with the first result.
    result: (acc) => acc.slice().sort(byTime),
    toJSON: (acc) => acc.map((e) => ({ ...e })),
    // A damaged list is refused like any other accumulator, never restored as an empty window.
    fromJSON: (json) =>
      readArray(json, 'events').map((e, i) => {
        const o = readObject(e, `events[${i}]`);
        return collectedEvent({ ...o, payload: o.payload }, readNumber(o.timestamp, `events[${i}].timestamp`));
      }),
  };
}
