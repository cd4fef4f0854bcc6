import { strict as assert } from 'assert';
import fc from 'fast-check';
import { compileAggregations, dedupAggregations } from '../../src/core/aggregates';
import { alignedStart } from '../../src/core/assigners/floor-mod';
import { AggregateFunction, Emission, StreamEvent, WindowBounds, WindowSpec } from '../../src/core/types';
import { WindowOperator, WindowOperatorOptions } from '../../src/core/window-operator';

// Property tests of the window operator on random streams. Values are small integers so that
// sums are exact whatever order accumulators are merged in.

type Msg = { payload: number };
type Ev = StreamEvent<Msg>;

const aggregate = compileAggregations<Msg>([
  { op: 'count' },
  { op: 'sum' },
  { op: 'max' },
  { op: 'min' },
  { op: 'avg' },
  { op: 'median' },
  { op: 'first' },
  { op: 'last' },
  { op: 'percentileDisc', p: 30 },
  { op: 'previous' },
]) as unknown as AggregateFunction<Msg, unknown, unknown>;

function run(options: Omit<WindowOperatorOptions<Msg, unknown, unknown>, 'onEmit' | 'aggregate'>, events: Ev[]): Emission<Msg, unknown>[] {
  const out: Emission<Msg, unknown>[] = [];
  const op = new WindowOperator<Msg, unknown, unknown>({ ...options, aggregate, onEmit: (e) => out.push(e) });
  events.forEach((e, i) => op.process(e, i));
  op.flush(events.length);
  return out;
}

/** The result of the aggregate computed from scratch over `events` (added in event-time order). */
function recompute(events: Ev[]): unknown {
  let acc = aggregate.createAccumulator();
  for (const e of [...events].sort((a, b) => a.time - b.time)) acc = aggregate.add(acc, e.value, e.time);
  return aggregate.result(acc);
}

function canonical(out: Emission<Msg, unknown>[]): string[] {
  return out
    .map((e) =>
      e.kind === 'window'
        ? JSON.stringify([e.window.key, e.window.end, e.window.start, e.window.firing, e.window.count, e.result])
        : JSON.stringify(['late', e.event]),
    )
    .sort();
}

function perKey(out: Emission<Msg, unknown>[]): Record<string, string[]> {
  const byKey: Record<string, string[]> = {};
  for (const e of out) {
    const key = e.kind === 'window' ? e.window.key : e.event.key;
    (byKey[key] ??= []).push(JSON.stringify(e));
  }
  return byKey;
}

const keyArb = fc.constantFrom('a', 'b', 'c');
// A dense time range, so windows hold several events and events often fall on window boundaries.
const eventArb = fc.record({ key: keyArb, time: fc.integer({ min: -60, max: 60 }), value: fc.integer({ min: -50, max: 50 }) });
const streamArb = fc.array(eventArb, { maxLength: 80 });
// Many events share an instant, within a key and across keys: a handful of distinct times per stream.
const clusteredArb = fc
  .record({
    times: fc.array(fc.integer({ min: -60, max: 60 }), { minLength: 1, maxLength: 6 }),
    picks: fc.array(fc.record({ key: keyArb, at: fc.nat(), value: fc.integer({ min: -50, max: 50 }) }), { maxLength: 60 }),
  })
  .map(({ times, picks }) => picks.map((p) => ({ key: p.key, time: times[p.at % times.length], value: p.value })));
const toEvents = (raw: { key: string; time: number; value: number }[]): Ev[] => raw.map((r) => ({ key: r.key, time: r.time, value: { payload: r.value } }));

/** Events with distinct times per key, where first and last of one instant would follow arrival order (a sorted shuffle reorders ties). */
const uniqueTimes = (raw: { key: string; time: number; value: number }[]) => {
  const seen = new Set<string>();
  return raw.filter((r) => !seen.has(`${r.key}/${r.time}`) && seen.add(`${r.key}/${r.time}`));
};

