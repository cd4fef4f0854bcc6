/**
 * Windowing core benchmark: events per second of the WindowOperator against a plain
 * hand-written loop computing the same results, measured in the same run, plus the heap an
 * open keyed tumbling avg window costs. `--json` prints one JSON object with the same figures.
 * Run: npm run bench:core [-- --json]   (node --expose-gc, so the heap figure is measured)
 */
import { avgAggregate, compileAggregations, countAggregate, maxAggregate, percentileAggregate } from '../src/core/aggregates';
import { floorMod } from '../src/core/assigners/floor-mod';
import { AggregateFunction, Emission, StreamEvent, WindowSpec } from '../src/core/types';
import { WindowOperator } from '../src/core/window-operator';
import { aThenBCase, intervalJoinCase, patternHeaps, threeInARowCase } from './core-patterns';

const JSON_OUT = process.argv.includes('--json');
const ROUNDS = 5;

interface Figures {
  core_eps: number;
  baseline_eps: number;
  ratio: number;
  events: number;
  windows: number;
}

interface Stream {
  keys: string[];
  times: Float64Array;
  values: Float64Array;
}

function now(): number {
  return performance.now();
}

/** Best (shortest) round: other processes on a shared machine only ever make a round slower. */
function best(xs: number[]): number {
  return Math.min(...xs);
}

/** Deterministic pseudo-random values so every run measures the same work. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function keyNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `sensor-${i}`);
}

/** Round-robin keys, `perMs` events per ms of event time, in order. */
function roundRobin(events: number, keyCount: number, perMs: number, seed = 1): Stream {
  const names = keyNames(keyCount);
  const random = rng(seed);
  const keys: string[] = new Array(events);
  const times = new Float64Array(events);
  const values = new Float64Array(events);
  for (let i = 0; i < events; i++) {
    keys[i] = names[i % keyCount];
    times[i] = 1_700_000_000_000 + Math.floor(i / perMs);
    values[i] = Math.round(random() * 1000) / 10;
  }
  return { keys, times, values };
}

/** Runs the operator over the stream, flushing at the end so every window is emitted. */
function runCore<ACC, OUT>(
  stream: Stream,
  window: WindowSpec,
  aggregate: AggregateFunction<number, ACC, OUT>,
  sink: (e: Emission<number, OUT>) => void,
): number {
  const op = new WindowOperator<number, ACC, OUT>({ window, aggregate, onEmit: sink });
  const ev: StreamEvent<number> = { key: '', time: 0, value: 0 };
  const { keys, times, values } = stream;
  const n = keys.length;
  const t0 = now();
  for (let i = 0; i < n; i++) {
    ev.key = keys[i];
    ev.time = times[i];
    ev.value = values[i];
    op.process(ev, 0);
  }
  op.flush(0);
  return now() - t0;
}

interface Case {
  name: string;
  stream: Stream;
  core(sink: (result: unknown) => void): number;
  baseline(sink: (result: unknown) => void): number;
}

/** Best-effort checksum of results, so core and baseline are seen to compute the same thing. */
function checksum(): { add(r: unknown): void; value(): number; count(): number } {
  let sum = 0;
  let n = 0;
  return {
    add(r) {
      n++;
      if (typeof r === 'number') sum += r;
    },
    value: () => sum,
    count: () => n,
  };
}

function measure(c: Case): Figures & { check: string } {
  const coreMs: number[] = [];
  const baseMs: number[] = [];
  let coreSum = checksum();
  let baseSum = checksum();
  // First round of each warms up the JIT and is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    const cs = checksum();
    const bs = checksum();
    const a = c.core(cs.add);
    const b = c.baseline(bs.add);
    if (round > 0) {
      coreMs.push(a);
      baseMs.push(b);
    }
    coreSum = cs;
    baseSum = bs;
  }
  const events = c.stream.keys.length;
  const core = events / (best(coreMs) / 1000);
  const base = events / (best(baseMs) / 1000);
  const same = coreSum.count() === baseSum.count() && Math.abs(coreSum.value() - baseSum.value()) <= 1e-6 * Math.max(1, Math.abs(baseSum.value()));
  return {
    core_eps: Math.round(core),
    baseline_eps: Math.round(base),
    ratio: Math.round((core / base) * 1000) / 1000,
    events,
    windows: coreSum.count(),
    check: same ? 'same results' : `DIFFERENT results (core ${coreSum.count()} windows Σ${coreSum.value()}, baseline ${baseSum.count()} Σ${baseSum.value()})`,
  };
}

