import { strict as assert } from 'assert';
import { ConfigError, InputError } from '../../src/core/errors';
import {
  AGGREGATION_OPS,
  AggregationSpec,
  avgAggregate,
  compileAggregations,
  countAggregate,
  dedupAggregations,
  distinctAggregate,
  firstAggregate,
  lastAggregate,
  maxAggregate,
  medianAggregate,
  minAggregate,
  percentileAggregate,
  percentileDiscAggregate,
  previousAggregate,
  rangeAggregate,
  rateAggregate,
  stddevAggregate,
  sumAggregate,
  varianceAggregate,
} from '../../src/core/aggregates';
import type { AggregateFunction } from '../../src/core/types';

/** Runs values (with times 0, 1000, 2000, … unless given) through one accumulator. */
function run<IN, ACC, OUT>(agg: AggregateFunction<IN, ACC, OUT>, values: IN[], times?: number[]): OUT {
  let acc = agg.createAccumulator();
  values.forEach((v, i) => (acc = agg.add(acc, v, times ? times[i] : i * 1000)));
  return agg.result(acc);
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('aggregates: single ops', () => {
  it('count counts every input and is 0 when empty', () => {
    assert.equal(run(countAggregate, []), 0);
    assert.equal(run(countAggregate, ['a', null, 3]), 3);
  });

  it('sum, avg, min, max, range on one value, several values and negative values', () => {
    const values = [4, -2, 10.5, -7, 0];
    assert.equal(run(sumAggregate, values), 5.5);
    assert.equal(run(avgAggregate, values), 1.1);
    assert.equal(run(minAggregate, values), -7);
    assert.equal(run(maxAggregate, values), 10.5);
    assert.equal(run(rangeAggregate, values), 17.5);
    assert.equal(run(avgAggregate, [42]), 42);
    assert.equal(run(rangeAggregate, [42]), 0);
    assert.equal(run(minAggregate, [-1, -3, -2]), -3);
  });

  it('every numeric aggregate of an empty window is null, never NaN or Infinity', () => {
    for (const agg of [
      sumAggregate,
      avgAggregate,
      minAggregate,
      maxAggregate,
      rangeAggregate,
      stddevAggregate,
      varianceAggregate,
      medianAggregate,
      rateAggregate,
    ]) {
      assert.equal(run(agg as AggregateFunction<number, unknown, unknown>, []), null);
    }
    assert.equal(run(firstAggregate, []), null);
    assert.equal(run(lastAggregate, []), null);
    assert.equal(run(distinctAggregate(), []), 0);
  });

  it('variance and stddev are the sample statistics; one value has 0 spread', () => {
    assert.equal(run(varianceAggregate, [2, 4, 4, 4, 5, 5, 7, 9]), 32 / 7);
    assert.ok(Math.abs((run(stddevAggregate, [2, 4, 4, 4, 5, 5, 7, 9]) as number) - Math.sqrt(32 / 7)) < 1e-15);
    assert.equal(run(varianceAggregate, [5]), 0);
    assert.equal(run(stddevAggregate, [3, 3, 3]), 0);
  });

  it('variance stays accurate far from zero, where Σx² − (Σx)²/n collapses', () => {
    const values = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
    assert.equal(run(varianceAggregate, values), 30);
    const tiny = [4e-12, 7e-12, 13e-12, 16e-12];
    assert.ok(Math.abs((run(varianceAggregate, tiny) as number) / 30e-24 - 1) < 1e-12);
    const huge = [4e150, 7e150, 13e150, 16e150];
    assert.ok(Math.abs((run(varianceAggregate, huge) as number) / 30e300 - 1) < 1e-12);
  });

  it('median and percentiles interpolate between the nearest ranks', () => {
    assert.equal(run(medianAggregate, [3, 1, 2]), 2);
    assert.equal(run(medianAggregate, [4, 1, 3, 2]), 2.5);
    assert.equal(run(percentileAggregate(0), [5, 1, 9]), 1);
    assert.equal(run(percentileAggregate(100), [5, 1, 9]), 9);
    assert.equal(run(percentileAggregate(90), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 10);
    assert.equal(run(percentileAggregate(95), [10, 20]), 19.5);
    assert.equal(run(medianAggregate, [-5]), -5);
  });

  it('percentileDisc is the smallest value whose cumulative distribution reaches p (a value of the window)', () => {
    const xs = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    assert.equal(run(percentileDiscAggregate(30), xs), 30); // 3 of 10 values are ≤ 30
    assert.equal(run(percentileDiscAggregate(31), xs), 40);
    assert.equal(run(percentileDiscAggregate(50), [4, 1, 3, 2]), 2); // percentile 50 would interpolate to 2.5
    assert.equal(run(percentileDiscAggregate(0), [5, 1, 9]), 1);
    assert.equal(run(percentileDiscAggregate(100), [5, 1, 9]), 9);
    assert.equal(run(percentileDiscAggregate(50), [7, 7, 7, 1]), 7);
    assert.equal(run(percentileDiscAggregate(50), []), null);
    // Beyond the exact limit: the sketch's value at that rank, within its 1 % relative accuracy.
    const many = Array.from({ length: 5000 }, (_, i) => i + 1);
    const sketched = run(percentileDiscAggregate(90, 1000), many) as number;
    assert.ok(Math.abs(sketched - 4500) <= 0.01 * 4500, String(sketched));
    configError(() => percentileDiscAggregate(101));
  });

  it('previous is the value before the last one by event time, null with fewer than two', () => {
    assert.equal(run(previousAggregate, []), null);
    assert.equal(run(previousAggregate, ['a']), null);
    assert.equal(run(previousAggregate, ['a', 'b', 'c']), 'b');
    assert.equal(run(previousAggregate, ['a', 'c', 'b'], [1, 3, 2]), 'b'); // a late-arriving reading still counts by its time
    assert.equal(run(previousAggregate, ['a', 'b', 'c'], [5, 5, 1]), 'a'); // equal times keep arrival order
    // Merging: b arrived after a, whatever the split.
    const events = ['v', 'w', 'x', 'y', 'z'];
    const times = [1, 4, 4, 2, 3];
    const whole = run(previousAggregate, events, times);
    for (let cut = 0; cut <= events.length; cut++) {
      let a = previousAggregate.createAccumulator();
      let b = previousAggregate.createAccumulator();
      events.forEach((v, i) => (i < cut ? (a = previousAggregate.add(a, v, times[i])) : (b = previousAggregate.add(b, v, times[i]))));
      const merged = previousAggregate.merge(previousAggregate.fromJSON!(JSON.parse(JSON.stringify(previousAggregate.toJSON!(a)))), b);
      assert.equal(previousAggregate.result(merged), whole, `cut ${cut}`);
    }
    assert.equal(whole, 'w');
  });

  it('percentileAggregate refuses p outside 0–100', () => {
    assert.match(configError(() => percentileAggregate(101)).message, /^p: percentile needs p between 0 and 100/);
    configError(() => percentileAggregate(-1));
    configError(() => percentileAggregate(NaN));
  });

  it('first and last go by event time, ties by arrival', () => {
    assert.equal(run(firstAggregate, ['b', 'a', 'c'], [20, 10, 30]), 'a');
    assert.equal(run(lastAggregate, ['c', 'a', 'b'], [30, 10, 20]), 'c');
    assert.equal(run(firstAggregate, ['x', 'y'], [5, 5]), 'x');
    assert.equal(run(lastAggregate, ['x', 'y'], [5, 5]), 'y');
    assert.deepEqual(run(lastAggregate, [{ on: true }], [1]), { on: true });
  });

  it('rate is the per-second change between first and last by event time', () => {
    // An energy meter: 1.5 kWh more after 30 minutes, read out of order.
    assert.equal(run(rateAggregate, [100.5, 100, 101.5], [600000, 0, 1800000]), ((101.5 - 100) / 1800000) * 1000);
    assert.equal(run(rateAggregate, [10, 4], [0, 2000]), -3);
    assert.equal(run(rateAggregate, [1]), null);
    assert.equal(run(rateAggregate, [1, 2, 3], [7, 7, 7]), null);
  });

  it('distinct counts JSON primitives exactly, keeping types apart', () => {
    assert.equal(run(distinctAggregate(), ['a', 'b', 'a', 1, '1', true, 'true', null, 0, -0]), 8);
  });
});

describe('aggregates: compileAggregations', () => {
  const msg = (payload: unknown, topic = 's1') => ({ topic, payload, timestamp: 0 });

  it('lists every op', () => {
    assert.deepEqual([...AGGREGATION_OPS].sort(), [
      'avg',
      'count',
      'distinct',
      'first',
      'last',
      'max',
      'median',
      'min',
      'percentile',
      'percentileDisc',
      'previous',
      'range',
      'rate',
      'stddev',
      'sum',
      'variance',
    ]);
  });

  it('dedup keeps the first event of each value by event time, whatever the arrival order, and refuses values it cannot compare', () => {
    const set = dedupAggregations(
      compileAggregations([{ op: 'count' }, { op: 'sum', property: 'payload.v' }, { op: 'first', property: 'payload.v' }]),
      'payload.id',
    );
    const feed = (rows: [string | number, number, number][]) => {
      let acc = set.createAccumulator();
      for (const [id, v, t] of rows) acc = set.add(acc, msg({ id, v }), t);
      return set.result(acc);
    };
    const rows: [string | number, number, number][] = [
      ['a', 1, 10],
      ['b', 2, 20],
      ['a', 4, 5],
      ['a', 8, 30],
      [1, 16, 40],
      ['1', 32, 50],
    ];
    // a at 5 is the first a; 1 and "1" are different values.
    assert.deepEqual(feed(rows), { count: 4, sum: 4 + 2 + 16 + 32, first: 4 });
    assert.deepEqual(feed([...rows].reverse()), feed(rows));
    const bad = set.check(msg({ id: { x: 1 }, v: 1 }));
    assert.ok(bad instanceof InputError);
    assert.equal(bad.property, 'payload.id');
    assert.equal(set.check(msg({ id: null, v: 1 })), undefined);
    // Snapshots and the bare value form share the accumulator.
    let acc = set.createAccumulator();
    for (const [id, v, t] of rows) acc = set.add(acc, msg({ id, v }), t);
    const restored = set.fromJSON(JSON.parse(JSON.stringify(set.toJSON(acc))));
    assert.deepEqual(set.result(restored), set.result(acc));
    const one = dedupAggregations(compileAggregations([{ op: 'count' }]), 'payload.id').valueAggregate();
    let n = one.createAccumulator();
    for (const [id, v, t] of rows) n = one.add(n, msg({ id, v }), t);
    assert.equal(one.result(n), 4);
  });

  it('percentileDisc and previous: names, shared accumulators, op names in any case', () => {
    const set = compileAggregations([
      { op: 'percentile', p: 50 },
      { op: 'PercentileDisc', p: 50 },
      { op: 'percentiledisc', p: 95 },
      { op: 'previous' },
      { op: 'last' },
    ]);
    assert.deepEqual(set.names, ['p50', 'p50disc', 'p95disc', 'previous', 'last']);
    let acc = set.createAccumulator();
    [4, 1, 3, 2].forEach((v, i) => (acc = set.add(acc, msg(v), i)));
    assert.deepEqual(set.result(acc), { p50: 2.5, p50disc: 2, p95disc: 4, previous: 3, last: 2 });
    assert.match(configError(() => compileAggregations([{ op: 'percentileDisc' }])).message, /aggregations\[0\]\.p: percentile needs p between 0 and 100/);
    assert.match(configError(() => compileAggregations([{ op: 'percentilDisc', p: 5 }])).message, /did you mean "percentileDisc"/);
  });

  it('computes several aggregations over message properties, in order and by name', () => {
    const set = compileAggregations([
      { op: 'count' },
      { op: 'avg', property: 'payload.t' },
      { op: 'max', property: 'payload.t', as: 'peak' },
      { op: 'min', property: 'payload.t' },
      { op: 'range', property: 'payload.t' },
      { op: 'percentile', property: 'payload.t', p: 95 },
      { op: 'median', property: 'payload.t' },
      { op: 'distinct', property: 'topic' },
      { op: 'stddev', property: 'payload.t' },
      { op: 'variance', property: 'payload.t' },
      { op: 'first', property: 'payload.t' },
      { op: 'last', property: 'payload.t' },
      { op: 'rate', property: 'payload.e' },
      { op: 'sum', property: 'payload.readings[1]' },
    ]);
    assert.deepEqual(set.names, ['count', 'avg', 'peak', 'min', 'range', 'p95', 'median', 'distinct', 'stddev', 'variance', 'first', 'last', 'rate', 'sum']);
    let acc = set.createAccumulator();
    const inputs = [
      { t: 20, e: 1, readings: [0, 1] },
      { t: 22, e: 2, readings: [0, 2] },
      { t: 27, e: 4, readings: [0, 3] },
    ];
    inputs.forEach((p, i) => (acc = set.add(acc, msg(p, `s${i % 2}`), i * 1000)));
    const r = set.result(acc);
    assert.deepEqual(Object.keys(r), set.names);
    assert.equal(r.count, 3);
    assert.equal(r.avg, 23);
    assert.equal(r.peak, 27);
    assert.equal(r.min, 20);
    assert.equal(r.range, 7);
    assert.equal(r.p95, 26.5);
    assert.equal(r.median, 22);
    assert.equal(r.distinct, 2);
    assert.equal(r.variance, 13);
    assert.equal(r.stddev, Math.sqrt(13));
    assert.equal(r.first, 20);
    assert.equal(r.last, 27);
    assert.equal(r.rate, 1.5);
    assert.equal(r.sum, 6);
  });

  it('defaults the property to payload and accepts op names in any case', () => {
    const set = compileAggregations([{ op: ' AVG ' }, { op: 'max', property: '' }]);
    assert.deepEqual(set.names, ['avg', 'max']);
    let acc = set.createAccumulator();
    for (const v of [1, 2, 6]) acc = set.add(acc, msg(v), 0);
    assert.deepEqual(set.result(acc), { avg: 3, max: 6 });
  });

  it('an empty window gives count 0 and null for every value aggregation', () => {
    const set = compileAggregations([{ op: 'count' }, { op: 'avg' }]);
    assert.deepEqual(set.result(set.createAccumulator()), { count: 0, avg: null });
  });

  it('check() names the property and the value type of unusable input', () => {
    const set = compileAggregations([{ op: 'count' }, { op: 'avg', property: 'payload.temperature' }]);
    assert.equal(set.check(msg({ temperature: 21.5 })), undefined);
    const err = set.check(msg({ temperature: 'abc' }));
    assert.ok(err instanceof InputError);
    assert.equal(err.property, 'payload.temperature');
    assert.equal(err.message, 'payload.temperature is string "abc", expected a number');
    assert.equal(set.check(msg({ temperature: '21.5' }))?.message, 'payload.temperature is string "21.5", expected a number');
    assert.equal(set.check(msg({}))?.message, 'payload.temperature is undefined, expected a number');
    assert.equal(set.check(msg(null))?.message, 'payload.temperature is undefined, expected a number');
    assert.equal(set.check(msg({ temperature: Infinity }))?.message, 'payload.temperature is number Infinity, expected a finite number');
    assert.equal(set.check(msg({ temperature: true }))?.message, 'payload.temperature is boolean, expected a number');
    const d = compileAggregations([{ op: 'distinct' }]);
    assert.equal(d.check(msg({ a: 1 }))?.message, 'payload is object, expected a string, number, boolean or null');
    assert.equal(d.check(msg(null)), undefined);
    const l = compileAggregations([{ op: 'last', property: 'payload.state' }]);
    assert.equal(l.check(msg({}))?.message, 'payload.state is undefined, expected a value');
    assert.equal(compileAggregations([{ op: 'count' }]).check(msg(undefined)), undefined);
  });

  it('add() skips values an aggregation cannot use instead of coercing them', () => {
    const set = compileAggregations([{ op: 'count' }, { op: 'avg' }, { op: 'distinct' }]);
    let acc = set.createAccumulator();
    for (const v of [10, '20', NaN, null, 30]) acc = set.add(acc, msg(v), 0);
    assert.deepEqual(set.result(acc), { count: 5, avg: 20, distinct: 4 });
  });

  it('aggregations over the same property each keep their own accumulator and result', () => {
    const set = compileAggregations([
      { op: 'percentile', p: 10 },
      { op: 'percentile', p: 90 },
      { op: 'min' },
      { op: 'max' },
      { op: 'avg', property: 'payload' },
      { op: 'avg', property: 'topic', as: 'avgTopic' },
      { op: 'range', property: 'msg.payload' },
    ]);
    let acc = set.createAccumulator();
    for (let i = 1; i <= 11; i++) acc = set.add(acc, { payload: i, topic: 2 * i }, i);
    assert.deepEqual(set.result(acc), { p10: 2, p90: 10, min: 1, max: 11, avg: 6, avgTopic: 12, range: 10 });
    const json = set.toJSON(acc) as Record<string, { op: string }>;
    assert.deepEqual(Object.keys(json), ['p10', 'p90', 'min', 'max', 'avg', 'avgTopic', 'range']);
    assert.deepEqual(json.avgTopic, { op: 'avg', count: 11, sum: 132 });
    assert.deepEqual(json.range, { op: 'range', min: 1, max: 11 });
  });

  it('snapshots of a mixed set survive JSON and keep merging', () => {
    const set = compileAggregations([
      { op: 'count' },
      { op: 'avg' },
      { op: 'median' },
      { op: 'distinct' },
      { op: 'first' },
      { op: 'rate' },
      { op: 'stddev' },
      { op: 'min' },
    ]);
    let a = set.createAccumulator();
    let b = set.createAccumulator();
    for (let i = 0; i < 10; i++) a = set.add(a, msg(i), i);
    for (let i = 10; i < 20; i++) b = set.add(b, msg(i), i);
    const restored = set.fromJSON(JSON.parse(JSON.stringify(set.toJSON(a))));
    assert.deepEqual(set.result(restored), set.result(a));
    const empty = set.fromJSON(JSON.parse(JSON.stringify(set.toJSON(set.createAccumulator()))));
    assert.deepEqual(set.result(empty), set.result(set.createAccumulator()));
    assert.deepEqual(set.result(set.merge(restored, b)), set.result(set.merge(a, b)));
    assert.throws(() => set.fromJSON({}), /accumulator: expected \{ count, avg, median, distinct, first, rate, stddev, min \}, each \{ op, … \}, got object/);
    const saved = JSON.parse(JSON.stringify(set.toJSON(a)));
    // Saved with other aggregations: refused by name, never read into the wrong aggregate.
    const renamed = { ...saved, minimum: saved.min };
    delete renamed.min;
    assert.throws(
      () => set.fromJSON(renamed),
      /saved aggregations count, avg, median, distinct, first, rate, stddev, minimum, expected count, avg, median, distinct, first, rate, stddev, min/,
    );
    assert.throws(() => set.fromJSON({ ...saved, min: { ...saved.min, op: 'max' } }), /min was saved as string "max", expected min/);
    assert.throws(() => set.fromJSON({ ...saved, avg: { op: 'avg', count: 2 } }), /sum must be a finite number, got undefined/);
  });

  describe('config errors name the field and what is allowed', () => {
    const cases: Array<[string, () => unknown, RegExp]> = [
      ['no aggregation', () => compileAggregations([]), /^aggregations: add at least one aggregation/],
      ['not a list', () => compileAggregations(undefined as never), /^aggregations: add at least one/],
      [
        'unknown op',
        () => compileAggregations([{ op: 'avg' }, { op: 'sum' }, { op: 'avrg' }]),
        /^aggregations\[2\]\.op: unknown aggregation "avrg" \(did you mean "avg"\?\); allowed: count, sum, avg, min, max, distinct, stddev, variance, median, percentile, percentileDisc, first, last, previous, range, rate$/,
      ],
      ['unrelated op', () => compileAggregations([{ op: 'xyzzy-total' }]), /^aggregations\[0\]\.op: unknown aggregation "xyzzy-total"; allowed: count/],
      ['op missing', () => compileAggregations([{} as AggregationSpec]), /^aggregations\[0\]\.op: unknown aggregation undefined; allowed/],
      [
        'percentile without p',
        () => compileAggregations([{ op: 'percentile' }]),
        /^aggregations\[0\]\.p: percentile needs p between 0 and 100 \(e\.g\. 95\), got undefined$/,
      ],
      ['p too large', () => compileAggregations([{ op: 'percentile', p: 120 }]), /^aggregations\[0\]\.p: .*got number 120$/],
      ['p NaN (from Number("abc"))', () => compileAggregations([{ op: 'percentile', p: NaN }]), /^aggregations\[0\]\.p: .*got number NaN$/],
      ['p negative', () => compileAggregations([{ op: 'percentile', p: -5 }]), /^aggregations\[0\]\.p: /],
      ['p not a number', () => compileAggregations([{ op: 'percentile', p: 'high' as never }]), /^aggregations\[0\]\.p: .*got "high"$/],
      [
        'duplicate names',
        () => compileAggregations([{ op: 'avg' }, { op: 'avg', property: 'payload.x' }]),
        /^aggregations\[1\]\.as: output name "avg" is already used by aggregations\[0\]/,
      ],
      [
        'duplicate explicit names',
        () =>
          compileAggregations([
            { op: 'min', as: 'v' },
            { op: 'max', as: 'v' },
          ]),
        /^aggregations\[1\]\.as: output name "v"/,
      ],
      [
        'percentile name clash',
        () =>
          compileAggregations([
            { op: 'percentile', p: 95 },
            { op: 'max', as: 'p95' },
          ]),
        /^aggregations\[1\]\.as: output name "p95"/,
      ],
      ['bad name type', () => compileAggregations([{ op: 'avg', as: 5 as never }]), /^aggregations\[0\]\.as: must be a name/],
      ['prototype name', () => compileAggregations([{ op: 'avg', as: '__proto__' }]), /^aggregations\[0\]\.as: the name "__proto__" cannot be used/],
      [
        'bad property path',
        () => compileAggregations([{ op: 'avg', property: 'payload..x' }]),
        /^aggregations\[0\]\.property: invalid property path "payload\.\.x"/,
      ],
      ['property not text', () => compileAggregations([{ op: 'avg', property: 3 as never }]), /^aggregations\[0\]\.property: must be a property path/],
      ['spec not an object', () => compileAggregations([null as never]), /^aggregations\[0\]: must be an object/],
      ['bad exactLimit', () => compileAggregations([{ op: 'median' }], { exactLimit: 0 }), /^exactLimit: must be a whole number of at least 1, got number 0$/],
      ['bad distinctLimit', () => compileAggregations([{ op: 'distinct' }], { distinctLimit: 2.5 }), /^distinctLimit: must be a whole number/],
    ];
    for (const [name, fn, pattern] of cases) {
      it(name, () => assert.match(configError(fn).message, pattern));
    }
  });

  it('names percentiles pN, accepting p as a numeric string', () => {
    assert.deepEqual(
      compileAggregations([
        { op: 'percentile', p: '99.9' as never },
        { op: 'percentile', p: 5 },
      ]).names,
      ['p99.9', 'p5'],
    );
  });
});
