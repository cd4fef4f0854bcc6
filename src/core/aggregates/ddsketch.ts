/**
 * A DDSketch-style quantile sketch (Masson, Rim & Lee, VLDB 2019): values fall into
 * logarithmic bins, bin i holding (γ^(i−1), γ^i] with γ = (1 + α) / (1 − α), so any quantile it
 * returns is within relative error α of the true value of that rank. Bins are counts, so two
 * sketches merge by adding counts — exactly, whatever the order.
 *
 * α = 1 %. Each sign keeps at most 2,048 bins, enough for a 1e-9…1e9 spread of magnitudes at
 * full accuracy; beyond it the smallest magnitudes collapse into the lowest kept bin (memory
 * stays bounded; only those smallest magnitudes lose accuracy). The exact minimum and maximum
 * are kept, so p0 and p100 are exact.
 */
import { readArray, readNumber, readNumberOr, readObject, finiteOrNull } from './snapshot-json';

/** Relative accuracy: every quantile is within ±1 % of the true value of its rank. */
export const DDSKETCH_RELATIVE_ACCURACY = 0.01;
/** Bins per sign before the smallest magnitudes collapse. */
export const DDSKETCH_MAX_BINS = 2048;

const GAMMA = (1 + DDSKETCH_RELATIVE_ACCURACY) / (1 - DDSKETCH_RELATIVE_ACCURACY);
const LN_GAMMA = Math.log(GAMMA);

/** Contiguous bin counts: c[j] counts index lo + j. */
export interface BinStore {
  lo: number;
  c: number[];
}

/** `p` bins positive values, `m` the magnitudes of negative ones, `z` counts zeros. */
export interface DDSketch {
  n: number;
  z: number;
  min: number;
  max: number;
  p: BinStore;
  m: BinStore;
}

/** Creates an empty sketch. */
export function createSketch(): DDSketch {
  return { n: 0, z: 0, min: Infinity, max: -Infinity, p: { lo: 0, c: [] }, m: { lo: 0, c: [] } };
}

function binIndex(magnitude: number): number {
  return Math.ceil(Math.log(magnitude) / LN_GAMMA);
}

function binValue(index: number): number {
  return (2 * Math.pow(GAMMA, index)) / (GAMMA + 1);
}

function storeAdd(st: BinStore, index: number, count: number): void {
  const c = st.c;
  if (c.length === 0) {
    st.lo = index;
    c.push(count);
    return;
  }
  let i = index;
  if (i < st.lo) {
    const hi = st.lo + c.length - 1;
    // Collapsing the lowest bins depends only on the highest index ever seen, so the final
    // state is the same whatever order values and merges come in.
    if (hi - i + 1 > DDSKETCH_MAX_BINS) i = hi - DDSKETCH_MAX_BINS + 1;
    if (i < st.lo) {
      c.splice(0, 0, ...new Array<number>(st.lo - i).fill(0));
      st.lo = i;
    }
  } else if (i >= st.lo + c.length) {
    while (st.lo + c.length <= i) c.push(0);
    if (c.length > DDSKETCH_MAX_BINS) {
      const drop = c.length - DDSKETCH_MAX_BINS;
      let moved = 0;
      for (let j = 0; j < drop; j++) moved += c[j];
      c.splice(0, drop);
      c[0] += moved;
      st.lo += drop;
    }
  }
  c[i - st.lo] += count;
}

/** Adds one finite number. */
export function sketchAdd(s: DDSketch, x: number): void {
  s.n++;
  if (x < s.min) s.min = x;
  if (x > s.max) s.max = x;
  if (x > 0) storeAdd(s.p, binIndex(x), 1);
  else if (x < 0) storeAdd(s.m, binIndex(-x), 1);
  else s.z++;
}

/** Adds b's counts into a; b is left untouched. */
export function sketchMerge(a: DDSketch, b: DDSketch): void {
  if (b.n === 0) return;
  a.n += b.n;
  a.z += b.z;
  if (b.min < a.min) a.min = b.min;
  if (b.max > a.max) a.max = b.max;
  mergeStore(a.p, b.p);
  mergeStore(a.m, b.m);
}

function mergeStore(a: BinStore, b: BinStore): void {
  // Highest bin first so the store grows once instead of bin by bin.
  for (let j = b.c.length - 1; j >= 0; j--) if (b.c[j] > 0) storeAdd(a, b.lo + j, b.c[j]);
}

/** A deep copy, so a merge can take over another accumulator's sketch without sharing it. */
export function cloneSketch(s: DDSketch): DDSketch {
  return { n: s.n, z: s.z, min: s.min, max: s.max, p: { lo: s.p.lo, c: s.p.c.slice() }, m: { lo: s.m.lo, c: s.m.c.slice() } };
}

/** Estimated value of the rank-th smallest value (0-based). */
function valueAtRank(s: DDSketch, rank: number): number {
  if (rank <= 0) return s.min;
  if (rank >= s.n - 1) return s.max;
  let seen = 0;
  const m = s.m.c;
  for (let j = m.length - 1; j >= 0; j--) {
    seen += m[j];
    if (seen > rank) return clamp(-binValue(s.m.lo + j), s);
  }
  seen += s.z;
  if (seen > rank) return 0;
  const p = s.p.c;
  for (let j = 0; j < p.length; j++) {
    seen += p[j];
    if (seen > rank) return clamp(binValue(s.p.lo + j), s);
  }
  return s.max;
}

function clamp(x: number, s: DDSketch): number {
  return x < s.min ? s.min : x > s.max ? s.max : x;
}

/** The value the sketch holds at 0-based `rank` (0 ≤ rank < n), within its relative accuracy; null when empty. */
export function sketchValueAtRank(s: DDSketch, rank: number): number | null {
  return s.n === 0 ? null : valueAtRank(s, Math.min(s.n - 1, Math.max(0, rank)));
}

/**
 * The q-quantile (0 ≤ q ≤ 1), interpolated between neighbouring ranks like the exact
 * percentile; null for an empty sketch.
 */
export function sketchQuantile(s: DDSketch, q: number): number | null {
  if (s.n === 0) return null;
  const h = q * (s.n - 1);
  const lo = Math.floor(h);
  const v = valueAtRank(s, lo);
  return h === lo ? v : v + (h - lo) * (valueAtRank(s, lo + 1) - v);
}

/** Plain-JSON form: `{ count, zeros, min, max, positive: { firstBin, counts }, negative: { … } }`. */
export function sketchToJSON(s: DDSketch): unknown {
  const store = (b: BinStore) => ({ firstBin: b.lo, counts: b.c.slice() });
  return { count: s.n, zeros: s.z, min: finiteOrNull(s.min), max: finiteOrNull(s.max), positive: store(s.p), negative: store(s.m) };
}

/** Restores a sketch made by sketchToJSON. */
export function sketchFromJSON(json: unknown): DDSketch {
  const o = readObject(json, 'quantile sketch');
  const store = (v: unknown, field: string): BinStore => {
    const b = readObject(v, `quantile sketch ${field}`);
    return { lo: readNumber(b.firstBin, `${field}.firstBin`), c: readArray(b.counts, `${field}.counts`).map((x, i) => readNumber(x, `${field}.counts[${i}]`)) };
  };
  return {
    n: readNumber(o.count, 'count'),
    z: readNumber(o.zeros, 'zeros'),
    min: readNumberOr(o.min, 'min', Infinity),
    max: readNumberOr(o.max, 'max', -Infinity),
    p: store(o.positive, 'positive'),
    m: store(o.negative, 'negative'),
  };
}
