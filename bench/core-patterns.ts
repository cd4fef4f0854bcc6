/**
 * bench:core cases of the join and sequence operators, each against a hand-written loop doing the
 * same job on the same in-order stream (no watermark, limits or snapshots), plus the heap one
 * kept event (interval join) and one open partial match (sequence) cost.
 */
import { JoinOperator } from '../src/core/join/join-operator';
import { SequenceOperator } from '../src/core/sequence/sequence-operator';

/** The stream and the two runs bench/core.ts measures (its Case). */
export interface PatternCase {
  name: string;
  stream: { keys: string[]; times: Float64Array; values: Float64Array };
  core(sink: (result: unknown) => void): number;
  baseline(sink: (result: unknown) => void): number;
}

const T0 = 1_700_000_000_000;
const now = (): number => performance.now();

/** Round-robin keys, one event per ms, values from a fixed generator; every `leftEvery`-th round of keys is left. */
function stream(events: number, keyCount: number, seed: number) {
  let s = seed >>> 0;
  const keys: string[] = new Array(events);
  const times = new Float64Array(events);
  const values = new Float64Array(events);
  const names = Array.from({ length: keyCount }, (_, i) => `sensor-${i}`);
  for (let i = 0; i < events; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    keys[i] = names[i % keyCount];
    times[i] = T0 + i;
    values[i] = Math.round((s / 4294967296) * 1000) / 10;
  }
  return { keys, times, values };
}

/** Interval join [0, 500 ms], 100 keys, one left (door) per ten events of a key: about 5 pairs per left event. */
export function intervalJoinCase(): PatternCase {
  const st = stream(1_000_000, 100, 3);
  const lower = 0;
  const upper = 500;
  const isLeft = (i: number) => Math.floor(i / 100) % 10 === 0;
  return {
    name: 'interval_join_100_keys',
    stream: st,
    core(sink) {
      const op = new JoinOperator<number>({ join: { mode: 'interval', lower, upper }, onJoin: (r) => sink(r.left!.value + r.right!.value) });
      const ev = { side: 'left' as 'left' | 'right', key: '', time: 0, value: 0 };
      const t0 = now();
      for (let i = 0; i < st.keys.length; i++) {
        ev.side = isLeft(i) ? 'left' : 'right';
        ev.key = st.keys[i];
        ev.time = st.times[i];
        ev.value = st.values[i];
        op.process(ev, 0);
      }
      op.flush(0);
      return now() - t0;
    },
    baseline(sink) {
      // Per key, each side's events in time order (the stream is ordered), dropped from the front once too old to meet anything.
      const state = new Map<string, { lt: number[]; lv: number[]; lh: number; rt: number[]; rv: number[]; rh: number }>();
      const t0 = now();
      for (let i = 0; i < st.keys.length; i++) {
        const t = st.times[i];
        const v = st.values[i];
        let s = state.get(st.keys[i]);
        if (s === undefined) state.set(st.keys[i], (s = { lt: [], lv: [], lh: 0, rt: [], rv: [], rh: 0 }));
        while (s.lh < s.lt.length && s.lt[s.lh] + upper < t) s.lh++;
        while (s.rh < s.rt.length && s.rt[s.rh] - lower < t) s.rh++;
        if (isLeft(i)) {
          for (let j = s.rh; j < s.rt.length; j++) if (s.rt[j] - t >= lower && s.rt[j] - t <= upper) sink(v + s.rv[j]);
          s.lt.push(t);
          s.lv.push(v);
        } else {
          for (let j = s.lh; j < s.lt.length; j++) if (t - s.lt[j] >= lower && t - s.lt[j] <= upper) sink(s.lv[j] + v);
          s.rt.push(t);
          s.rv.push(v);
        }
        if (s.lh > 1024) {
          s.lt = s.lt.slice(s.lh);
          s.lv = s.lv.slice(s.lh);
          s.lh = 0;
        }
        if (s.rh > 1024) {
          s.rt = s.rt.slice(s.rh);
          s.rv = s.rv.slice(s.rh);
          s.rh = 0;
        }
      }
      return now() - t0;
    },
  };
}

