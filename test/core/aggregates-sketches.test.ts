import { strict as assert } from 'assert';
import {
  DDSKETCH_MAX_BINS,
  DDSKETCH_RELATIVE_ACCURACY,
  HLL_STANDARD_ERROR,
  compileAggregations,
  distinctAggregate,
  percentileAggregate,
} from '../../src/core/aggregates';
import type { AggregateFunction } from '../../src/core/types';
import { seededUniform as random } from '../support/seeded-random';

function fill<IN, ACC>(agg: AggregateFunction<IN, ACC, unknown>, values: IN[]): ACC {
  let acc = agg.createAccumulator();
  for (let i = 0; i < values.length; i++) acc = agg.add(acc, values[i], i);
  return acc;
}

function roundTrip<IN, ACC>(agg: AggregateFunction<IN, ACC, unknown>, acc: ACC): ACC {
  return agg.fromJSON!(JSON.parse(JSON.stringify(agg.toJSON!(acc))));
}

describe('aggregates: distinct sketch', () => {
  const limit = 3 * HLL_STANDARD_ERROR;

  it('documents a standard error below 1 %', () => {
    assert.ok(HLL_STANDARD_ERROR > 0.008 && HLL_STANDARD_ERROR < 0.0082, String(HLL_STANDARD_ERROR));
  });

  for (const [name, make] of [
    ['sequential integers', (i: number) => i],
    ['sensor ids', (i: number) => `sensor-${i}`],
    ['decimal readings', (i: number) => i / 100 + 0.001],
  ] as Array<[string, (i: number) => string | number]>) {
    it(`stays within 3 standard errors on 100,000 distinct ${name}`, () => {
      const agg = distinctAggregate();
      const values = Array.from({ length: 100_000 }, (_, i) => make(i));
      const estimate = agg.result(fill(agg, values));
      const error = Math.abs(estimate / 100_000 - 1);
      assert.ok(error <= limit, `estimate ${estimate}, relative error ${error.toFixed(4)} > ${limit.toFixed(4)}`);
    });
  }

  it('merges overlapping sketches into the count of the union, and survives a snapshot', () => {
    const agg = distinctAggregate();
    const a = fill(
      agg,
      Array.from({ length: 60_000 }, (_, i) => `k${i}`),
    );
    const b = fill(
      agg,
      Array.from({ length: 60_000 }, (_, i) => `k${i + 40_000}`),
    );
    const merged = agg.merge(roundTrip(agg, a), b);
    const estimate = agg.result(merged);
    assert.ok(Math.abs(estimate / 100_000 - 1) <= limit, `estimate ${estimate}`);
    assert.equal(agg.result(roundTrip(agg, merged)), estimate);
  });

  it('is exact up to its limit and switches at limit + 1', () => {
    const agg = distinctAggregate(1000);
    const acc = fill(
      agg,
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.equal(agg.result(acc), 1000);
    assert.ok(acc.s !== null);
    agg.add(acc, 'one more', 0);
    assert.equal(acc.s, null);
    assert.ok(Math.abs(agg.result(acc) / 1001 - 1) <= limit, String(agg.result(acc)));
  });
});

describe('aggregates: percentile sketch', () => {
  const exact = (sorted: number[], q: number) => {
    const h = q * (sorted.length - 1);
    const lo = Math.floor(h);
    return sorted[lo] + (h - lo) * ((sorted[lo + 1] ?? sorted[lo]) - sorted[lo]);
  };

  for (const [name, draw] of [
    ['log-normal latencies', (r: () => number) => Math.exp(3 + 1.5 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()))],
    ['temperatures around 0 °C', (r: () => number) => Math.round((r() * 40 - 20) * 100) / 100 || 0.01],
  ] as Array<[string, (r: () => number) => number]>) {
    it(`stays within ${DDSKETCH_RELATIVE_ACCURACY * 100} % of the exact percentile on 100,000 ${name}`, () => {
      const r = random(42);
      const values = Array.from({ length: 100_000 }, () => draw(r));
      const sorted = values.slice().sort((a, b) => a - b);
      for (const p of [1, 10, 50, 90, 99, 99.9]) {
        const agg = percentileAggregate(p);
        const acc = fill(agg, values);
        assert.equal(acc.v, null, 'the window switched to the sketch');
        const got = agg.result(acc) as number;
        const want = exact(sorted, p / 100);
        const h = (p / 100) * (sorted.length - 1);
        const scale = Math.max(Math.abs(sorted[Math.floor(h)]), Math.abs(sorted[Math.ceil(h)]));
        assert.ok(Math.abs(got - want) <= DDSKETCH_RELATIVE_ACCURACY * scale, `p${p}: ${got} vs exact ${want}`);
      }
    });
  }

  it('keeps memory bounded when magnitudes span the whole double range', () => {
    const agg = percentileAggregate(50, 10);
    const r = random(7);
    const acc = fill(
      agg,
      Array.from({ length: 20_000 }, () => (r() < 0.5 ? -1 : 1) * Math.pow(10, r() * 600 - 300)),
    );
    assert.ok(acc.s!.p.c.length <= DDSKETCH_MAX_BINS && acc.s!.m.c.length <= DDSKETCH_MAX_BINS);
    assert.ok(JSON.stringify(agg.toJSON!(acc)).length < 40_000);
    // The largest magnitudes keep full accuracy: p99 of values up to 1e300.
    const p99 = percentileAggregate(99, 10);
    const acc99 = p99.fromJSON!(JSON.parse(JSON.stringify(agg.toJSON!(acc))));
    assert.ok((p99.result(acc99) as number) > 1e200);
  });

  it('answers from a restored snapshot exactly as before', () => {
    const agg = percentileAggregate(95, 100);
    const r = random(3);
    const acc = fill(
      agg,
      Array.from({ length: 5000 }, () => r() * 1000),
    );
    assert.equal(agg.result(roundTrip(agg, acc)), agg.result(acc));
  });

  it('a compiled set honours exactLimit and distinctLimit', () => {
    const set = compileAggregations([{ op: 'median' }, { op: 'distinct' }], { exactLimit: 5, distinctLimit: 5 });
    let acc = set.createAccumulator();
    for (let i = 0; i < 7; i++) acc = set.add(acc, { payload: i }, i);
    const [q, d] = acc as Array<{ v?: unknown; s?: unknown }>;
    assert.equal(q.v, null);
    assert.equal(d.s, null);
    const result = set.result(acc) as { median: number; distinct: number };
    assert.equal(result.distinct, 7);
    assert.ok(Math.abs(result.median - 3) <= 3 * DDSKETCH_RELATIVE_ACCURACY, String(result.median));
  });
});
