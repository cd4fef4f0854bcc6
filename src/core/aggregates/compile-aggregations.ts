/**
 * Turns the stream-aggregate node's `aggregations` setting into one AggregateFunction over
 * input records (message-like objects): a set that holds one aggregate per aggregation, each
 * with its own accumulator, and loops over them.
 *
 * Numeric aggregations use a value only when it is a finite number (typeof "number"): numeric
 * strings such as "21.5" are refused, never coerced, so a sensor sending text shows up as
 * rejected input instead of silently skewing results. check() says why a record is refused;
 * add() skips values an aggregation cannot use, so the other aggregations still see the record.
 */
import { ConfigError, describeValue, InputError } from '../errors';
import type { InputReason } from '../input-reasons';
import { compileSegments, formatPath, Getter, parsePath } from '../path';
import type { AggregateFunction, AggregationSetting } from '../types';
import { countAggregate } from './count';
import { DEFAULT_DISTINCT_LIMIT, distinctAggregate, isDistinctValue } from './distinct';
import { maxAggregate, minAggregate } from './extremes';
import { firstAggregate, lastAggregate } from './first-last';
import { avgAggregate } from './mean';
import { checkPercentile, DEFAULT_EXACT_LIMIT, percentileAggregate, percentileDiscAggregate } from './quantile';
import { previousAggregate } from './previous';
import { rangeAggregate } from './range';
import { rateAggregate } from './rate';
import { sumAggregate } from './sum';
import { stddevAggregate, varianceAggregate } from './variance';
import { InvertibleWindow, SLIDE_COUNT, SLIDE_EXTREMES, SLIDE_FIRST_LAST, SLIDE_SUM, SLIDE_VARIANCE, SlideSlot } from '../invertible-window';
import type { SlidingAggregator } from '../sliding-aggregator';
import { ProjectedWindow } from '../projected-window';
import { TwoStacksAggregator } from '../two-stacks';
import { aggregationsAccFromV2, aggregationsWindowFromV2, isNamedAggregations } from '../snapshot-migration';

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
  /** Plain-JSON snapshot of an accumulator: `{ <name>: { op, …the aggregate's fields } }` (always present on a set). */
  toJSON(acc: unknown): unknown;
  /** Restores a snapshot made by toJSON (or by version 2, see snapshot-migration.ts) for a set compiled from the same specs. */
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

/** What an aggregation's inputs must be: `none` for count, which reads no property. */
type InputKind = 'none' | 'number' | 'primitive' | 'defined';

interface OpInfo {
  input: InputKind;
  make(p: number, limits: Required<AggregationOptions>): AnyAggregate;
  /** How a per-event sliding window takes a value out again; none: the window keeps two stacks. */
  slide?: number;
}

const OPS: Record<AggregationOp, OpInfo> = {
  count: { input: 'none', make: () => countAggregate, slide: SLIDE_COUNT },
  sum: { input: 'number', make: () => sumAggregate, slide: SLIDE_SUM },
  avg: { input: 'number', make: () => avgAggregate, slide: SLIDE_SUM },
  min: { input: 'number', make: () => minAggregate, slide: SLIDE_EXTREMES },
  max: { input: 'number', make: () => maxAggregate, slide: SLIDE_EXTREMES },
  range: { input: 'number', make: () => rangeAggregate, slide: SLIDE_EXTREMES },
  stddev: { input: 'number', make: () => stddevAggregate, slide: SLIDE_VARIANCE },
  variance: { input: 'number', make: () => varianceAggregate, slide: SLIDE_VARIANCE },
  median: { input: 'number', make: (_p, l) => percentileAggregate(50, l.exactLimit) },
  percentile: { input: 'number', make: (p, l) => percentileAggregate(p, l.exactLimit) },
  percentileDisc: { input: 'number', make: (p, l) => percentileDiscAggregate(p, l.exactLimit) },
  distinct: { input: 'primitive', make: (_p, l) => distinctAggregate(l.distinctLimit) },
  first: { input: 'defined', make: () => firstAggregate, slide: SLIDE_FIRST_LAST },
  last: { input: 'defined', make: () => lastAggregate, slide: SLIDE_FIRST_LAST },
  previous: { input: 'defined', make: () => previousAggregate },
  rate: { input: 'number', make: () => rateAggregate, slide: SLIDE_FIRST_LAST },
};

const ACCEPTS: Record<InputKind, (v: unknown) => boolean> = {
  none: () => true,
  number: (v) => Number.isFinite(v),
  primitive: isDistinctValue,
  defined: (v) => v !== undefined,
};

const EXPECTED: Record<Exclude<InputKind, 'none'>, InputReason> = {
  number: 'expectedNumber',
  primitive: 'expectedPrimitive',
  defined: 'expectedValue',
};

