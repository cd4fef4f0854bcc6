import { strict as assert } from 'assert';
import fc from 'fast-check';
import { TwoStacksAggregator } from '../../src/core/two-stacks';
import { TimerHeap, Timed } from '../../src/core/timer-heap';
import { BucketTimers } from '../../src/core/bucket-timers';
import { maxOf, sumCount } from './window-test-kit';
import { compileAggregations } from '../../src/core/aggregates';
import { maxAggregate as maxOfCore, minAggregate as minOfCore } from '../../src/core/aggregates/extremes';
import { createSlidingAggregator } from '../../src/core/sliding-aggregator';
import { InvertibleWindow } from '../../src/core/invertible-window';
import { MonotonicDeque } from '../../src/core/monotonic-deque';
import { ExtremesWindow } from '../../src/core/extremes-window';
import { ProjectedWindow } from '../../src/core/projected-window';
import { WindowOperator } from '../../src/core/window-operator';
import { AggregateFunction, Emission, WindowBounds } from '../../src/core/types';

describe('two-stacks sliding aggregation', () => {
  it('answers like a rescan after any sequence of pushes and pops', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -100, max: 100 }), fc.constant<'pop'>('pop')), { maxLength: 300 }), (ops) => {
        const max = new TwoStacksAggregator(maxOf);
        const sum = new TwoStacksAggregator(sumCount);
        const model: number[] = [];
        let time = 0;
        for (const op of ops) {
          if (op === 'pop') {
            max.pop();
            sum.pop();
            model.shift();
          } else {
            max.push(time, op);
            sum.push(time++, op);
            model.push(op);
          }
          assert.equal(max.size, model.length);
          assert.equal(max.result(), model.length ? Math.max(...model) : null);
          assert.deepEqual(sum.result(), { sum: model.reduce((a, b) => a + b, 0), count: model.length });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('does not rescan: each event is added at most twice however long the window', () => {
    let adds = 0;
    const counting = { ...maxOf, add: (acc: number, x: number, t: number) => (adds++, maxOf.add(acc, x, t)) };
    const w = new TwoStacksAggregator(counting);
    for (let i = 0; i < 10_000; i++) w.push(i, i % 97);
    for (let i = 10_000; i < 50_000; i++) {
      w.pop();
      w.push(i, i % 97);
      w.result();
    }
    assert.ok(adds <= 2 * 50_000, `${adds} adds for 50,000 events`);
  });
});

