import { ReasonParams, fillPlaceholders } from './config-reasons';

/**
 * Why a message cannot be used, by a stable code: the English text with __name__ placeholders, as
 * in config-reasons.ts. An InputError made from a code carries the code and its parameters, so the
 * node layer reports it through done(err) in the user's language (inputError.<code> in every
 * node's catalog, from fragments/input-errors.json), while its message stays this English text.
 */
export const INPUT_REASONS = {
  eventTime: '__label__: expected an event time (ms since the epoch, an ISO-8601 string or a Date), got __got__',
  timeOutOfRange: '__label__: event time __ms__ is outside the range of a date (±__max__ ms around 1970)',
  timeOutOfRangeUnit:
    '__label__: event time __ms__ is outside the range of a date (±__max__ ms around 1970) (it looks like __unit__; event times are milliseconds since 1970)',
  timeNotMs: 'time: expected an event time in ms since the epoch, got __got__',
  aheadOfClock: "event time __time__ is __ahead__ ahead of the clock (maxFutureSkew __skew__); check the sender's clock or the time unit",
  aheadOfClockUnit:
    "event time __time__ is __ahead__ ahead of the clock (maxFutureSkew __skew__); check the sender's clock or the time unit (it looks like __unit__; event times are milliseconds since 1970)",
  timeMissing:
    '__label__ is __got__; event time needs ms since the epoch, an ISO-8601 string or a Date (choose time "auto" to use the arrival time when it is missing)',
  keyType: '__label__ is __got__; a key must be a string or a number',
  sourceNotEvaluated: '__source__ was not evaluated for this message',
  sourceFailed: '__source__ failed: __reason__',
  expectedNumber: '__label__ is __got__, expected a number',
  expectedFiniteNumber: '__label__ is __got__, expected a finite number',
  expectedPrimitive: '__label__ is __got__, expected a string, number, boolean or null',
  expectedValue: '__label__ is __got__, expected a value',
  dedupValue: '__label__ is __got__, expected a string, number, boolean or null to tell duplicates apart',
  finiteNeeded: '__label__ is __got__; a finite number is needed',
  valueFinite: 'the value must be a finite number, got __got__',
  timeFinite: 'the event time must be a finite number, got __got__',
  controlTopic: 'msg.topic is __got__; to reset or flush one key give its name as a string, or leave msg.topic out for every key',
  batchElement: 'msg.payload[__index__] is __got__; batch elements must be message-like objects ({ topic, payload, timestamp })',
  batchRejected: '__bad__ of __total__ elements rejected; first: __first__',
  aggregateNeedsWindow:
    'msg.window is undefined; with window type "none" this node aggregates window messages from a window node (msg.window and an array payload)',
  detectNeedsWindow:
    'msg.window is undefined; in window mode without its own window this node analyses window messages from a window node (msg.window and an array payload)',
  jsonataRuleFailed: 'jsonata rule __expression__ failed: __reason__',
  sideChoice: 'side: expected "left" or "right", got __got__',
  sideUnmatched: '__label__ is __got__; it marks neither input (left: __left__, right: __right__)',
  binaryNotJson: 'payload is binary data (__bytes__ bytes), not JSON; choose the buffer format to receive it',
  binaryNotText: 'payload is binary data (__bytes__ bytes), not text; choose the buffer format to receive it',
  notJson: 'payload is not valid JSON: __got__',
  topicLevel: 'topic "__topic__" has no level __level__ (it has __count__)',
  keyField: 'key property payload.__path__ must be a string or number, got __got__',
  mqttTopic: 'msg.topic must be a topic without wildcards, got __got__',
  mqttQos: 'msg.qos must be 0, 1 or 2, got __got__',
  kafkaTopic: 'msg.topic must be a Kafka topic name (letters, digits, . _ -), got __got__',
  recordKey: '__label__ must be a string, number or buffer to be a record key, got __got__',
  headersObject: 'msg.headers must be an object of header names to values, got __got__',
  partitionWhole: 'msg.partition must be a whole number >= 0, got __got__',
  pauseOrResume: 'stream-kafka-in accepts control messages only: msg.pause = true or msg.resume = true',
  controlPayload: 'payload: expected one of __allowed__, got __got__',
  asThrown: '__message__',
} as const;

/** The code of a reason in INPUT_REASONS. */
export type InputReason = keyof typeof INPUT_REASONS;

/** The English text of input reason `code` with its placeholders filled from `params`. */
export function inputReasonText(code: InputReason, params: ReasonParams = {}): string {
  return fillPlaceholders(INPUT_REASONS[code], params);
}
