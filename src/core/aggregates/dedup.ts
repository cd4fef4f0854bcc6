/**
 * The aggregate's dedup option: within a window, only the first event of each value of a chosen
 * property (an id, a sequence number) counts; later events with a value already seen are left out
 * of every aggregation. "First" is by event time (equal times: the earliest arrival), so the result
 * does not depend on arrival order, and merging windows (hopping panes, sessions, sliding
 * windows) keeps the earliest event of each value of the union.
 *
 * A window keeps, per distinct value, the time and the plain-JSON accumulator of its first event
 * (what the aggregations read from it, never the message), and a result merges them: memory and
 * the cost of a result grow with the number of distinct values in the window.
 */
import { describeValue, InputError } from '../errors';
import { compileSegments, formatPath, Getter, parsePath } from '../path';
import type { AggregateFunction } from '../types';
import type { SlidingAggregator } from '../sliding-aggregator';
import { ProjectedWindow } from '../projected-window';
import { TwoStacksAggregator } from '../two-stacks';
import type { AggregationSet } from './compile-aggregations';
import { readNumber, readObject } from './snapshot-json';

/** The first event of one value: its time and its one-event accumulator in plain-JSON form. */
interface First {
  t: number;
  a: unknown;
}

/** First events by value key; insertion order is arrival order. */
interface DedupAcc {
  m: Map<string, First>;
}

/** What a sliding window keeps per event: the value key and the event's first-event record. */
interface Projected {
  /** undefined: no usable value (check() refuses such events), left out like add() leaves it out. */
  k: string | undefined;
  f: First;
}

/** A map key that keeps 1 and "1" apart; undefined for values that cannot be compared (objects, undefined). */
function valueKey(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'number':
      return `n${v}`;
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return v === null ? 'null' : undefined;
  }
}

/** Keeps `f` for `k` unless the accumulator already has an event of that value at the same time or earlier. */
function keepFirst(acc: DedupAcc, k: string, f: First): void {
  const seen = acc.m.get(k);
  if (seen === undefined || f.t < seen.t) acc.m.set(k, f);
}

class DedupAggregations<IN> implements AggregationSet<IN> {
  readonly names: string[];

  constructor(
    private readonly inner: AggregationSet<IN>,
    private readonly get: Getter,
    private readonly property: string,
    /** Computes the result from the merged accumulator (the set itself, or its valueAggregate()). */
    private readonly finish: AggregateFunction<IN, unknown, unknown> = inner,
  ) {
    this.names = inner.names;
  }

  createAccumulator(): DedupAcc {
    return { m: new Map() };
  }

  add(acc: unknown, input: IN, time: number): unknown {
    const k = valueKey(this.get(input));
    if (k === undefined) return acc;
    const a = acc as DedupAcc;
    const seen = a.m.get(k);
    if (seen === undefined || time < seen.t) a.m.set(k, this.first(input, time));
    return a;
  }

  private first(input: IN, time: number): First {
    const inner = this.inner;
    return { t: time, a: inner.toJSON(inner.add(inner.createAccumulator(), input, time)) };
  }

  merge(a: unknown, b: unknown): unknown {
    const into = a as DedupAcc;
    for (const [k, f] of (b as DedupAcc).m) keepFirst(into, k, f);
    return into;
  }

  result(acc: unknown): Record<string, unknown> {
    const inner = this.inner;
    // In event-time order, so that first, last and previous see equal times in arrival order.
    const firsts = [...(acc as DedupAcc).m.values()].sort((x, y) => x.t - y.t);
    let merged = inner.createAccumulator();
    for (const f of firsts) merged = inner.merge(merged, inner.fromJSON(f.a));
    return this.finish.result(merged) as Record<string, unknown>;
  }

  /** Snapshot form: `{ dedup: [{ key, time, acc }, …] }`, the first event of each value in arrival order. */
  toJSON(acc: unknown): unknown {
    return { dedup: [...(acc as DedupAcc).m].map(([key, f]) => ({ key, time: f.t, acc: f.a })) };
  }

  fromJSON(json: unknown): unknown {
    const list = readObject(json, 'dedup accumulator').dedup;
    if (!Array.isArray(list)) throw new TypeError('accumulator snapshot: expected { dedup: [{ key, time, acc }, …] }');
    const m = new Map<string, First>();
    for (const entry of list) {
      // Version 2 saved [key, time, accumulator] (see snapshot-migration.ts).
      const e = Array.isArray(entry) ? { key: entry[0], time: entry[1], acc: entry[2] } : readObject(entry, 'dedup entry');
      if (typeof e.key !== 'string') throw new TypeError('accumulator snapshot: a dedup key must be a string');
      // Read back through the set, so a first event saved in an older form is kept in the current one.
      m.set(e.key, { t: readNumber(e.time, 'dedup time'), a: this.inner.toJSON(this.inner.fromJSON(e.acc)) });
    }
    return { m };
  }

  valueAggregate(): AggregateFunction<IN, unknown, unknown> {
    return new DedupAggregations<IN>(this.inner, this.get, this.property, this.inner.valueAggregate()) as AggregateFunction<IN, unknown, unknown>;
  }

  check(input: IN): InputError | undefined {
    const err = this.inner.check(input);
    if (err) return err;
    const v = this.get(input);
    if (valueKey(v) === undefined) return InputError.of(this.property, 'dedupValue', { label: this.property, got: describeValue(v) });
    return undefined;
  }

  /** Two-stacks over (value key, first-event record): the window keeps no message. */
  createSlidingAggregator(): SlidingAggregator<IN, Record<string, unknown>> {
    const over: AggregateFunction<Projected, DedupAcc, Record<string, unknown>> = {
      createAccumulator: () => ({ m: new Map() }),
      add: (acc, p) => {
        if (p.k !== undefined) keepFirst(acc, p.k, p.f);
        return acc;
      },
      merge: (a, b) => this.merge(a, b) as DedupAcc,
      result: (acc) => this.result(acc),
    };
    const project = (event: IN, time: number): Projected => ({ k: valueKey(this.get(event)), f: this.first(event, time) });
    return new ProjectedWindow<IN, Projected, Record<string, unknown>>(new TwoStacksAggregator(over), project);
  }
}

/** Wraps an aggregation set so that, per window, only the first event of each value of `property` counts. */
export function dedupAggregations<IN>(set: AggregationSet<IN>, property: string): AggregationSet<IN> {
  const segments = parsePath(property, 'dedup');
  return new DedupAggregations<IN>(set, compileSegments(segments), formatPath(segments));
}