// ---- cases -------------------------------------------------------------------------------------

function tumblingAvg(): Case {
  const size = 1000;
  const stream = roundRobin(2_000_000, 1000, 10);
  return {
    name: 'tumbling_avg_1000_keys',
    stream,
    core: (sink) => runCore(stream, { type: 'tumbling', size }, avgAggregate, (e) => e.kind === 'window' && sink(e.result)),
    baseline(sink) {
      const { keys, times, values } = stream;
      const state = new Map<string, { start: number; sum: number; n: number }>();
      const t0 = now();
      for (let i = 0; i < keys.length; i++) {
        const t = times[i];
        const start = t - floorMod(t, size);
        let s = state.get(keys[i]);
        if (s === undefined) {
          s = { start, sum: 0, n: 0 };
          state.set(keys[i], s);
        } else if (s.start !== start) {
          sink(s.sum / s.n);
          s.start = start;
          s.sum = 0;
          s.n = 0;
        }
        s.sum += values[i];
        s.n++;
      }
      for (const s of state.values()) if (s.n > 0) sink(s.sum / s.n);
      return now() - t0;
    },
  };
}

function hoppingMax(): Case {
  const slide = 100;
  const size = 10 * slide;
  const stream = roundRobin(2_000_000, 100, 10, 2);
  return {
    name: 'hopping_max_size_10x_slide',
    stream,
    core: (sink) => runCore(stream, { type: 'sliding', size, slide }, maxAggregate, (e) => e.kind === 'window' && sink(e.result)),
    baseline(sink) {
      // Per key: the max of each slide-long pane, a window's max is the max of its last 10 panes.
      const { keys, times, values } = stream;
      const panesPerWindow = size / slide;
      const state = new Map<string, { pane: number; maxes: Map<number, number> }>();
      const emitUpTo = (st: { maxes: Map<number, number> }, fromStart: number, toStart: number) => {
        for (let w = fromStart; w <= toStart; w += slide) {
          let m = -Infinity;
          let any = false;
          for (let p = w; p < w + size; p += slide) {
            const v = st.maxes.get(p);
            if (v !== undefined) {
              any = true;
              if (v > m) m = v;
            }
          }
          if (any) sink(m);
          st.maxes.delete(w);
        }
      };
      const t0 = now();
      for (let i = 0; i < keys.length; i++) {
        const t = times[i];
        const v = values[i];
        const pane = t - floorMod(t, slide);
        let st = state.get(keys[i]);
        if (st === undefined) {
          st = { pane, maxes: new Map() };
          state.set(keys[i], st);
        } else if (st.pane !== pane) {
          // Windows ending at or before this pane's start are complete.
          emitUpTo(st, st.pane - size + slide, pane - size);
          st.pane = pane;
        }
        const m = st.maxes.get(pane);
        if (m === undefined || v > m) st.maxes.set(pane, v);
      }
      for (const st of state.values()) emitUpTo(st, st.pane - size + slide, st.pane);
      void panesPerWindow;
      return now() - t0;
    },
  };
}

function slidingMax(windowEvents: number): Case {
  const stream = roundRobin(1_000_000, 1, 1, 3);
  const size = windowEvents;
  return {
    name: `sliding_max_${windowEvents}_events`,
    stream,
    core: (sink) => runCore(stream, { type: 'sliding', size, slide: 'event' }, maxAggregate, (e) => e.kind === 'window' && sink(e.result)),
    baseline(sink) {
      // Monotonic deque of (time, value) with decreasing values: the front is the window max.
      const { times, values } = stream;
      const n = times.length;
      const dqT = new Float64Array(n);
      const dqV = new Float64Array(n);
      let head = 0;
      let tail = 0;
      const t0 = now();
      for (let i = 0; i < n; i++) {
        const t = times[i];
        const v = values[i];
        while (head < tail && dqT[head] <= t - size) head++;
        while (tail > head && dqV[tail - 1] <= v) tail--;
        dqT[tail] = t;
        dqV[tail] = v;
        tail++;
        sink(dqV[head]);
      }
      // The flush: one window each time one of the last events leaves, while any is left.
      const last = times[n - 1];
      let first = n - 1;
      while (first > 0 && times[first - 1] > last - size) first--;
      for (let j = first; j < n - 1; j++) {
        const x = times[j];
        while (head < tail && dqT[head] <= x) head++;
        if (head < tail) sink(dqV[head]);
      }
      return now() - t0;
    },
  };
}

