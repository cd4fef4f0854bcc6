/** Standard normal helpers for the detectors' significance tests. */

/** Upper tail P(Z > z) of the standard normal (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/**
 * Natural log of the upper tail P(Z > z), accurate far into the tail where normalTail's absolute
 * error would swamp the probability (an alert budget of one per week at 1 Hz is a tail of ~1e-7).
 */
export function normalLogTail(z: number): number {
  if (z < 5) return Math.log(normalTail(z));
  // Asymptotic series of Mills' ratio; at z ≥ 5 its first terms are exact to a few parts per 1e5.
  const z2 = z * z;
  return -z2 / 2 - Math.log(z * Math.sqrt(2 * Math.PI)) + Math.log(1 - 1 / z2 + 3 / (z2 * z2));
}

/** The z whose upper tail is `p` (0 < p < 0.5), by bisection on normalLogTail: used when a budget changes, not per value. */
export function normalQuantileAbove(p: number): number {
  const target = Math.log(p);
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalLogTail(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
