/**
 * Turns the stream-aggregate node's `aggregations` setting into one AggregateFunction over
 * input records (message-like objects). Aggregations over the same property share one
 * accumulator where they can (avg + sum, min + max + range, several percentiles), so a window
 * costs one small object per property and family, and an event one property read each.
 *
 * Numeric aggregations use a value only when it is a finite number (typeof "number"): numeric
 * strings such as "21.5" are refused, never coerced, so a sensor sending text shows up as
 * rejected input instead of silently skewing results. check() says why a record is refused;
 * add() skips values a family cannot use, so the other aggregations still see the record.
 */
import { ConfigError, describeValue, InputError } from '../errors';
import { compileSegments, formatPath, Getter, parsePath } from '../path';
import type { AggregateFunction, AggregationSetting } from '../types';
import { CountAcc, countAggregate } from './count';
import { DEFAULT_DISTINCT_LIMIT, distinctAggregate, isDistinctValue } from './distinct';
import { addExtremes, ExtremesAcc, maxAggregate, minAggregate } from './extremes';
import { addFirstLast, firstAggregate, FirstLastAcc, lastAggregate } from './first-last';
import { avgAggregate } from './mean';
import { checkPercentile, DEFAULT_EXACT_LIMIT, percentileAggregate, percentileDiscAggregate } from './quantile';
import { previousAggregate } from './previous';
import { rangeAggregate } from './range';
import { rateAggregate } from './rate';
import { addSum, SumAcc, sumAggregate } from './sum';
import { addVariance, stddevAggregate, VarianceAcc, varianceAggregate } from './variance';
import { InvertibleWindow, SLIDE_COUNT, SLIDE_EXTREMES, SLIDE_FIRST_LAST, SLIDE_SUM, SLIDE_VARIANCE, SlideSlot } from '../invertible-window';
import type { SlidingAggregator } from '../sliding-aggregator';
import { ExtremesWindow } from '../extremes-window';
import { ProjectedWindow } from '../projected-window';
import { TwoStacksAggregator } from '../two-stacks';

import { AGGREGATION_OPS, type AggregationOp } from './aggregation-ops';
export { AGGREGATION_OPS };
export type { AggregationOp };

/** One entry of the `aggregations` setting. */
export interface AggregationSpec {
  op: AggregationOp | string;
  /** Path into the input record; default `payload`. Not used by count. */
  property?: string;
  /** Output name; default the op, `p95` for percentile 95, `p95disc` for percentileDisc 95. */
  as?: string;
  /** Percentile, 0–100 (percentile and percentileDisc only). */
  p?: number;
}

/** Several aggregations computed together; the result is `{ <name>: value, … }`. */
export interface AggregationSet<IN = unknown> extends AggregateFunction<IN, unknown, Record<string, unknown>> {
  /** Output names in order. */
  readonly names: string[];
  /** undefined when every aggregation can use the input, else why not (property and value type). */
  check(input: IN): InputError | undefined;
  /** Plain-JSON snapshot of an accumulator (always present on a set). */
  toJSON(acc: unknown): unknown;
  /** Restores a snapshot made by toJSON for a set compiled from the same specs. */
  fromJSON(json: unknown): unknown;
  /**
   * The same aggregation (same accumulators and snapshots) whose result is the lone output's
   * value instead of `{ <name>: value }`; throws unless there is exactly one output.
   */
  valueAggregate(): AggregateFunction<IN, unknown, unknown>;
}

/** Limits for the aggregations that switch from exact to a sketch. */
export interface AggregationOptions {
  /** Values a median/percentile window keeps exactly before its sketch (default 1,000). */
  exactLimit?: number;
  /** Distinct values counted exactly before the HyperLogLog sketch (default 10,000). */
  distinctLimit?: number;
}

type AnyAggregate = AggregateFunction<any, any, unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a family's inputs must be: `none` for count, which reads no property. */
type InputKind = 'none' | 'number' | 'primitive' | 'defined';