/**
 * Per-event sliding avg or stddev through the node's compiled aggregations (records, not bare
 * numbers), against running sums that add the entering value and subtract the leaving one.
 */
function slidingNumeric(op: 'avg' | 'stddev', windowEvents: number): Case {
  const stream = roundRobin(1_000_000, 1, 1, 4);
  const size = windowEvents;
  const records = Array.from(stream.values, (payload) => ({ payload }));
  const aggregate = compileAggregations<{ payload: number }>([{ op }]);
  const name = op;
  return {
    name: `sliding_${op}_${windowEvents}_events`,
    stream,
    core(sink) {
      const operator = new WindowOperator<{ payload: number }, unknown, Record<string, unknown>>({
        window: { type: 'sliding', size, slide: 'event' },
        aggregate,
        onEmit: (e) => e.kind === 'window' && sink(e.result[name]),
      });
      const ev: StreamEvent<{ payload: number }> = { key: 'k', time: 0, value: records[0] };
      const { times } = stream;
      const t0 = now();
      for (let i = 0; i < times.length; i++) {
        ev.time = times[i];
        ev.value = records[i];
        operator.process(ev, 0);
      }
      operator.flush(0);
      return now() - t0;
    },
    baseline(sink) {
      const { times, values } = stream;
      let head = 0;
      let sum = 0;
      let squares = 0;
      const t0 = now();
      for (let i = 0; i < times.length; i++) {
        const t = times[i];
        while (head < i && times[head] <= t - size) {
          const x = values[head++];
          sum -= x;
          squares -= x * x;
        }
        const x = values[i];
        sum += x;
        squares += x * x;
        const n = i + 1 - head;
        sink(op === 'avg' ? sum / n : n < 2 ? 0 : Math.sqrt(Math.max(0, (squares - (sum * sum) / n) / (n - 1))));
      }
      // The flush: one window each time one of the last events leaves, while any is left.
      const n = times.length;
      for (; head < n - 1; head++) {
        const x = values[head];
        sum -= x;
        squares -= x * x;
        const m = n - 1 - head;
        sink(op === 'avg' ? sum / m : m < 2 ? 0 : Math.sqrt(Math.max(0, (squares - (sum * sum) / m) / (m - 1))));
      }
      return now() - t0;
    },
  };
}

function sessionCount(): Case {
  const gap = 200;
  const names = keyNames(1000);
  const keys: string[] = [];
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 0; keys.length < 2_000_000; i++) {
    const k = i % 1000;
    const t = 1_700_000_000_000 + Math.floor(i / 10);
    // Each key pauses 500 ms every 2 s (offset per key), so sessions are ~1.5 s long.
    if (floorMod(t + k * 7, 2000) < 500) continue;
    keys.push(names[k]);
    times.push(t);
    values.push(1);
  }
  const stream: Stream = { keys, times: Float64Array.from(times), values: Float64Array.from(values) };
  return {
    name: 'session_count_1000_keys',
    stream,
    core: (sink) =>
      runCore(stream, { type: 'session', gap }, countAggregate as AggregateFunction<number, unknown, number>, (e) => e.kind === 'window' && sink(e.result)),
    baseline(sink) {
      const state = new Map<string, { last: number; n: number }>();
      const t0 = now();
      for (let i = 0; i < keys.length; i++) {
        const t = stream.times[i];
        let s = state.get(keys[i]);
        if (s === undefined) {
          s = { last: t, n: 0 };
          state.set(keys[i], s);
        } else if (t - s.last >= gap) {
          sink(s.n);
          s.n = 0;
        }
        s.last = t;
        s.n++;
      }
      for (const s of state.values()) if (s.n > 0) sink(s.n);
      return now() - t0;
    },
  };
}

