import { strict as assert } from 'assert';
import fc from 'fast-check';
import {
  avgAggregate,
  compileAggregations,
  countAggregate,
  distinctAggregate,
  firstAggregate,
  lastAggregate,
  maxAggregate,
  medianAggregate,
  minAggregate,
  percentileAggregate,
  rangeAggregate,
  rateAggregate,
  stddevAggregate,
  sumAggregate,
  varianceAggregate,
  DDSKETCH_RELATIVE_ACCURACY,
} from '../../src/core/aggregates';
import type { AggregateFunction } from '../../src/core/types';

type Agg = AggregateFunction<unknown, unknown, unknown>;
interface Event {
  v: unknown;
  t: number;
}

/** One accumulator per chunk, in arrival order. */
function chunkAccs(agg: Agg, events: Event[], cuts: number[]): unknown[] {
  const bounds = [0, ...cuts.map((c) => c % (events.length + 1)).sort((a, b) => a - b), events.length];
  const accs: unknown[] = [];
  for (let i = 1; i < bounds.length; i++) {
    let acc = agg.createAccumulator();
    for (const e of events.slice(bounds[i - 1], bounds[i])) acc = agg.add(acc, e.v, e.t);
    accs.push(acc);
  }
  return accs;
}

function single(agg: Agg, events: Event[]): unknown {
  let acc = agg.createAccumulator();
  for (const e of events) acc = agg.add(acc, e.v, e.t);
  return acc;
}

/** Left fold: ((a + b) + c) + d, as panes are combined. */
function foldLeft(agg: Agg, accs: unknown[]): unknown {
  return accs.reduce((a, b) => agg.merge(a, b));
}

/** Right fold: a + (b + (c + d)), as a two-stacks front stack is built; arrival order is kept. */
function foldRight(agg: Agg, accs: unknown[]): unknown {
  return accs.reduceRight((b, a) => agg.merge(a, b));
}

function snapshot(agg: Agg, acc: unknown): string {
  return JSON.stringify(agg.toJSON ? agg.toJSON(acc) : acc);
}

function restore(agg: Agg, acc: unknown): unknown {
  const json = JSON.parse(snapshot(agg, acc));
  return agg.fromJSON ? agg.fromJSON(json) : json;
}

function near(actual: unknown, expected: unknown, rel: number, abs = 0): boolean {
  if (typeof actual !== 'number' || typeof expected !== 'number') return actual === expected;
  return Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
}

const integers = fc.integer({ min: -1_000_000, max: 1_000_000 });
// Three decimals keep magnitudes ≥ 0.001, inside the quantile sketch's full-accuracy range.
const decimals = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => Math.round(x * 1000) / 1000 + 0); // + 0: JSON has no -0
const times = fc.integer({ min: 0, max: 40 }).map((s) => s * 1000);
const events = (values: fc.Arbitrary<unknown>, maxLength = 150) => fc.array(fc.record({ v: values, t: times }), { maxLength, size: 'max' });
const cuts = fc.array(fc.nat(), { maxLength: 6 });

function sorted(xs: number[]): number[] {
  return xs.slice().sort((a, b) => a - b);
}

function exactQuantile(xs: number[], q: number): number | null {
  if (!xs.length) return null;
  const s = sorted(xs);
  const h = q * (s.length - 1);
  const lo = Math.floor(h);
  return h === lo ? s[lo] : s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
}

/** Stable by time: the first event at the earliest time, the last event at the latest. */
function byTime(es: Event[]): Event[] {
  return es
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.t - b.e.t || a.i - b.i)
    .map((x) => x.e);
}

function twoPassVariance(xs: number[]): number | null {
  if (!xs.length) return null;
  if (xs.length === 1) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, x) => a + (x - mean) * (x - mean), 0) / (xs.length - 1);
}

interface Case {
  name: string;
  agg: Agg;
  values: fc.Arbitrary<unknown>;
  /** Merged equals single exactly for these inputs. */
  exactMerge: boolean;
  reference(es: Event[]): unknown;
  /** Accepts a result against the reference. */
  matches(actual: unknown, expected: unknown, es: Event[]): boolean;
}

