/**
 * Autocorrelation through the FFT (Wiener–Khinchin), so period detection over a long history
 * costs O(n log n) instead of O(n²).
 */

/** In-place radix-2 FFT of (re, im); the length must be a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    // Twiddle by twiddle, each applied to every block: every block walks the same recurrence from
    // 1, so stepping it once per twiddle gives the same factors (and results) as once per block.
    let cr = 1;
    let ci = 0;
    for (let k = 0; k < half; k++) {
      for (let a = k; a < n; a += len) {
        const b = a + half;
        const ar = re[b] * cr - im[b] * ci;
        const ai = re[b] * ci + im[b] * cr;
        re[b] = re[a] - ar;
        im[b] = im[a] - ai;
        re[a] += ar;
        im[a] += ai;
      }
      const nr = cr * wr - ci * wi;
      ci = cr * wi + ci * wr;
      cr = nr;
    }
  }
}

/** Autocorrelation of mean-removed `values` at lags 0..maxLag, normalised so lag 0 is 1 (all 0 for a constant). */
export function autocorrelation(values: ArrayLike<number>, maxLag: number): Float64Array {
  const n = values.length;
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  for (let i = 0; i < n; i++) re[i] = values[i] - mean;
  fft(re, im);
  for (let i = 0; i < size; i++) {
    re[i] = re[i] * re[i] + im[i] * im[i];
    im[i] = 0;
  }
  // The inverse transform of a real, even spectrum is the forward transform divided by size.
  fft(re, im);
  const out = new Float64Array(maxLag + 1);
  const zero = re[0];
  if (!(zero > 1e-12 * n)) return out;
  for (let l = 0; l <= maxLag && l < n; l++) out[l] = re[l] / zero;
  return out;
}