function tumblingP95(): Case {
  const size = 1000;
  const stream = roundRobin(1_000_000, 100, 10, 4);
  const p95 = percentileAggregate(95);
  return {
    name: 'tumbling_p95_100_keys',
    stream,
    core: (sink) => runCore(stream, { type: 'tumbling', size }, p95, (e) => e.kind === 'window' && sink(e.result)),
    baseline(sink) {
      const { keys, times, values } = stream;
      const state = new Map<string, { start: number; v: number[] }>();
      const p95of = (v: number[]) => {
        v.sort((a, b) => a - b);
        const h = 0.95 * (v.length - 1);
        const lo = Math.floor(h);
        return h === lo ? v[lo] : v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
      };
      const t0 = now();
      for (let i = 0; i < keys.length; i++) {
        const t = times[i];
        const start = t - floorMod(t, size);
        let s = state.get(keys[i]);
        if (s === undefined) {
          s = { start, v: [] };
          state.set(keys[i], s);
        } else if (s.start !== start) {
          sink(p95of(s.v));
          s.start = start;
          s.v = [];
        }
        s.v.push(values[i]);
      }
      for (const s of state.values()) if (s.v.length > 0) sink(p95of(s.v));
      return now() - t0;
    },
  };
}

/** Heap of one open keyed tumbling avg window: 100,000 keys, one open window each. */
function heapPerWindow(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return null;
  const keyCount = 100_000;
  // Keys exist before the measurement: they are the caller's strings, not operator state.
  const names = keyNames(keyCount);
  const ev: StreamEvent<number> = { key: '', time: 0, value: 0 };
  let best = Infinity;
  // Every operator stays alive until the end, so a later round's gc does not free an earlier one inside its measurement.
  const alive: unknown[] = [];
  for (let round = 0; round < 3; round++) {
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    const op = new WindowOperator({ window: { type: 'tumbling', size: 60_000 }, aggregate: avgAggregate, onEmit: () => undefined });
    for (let i = 0; i < keyCount; i++) {
      ev.key = names[i];
      ev.time = 1_700_000_000_000 + (i % 1000);
      ev.value = i;
      op.process(ev, 0);
    }
    gc();
    gc();
    const after = process.memoryUsage().heapUsed;
    if (op.stats().openWindows !== keyCount) throw new Error('expected one open window per key');
    alive.push(op);
    best = Math.min(best, (after - before) / keyCount);
  }
  return Math.round(best);
}

/**
 * Heap a per-event sliding avg window of 10,000 events holds per event, fed message-like records
 * as a connector delivers them, next to the heap of those 10,000 messages themselves (what a
 * window that kept its messages would hold at least).
 */
function heapPerSlidingEvent(): { window: number; messages: number } | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return null;
  const size = 10_000;
  const t0 = 1_700_000_000_000;
  const message = (i: number) => ({
    topic: 'sensor-1',
    payload: ((i * 7919) % 1000) / 10,
    timestamp: t0 + i,
    _msgid: `m${i.toString(16).padStart(15, '0')}`,
    qos: 0,
    retain: false,
  });
  const measureHeap = (fill: () => unknown): number => {
    gc();
    gc();
    // Typed arrays keep their numbers outside the JavaScript heap: count those too.
    const used = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const before = used();
    const kept = fill();
    gc();
    gc();
    const after = used();
    alive.push(kept);
    return (after - before) / size;
  };
  const alive: unknown[] = [];
  let window = Infinity;
  let messages = Infinity;
  for (let round = 0; round < 3; round++) {
    messages = Math.min(
      messages,
      measureHeap(() => Array.from({ length: size }, (_, i) => message(i))),
    );
    window = Math.min(
      window,
      measureHeap(() => {
        const op = new WindowOperator({
          window: { type: 'sliding', size: size, slide: 'event' },
          aggregate: compileAggregations<{ payload: number }>([{ op: 'avg' }]),
          onEmit: () => undefined,
        });
        // One event per ms and a window of `size` ms: the window holds `size` events at the end,
        // after it has slid over as many (so what leaving events need is counted too).
        for (let i = 0; i < 2 * size; i++) op.process({ key: 'sensor-1', time: t0 + i, value: message(i) }, 0);
        if (op.stats().openWindows !== 1) throw new Error('expected one open window');
        return op;
      }),
    );
  }
  return { window: Math.round(window), messages: Math.round(messages) };
}

// ---- main --------------------------------------------------------------------------------------

