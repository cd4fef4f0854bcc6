/**
 * The public API of the pure windowing core: what node adapters, benchmarks and other
 * programs import. Internals (engines, timer heap) stay unexported.
 */
export * from './types';
export * from './errors';
export { parseDuration, formatDuration, DURATION_FORMS } from './duration';
export type { ParseDurationOptions } from './duration';
export { parseEventTime } from './event-time';
export { floorMod, gcd, alignedStart, inWindow } from './assigners/floor-mod';
export { tumblingWindowStart, assignTumbling } from './assigners/tumbling';
export { hoppingPaneSize, latestHoppingStart, assignHopping } from './assigners/hopping';
export { slidingEventWindow, slidingExitTime } from './assigners/sliding-event';
export { sessionWindowOf, sessionBucketStart, sessionFirstCut, sessionsOverlap } from './assigners/session';
export { countWindowStep, opensCountWindow, checkCountWindow } from './assigners/global-count';
export { Watermark } from './watermark';
export { TwoStacksAggregator } from './two-stacks';
export { WindowOperator } from './window-operator';
export type { WindowOperatorOptions } from './window-operator';
export { collectEvents } from './collect-events';
export type { CollectInput, CollectedEvent } from './collect-events';
export * from './path';
export * from './aggregates';
export * from './conditions';
export * from './detectors';
export type { StreamOperator } from './stream-operator';
export { JoinOperator } from './join/join-operator';
export type { JoinOperatorOptions, JoinSpec, JoinInput } from './join/join-operator';
export type { JoinResult, JoinSide, JoinType, JoinedEvent } from './join/join-types';
export { SequenceOperator } from './sequence/sequence-operator';
export type { SequenceOperatorOptions, SequenceResult, SkipStrategy } from './sequence/sequence-operator';
export { compilePattern, parseTimes } from './sequence/pattern';
export type { SequenceStep } from './sequence/pattern';