interface OpInfo {
  /** Ops of one family on one property share an accumulator. */
  family: string;
  input: InputKind;
  make(p: number, limits: Required<AggregationOptions>): AnyAggregate;
}

const OPS: Record<AggregationOp, OpInfo> = {
  count: { family: 'count', input: 'none', make: () => countAggregate },
  sum: { family: 'sum', input: 'number', make: () => sumAggregate },
  avg: { family: 'sum', input: 'number', make: () => avgAggregate },
  min: { family: 'extremes', input: 'number', make: () => minAggregate },
  max: { family: 'extremes', input: 'number', make: () => maxAggregate },
  range: { family: 'extremes', input: 'number', make: () => rangeAggregate },
  stddev: { family: 'variance', input: 'number', make: () => stddevAggregate },
  variance: { family: 'variance', input: 'number', make: () => varianceAggregate },
  median: { family: 'quantile', input: 'number', make: (_p, l) => percentileAggregate(50, l.exactLimit) },
  percentile: { family: 'quantile', input: 'number', make: (p, l) => percentileAggregate(p, l.exactLimit) },
  percentileDisc: { family: 'quantile', input: 'number', make: (p, l) => percentileDiscAggregate(p, l.exactLimit) },
  distinct: { family: 'distinct', input: 'primitive', make: (_p, l) => distinctAggregate(l.distinctLimit) },
  first: { family: 'first-last', input: 'defined', make: () => firstAggregate },
  last: { family: 'first-last', input: 'defined', make: () => lastAggregate },
  previous: { family: 'previous', input: 'defined', make: () => previousAggregate },
  rate: { family: 'rate', input: 'number', make: () => rateAggregate },
};

const ACCEPTS: Record<InputKind, (v: unknown) => boolean> = {
  none: () => true,
  number: Number.isFinite as (v: unknown) => boolean,
  primitive: isDistinctValue,
  defined: (v) => v !== undefined,
};

const EXPECTED: Record<InputKind, string> = {
  none: '',
  number: 'a number',
  primitive: 'a string, number, boolean or null',
  defined: 'a value',
};

// Families the multi-aggregation add() updates through a switch with direct calls: a loop
// calling each slot's own add() through one call site is megamorphic and several times slower.
const enum Code {
  Other,
  Count,
  Sum,
  Extremes,
  Variance,
  FirstLast,
  Rate,
}

const CODES: Record<string, Code> = {
  count: Code.Count,
  sum: Code.Sum,
  extremes: Code.Extremes,
  variance: Code.Variance,
  'first-last': Code.FirstLast,
  rate: Code.Rate,
};

/** Families a sliding window can update on exit; the others (percentiles, distinct) use two-stacks. */
const SLIDE_KINDS: Partial<Record<Code, number>> = {
  [Code.Count]: SLIDE_COUNT,
  [Code.Sum]: SLIDE_SUM,
  [Code.Extremes]: SLIDE_EXTREMES,
  [Code.Variance]: SLIDE_VARIANCE,
  [Code.FirstLast]: SLIDE_FIRST_LAST,
  [Code.Rate]: SLIDE_FIRST_LAST,
};

/** One shared accumulator: the family's operations and where its input comes from. */
interface Slot {
  code: Code;
  /** Reads the same property as the slot before it, so add() reuses that value. */
  reuse: boolean;
  agg: AnyAggregate;
  get: Getter;
  accepts: (v: unknown) => boolean;
  input: InputKind;
  /** As the user wrote it, for messages. */
  property: string;
  /** Canonical form: `msg.payload.x` and `payload["x"]` share a slot. */
  path: string;
}

/** One output: which slot it reads and how. */
interface Output {
  name: string;
  op: AggregationOp;
  slot: number;
  result: (acc: unknown) => unknown;
}

const NO_PROPERTY: Getter = () => undefined;

class CompiledAggregations<IN> implements AggregationSet<IN> {
  readonly names: string[];
  private readonly single: Slot | null;

