/**
 * Binary search without branches on the data: a fixed number of halvings whose compares only
 * choose what to add, so values that land anywhere cost no mispredicted branches (about twice as
 * fast as the plain search on unpredictable values).
 */

/** The first index in sorted[0, size) whose value is not below `value` (size when every one is). */
export function lowerBound(sorted: Float64Array, size: number, value: number): number {
  if (size <= 0) return 0;
  let at = 0;
  for (let n = size; n > 1;) {
    const half = n >> 1;
    at += half & -+(sorted[at + half] < value);
    n -= half;
  }
  return at + +(sorted[at] < value);
}