const nums = (es: Event[]) => es.map((e) => e.v as number);
const same = (a: unknown, b: unknown) => Object.is(a, b) || a === b;
const fsum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const cases: Case[] = [
  { name: 'count', agg: countAggregate as Agg, values: fc.anything(), exactMerge: true, reference: (es) => es.length, matches: same },
  { name: 'sum', agg: sumAggregate as Agg, values: integers, exactMerge: true, reference: (es) => (es.length ? fsum(nums(es)) : null), matches: same },
  {
    name: 'sum (decimals)',
    agg: sumAggregate as Agg,
    values: decimals,
    exactMerge: false,
    reference: (es) => (es.length ? fsum(nums(es)) : null),
    matches: (a, b, es) => near(a, b, 0, 1e-9 * fsum(nums(es).map(Math.abs))),
  },
  {
    name: 'avg',
    agg: avgAggregate as Agg,
    values: integers,
    exactMerge: true,
    reference: (es) => (es.length ? fsum(nums(es)) / es.length : null),
    matches: same,
  },
  {
    name: 'avg (decimals)',
    agg: avgAggregate as Agg,
    values: decimals,
    exactMerge: false,
    reference: (es) => (es.length ? fsum(nums(es)) / es.length : null),
    matches: (a, b, es) => near(a, b, 0, (1e-9 * fsum(nums(es).map(Math.abs))) / Math.max(1, es.length)),
  },
  { name: 'min', agg: minAggregate as Agg, values: decimals, exactMerge: true, reference: (es) => (es.length ? Math.min(...nums(es)) : null), matches: same },
  { name: 'max', agg: maxAggregate as Agg, values: decimals, exactMerge: true, reference: (es) => (es.length ? Math.max(...nums(es)) : null), matches: same },
  {
    name: 'range',
    agg: rangeAggregate as Agg,
    values: integers,
    exactMerge: true,
    reference: (es) => (es.length ? Math.max(...nums(es)) - Math.min(...nums(es)) : null),
    matches: same,
  },
  {
    name: 'variance',
    agg: varianceAggregate as Agg,
    values: decimals,
    exactMerge: false,
    reference: (es) => twoPassVariance(nums(es)),
    matches: (a, b) => near(a, b, 1e-9, 1e-9),
  },
  {
    name: 'stddev (offset 1e9)',
    agg: stddevAggregate as Agg,
    values: fc.integer({ min: -1000, max: 1000 }).map((x) => 1e9 + x / 1000),
    exactMerge: false,
    reference: (es) => {
      const v = twoPassVariance(nums(es));
      return v === null ? null : Math.sqrt(v);
    },
    // 1e9 + x/1000 carries only ~7 significant digits of x, so compare at that resolution.
    matches: (a, b) => near(a, b, 1e-6, 1e-6),
  },
  { name: 'median (exact)', agg: medianAggregate as Agg, values: decimals, exactMerge: true, reference: (es) => exactQuantile(nums(es), 0.5), matches: same },
  {
    name: 'p90 (exact)',
    agg: percentileAggregate(90) as Agg,
    values: integers,
    exactMerge: true,
    reference: (es) => exactQuantile(nums(es), 0.9),
    matches: same,
  },
  {
    name: 'p95 (sketch beyond 20 values)',
    agg: percentileAggregate(95, 20) as Agg,
    values: decimals,
    exactMerge: true,
    reference: (es) => exactQuantile(nums(es), 0.95),
    matches: (a, b, es) => {
      if (a === null || b === null) return a === b;
      const s = sorted(nums(es));
      const h = 0.95 * (s.length - 1);
      const bound = Math.max(Math.abs(s[Math.floor(h)]), Math.abs(s[Math.ceil(h)]));
      return Math.abs((a as number) - (b as number)) <= DDSKETCH_RELATIVE_ACCURACY * bound * (1 + 1e-9);
    },
  },
  {
    name: 'p100 (sketch beyond 20 values) is the exact max',
    agg: percentileAggregate(100, 20) as Agg,
    values: decimals,
    exactMerge: true,
    reference: (es) => (es.length ? Math.max(...nums(es)) : null),
    matches: same,
  },
  {
    name: 'p0 (sketch beyond 20 values) is the exact min',
    agg: percentileAggregate(0, 20) as Agg,
    values: decimals,
    exactMerge: true,
    reference: (es) => (es.length ? Math.min(...nums(es)) : null),
    matches: same,
  },
  {
    name: 'distinct (exact)',
    agg: distinctAggregate() as Agg,
    values: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom('a', 'b', '1', true, null)),
    exactMerge: true,
    reference: (es) => new Set(es.map((e) => e.v)).size,
    matches: same,
  },
  {
    name: 'distinct (sketch beyond 25 values)',
    agg: distinctAggregate(25) as Agg,
    values: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.string({ maxLength: 3 })),
    exactMerge: true,
    reference: (es) => new Set(es.map((e) => e.v)).size,
    matches: (a, b) => near(a, b, 0.03, 1),
  },
  { name: 'first', agg: firstAggregate as Agg, values: integers, exactMerge: true, reference: (es) => (es.length ? byTime(es)[0].v : null), matches: same },
  {
    name: 'last',
    agg: lastAggregate as Agg,
    values: fc.oneof(integers, fc.string()),
    exactMerge: true,
    reference: (es) => (es.length ? byTime(es)[es.length - 1].v : null),
    matches: same,
  },
  {
    name: 'rate',
    agg: rateAggregate as Agg,
    values: integers,
    exactMerge: true,
    reference: (es) => {
      const s = byTime(es);
      if (s.length < 2 || s[0].t === s[s.length - 1].t) return null;
      return (((s[s.length - 1].v as number) - (s[0].v as number)) / (s[s.length - 1].t - s[0].t)) * 1000;
    },
    matches: same,
  },
];

