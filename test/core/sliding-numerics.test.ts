/**
 * Per-event sliding sum, avg, variance and stddev against exact arithmetic: ordinary readings
 * with hostile magnitudes mixed in (3.4e38 = FLT_MAX, a common sensor error value, 1e9, 1e15,
 * 1e308, Number.MAX_VALUE, subnormals, either sign). Every result, while such a value is in the
 * window and after it left, is within 1e-9 relative of the exact result rounded to a double.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { compileAggregations } from '../../src/core/aggregates';
import { createSlidingAggregator } from '../../src/core/sliding-aggregator';
import { WindowOperator } from '../../src/core/window-operator';

type Rec = { payload: number };

/** x × 2^1074 as an exact integer: every finite double is a whole multiple of 2^-1074. */
function scaled(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const exponent = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const magnitude = exponent === 0 ? fraction : ((1n << 52n) | fraction) << BigInt(exponent - 1);
  return negative ? -magnitude : magnitude;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** num / den × 2^pow2, rounded to a double (within an ulp; ±Infinity beyond the range). */
function ratio(num: bigint, den: bigint, pow2: number): number {
  if (num === 0n) return 0;
  const negative = num < 0n !== den < 0n;
  let n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const shift = Math.max(0, 70 - (bitLength(n) - bitLength(d)));
  n <<= BigInt(shift);
  let q = n / d;
  let e = pow2 - shift;
  const extra = bitLength(q) - 70;
  if (extra > 0) {
    q >>= BigInt(extra);
    e += extra;
  }
  let x = Number(q);
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  x *= 2 ** e;
  return negative ? -x : x;
}

interface Exact {
  sum: number | null;
  avg: number | null;
  variance: number | null;
  stddev: number | null;
}

/** The window's statistics in exact arithmetic, then rounded. */
function exact(values: number[]): Exact {
  const n = values.length;
  if (n === 0) return { sum: null, avg: null, variance: null, stddev: null };
  let s = 0n;
  let s2 = 0n;
  for (const x of values) {
    const b = scaled(x);
    s += b;
    s2 += b * b;
  }
  const sum = ratio(s, 1n, -1074);
  // A total beyond the double range is ±Infinity, and so is its mean (see the README).
  const avg = Number.isFinite(sum) ? ratio(s, BigInt(n), -1074) : sum;
  // Σ(x − mean)² beyond the double range makes variance and stddev Infinity (see the README).
  const m2 = ratio(BigInt(n) * s2 - s * s, BigInt(n), -2148);
  const variance = n === 1 ? 0 : Number.isFinite(m2) ? ratio(BigInt(n) * s2 - s * s, BigInt(n) * BigInt(n - 1), -2148) : Infinity;
  return { sum, avg, variance, stddev: Math.sqrt(variance) };
}

function near(actual: unknown, expected: number | null, what: string): void {
  if (expected === null || !Number.isFinite(expected)) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.equal(typeof actual, 'number', what);
  const a = actual as number;
  assert.ok(Math.abs(a - expected) <= 1e-9 * Math.abs(expected), `${what}: ${a} vs exact ${expected}`);
}

const FLT_MAX = 3.4028234663852886e38;
const HOSTILE = [FLT_MAX, -FLT_MAX, 1e9, -1e9, 1e15, 1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, 1e-300, -0];

/** Ordinary readings (tenths, 15–30) with a hostile value now and then. */
const reading = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 150, max: 300 }).map((t) => t / 10) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) },
);

const SPECS = [{ op: 'sum' }, { op: 'avg' }, { op: 'variance' }, { op: 'stddev' }];

describe('per-event sliding sums and variances with hostile magnitudes', () => {
  it('answer like exact arithmetic after any pushes and pops', () => {
    const set = compileAggregations<Rec>(SPECS);
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 3, arbitrary: reading }, { weight: 2, arbitrary: fc.constant<'pop'>('pop') }), { maxLength: 400 }), (ops) => {
        const win = createSlidingAggregator(set);
        const model: number[] = [];
        let t = 0;
        for (const op of ops) {
          if (op === 'pop') {
            win.pop();
            model.shift();
          } else {
            win.push(t++, { payload: op });
            model.push(op);
          }
          const got = win.result() as Record<string, unknown>;
          const want = exact(model);
          for (const k of ['sum', 'avg', 'variance', 'stddev'] as const) near(got[k], want[k], `${k} of [${model.join(', ')}]`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keep their accuracy across a snapshot at any point', () => {
    const set = compileAggregations<Rec>(SPECS);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(reading, fc.constant<'pop'>('pop')), { maxLength: 120 }),
        fc.array(fc.oneof(reading, fc.constant<'pop'>('pop')), { maxLength: 120 }),
        (before, after) => {
          const whole = createSlidingAggregator(set);
          const apply = (w: typeof whole, op: number | 'pop', t: number): void => (op === 'pop' ? w.pop() : w.push(t, { payload: op }));
          before.forEach((op, t) => apply(whole, op, t));
          const restored = createSlidingAggregator(set);
          restored.fromJSON(JSON.parse(JSON.stringify(whole.toJSON())));
          after.forEach((op, i) => {
            apply(whole, op, before.length + i);
            apply(restored, op, before.length + i);
            assert.deepEqual(restored.result(), whole.result());
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('one FLT_MAX reading in a 30 s per-event window leaves no trace once it left (it used to spoil 100 results)', () => {
    const values: number[] = [];
    const results: Array<Record<string, number>> = [];
    const op = new WindowOperator<Rec, unknown, Record<string, number>>({
      window: { type: 'sliding', size: 30_000, slide: 'event' },
      aggregate: compileAggregations<Rec>([{ op: 'avg' }, { op: 'sum' }, { op: 'stddev' }]) as never,
      onEmit: (e) => {
        if (e.kind === 'window') results.push(e.result);
      },
    });
    const times: number[] = [];
    for (let i = 0; i < 600; i++) {
      const t = 1_767_268_800_000 + i * 1000;
      const v = i === 100 ? FLT_MAX : i === 300 ? 1e9 : 20 + 3 * Math.sin(i / 7) + ((i * 37) % 11) / 10;
      op.process({ key: 'k', time: t, value: { payload: v } }, 0);
      times.push(t);
      values.push(v);
    }
    // Each result is the window (t − 30 s, t] at the event that produced it.
    let checked = 0;
    results.forEach((r, i) => {
      if (i >= values.length) return;
      const inWindow = values.filter((_, j) => j <= i && times[j] > times[i] - 30_000);
      const want = exact(inWindow);
      near(r.avg, want.avg, `avg at ${i}`);
      near(r.sum, want.sum, `sum at ${i}`);
      near(r.stddev, want.stddev, `stddev at ${i}`);
      checked++;
    });
    assert.ok(checked >= 590, `${checked} results checked`);
  });
});

describe('variance whose spread exceeds the double range', () => {
  it('is Infinity, never 0, in any window (Welford meets ∞ − ∞ on the way)', () => {
    const set = compileAggregations<Rec>([{ op: 'variance' }, { op: 'stddev' }]);
    let acc = set.createAccumulator();
    for (const x of [1e308, -Number.MAX_VALUE, 20]) acc = set.add(acc, { payload: x }, 0);
    assert.deepEqual(set.result(acc), { variance: Infinity, stddev: Infinity });
  });
});