/** One aggregation of a set: its output, its aggregate and where its input comes from. */
interface Entry {
  name: string;
  op: AggregationOp;
  agg: AnyAggregate;
  get: Getter;
  accepts: (v: unknown) => boolean;
  input: InputKind;
  /** As the user wrote it, for messages. */
  property: string;
  /** Canonical form (`msg.payload.x` and `payload["x"]` are one path); empty for count. */
  path: string;
}

const NO_PROPERTY: Getter = () => undefined;

/** A set's per-event sliding window; it also reads the window state of version 2 (one slot per family of aggregations on one property, or the deques alone of a lone family of min, max and range). */
class SetWindow<IN, OUT> extends InvertibleWindow<IN, OUT> {
  constructor(
    slots: SlideSlot[],
    finish: (accs: unknown[]) => OUT,
    private readonly entries: readonly Entry[],
  ) {
    super(slots, finish);
  }

  override fromJSON(json: unknown): void {
    super.fromJSON(aggregationsWindowFromV2(json, this.entries));
  }
}

/** The `{ <name>: value }` result of a set's accumulators. */
function resultObject(entries: Entry[]): (accs: unknown[]) => Record<string, unknown> {
  return (accs) => {
    const out: Record<string, unknown> = {};
    entries.forEach((e, i) => {
      out[e.name] = e.agg.result(accs[i]);
    });
    return out;
  };
}

/** The aggregations of one setting; `finish` makes the result of their accumulators. */
class CompiledAggregations<IN, OUT> {
  readonly names: string[];

  constructor(
    private readonly entries: Entry[],
    private readonly finish: (accs: unknown[]) => OUT,
  ) {
    this.names = entries.map((e) => e.name);
  }

  /** One accumulator per aggregation, in setting order. */
  createAccumulator(): unknown[] {
    return this.entries.map((e) => e.agg.createAccumulator());
  }