describe('aggregates: properties', () => {
  for (const c of cases) {
    describe(c.name, () => {
      it('matches a recompute from the raw values', () => {
        fc.assert(
          fc.property(events(c.values), (es) => {
            const actual = c.agg.result(single(c.agg, es));
            assert.ok(c.matches(actual, c.reference(es), es), `got ${String(actual)}, expected ${String(c.reference(es))}`);
          }),
        );
      });

      it('splitting into merged accumulators gives the same result, leaving merged-in accumulators untouched', () => {
        fc.assert(
          fc.property(events(c.values), cuts, (es, cs) => {
            const expected = c.agg.result(single(c.agg, es));
            for (const fold of [foldLeft, foldRight]) {
              const accs = chunkAccs(c.agg, es, cs);
              const before = accs.slice(1).map((a) => snapshot(c.agg, a));
              const merged = c.agg.result(fold(c.agg, accs));
              if (fold === foldLeft)
                assert.deepEqual(
                  accs.slice(1).map((a) => snapshot(c.agg, a)),
                  before,
                  'merge changed its second argument',
                );
              if (c.exactMerge) assert.deepEqual(merged, expected);
              else assert.ok(c.matches(merged, expected, es), `merged ${String(merged)} vs single ${String(expected)}`);
            }
          }),
        );
      });

      it('survives a JSON snapshot and keeps merging correctly', () => {
        fc.assert(
          fc.property(events(c.values), cuts, (es, cs) => {
            const accs = chunkAccs(c.agg, es, cs).map((a) => restore(c.agg, a));
            const merged = restore(c.agg, foldLeft(c.agg, accs));
            const expected = c.agg.result(single(c.agg, es));
            const actual = c.agg.result(merged);
            if (c.exactMerge) assert.deepEqual(actual, expected);
            else assert.ok(c.matches(actual, expected, es));
            // A restored accumulator still takes new input.
            const more = c.agg.add(merged, es.length ? es[0].v : 1, 0);
            assert.ok(more !== undefined);
          }),
        );
      });
    });
  }

  it('a compiled set merges like a single accumulator and survives snapshots', () => {
    const set = compileAggregations(
      [
        { op: 'count' },
        { op: 'sum', property: 'payload.v' },
        { op: 'max', property: 'payload.v' },
        { op: 'percentile', property: 'payload.v', p: 75 },
        { op: 'distinct', property: 'topic' },
        { op: 'last', property: 'topic' },
      ],
      { exactLimit: 10, distinctLimit: 5 },
    );
    const record = fc.record({ topic: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), payload: fc.record({ v: fc.oneof(integers, fc.constant('bad')) }) });
    const agg = set as unknown as Agg;
    fc.assert(
      fc.property(events(record, 60), cuts, (es, cs) => {
        const expected = set.result(single(agg, es));
        const merged = set.result(
          foldLeft(
            agg,
            chunkAccs(agg, es, cs).map((a) => restore(agg, a)),
          ),
        );
        assert.deepEqual(merged, expected);
      }),
    );
  });
});