  constructor(
    private readonly slots: Slot[],
    private readonly outputs: Output[],
    /** result() returns the lone output's value, not an object (see valueAggregate). */
    private readonly bare = false,
  ) {
    this.names = outputs.map((o) => o.name);
    // One slot (the common case: one aggregation) needs no array around its accumulator.
    this.single = slots.length === 1 ? slots[0] : null;
  }

  createAccumulator(): unknown {
    if (this.single !== null) return this.single.agg.createAccumulator();
    const accs = new Array<unknown>(this.slots.length);
    for (let i = 0; i < accs.length; i++) accs[i] = this.slots[i].agg.createAccumulator();
    return accs;
  }

  add(acc: unknown, input: IN, time: number): unknown {
    const one = this.single;
    if (one !== null) {
      const v = one.get(input);
      return one.accepts(v) ? one.agg.add(acc, v, time) : acc;
    }
    const accs = acc as unknown[];
    const slots = this.slots;
    let v: unknown;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (!s.reuse) v = s.get(input);
      switch (s.code) {
        case Code.Count:
          (accs[i] as CountAcc).n++;
          break;
        case Code.Sum:
          if (Number.isFinite(v)) addSum(accs[i] as SumAcc, v as number);
          break;
        case Code.Extremes:
          if (Number.isFinite(v)) addExtremes(accs[i] as ExtremesAcc, v as number);
          break;
        case Code.Variance:
          if (Number.isFinite(v)) addVariance(accs[i] as VarianceAcc, v as number);
          break;
        case Code.FirstLast:
          if (v !== undefined) addFirstLast(accs[i] as FirstLastAcc, v, time);
          break;
        case Code.Rate:
          if (Number.isFinite(v)) addFirstLast(accs[i] as FirstLastAcc, v, time);
          break;
        default:
          if (s.accepts(v)) accs[i] = s.agg.add(accs[i], v, time);
      }
    }
    return accs;
  }

  merge(a: unknown, b: unknown): unknown {
    if (this.single !== null) return this.single.agg.merge(a, b);
    const as = a as unknown[];
    const bs = b as unknown[];
    for (let i = 0; i < this.slots.length; i++) as[i] = this.slots[i].agg.merge(as[i], bs[i]);
    return as;
  }

  valueAggregate(): AggregateFunction<IN, unknown, unknown> {
    if (this.outputs.length !== 1) throw new TypeError(`valueAggregate: needs exactly one aggregation, there are ${this.outputs.length}`);
    return new CompiledAggregations<IN>(this.slots, this.outputs, true) as AggregateFunction<IN, unknown, unknown>;
  }

  result(acc: unknown): Record<string, unknown> {
    if (this.bare) return this.outputs[0].result(this.single !== null ? acc : (acc as unknown[])[this.outputs[0].slot]) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const o of this.outputs) out[o.name] = o.result(this.single !== null ? acc : (acc as unknown[])[o.slot]);
    return out;
  }

  toJSON(acc: unknown): unknown {
    const json = (s: Slot, a: unknown): unknown => (s.agg.toJSON ? s.agg.toJSON(a) : a);
    if (this.single !== null) return json(this.single, acc);
    return this.slots.map((s, i) => json(s, (acc as unknown[])[i]));
  }

  fromJSON(data: unknown): unknown {
    const restore = (s: Slot, j: unknown): unknown => (s.agg.fromJSON ? s.agg.fromJSON(j) : j);
    if (this.single !== null) return restore(this.single, data);
    if (!Array.isArray(data) || data.length !== this.slots.length) {
      throw new TypeError(`accumulator snapshot: expected an array of ${this.slots.length} accumulators for ${this.names.join(', ')}`);
    }
    return this.slots.map((s, i) => restore(s, data[i]));
  }

  /**
   * A per-event sliding window that updates on exit (deques, subtraction) when every
   * aggregation allows it; otherwise a two-stacks window over projections of the events (the
   * values the aggregations read), so that it keeps numbers, not messages.
   */
  createSlidingAggregator(): SlidingAggregator<IN, Record<string, unknown>> | undefined {
    const kinds = this.slots.map((s) => SLIDE_KINDS[s.code]);
    if (kinds.some((k) => k === undefined)) return this.projectedTwoStacks();
    const uses = (i: number, ops: AggregationOp[]): boolean => this.outputs.some((o) => o.slot === i && ops.includes(o.op));
    const slots: SlideSlot[] = this.slots.map((s, i) => ({
      kind: kinds[i] as number,
      get: s.get as (v: unknown) => unknown,
      accepts: s.accepts,
      reuse: s.reuse,
      min: uses(i, ['min', 'range']),
      max: uses(i, ['max', 'range']),
    }));
    const single = this.single !== null;
    if (single && slots[0].kind === SLIDE_EXTREMES) {
      const s = slots[0];
      // A lone value (output 'value') is the output's own result: one call per event, not three.
      const finish = this.bare ? this.outputs[0].result : (acc: unknown) => this.result(acc);
      return new ExtremesWindow<IN, Record<string, unknown>>(s.get, s.accepts, s.min, s.max, finish as (acc: unknown) => Record<string, unknown>);
    }
    return new InvertibleWindow<IN, Record<string, unknown>>(slots, (accs) => this.result(single ? accs[0] : accs));
  }

  /**
   * Two-stacks over projections: the one value read (one property), or the values of each
   * property read, in slot order. The projected set reads them back with the same slots.
   */
  private projectedTwoStacks(): SlidingAggregator<IN, Record<string, unknown>> {
    const readers = this.slots.filter((s) => !s.reuse && s.input !== 'none');
    const one = readers.length === 1 ? readers[0].get : undefined;
    const project: (event: IN) => unknown = one ?? ((event) => readers.map((s) => s.get(event)));
    const slots = this.slots.map((s): Slot => {
      if (s.reuse || s.input === 'none') return s;
      const k = readers.indexOf(s);
      return { ...s, get: one ? (v) => v : (v) => (v as unknown[])[k] };
    });
    const projected = new CompiledAggregations<unknown>(slots, this.outputs, this.bare);
    return new ProjectedWindow<IN, unknown, Record<string, unknown>>(new TwoStacksAggregator(projected), project);
  }

  check(input: IN): InputError | undefined {
    const slots = this.slots;
    let v: unknown;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (s.input === 'none') continue;
      // Slots on one property are adjacent (see groupByProperty): read it once, as add() does.
      if (!s.reuse) v = s.get(input);
      if (!s.accepts(v)) {
        const expected = s.input === 'number' && typeof v === 'number' ? 'a finite number' : EXPECTED[s.input];
        return new InputError(s.property, `${s.property} is ${describeValue(v)}, expected ${expected}`);
      }
    }
    return undefined;
  }
}

