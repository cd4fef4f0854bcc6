/**
 * One partial match of a sequence pattern and how an event moves it on (the pattern's NFA, one
 * state per partial match). Semantics follow Flink CEP's "skip till next match" for relaxed
 * contiguity: a partial match takes the first event that fits and ignores the others; where an
 * event could both repeat a looping step and start the next step, the match forks and both
 * continue. With strict contiguity every event of the key must fit, or the partial match ends.
 * A negation between two steps ends a partial match when its event comes before the next step
 * (relaxed), or when it is the very next event (strict); a looping step that takes another event
 * clears it again, since the negation is about the gap after the step's last event.
 */
import { CompiledPattern } from './pattern';

/** An event as the matcher keeps it: its time, value, condition mask and position in the key's stream. */
export interface SequenceEvent<IN> {
  time: number;
  value: IN;
  mask: number;
  seq: number;
}

/** A partial match: at step `step`, having taken `count` events for it. */
export interface PartialMatch<IN> {
  step: number;
  count: number;
  /** A negation event came after the current step's last event (see the file comment). */
  blocked: boolean;
  startTime: number;
  firstSeq: number;
  /** Events taken, one list per positive step. */
  events: SequenceEvent<IN>[][];
  /** Total of events taken. */
  size: number;
}

/** A partial match started by `event` (which fits the first step). */
export function startMatch<IN>(pattern: CompiledPattern<IN>, event: SequenceEvent<IN>): PartialMatch<IN> {
  const events: SequenceEvent<IN>[][] = pattern.steps.map(() => []);
  events[0].push(event);
  return { step: 0, count: 1, blocked: false, startTime: event.time, firstSeq: event.seq, events, size: 1 };
}

/** Whether the partial match is a whole match (negation at the end: still needs `within` to pass). */
export function isComplete<IN>(pattern: CompiledPattern<IN>, pm: PartialMatch<IN>): boolean {
  return pm.step === pattern.steps.length - 1 && pm.count >= pattern.steps[pm.step].min;
}

function copy<IN>(pm: PartialMatch<IN>): PartialMatch<IN> {
  return { ...pm, events: pm.events.map((list) => list.slice()) };
}

/**
 * Moves `pm` on by `event`: returns the partial matches it becomes — itself (taken, or ignoring
 * the event), two (a fork), or none (it ended). May change `pm`.
 */
export function advanceMatch<IN>(pattern: CompiledPattern<IN>, pm: PartialMatch<IN>, event: SequenceEvent<IN>, strict: boolean): PartialMatch<IN>[] {
  const steps = pattern.steps;
  const step = steps[pm.step];
  const mask = event.mask;
  const guarded = (mask & step.guard) !== 0;
  const canTake = pm.count < step.max && (mask & step.bit) !== 0;
  const next = steps[pm.step + 1];
  const canProceed = next !== undefined && pm.count >= step.min && !pm.blocked && !guarded && (mask & next.bit) !== 0;
  if (canTake && canProceed) {
    const forked = copy(pm);
    take(pm, event);
    proceed(forked, event);
    return [pm, forked];
  }
  if (canTake) {
    take(pm, event);
    return [pm];
  }
  if (canProceed) {
    proceed(pm, event);
    return [pm];
  }
  if (strict) return [];
  if (guarded) {
    // Only another event of a looping step can clear the negation.
    if (pm.count >= step.max) return [];
    pm.blocked = true;
  }
  return [pm];
}

function take<IN>(pm: PartialMatch<IN>, event: SequenceEvent<IN>): void {
  pm.count++;
  pm.blocked = false;
  pm.events[pm.step].push(event);
  pm.size++;
}

function proceed<IN>(pm: PartialMatch<IN>, event: SequenceEvent<IN>): void {
  pm.step++;
  pm.count = 1;
  pm.blocked = false;
  pm.events[pm.step].push(event);
  pm.size++;
}
