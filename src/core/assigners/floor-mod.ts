/**
 * Window arithmetic that stays correct for negative (pre-1970) times: JavaScript's % keeps the
 * sign of the dividend, so window starts are computed with a floor modulo instead.
 */

/** a mod n in [0, n), also for negative a. */
export function floorMod(a: number, n: number): number {
  const r = a % n;
  // + 0 turns -0 (from a negative multiple of n) into 0, so window starts never print as -0.
  return r < 0 ? r + n : r + 0;
}

/** Greatest common divisor of two positive integers (pane size of hopping windows). */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Start of the aligned interval of `size` (grid shifted by `offset`) that holds `t`; `(start,end]` when endInclusive. */
export function alignedStart(t: number, size: number, offset: number, endInclusive: boolean): number {
  if (endInclusive) {
    // (start, end]: end is the first grid point at or after t.
    return t + floorMod(offset - t, size) - size;
  }
  return t - floorMod(t - offset, size);
}

/** Whether `t` lies in the window [start,end) or, when endInclusive, (start,end]. */
export function inWindow(t: number, start: number, end: number, endInclusive: boolean): boolean {
  return endInclusive ? t > start && t <= end : t >= start && t < end;
}
