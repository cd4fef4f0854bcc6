/**
 * The values each choice setting allows, in the order the editor lists them. The runtime checks a
 * setting against these lists and the build writes them into the editor's rules file, so a dialog
 * offers exactly what the runtime takes.
 */
import type { EmitStrategy, FutureDataPolicy, LateDataPolicy, TimeMode, WindowBounds, WindowType } from './types';
import type { JoinType } from './join/join-types';
import type { SkipStrategy } from './sequence/sequence-operator';

/** Window types a window node or a processor's own window can have. */
export const WINDOW_TYPES: readonly WindowType[] = ['tumbling', 'sliding', 'session', 'global'];
/** Which end of a window is inclusive. */
export const WINDOW_BOUNDS: readonly WindowBounds[] = ['[start,end)', '(start,end]'];
/** Where an event's time comes from. */
export const TIME_MODES: readonly TimeMode[] = ['event', 'processing'];
/** What happens to an event behind the watermark and allowed lateness. */
export const LATE_DATA_POLICIES: readonly LateDataPolicy[] = ['drop', 'output', 'update', 'adjust'];
/** When a window sends its result. */
export const EMIT_STRATEGIES: readonly EmitStrategy[] = ['final', 'update', 'early'];
/** One watermark for the stream or one per key. */
export const WATERMARK_SCOPES: readonly ('stream' | 'key')[] = ['stream', 'key'];
/** What happens to an event time too far ahead of the clock. */
export const FUTURE_DATA_POLICIES: readonly FutureDataPolicy[] = ['reject', 'clamp'];
/** Which unmatched events a join emits besides its pairs. */
export const JOIN_TYPES: readonly JoinType[] = ['inner', 'left', 'right', 'full'];
/** Whether a sequence's steps must follow each other directly. */
export const SEQUENCE_CONTIGUITIES: readonly ('strict' | 'relaxed')[] = ['strict', 'relaxed'];
/** What a sequence drops after a match. */
export const SKIP_STRATEGIES: readonly SkipStrategy[] = ['past-last-event', 'to-next', 'no-skip'];