/** Reads an op name leniently (case, spaces) and suggests the nearest op when unknown. */
function parseOp(op: unknown, field: string): AggregationOp {
  const text = typeof op === 'string' ? op.trim().toLowerCase() : '';
  const found = AGGREGATION_OPS.find((o) => o.toLowerCase() === text);
  if (found !== undefined) return found;
  const hint = typeof op === 'string' ? nearest(text, AGGREGATION_OPS) : undefined;
  const got = typeof op === 'string' ? `"${op}"` : describeValue(op);
  throw new ConfigError(field, `unknown aggregation ${got}${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${AGGREGATION_OPS.join(', ')}`);
}

/** The candidate within edit distance 2 of `word`, if any. */
function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

function checkLimit(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(field, `must be a whole number of at least 1, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Compiles the `aggregations` setting into one AggregationSet; throws ConfigError naming the
 * field (`aggregations[2].op`, `.p`, `.as`, `.property`) and what is allowed.
 */
export function compileAggregations<IN = unknown>(specs: readonly (AggregationSpec | AggregationSetting)[], options: AggregationOptions = {}): AggregationSet<IN> {
  const limits: Required<AggregationOptions> = {
    exactLimit: checkLimit(options.exactLimit, 'exactLimit', DEFAULT_EXACT_LIMIT),
    distinctLimit: checkLimit(options.distinctLimit, 'distinctLimit', DEFAULT_DISTINCT_LIMIT),
  };
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new ConfigError('aggregations', 'add at least one aggregation, e.g. { op: "avg", property: "payload" }');
  }
  const slots: Slot[] = [];
  const slotIndex = new Map<string, number>();
  const outputs: Output[] = [];
  const nameOwner = new Map<string, number>();

  specs.forEach((spec, i) => {
    const field = `aggregations[${i}]`;
    if (spec === null || typeof spec !== 'object') {
      throw new ConfigError(field, `must be an object like { op: "avg", property: "payload" }, got ${describeValue(spec)}`);
    }
    const op = parseOp(spec.op, `${field}.op`);
    const info = OPS[op];
    const p = op === 'percentile' || op === 'percentileDisc' ? checkPercentile(spec.p, `${field}.p`) : 50;

    const property = info.input === 'none' ? '' : propertyText(spec.property, `${field}.property`);
    const segments = info.input === 'none' ? [] : parsePath(property, `${field}.property`);
    const path = formatPath(segments);
    const key = `${info.family}\u0000${path}`;
    let slot = slotIndex.get(key);
    if (slot === undefined) {
      slot = slots.length;
      slotIndex.set(key, slot);
      slots.push({
        code: CODES[info.family] ?? Code.Other,
        reuse: false,
        agg: info.make(p, limits),
        get: info.input === 'none' ? NO_PROPERTY : compileSegments(segments),
        accepts: ACCEPTS[info.input],
        input: info.input,
        property,
        path,
      });
    }

    const name = outputName(spec.as, op, p, `${field}.as`);
    const owner = nameOwner.get(name);
    if (owner !== undefined) {
      throw new ConfigError(`${field}.as`, `output name "${name}" is already used by aggregations[${owner}]; give each aggregation its own "as"`);
    }
    nameOwner.set(name, i);
    const agg = info.make(p, limits);
    outputs.push({ name, op, slot, result: (acc) => agg.result(acc) });
  });
  return new CompiledAggregations<IN>(...groupByProperty(slots, outputs));
}

/** Orders slots so those reading one property are adjacent and add() reads it once. */
function groupByProperty(slots: Slot[], outputs: Output[]): [Slot[], Output[]] {
  const order = slots.map((s, i) => ({ s, i }));
  const firstSeen = new Map<string, number>();
  order.forEach(({ s }, i) => firstSeen.has(s.path) || firstSeen.set(s.path, i));
  order.sort((a, b) => (firstSeen.get(a.s.path) as number) - (firstSeen.get(b.s.path) as number) || a.i - b.i);
  const moved = new Map(order.map(({ i }, to) => [i, to]));
  const grouped = order.map(({ s }, to) => ({ ...s, reuse: to > 0 && s.input !== 'none' && order[to - 1].s.path === s.path && order[to - 1].s.input !== 'none' }));
  return [grouped, outputs.map((o) => ({ ...o, slot: moved.get(o.slot) as number }))];
}

function propertyText(property: unknown, field: string): string {
  if (property === undefined || property === null || property === '') return 'payload';
  if (typeof property !== 'string') throw new ConfigError(field, `must be a property path like "payload.temperature", got ${describeValue(property)}`);
  return property.trim() === '' ? 'payload' : property.trim();
}

function outputName(as: unknown, op: AggregationOp, p: number, field: string): string {
  if (as !== undefined && as !== null && typeof as !== 'string') {
    throw new ConfigError(field, `must be a name for the result, got ${describeValue(as)}`);
  }
  const name = typeof as === 'string' && as.trim() !== '' ? as.trim() : op === 'percentile' ? `p${p}` : op === 'percentileDisc' ? `p${p}disc` : op;
  // Assigning "__proto__" on a plain result object would replace its prototype instead.
  if (name === '__proto__') throw new ConfigError(field, 'the name "__proto__" cannot be used');
  return name;
}