  add(acc: unknown, input: IN, time: number): unknown[] {
    const accs = acc as unknown[];
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const v = e.get(input);
      if (e.accepts(v)) accs[i] = e.agg.add(accs[i], v, time);
    }
    return accs;
  }

  merge(a: unknown, b: unknown): unknown[] {
    const as = a as unknown[];
    const bs = b as unknown[];
    this.entries.forEach((e, i) => {
      as[i] = e.agg.merge(as[i], bs[i]);
    });
    return as;
  }

  valueAggregate(): AggregateFunction<IN, unknown, unknown> {
    if (this.entries.length !== 1) throw new TypeError(`valueAggregate: needs exactly one aggregation, there are ${this.entries.length}`);
    const only = this.entries[0].agg;
    return new CompiledAggregations<IN, unknown>(this.entries, (accs) => only.result(accs[0]));
  }

  result(acc: unknown): OUT {
    return this.finish(acc as unknown[]);
  }

  toJSON(acc: unknown): Record<string, unknown> {
    const accs = acc as unknown[];
    const out: Record<string, unknown> = {};
    this.entries.forEach((e, i) => {
      out[e.name] = { op: e.op, ...(e.agg.toJSON?.(accs[i]) as object) };
    });
    return out;
  }

  fromJSON(json: unknown): unknown[] {
    const named = isNamedAggregations(json) ? json : aggregationsAccFromV2(json, this.entries);
    const saved = Object.keys(named);
    if (saved.length !== this.entries.length || this.entries.some((e) => !Object.hasOwn(named, e.name))) {
      throw new TypeError(`accumulator snapshot: saved aggregations ${saved.join(', ')}, expected ${this.names.join(', ')}`);
    }
    return this.entries.map((e) => {
      const entry = named[e.name];
      if (entry.op !== e.op) throw new TypeError(`accumulator snapshot: ${e.name} was saved as ${describeValue(entry.op)}, expected ${e.op}`);
      return e.agg.fromJSON ? e.agg.fromJSON(entry) : entry;
    });
  }

  /**
   * A per-event sliding window that updates on exit (deques, subtraction) when every
   * aggregation allows it; otherwise a two-stacks window over projections of the events (the
   * values the aggregations read), so that it keeps numbers, not messages.
   */
  createSlidingAggregator(): SlidingAggregator<IN, OUT> {
    const entries = this.entries;
    const kinds = entries.map((e) => OPS[e.op].slide);
    if (kinds.some((k) => k === undefined)) return this.projectedTwoStacks();
    const slots: SlideSlot[] = entries.map((e, i) => ({
      kind: kinds[i] as number,
      name: e.name,
      get: e.get,
      accepts: e.accepts,
      min: e.op === 'min' || e.op === 'range',
      max: e.op === 'max' || e.op === 'range',
    }));
    return new SetWindow<IN, OUT>(slots, this.finish, entries);
  }

  /**
   * Two-stacks over projections: the one property read, or the values of each property read,
   * in the order of first use. The projected set reads them back with the same aggregates.
   */
  private projectedTwoStacks(): SlidingAggregator<IN, OUT> {
    const readers: Entry[] = [];
    for (const e of this.entries) if (e.input !== 'none' && !readers.some((r) => r.path === e.path)) readers.push(e);
    const one = readers.length === 1 ? readers[0].get : undefined;
    const project: (event: IN) => unknown = one ?? ((event) => readers.map((r) => r.get(event)));
    const entries = this.entries.map((e): Entry => {
      if (e.input === 'none') return e;
      const k = readers.findIndex((r) => r.path === e.path);
      return { ...e, get: one ? (v) => v : (v) => (v as unknown[])[k] };
    });
    const projected = new CompiledAggregations<unknown, OUT>(entries, this.finish);
    return new ProjectedWindow<IN, unknown, OUT>(new TwoStacksAggregator(projected), project);
  }

  check(input: IN): InputError | undefined {
    for (const e of this.entries) {
      if (e.input === 'none') continue;
      const v = e.get(input);
      if (!e.accepts(v)) {
        const expected = e.input === 'number' && typeof v === 'number' ? 'expectedFiniteNumber' : EXPECTED[e.input];
        return InputError.of(e.property, expected, { label: e.property, got: describeValue(v) });
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
  throw hint
    ? ConfigError.of(field, 'aggregationUnknownHint', { got, hint, allowed: AGGREGATION_OPS.join(', ') })
    : ConfigError.of(field, 'aggregationUnknown', { got, allowed: AGGREGATION_OPS.join(', ') });
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
    throw ConfigError.of(field, 'atLeastOne', { got: describeValue(value) });
  }
  return value;
}

/**
 * Compiles the `aggregations` setting into one AggregationSet; throws ConfigError naming the
 * field (`aggregations[2].op`, `.p`, `.as`, `.property`) and what is allowed.
 */
export function compileAggregations<IN = unknown>(
  specs: readonly (AggregationSpec | AggregationSetting)[],
  options: AggregationOptions = {},
): AggregationSet<IN> {
  const limits: Required<AggregationOptions> = {
    exactLimit: checkLimit(options.exactLimit, 'exactLimit', DEFAULT_EXACT_LIMIT),
    distinctLimit: checkLimit(options.distinctLimit, 'distinctLimit', DEFAULT_DISTINCT_LIMIT),
  };
  if (!Array.isArray(specs) || specs.length === 0) {
    throw ConfigError.of('aggregations', 'aggregationsRequired');
  }
  const entries: Entry[] = [];
  const nameOwner = new Map<string, number>();

  specs.forEach((spec, i) => {
    const field = `aggregations[${i}]`;
    if (spec === null || typeof spec !== 'object') {
      throw ConfigError.of(field, 'aggregationObject', { got: describeValue(spec) });
    }
    const op = parseOp(spec.op, `${field}.op`);
    const info = OPS[op];
    const p = op === 'percentile' || op === 'percentileDisc' ? checkPercentile(spec.p, `${field}.p`) : 50;

    const property = info.input === 'none' ? '' : propertyText(spec.property, `${field}.property`);
    const segments = info.input === 'none' ? [] : parsePath(property, `${field}.property`);

    const name = outputName(spec.as, op, p, `${field}.as`);
    const owner = nameOwner.get(name);
    if (owner !== undefined) {
      throw ConfigError.of(`${field}.as`, 'outputNameUsed', { name, owner });
    }
    nameOwner.set(name, i);
    entries.push({
      name,
      op,
      agg: info.make(p, limits),
      get: info.input === 'none' ? NO_PROPERTY : compileSegments(segments),
      accepts: ACCEPTS[info.input],
      input: info.input,
      property,
      path: formatPath(segments),
    });
  });
  return new CompiledAggregations<IN, Record<string, unknown>>(entries, resultObject(entries));
}

function propertyText(property: unknown, field: string): string {
  if (property === undefined || property === null || property === '') return 'payload';
  if (typeof property !== 'string') throw ConfigError.of(field, 'propertyPath', { got: describeValue(property) });
  return property.trim() === '' ? 'payload' : property.trim();
}

function outputName(as: unknown, op: AggregationOp, p: number, field: string): string {
  if (as !== undefined && as !== null && typeof as !== 'string') {
    throw ConfigError.of(field, 'resultName', { got: describeValue(as) });
  }
  const name = typeof as === 'string' && as.trim() !== '' ? as.trim() : op === 'percentile' ? `p${p}` : op === 'percentileDisc' ? `p${p}disc` : op;
  // Assigning "__proto__" on a plain result object would replace its prototype instead.
  if (name === '__proto__') throw ConfigError.of(field, 'nameUnusable', { name });
  return name;
}
