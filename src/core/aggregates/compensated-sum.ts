/**
 * A sum of finite numbers that stays accurate whatever their magnitudes and order: Neumaier's
 * compensated summation keeps the low-order digits a plain sum drops (20 + 3.4e38 − 3.4e38 gives
 * 20, not 0), and values beyond 2^512 are summed apart, scaled down by 2^-600, so no partial sum
 * of finite values overflows to Infinity (1e308 + 1e308 − 1e308 gives 1e308). Only a total that
 * itself lies beyond the double range comes out as ±Infinity.
 *
 * The sliding windows keep one per window part and merge two of them per result, never
 * subtracting a value that left (see InvertibleWindow).
 */

/** `hi + lo` sums the values below 2^512, `(bigHi + bigLo) × 2^600` the others. */
export interface CompensatedSum {
  n: number;
  hi: number;
  lo: number;
  bigHi: number;
  bigLo: number;
}

const BIG = 2 ** 512;
const DOWN = 2 ** -600;
const UP = 2 ** 600;

/** Whether `x` goes to the scaled part of the sum (so a window can skip storing that part when none does). */
export function isBigAddend(x: number): boolean {
  return !(x < BIG && x > -BIG);
}

/** Creates an empty compensated sum. */
export function createCompensatedSum(): CompensatedSum {
  return { n: 0, hi: 0, lo: 0, bigHi: 0, bigLo: 0 };
}

/** Empties `acc` in place. */
export function resetCompensatedSum(acc: CompensatedSum): void {
  acc.n = 0;
  acc.hi = 0;
  acc.lo = 0;
  acc.bigHi = 0;
  acc.bigLo = 0;
}

/** Adds one finite number. */
export function addCompensated(acc: CompensatedSum, x: number): CompensatedSum {
  acc.n++;
  if (x < BIG && x > -BIG) {
    const s = acc.hi;
    const t = s + x;
    // Neumaier: the rounding error of s + x, taken from the smaller operand.
    acc.lo += (s >= 0 ? s : -s) >= (x >= 0 ? x : -x) ? s - t + x : x - t + s;
    acc.hi = t;
  } else {
    const y = x * DOWN;
    const s = acc.bigHi;
    const t = s + y;
    acc.bigLo += (s >= 0 ? s : -s) >= (y >= 0 ? y : -y) ? s - t + y : y - t + s;
    acc.bigHi = t;
  }
  return acc;
}

/** Adds b into a; b is left untouched. */
export function mergeCompensated(a: CompensatedSum, b: CompensatedSum): CompensatedSum {
  a.n += b.n;
  let s = a.hi;
  let x = b.hi;
  let t = s + x;
  a.lo += ((s >= 0 ? s : -s) >= (x >= 0 ? x : -x) ? s - t + x : x - t + s) + b.lo;
  a.hi = t;
  s = a.bigHi;
  x = b.bigHi;
  t = s + x;
  a.bigLo += ((s >= 0 ? s : -s) >= (x >= 0 ? x : -x) ? s - t + x : x - t + s) + b.bigLo;
  a.bigHi = t;
  return a;
}

/** The total, correctly scaled; ±Infinity only when the exact total lies beyond the double range. */
export function compensatedTotal(acc: CompensatedSum): number {
  const big = acc.bigHi + acc.bigLo;
  if (big === 0) return acc.hi + acc.lo;
  return (big + (acc.hi + acc.lo) * DOWN) * UP;
}