const TARGETS: Record<string, number> = {
  tumbling_avg_1000_keys: 10_000_000,
  hopping_max_size_10x_slide: 5_000_000,
  session_count_1000_keys: 3_000_000,
};

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(0)} k`;
}

/** Runs one case in this process and prints its figures as JSON (the parent collects them). */
function runCase(name: string): void {
  if (name === 'heap') {
    console.log(JSON.stringify({ heap_bytes_per_window: heapPerWindow(), sliding: heapPerSlidingEvent(), patterns: patternHeaps() }));
    return;
  }
  const make = CASES[name];
  if (make === undefined) throw new Error(`unknown case ${name}; cases: ${Object.keys(CASES).join(', ')}`);
  console.log(JSON.stringify(measure(make())));
}

const CASES: Record<string, () => Case> = {
  tumbling_avg_1000_keys: tumblingAvg,
  hopping_max_size_10x_slide: hoppingMax,
  sliding_max_100_events: () => slidingMax(100),
  sliding_max_10000_events: () => slidingMax(10_000),
  sliding_avg_10000_events: () => slidingNumeric('avg', 10_000),
  sliding_stddev_10000_events: () => slidingNumeric('stddev', 10_000),
  session_count_1000_keys: sessionCount,
  tumbling_p95_100_keys: tumblingP95,
  interval_join_100_keys: intervalJoinCase,
  sequence_3_in_a_row: threeInARowCase,
  sequence_a_then_b_no_c: aThenBCase,
};

/** Each case runs in its own node process, so one case's JIT feedback does not slow another's. */
function main(): void {
  const { execFileSync } = require('child_process') as typeof import('child_process');
  const child = (name: string): Record<string, unknown> =>
    JSON.parse(
      execFileSync(process.execPath, [...process.execArgv, __filename, '--case', name], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop() as string,
    );
  const out: Record<string, unknown> = {};
  if (!JSON_OUT) console.log(`windowing core vs hand-written loop (best of ${ROUNDS} rounds after a warm-up round, events/s; each case in a fresh process)`);
  const figures: Record<string, Figures & { check: string }> = {};
  for (const name of Object.keys(CASES)) {
    const f = child(name) as unknown as Figures & { check: string };
    figures[name] = f;
    out[name] = {
      core_eps: f.core_eps,
      baseline_eps: f.baseline_eps,
      ratio: f.ratio,
      events: f.events,
      windows: f.windows,
      same_results: f.check === 'same results',
    };
    if (!JSON_OUT) {
      const target = TARGETS[name];
      const goal = target ? `  target ≥ ${fmt(target)} ${f.core_eps >= target ? 'met' : 'MISSED'}` : '';
      console.log(
        `${name.padEnd(28)} core ${fmt(f.core_eps).padStart(9)}  baseline ${fmt(f.baseline_eps).padStart(9)}  ratio ${f.ratio.toFixed(3)}  (${f.windows} windows, ${f.check})${goal}`,
      );
    }
  }
  const s100 = figures['sliding_max_100_events'].core_eps;
  const s10k = figures['sliding_max_10000_events'].core_eps;
  const slowdown = Math.round((s100 / s10k) * 1000) / 1000;
  out.sliding_max_10000_vs_100_slowdown = slowdown;
  const heaps = child('heap');
  const heap = heaps.heap_bytes_per_window as number | null;
  out.heap_bytes_per_window = heap;
  const sliding = heaps.sliding as { window: number; messages: number } | null;
  out.heap_bytes_per_sliding_avg_event = sliding;
  const patterns = heaps.patterns as { join_bytes_per_event: number; sequence_bytes_per_partial_match: number } | null;
  out.heap_patterns = patterns;
  if (JSON_OUT) {
    console.log(JSON.stringify(out));
  } else {
    console.log(
      `sliding max: time per event with a 10,000-event window ÷ with a 100-event one = ${slowdown} (target ≤ 2: ${slowdown <= 2 ? 'met' : 'MISSED'})`,
    );
    console.log(
      heap === null
        ? 'heap per open tumbling avg window: not measured (run node with --expose-gc)'
        : `heap per open keyed tumbling avg window (100,000 keys): ${heap} bytes (target ≤ 200: ${heap <= 200 ? 'met' : 'MISSED'})`,
    );
    if (sliding !== null) {
      console.log(
        `heap per event in a per-event sliding avg window of 10,000 events: ${sliding.window} bytes, ` +
          `vs ${sliding.messages} bytes per message it was fed (ratio ${(sliding.window / sliding.messages).toFixed(3)})`,
      );
    }
    if (patterns !== null) {
      console.log(
        `heap per kept event of an interval join (100,000 waiting): ${patterns.join_bytes_per_event} bytes; per open partial match of a sequence (100,000 keys): ${patterns.sequence_bytes_per_partial_match} bytes`,
      );
    }
  }
}

const caseIndex = process.argv.indexOf('--case');
if (caseIndex >= 0) runCase(process.argv[caseIndex + 1]);
else main();