/** "Three readings above 50 in a row" (strict, skip past the last event), 100 keys. */
export function threeInARowCase(): PatternCase {
  const st = stream(1_000_000, 100, 4);
  return {
    name: 'sequence_3_in_a_row',
    stream: st,
    core(sink) {
      const op = new SequenceOperator<{ payload: number }>({
        steps: [{ name: 'high', rules: [{ property: 'payload', op: 'gt', value: 50 }], times: '{3}' }],
        contiguity: 'strict',
        onMatch: (m) => sink(m.steps[0].events.reduce((a, e) => a + e.value.payload, 0)),
      });
      const t0 = now();
      for (let i = 0; i < st.keys.length; i++) op.process({ key: st.keys[i], time: st.times[i], value: { payload: st.values[i] } }, 0);
      op.flush(0);
      return now() - t0;
    },
    baseline(sink) {
      const runs = new Map<string, number[]>();
      const t0 = now();
      for (let i = 0; i < st.keys.length; i++) {
        const v = st.values[i];
        let run = runs.get(st.keys[i]);
        if (run === undefined) runs.set(st.keys[i], (run = []));
        if (!(v > 50)) {
          run.length = 0;
          continue;
        }
        run.push(v);
        if (run.length === 3) {
          sink(run[0] + run[1] + run[2]);
          run.length = 0;
        }
      }
      return now() - t0;
    },
  };
}

/** "A then B within 1 s without C between" (relaxed): A = value < 10, C = 10–19.9, B = 20–29.9; 100 keys. */
export function aThenBCase(): PatternCase {
  const st = stream(1_000_000, 100, 5);
  const within = 1000;
  const kind = (v: number) => (v < 10 ? 'A' : v < 20 ? 'C' : v < 30 ? 'B' : 'x');
  return {
    name: 'sequence_a_then_b_no_c',
    stream: st,
    core(sink) {
      const op = new SequenceOperator<{ payload: number }>({
        steps: [
          { name: 'A', rules: [{ property: 'payload', op: 'lt', value: 10 }] },
          { name: 'C', rules: [{ property: 'payload', op: 'between', value: 10, value2: 19.9 }], not: true },
          { name: 'B', rules: [{ property: 'payload', op: 'between', value: 20, value2: 29.9 }] },
        ],
        within,
        onMatch: (m) => sink(m.steps[0].events[0].value.payload + m.steps[1].events[0].value.payload),
      });
      const t0 = now();
      for (let i = 0; i < st.keys.length; i++) op.process({ key: st.keys[i], time: st.times[i], value: { payload: st.values[i] } }, 0);
      op.flush(0);
      return now() - t0;
    },
    baseline(sink) {
      // Per key, the A events still waiting for a B (all partial matches are in that one state).
      const open = new Map<string, { t: number[]; v: number[] }>();
      const t0 = now();
      for (let i = 0; i < st.keys.length; i++) {
        const t = st.times[i];
        const v = st.values[i];
        let s = open.get(st.keys[i]);
        if (s === undefined) open.set(st.keys[i], (s = { t: [], v: [] }));
        let gone = 0;
        while (gone < s.t.length && s.t[gone] + within <= t) gone++;
        if (gone > 0) {
          s.t.splice(0, gone);
          s.v.splice(0, gone);
        }
        const k = kind(v);
        if (k === 'C') {
          s.t.length = 0;
          s.v.length = 0;
        } else if (k === 'B') {
          if (s.t.length > 0) sink(s.v[0] + v);
          s.t.length = 0;
          s.v.length = 0;
        } else if (k === 'A') {
          s.t.push(t);
          s.v.push(v);
        }
      }
      return now() - t0;
    },
  };
}

/** Heap per kept event of an interval join (100,000 left events waiting) and per open partial match (100,000 keys with one each). */
export function patternHeaps(): { join_bytes_per_event: number; sequence_bytes_per_partial_match: number } | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return null;
  const n = 100_000;
  const names = Array.from({ length: n }, (_, i) => `sensor-${i}`);
  const value = { payload: 5 };
  const alive: unknown[] = [];
  const measure = (fill: () => unknown): number => {
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      gc();
      gc();
      const before = process.memoryUsage().heapUsed;
      alive.push(fill());
      gc();
      gc();
      best = Math.min(best, (process.memoryUsage().heapUsed - before) / n);
    }
    return Math.round(best);
  };
  const join = measure(() => {
    const op = new JoinOperator<{ payload: number }>({ join: { mode: 'interval', lower: 0, upper: 86_400_000 }, onJoin: () => undefined });
    for (let i = 0; i < n; i++) op.process({ side: 'left', key: names[i % 1000], time: T0 + i, value }, 0);
    if (op.stats().openWindows !== n) throw new Error('expected every event kept');
    return op;
  });
  const sequence = measure(() => {
    const op = new SequenceOperator<{ payload: number }>({
      steps: [
        { name: 'A', rules: [{ property: 'payload', op: 'lt', value: 10 }] },
        { name: 'B', rules: [{ property: 'payload', op: 'gt', value: 20 }] },
      ],
      within: 60_000,
      onMatch: () => undefined,
    });
    for (let i = 0; i < n; i++) op.process({ key: names[i], time: T0, value }, 0);
    if (op.stats().openWindows !== n) throw new Error('expected one partial match per key');
    return op;
  });
  return { join_bytes_per_event: join, sequence_bytes_per_partial_match: sequence };
}