const timeWindowArb: fc.Arbitrary<{ window: WindowSpec; bounds: WindowBounds }> = fc.oneof(
  // An offset is 0 up to the size (the operator's rule); any other shift is one of these modulo the size.
  fc
    .record({
      size: fc.integer({ min: 1, max: 25 }),
      shift: fc.integer({ min: -20, max: 20 }),
      bounds: fc.constantFrom<WindowBounds>('[start,end)', '(start,end]'),
    })
    .map(({ size, shift, bounds }) => ({ window: { type: 'tumbling' as const, size, offset: ((shift % size) + size) % size }, bounds })),
  fc
    .record({
      slide: fc.integer({ min: 1, max: 20 }),
      factor: fc.integer({ min: 1, max: 4 }),
      extra: fc.integer({ min: 0, max: 5 }),
      bounds: fc.constantFrom<WindowBounds>('[start,end)', '(start,end]'),
    })
    .map(({ slide, factor, extra, bounds }) => ({ window: { type: 'sliding' as const, size: slide * factor + (extra % slide), slide }, bounds })),
  fc.record({
    window: fc.record({ type: fc.constant('session' as const), gap: fc.integer({ min: 1, max: 40 }) }),
    bounds: fc.constant<WindowBounds>('[start,end)'),
  }),
  // A session's max length is at least its gap (the operator's rule).
  fc
    .record({ gap: fc.integer({ min: 1, max: 40 }), extra: fc.integer({ min: 0, max: 60 }) })
    .map(({ gap, extra }) => ({ window: { type: 'session' as const, gap, maxDuration: gap + extra }, bounds: '[start,end)' as WindowBounds })),
  fc.record({
    window: fc.record({ type: fc.constant('sliding' as const), size: fc.integer({ min: 1, max: 50 }), slide: fc.constant('event' as const) }),
    bounds: fc.constant<WindowBounds>('(start,end]'),
  }),
);

/** Which of `events` a fired window holds, by the window type's own membership rule. */
function members(spec: WindowSpec, bounds: WindowBounds, key: string, start: number, end: number, events: Ev[]): Ev[] {
  const endIncl = bounds === '(start,end]' || (spec.type === 'sliding' && spec.slide === 'event');
  return events.filter((e) => e.key === key && (endIncl ? e.time > start && e.time <= end : e.time >= start && e.time < end));
}

