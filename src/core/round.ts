/**
 * Rounding of results for people to read: 22.777499999999996 with 2 decimals is 22.78. Only
 * finite numbers change; anything else (null for an empty window, text from first/last) stays.
 */

/** `value` rounded to `decimals` (0–15) places when it is a finite number, else unchanged. */
export function roundValue(value: unknown, decimals: number): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  // Unlike multiplying and dividing by 10^d, toFixed leaves no binary tail (…0000001) behind.
  const rounded = Number(value.toFixed(decimals));
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** A copy of a result object with each top-level number rounded to `decimals` places. */
export function roundResult(result: Record<string, unknown>, decimals: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(result)) out[k] = roundValue(result[k], decimals);
  return out;
}