describe('timers', () => {
  const item = (start: number, seq: number): Timed => ({ timerAt: 0, heapIndex: -1, start, seq });

  it('TimerHeap pops by time, then start, then key order, and reschedules in place', () => {
    const heap = new TimerHeap<Timed>();
    const a = item(0, 2);
    const b = item(0, 1);
    const c = item(5, 0);
    const d = item(1, 0);
    heap.schedule(a, 10);
    heap.schedule(b, 10);
    heap.schedule(c, 30);
    heap.schedule(d, 20);
    heap.schedule(c, 5);
    heap.remove(d);
    heap.schedule(d, 10);
    assert.equal(heap.maxTime(), 10);
    const order: Timed[] = [];
    for (let x = heap.pop(); x !== undefined; x = heap.pop()) order.push(x);
    assert.deepEqual(order, [c, b, a, d]);
    assert.ok(order.every((x) => x.heapIndex === -1));
  });

  it('BucketTimers groups items by time and pops the earliest group first', () => {
    const timers = new BucketTimers<string>();
    for (const [item, time] of [
      ['x', 30],
      ['y', 10],
      ['z', 30],
      ['w', 20],
      ['v', -5],
    ] as const)
      timers.schedule(item, time);
    assert.equal(timers.maxTime(), 30);
    const groups: [number, string[]][] = [];
    while (timers.size > 0) {
      const time = timers.peekTime() as number;
      groups.push([time, timers.popGroup()]);
    }
    assert.deepEqual(groups, [
      [-5, ['v']],
      [10, ['y']],
      [20, ['w']],
      [30, ['x', 'z']],
    ]);
  });

  // The operator skips fireDue while the watermark is below head, so a head that lags a change
  // would hold windows back: it must equal the earliest waiting time after every operation.
  type Op = { kind: 'schedule'; id: number; time: number } | { kind: 'pop' } | { kind: 'remove'; id: number } | { kind: 'clear' };
  const ops = fc.array(
    fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('schedule' as const), id: fc.nat(7), time: fc.integer({ min: -50, max: 50 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.nat(7) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const) }) },
    ),
    { maxLength: 60 },
  );
  const earliest = (times: Iterable<number>): number => Math.min(Infinity, ...times);

  it('TimerHeap.head is the earliest queued time after every schedule, reschedule, pop, remove and clear', () => {
    fc.assert(
      fc.property(ops, (list: Op[]) => {
        const heap = new TimerHeap<Timed>();
        const items = Array.from({ length: 8 }, (_, i) => item(0, i));
        const model = new Map<number, number>();
        assert.equal(heap.head, Infinity);
        for (const op of list) {
          if (op.kind === 'schedule') {
            heap.schedule(items[op.id], op.time);
            model.set(op.id, op.time);
          } else if (op.kind === 'pop') {
            const top = heap.pop();
            if (top !== undefined) model.delete(items.indexOf(top));
          } else if (op.kind === 'remove') {
            heap.remove(items[op.id]);
            model.delete(op.id);
          } else {
            heap.clear();
            model.clear();
          }
          assert.equal(heap.head, earliest(model.values()));
        }
      }),
    );
  });

  it('BucketTimers.head is the earliest waiting time after every schedule, popGroup and clear', () => {
    fc.assert(
      fc.property(ops, (list: Op[]) => {
        const timers = new BucketTimers<number>();
        const model: number[] = [];
        assert.equal(timers.head, Infinity);
        for (const op of list) {
          if (op.kind === 'schedule') {
            timers.schedule(op.id, op.time);
            model.push(op.time);
          } else if (op.kind === 'pop' || op.kind === 'remove') {
            if (timers.size === 0) continue;
            const time = timers.peekTime() as number;
            timers.popGroup();
            for (let i = model.length - 1; i >= 0; i--) if (model[i] === time) model.splice(i, 1);
          } else {
            timers.clear();
            model.length = 0;
          }
          assert.equal(timers.head, earliest(model));
        }
      }),
    );
  });
});