/** Shuffles in-order events so each arrives no later than maxOutOfOrder behind the newest so far. */
function shuffleWithin(events: Ev[], maxOutOfOrder: number, jitter: number[]): Ev[] {
  return events
    .map((e, i) => ({ e, at: e.time + (jitter[i % jitter.length] % (maxOutOfOrder + 1)), i }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.e);
}

describe('window operator properties', () => {
  it('incremental results equal a from-scratch recompute of each window', () => {
    fc.assert(
      fc.property(timeWindowArb, streamArb, fc.integer({ min: 0, max: 30 }), ({ window, bounds }, raw, maxOutOfOrder) => {
        const events = toEvents(uniqueTimes(raw)).sort((a, b) => a.time - b.time);
        const out = run({ window, bounds, maxOutOfOrder }, events);
        let counted = 0;
        for (const e of out) {
          assert.equal(e.kind, 'window');
          if (e.kind !== 'window') continue;
          const held = members(window, bounds, e.window.key, e.window.start, e.window.end, events);
          assert.equal(e.window.count, held.length);
          assert.deepEqual(e.result, recompute(held));
          counted += held.length;
        }
        // Tumbling windows and sessions partition the events: nothing lost, nothing twice.
        if (window.type === 'tumbling' || window.type === 'session') assert.equal(counted, events.length);
      }),
      { numRuns: 300 },
    );
  });

  it('input shuffled within maxOutOfOrder gives the same windows as sorted input', () => {
    fc.assert(
      fc.property(
        timeWindowArb,
        streamArb,
        fc.integer({ min: 0, max: 30 }),
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 20 }),
        ({ window, bounds }, raw, maxOutOfOrder, jitter) => {
          const sorted = toEvents(uniqueTimes(raw)).sort((a, b) => a.time - b.time);
          const shuffled = shuffleWithin(sorted, maxOutOfOrder, jitter);
          const a = run({ window, bounds, maxOutOfOrder }, sorted);
          const b = run({ window, bounds, maxOutOfOrder }, shuffled);
          assert.deepEqual(canonical(b), canonical(a));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('snapshot → JSON → restore mid-stream gives the same output as an uninterrupted run', () => {
    const optionsArb = fc.record({
      spec: fc.oneof(
        timeWindowArb,
        fc.record({
          window: fc
            .record({ type: fc.constant('global' as const), count: fc.integer({ min: 1, max: 6 }), overlap: fc.integer({ min: 0, max: 5 }) })
            .map((w) => ({ ...w, overlap: w.overlap % w.count })),
          bounds: fc.constant<WindowBounds>('[start,end)'),
        }),
      ),
      maxOutOfOrder: fc.integer({ min: 0, max: 40 }),
      allowedLateness: fc.integer({ min: 0, max: 40 }),
      lateData: fc.constantFrom('drop' as const, 'output' as const, 'update' as const, 'adjust' as const),
      emit: fc.constantFrom('final' as const, 'update' as const),
      watermarkScope: fc.constantFrom('stream' as const, 'key' as const),
    });
    fc.assert(
      fc.property(optionsArb, fc.oneof(streamArb, clusteredArb), fc.nat(), ({ spec, ...rest }, raw, cut) => {
        const options = { ...rest, window: spec.window, bounds: spec.bounds };
        const events = toEvents(raw);
        const at = events.length === 0 ? 0 : cut % (events.length + 1);
        const whole = run(options, events);

        const out: Emission<Msg, unknown>[] = [];
        const first = new WindowOperator<Msg, unknown, unknown>({ ...options, aggregate, onEmit: (e) => out.push(e) });
        events.slice(0, at).forEach((e, i) => first.process(e, i));
        const saved = JSON.parse(JSON.stringify(first.snapshot()));
        const second = new WindowOperator<Msg, unknown, unknown>({ ...options, aggregate, onEmit: (e) => out.push(e) });
        second.restore(saved);
        assert.deepEqual(second.stats(), first.stats());
        events.slice(at).forEach((e, i) => second.process(e, at + i));
        second.flush(events.length);
        assert.equal(second.stats().openWindows, 0, 'flush closes every window');
        assert.deepEqual(perKey(out), perKey(whole));
        assert.deepEqual(canonical(out), canonical(whole));
      }),
      { numRuns: 200 },
    );
  });

  it('never loses an event silently: every event is in one final window, or counted late or dropped; state stays consistent', () => {
    const windowArb = fc.oneof(
      fc.record({ type: fc.constant('tumbling' as const), size: fc.integer({ min: 1, max: 25 }) }),
      // A session's max length is at least its gap (the operator's rule).
      fc
        .record({ gap: fc.integer({ min: 1, max: 25 }), extra: fc.option(fc.integer({ min: 0, max: 35 }), { nil: undefined }) })
        .map(({ gap, extra }) => ({ type: 'session' as const, gap, maxDuration: extra === undefined ? undefined : gap + extra })),
      fc.record({ type: fc.constant('global' as const), count: fc.integer({ min: 1, max: 5 }) }),
      // Windows that share events: checked for consistent state only, not for the event count.
      fc.record({ type: fc.constant('sliding' as const), size: fc.constantFrom(4, 10, 12), slide: fc.constantFrom(2, 4) }),
      fc.record({ type: fc.constant('sliding' as const), size: fc.integer({ min: 1, max: 25 }), slide: fc.constant('event' as const) }),
    );
    const stepArb = fc.oneof(
      { weight: 6, arbitrary: eventArb.map((e) => ({ kind: 'event' as const, ...e })) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 50 }).map((dt) => ({ kind: 'advance' as const, dt })) },
      { weight: 1, arbitrary: fc.option(keyArb, { nil: undefined }).map((key) => ({ kind: 'flush' as const, key })) },
    );
    const optionsArb = fc.record({
      window: windowArb,
      bounds: fc.constantFrom<WindowBounds>('[start,end)', '(start,end]'),
      timeMode: fc.constantFrom('event' as const, 'processing' as const),
      maxOutOfOrder: fc.integer({ min: 0, max: 20 }),
      lateData: fc.constantFrom('drop' as const, 'output' as const, 'update' as const, 'adjust' as const),
      allowedLateness: fc.constantFrom(0, 10),
      emit: fc.constantFrom('final' as const, 'update' as const, 'early' as const),
      idleTimeout: fc.constantFrom(0, 5, 30),
      watermarkScope: fc.constantFrom('stream' as const, 'key' as const),
      maxKeys: fc.constantFrom(1, 2, 3),
      maxEventsPerWindow: fc.constantFrom(2, 5, Infinity),
    });
    fc.assert(
      fc.property(optionsArb, fc.array(stepArb, { maxLength: 80 }), (options, steps) => {
        let inWindows = 0;
        const op = new WindowOperator<Msg, unknown, unknown>({
          ...options,
          earlyEvery: 7,
          aggregate,
          onEmit: (e) => {
            if (e.kind === 'window' && e.window.firing === 'final') inWindows += e.window.count;
          },
        });
        let now = 0;
        let events = 0;
        for (const step of steps) {
          if (step.kind === 'event') {
            op.process({ key: step.key, time: step.time, value: { payload: step.value } }, now);
            events++;
          } else if (step.kind === 'advance') {
            now += step.dt;
            op.advance(now);
            const wake = op.nextWakeup();
            assert.ok(wake === undefined || wake > now, `nextWakeup ${wake} is after the advance to ${now}`);
          } else {
            op.flush(now, step.key);
          }
          assert.ok(op.stats().openWindows >= 0);
        }
        op.flush(now);
        const stats = op.stats();
        assert.equal(stats.openWindows, 0);
        const partitions = options.window.type !== 'sliding' && options.lateData !== 'update';
        // 'adjust' puts every late event into a window too, at the watermark.
        if (partitions) assert.equal(inWindows + (options.lateData === 'adjust' ? 0 : stats.late) + stats.dropped, events);
      }),
      { numRuns: 300 },
    );
  });

  const countWindowArb = fc.record({
    window: fc
      .record({ type: fc.constant('global' as const), count: fc.integer({ min: 1, max: 6 }), overlap: fc.integer({ min: 0, max: 5 }) })
      .map((w) => ({ ...w, overlap: w.overlap % w.count })),
    bounds: fc.constant<WindowBounds>('[start,end)'),
  });

  it('events sharing an instant: every window is sent once, complete, and equals a recompute', () => {
    fc.assert(
      fc.property(timeWindowArb, clusteredArb, fc.integer({ min: 0, max: 30 }), ({ window, bounds }, raw, maxOutOfOrder) => {
        // Sorted by time, ties in arrival order (first and last of one instant follow arrival order).
        const events = toEvents(raw)
          .map((e, i) => ({ e, i }))
          .sort((a, b) => a.e.time - b.e.time || a.i - b.i)
          .map((x) => x.e);
        const out = run({ window, bounds, maxOutOfOrder }, events);
        const seen = new Set<string>();
        for (const e of out) {
          assert.equal(e.kind, 'window');
          if (e.kind !== 'window') continue;
          const id = `${e.window.key} ${e.window.start} ${e.window.end}`;
          assert.ok(!seen.has(id), `window ${id} sent twice`);
          seen.add(id);
          const held = members(window, bounds, e.window.key, e.window.start, e.window.end, events);
          assert.equal(e.window.count, held.length, id);
          assert.deepEqual(e.result, recompute(held));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('closing a stream by msg.flush and by idle timeout gives the same windows, for every window type', () => {
    fc.assert(
      fc.property(
        fc.oneof(timeWindowArb, countWindowArb),
        fc.oneof(streamArb, clusteredArb),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom('stream' as const, 'key' as const),
        ({ window, bounds }, raw, maxOutOfOrder, watermarkScope) => {
          const events = toEvents(raw);
          const close = (how: 'flush' | 'idle'): string[] => {
            const out: Emission<Msg, unknown>[] = [];
            const op = new WindowOperator<Msg, unknown, unknown>({
              window,
              bounds,
              maxOutOfOrder,
              watermarkScope,
              idleTimeout: 10,
              aggregate,
              onEmit: (e) => out.push(e),
            });
            events.forEach((e) => op.process(e, 0));
            if (how === 'flush') op.flush(1);
            else op.advance(10);
            assert.equal(op.stats().openWindows, 0, `${how} closes every window`);
            return canonical(out);
          };
          assert.deepEqual(close('flush'), close('idle'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('dedup: each window aggregates the first event of each value only, as a recompute over those firsts; through a snapshot too', () => {
    const deduped = dedupAggregations(
      compileAggregations<Msg>([{ op: 'count' }, { op: 'sum' }, { op: 'first' }, { op: 'last' }, { op: 'previous' }, { op: 'median' }]),
      'payload',
    ) as unknown as AggregateFunction<Msg, unknown, unknown>;
    const plain = compileAggregations<Msg>([
      { op: 'count' },
      { op: 'sum' },
      { op: 'first' },
      { op: 'last' },
      { op: 'previous' },
      { op: 'median' },
    ]) as unknown as AggregateFunction<Msg, unknown, unknown>;
    fc.assert(
      fc.property(
        timeWindowArb,
        fc.array(fc.record({ key: keyArb, time: fc.integer({ min: -60, max: 60 }), value: fc.integer({ min: 0, max: 4 }) }), { maxLength: 60 }),
        fc.nat(),
        ({ window, bounds }, raw, cut) => {
          const events = toEvents(uniqueTimes(raw)).sort((a, b) => a.time - b.time);
          const out: Emission<Msg, unknown>[] = [];
          const options = { window, bounds, aggregate: deduped, onEmit: (e: Emission<Msg, unknown>) => out.push(e) };
          const at = events.length === 0 ? 0 : cut % (events.length + 1);
          const first = new WindowOperator<Msg, unknown, unknown>(options);
          events.slice(0, at).forEach((e) => first.process(e, 0));
          const second = new WindowOperator<Msg, unknown, unknown>(options);
          second.restore(JSON.parse(JSON.stringify(first.snapshot())));
          events.slice(at).forEach((e) => second.process(e, 0));
          second.flush(0);
          for (const e of out) {
            if (e.kind !== 'window') continue;
            const seen = new Set<number>();
            const firsts = members(window, bounds, e.window.key, e.window.start, e.window.end, events).filter(
              (m) => !seen.has(m.value.payload) && seen.add(m.value.payload),
            );
            let acc = plain.createAccumulator();
            for (const m of firsts) acc = plain.add(acc, m.value, m.time);
            assert.deepEqual(e.result, plain.result(acc));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hopping windows whose slide equals their size are exactly the tumbling windows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: -20, max: 20 }),
        fc.constantFrom<WindowBounds>('[start,end)', '(start,end]'),
        fc.integer({ min: 0, max: 20 }),
        streamArb,
        (size, shift, bounds, maxOutOfOrder, raw) => {
          const offset = ((shift % size) + size) % size;
          const events = toEvents(raw);
          // Only the window type differs between the two runs; compare everything else.
          const strip = (out: Emission<Msg, unknown>[]): Emission<Msg, unknown>[] =>
            out.map((e) => (e.kind === 'window' ? { ...e, window: { ...e.window, type: 'tumbling' as const } } : e));
          const hopping = run({ window: { type: 'sliding', size, slide: size, offset }, bounds, maxOutOfOrder }, events);
          const tumbling = run({ window: { type: 'tumbling', size, offset }, bounds, maxOutOfOrder }, events);
          assert.deepEqual(perKey(strip(hopping)), perKey(strip(tumbling)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('session merging does not depend on arrival order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
        streamArb,
        fc.array(fc.nat(), { maxLength: 60 }),
        (gap, extra, raw, order) => {
          // A session's max length is at least its gap (the operator's rule).
          const maxDuration = extra === undefined ? undefined : gap + extra;
          // Distinct times: first and last of events at the same instant legitimately follow arrival order.
          const events = toEvents(uniqueTimes(raw));
          const permuted = events
            .map((e, i) => ({ e, k: order[i] ?? i }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.e);
          const window: WindowSpec = maxDuration === undefined ? { type: 'session', gap } : { type: 'session', gap, maxDuration };
          // A watermark that never passes anything: every arrival order is on time, and flush closes all.
          const a = canonical(run({ window, maxOutOfOrder: 1e9 }, events));
          const b = canonical(run({ window, maxOutOfOrder: 1e9 }, permuted));
          assert.deepEqual(b, a);
          // And the sessions are the reference ones: sorted events split where the gap is reached, then, with maxDuration,
          // checked at its multiples: at a multiple c a window that started at s with c - s >= maxDuration closes at c
          // and the session goes on as a window starting at c (windows without events send nothing).
          const expected: string[] = [];
          const emit = (key: string, start: number, end: number, group: Ev[]) => {
            if (group.length > 0) expected.push(JSON.stringify([key, end, start, 'final', group.length, recompute(group)]));
          };
          for (const key of ['a', 'b', 'c']) {
            const mine = events.filter((e) => e.key === key).sort((x, y) => x.time - y.time);
            let group: Ev[] = [];
            const close = () => {
              if (group.length === 0) return;
              const end = group[group.length - 1].time + gap;
              let start = group[0].time;
              let rest = group;
              for (let c = alignedStart(start, maxDuration ?? 1, 0, false); maxDuration !== undefined && c < end; c += maxDuration) {
                if (c - start < maxDuration) continue;
                emit(
                  key,
                  start,
                  c,
                  rest.filter((e) => e.time < c),
                );
                rest = rest.filter((e) => e.time >= c);
                start = c;
              }
              emit(key, start, end, rest);
              group = [];
            };
            for (const e of mine) {
              const prev = group[group.length - 1];
              if (prev !== undefined && e.time - prev.time >= gap) close();
              group.push(e);
            }
            close();
          }
          assert.deepEqual(a, expected.sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});