describe('sliding windows that update on exit', () => {
  type Rec = { payload: number };
  const specs = [
    { op: 'count' },
    { op: 'sum' },
    { op: 'avg' },
    { op: 'min' },
    { op: 'max' },
    { op: 'range', property: 'payload' },
    { op: 'variance' },
    { op: 'stddev' },
    { op: 'first' },
    { op: 'last' },
    { op: 'rate' },
  ];

  /** Numbers equal, up to rounding for the ones computed with division. */
  function close(actual: Record<string, unknown>, expected: Record<string, unknown>): void {
    assert.deepEqual(Object.keys(actual), Object.keys(expected));
    for (const name of Object.keys(expected)) {
      let a = actual[name];
      let e = expected[name];
      // A stddev of equal values is 0 up to rounding, and the square root turns a 1e-14 rounding of
      // the variance into 1e-7: compare it as the variance it is the root of.
      if (name === 'stddev' && typeof a === 'number' && typeof e === 'number') [a, e] = [a * a, e * e];
      if (typeof a === 'number' && typeof e === 'number') assert.ok(Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e)), `${name}: ${a} vs ${e}`);
      else assert.equal(a, e, name);
    }
  }

  it('a compiled count/sum/avg/min/max/range/variance/first/last/rate set slides without two-stacks and answers like a rescan', () => {
    const set = compileAggregations<Rec>(specs);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constant<'pop'>('pop'), fc.constant<'bad'>('bad')), { maxLength: 400 }),
        (ops) => {
          const win = createSlidingAggregator(set);
          assert.ok(win instanceof InvertibleWindow);
          const model: [number, Rec][] = [];
          let step = 0;
          for (const op of ops) {
            if (op === 'pop') {
              win.pop();
              model.shift();
            } else {
              // A value the numeric aggregations skip (as add() does) still counts; times repeat (ties keep arrival order).
              const rec = { payload: op === 'bad' ? ('x' as unknown as number) : op / 10 };
              const time = Math.floor(step++ / 2);
              win.push(time, rec);
              model.push([time, rec]);
            }
            let acc = set.createAccumulator();
            for (const [t, r] of model) acc = set.add(acc, r, t);
            assert.equal(win.size, model.length);
            close(win.result(), set.result(acc));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('snapshot → JSON → restore at any point goes on exactly as the uninterrupted window, and the snapshot holds no message', () => {
    const set = compileAggregations<Rec & { secret?: string }>(specs);
    const op = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constant<'pop'>('pop'), fc.constant<'bad'>('bad'));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.array(op, { maxLength: 120 }), (before, after) => {
        const whole = createSlidingAggregator(set);
        const first = createSlidingAggregator(set);
        let step = 0;
        const apply = (w: typeof whole, o: (typeof before)[number], time: number): void => {
          if (o === 'pop') w.pop();
          else w.push(time, { payload: o === 'bad' ? ('x' as unknown as number) : o / 10, secret: 'message-only' });
        };
        for (const o of before) {
          const time = Math.floor(step++ / 2);
          apply(whole, o, time);
          apply(first, o, time);
        }
        const json = JSON.stringify(first.toJSON());
        assert.ok(!json.includes('message-only'), 'the snapshot keeps only what the aggregations took from the events');
        const second = createSlidingAggregator(set);
        second.fromJSON(JSON.parse(json));
        assert.equal(second.size, whole.size);
        assert.equal(second.oldestTime(), whole.oldestTime());
        close(second.result(), whole.result());
        for (const o of after) {
          const time = Math.floor(step++ / 2);
          apply(whole, o, time);
          apply(second, o, time);
          assert.equal(second.size, whole.size);
          close(second.result(), whole.result());
        }
      }),
      { numRuns: 150 },
    );
  });

  it('still restores a snapshot saved as a list of [time, event] pairs', () => {
    const set = compileAggregations<Rec>(specs);
    const win = createSlidingAggregator(set);
    win.fromJSON([
      [1, { payload: 2 }],
      [2, { payload: 4 }],
      [3, { payload: 'x' }],
    ]);
    const expected = [
      [1, { payload: 2 }],
      [2, { payload: 4 }],
      [3, { payload: 'x' as unknown as number }],
    ].reduce((acc, [t, r]) => set.add(acc, r as Rec, t as number), set.createAccumulator());
    assert.equal(win.size, 3);
    close(win.result(), set.result(expected));
  });

  it('percentiles and distinct slide in two-stacks over what they read: results as a rescan, through a snapshot, and no message kept', () => {
    type Msg = { payload: { v: number; id: string }; secret: string };
    const set = compileAggregations<Msg>([
      { op: 'median', property: 'payload.v' },
      { op: 'distinct', property: 'payload.id' },
      { op: 'count' },
      { op: 'max', property: 'payload.v' },
    ]);
    const single = compileAggregations<Msg>([{ op: 'percentile', p: 90, property: 'payload.v' }]).valueAggregate();
    const op = fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constant<'pop'>('pop'), fc.constant<'snapshot'>('snapshot'));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        let win = createSlidingAggregator(set);
        let one = createSlidingAggregator(single);
        assert.ok(win instanceof ProjectedWindow && one instanceof ProjectedWindow);
        const model: [number, Msg][] = [];
        let time = 0;
        for (const o of ops) {
          if (o === 'pop') {
            win.pop();
            one.pop();
            model.shift();
          } else if (o === 'snapshot') {
            const json = JSON.stringify([win.toJSON(), one.toJSON()]);
            assert.ok(!json.includes('message-only'), 'only the values read are kept');
            const [a, b] = JSON.parse(json);
            win = createSlidingAggregator(set);
            win.fromJSON(a);
            one = createSlidingAggregator(single);
            one.fromJSON(b);
          } else {
            const msg = { payload: { v: o, id: `d${Math.abs(o) % 7}` }, secret: 'message-only' };
            win.push(time, msg);
            one.push(time, msg);
            model.push([time++, msg]);
          }
          let acc = set.createAccumulator();
          let accOne = single.createAccumulator();
          for (const [t, m] of model) {
            acc = set.add(acc, m, t);
            accOne = single.add(accOne, m, t);
          }
          assert.equal(win.size, model.length);
          assert.deepEqual(win.result(), set.result(acc));
          assert.deepEqual(one.result(), single.result(accOne));
        }
      }),
      { numRuns: 100 },
    );
    // A snapshot saved as whole events (older versions) is projected as it is loaded.
    const legacy = createSlidingAggregator(set);
    legacy.fromJSON([
      [1, { payload: { v: 3, id: 'a' } }],
      [2, { payload: { v: 5, id: 'b' } }],
    ]);
    assert.deepEqual(legacy.result(), { median: 4, distinct: 2, count: 2, max: 5 });
  });

  it('min and max keep only a monotonic deque: a falling sequence keeps every value, a rising one only the newest', () => {
    const max = new MonotonicDeque(true);
    const min = new MonotonicDeque(false);
    for (let i = 0; i < 100; i++) {
      max.push(i, 100 - i);
      min.push(i, 100 - i);
    }
    assert.equal(max.length, 100);
    assert.equal(min.length, 1);
    assert.equal(max.front(), 100);
    max.evict(0);
    assert.equal(max.front(), 99);
    min.evict(98);
    assert.equal(min.front(), 1);
    min.evict(99);
    assert.equal(min.front(), undefined);
  });

  it('picks the structure each aggregate allows', () => {
    assert.ok(createSlidingAggregator(maxOfCore) instanceof ExtremesWindow);
    assert.ok(createSlidingAggregator(compileAggregations([{ op: 'range' }])) instanceof InvertibleWindow);
    assert.ok(createSlidingAggregator(compileAggregations([{ op: 'min' }, { op: 'range' }])) instanceof InvertibleWindow);
    assert.ok(createSlidingAggregator(compileAggregations([{ op: 'max' }, { op: 'median' }])) instanceof ProjectedWindow);
    assert.ok(createSlidingAggregator(compileAggregations([{ op: 'last' }, { op: 'rate' }])) instanceof InvertibleWindow);
    assert.ok(createSlidingAggregator(compileAggregations([{ op: 'distinct' }])) instanceof ProjectedWindow);
    assert.ok(createSlidingAggregator(maxOf) instanceof TwoStacksAggregator);
  });

  it('a deque-only window snapshots its times and candidates, infinities included, and goes on as if uninterrupted', () => {
    const values = [3, Infinity, -Infinity, 5, 5, -2, 7, 1, 0, -Infinity, 4];
    const whole = createSlidingAggregator(minOfCore);
    const first = createSlidingAggregator(minOfCore);
    values.slice(0, 6).forEach((v, i) => (whole.push(i, v), first.push(i, v)));
    whole.pop();
    first.pop();
    const second = createSlidingAggregator(minOfCore);
    second.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    assert.equal(second.size, first.size);
    assert.equal(second.oldestTime(), 1);
    for (let i = 6; i < values.length; i++) {
      whole.push(i, values[i]);
      second.push(i, values[i]);
      if (i % 2 === 0) {
        whole.pop();
        second.pop();
      }
      assert.equal(second.result(), whole.result());
    }
    assert.equal(second.result(), -Infinity);
  });

  it('sums do not drift: a long run of fractional values gives the rescanned sum and an exact null when empty', () => {
    const set = compileAggregations<Rec>([{ op: 'sum' }, { op: 'variance' }]);
    const win = createSlidingAggregator(set);
    const model: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = i % 7 === 0 ? 1e9 + 0.1 : 0.1 * (i % 13);
      win.push(i, { payload: x });
      model.push(x);
      if (model.length > 50) {
        win.pop();
        model.shift();
      }
    }
    let acc = set.createAccumulator();
    for (const x of model) acc = set.add(acc, { payload: x }, 0);
    close(win.result(), set.result(acc));
    while (win.size > 0) win.pop();
    assert.deepEqual(win.result(), { sum: null, variance: null });
  });

  it('two-stacks flips add each event once and merge no accumulator of its own per element', () => {
    let created = 0;
    const counting = { ...sumCount, createAccumulator: () => (created++, sumCount.createAccumulator()) };
    const w = new TwoStacksAggregator(counting);
    for (let i = 0; i < 1000; i++) w.push(i, i);
    created = 0;
    for (let i = 1000; i < 11_000; i++) {
      w.pop();
      w.push(i, i);
    }
    // One accumulator per event (its suffix aggregate) at most; results still match.
    assert.ok(created <= 10_000 + 20, `${created} accumulators for 10,000 events`);
  });
});

describe('per-event sliding windows (operator)', () => {
  type Rec = { payload: number };
  type In = { key: string; time: number; value: Rec };
  const fast = compileAggregations<Rec>([
    { op: 'count' },
    { op: 'sum' },
    { op: 'min' },
    { op: 'max' },
    { op: 'first' },
    { op: 'rate' },
  ]) as unknown as AggregateFunction<Rec, unknown, unknown>;
  const generic = compileAggregations<Rec>([{ op: 'count' }, { op: 'sum' }, { op: 'median' }, { op: 'last' }]) as unknown as AggregateFunction<
    Rec,
    unknown,
    unknown
  >;
  const range = compileAggregations<Rec>([{ op: 'range' }]) as unknown as AggregateFunction<Rec, unknown, unknown>;
  // One per structure: subtract-on-exit, two-stacks, deques only.
  const structures = [fast, generic, range];

  function recompute(agg: AggregateFunction<Rec, unknown, unknown>, events: In[]): unknown {
    let acc = agg.createAccumulator();
    for (const e of [...events].sort((a, b) => a.time - b.time)) acc = agg.add(acc, e.value, e.time);
    return agg.result(acc);
  }

  const streamArb = fc.array(fc.record({ key: fc.constantFrom('a', 'b'), time: fc.integer({ min: 0, max: 80 }), value: fc.integer({ min: -20, max: 20 }) }), {
    maxLength: 60,
  });

  it('emits when an event enters or leaves, each result equal to a recompute of (end - size, end] at that instant, with out-of-order input, late events and a snapshot mid-stream', () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 15 }),
        fc.constantFrom<WindowBounds>('[start,end)', '(start,end]'),
        fc.constantFrom(0, 1, 2),
        fc.nat(),
        (raw, size, maxOutOfOrder, bounds, structure, cut) => {
          const agg = structures[structure];
          // Times repeat (within and across keys): the events of one instant give one result.
          const input: In[] = raw.map((r) => ({ key: r.key, time: r.time, value: { payload: r.value } }));
          // The model: an event behind the watermark (newest time so far - maxOutOfOrder) is late.
          let newest = -Infinity;
          const accepted: In[] = [];
          let late = 0;
          for (const e of input) {
            newest = Math.max(newest, e.time);
            if (e.time < newest - maxOutOfOrder) late++;
            else accepted.push(e);
          }

          const out: Emission<Rec, unknown>[] = [];
          const options = {
            window: { type: 'sliding' as const, size, slide: 'event' as const },
            bounds,
            maxOutOfOrder,
            aggregate: agg,
            onEmit: (e: Emission<Rec, unknown>) => out.push(e),
          };
          const at = input.length === 0 ? 0 : cut % (input.length + 1);
          const first = new WindowOperator<Rec, unknown, unknown>(options);
          input.slice(0, at).forEach((e) => first.process(e, 0));
          const second = new WindowOperator<Rec, unknown, unknown>(options);
          second.restore(JSON.parse(JSON.stringify(first.snapshot())));
          input.slice(at).forEach((e) => second.process(e, 0));
          assert.equal(second.stats().late, late); // the snapshot carries the count
          second.flush(0);

          for (const key of ['a', 'b']) {
            const mine = accepted.filter((e) => e.key === key);
            const times = new Set(mine.map((e) => e.time));
            const expected = new Set<number>(times);
            // Every exit that leaves a non-empty window is emitted, those after the last event too: flush fires what an idle close would.
            for (const e of mine) {
              const x = e.time + size;
              if (!times.has(x) && mine.some((o) => o.time > x - size && o.time <= x)) expected.add(x);
            }
            const got = out.filter((e) => e.kind === 'window' && e.window.key === key);
            assert.deepEqual(
              got.map((e) => (e.kind === 'window' ? e.window.end : NaN)),
              [...expected].sort((p, q) => p - q),
              `instants of key ${key}`,
            );
            for (const e of got) {
              if (e.kind !== 'window') continue;
              const held = mine.filter((o) => o.time > e.window.end - size && o.time <= e.window.end);
              assert.equal(e.window.start, e.window.end - size);
              assert.equal(e.window.count, held.length);
              assert.equal(e.window.firing, 'final');
              assert.deepEqual(e.result, recompute(agg, held));
            }
          }
          assert.equal(second.stats().openWindows, 0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
