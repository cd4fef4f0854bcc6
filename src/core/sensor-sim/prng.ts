/**
 * A small seeded pseudo-random generator, so a simulated run can be replayed exactly from its
 * seed. Not for cryptography: it only has to be fast, uniform enough and identical everywhere.
 */

/** The random source the simulator draws from; every draw advances the same sequence. */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** Normally distributed with the given mean and standard deviation. */
  normal(mean?: number, sd?: number): number;
  /** The generator's internal state, to continue a sequence later. */
  state(): number;
}

/** Creates a generator from a 32-bit seed (any number; it is reduced to 32 bits). */
export function createPrng(seed: number): Prng {
  // A 32-bit add-and-mix generator: one word of state, full period over 2^32 and a mixing step
  // strong enough that consecutive seeds give unrelated sequences.
  let s = (Math.trunc(seed) ^ 0x5bd1e995) >>> 0;
  let spare: number | undefined;
  const next = (): number => {
    s = (s + STEP) >>> 0;
    return mix(s);
  };
  return {
    next,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    normal(mean = 0, sd = 1) {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return mean + sd * v;
      }
      // Box–Muller gives two independent normals per pair of uniforms; keep the second one.
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    state() {
      return s;
    },
  };
}

/**
 * The bare uniform [0, 1) sequence that follows a 32-bit state, without the seed scrambling of
 * createPrng: for reproducible test data whose seeds are the raw state.
 */
export function createUniform(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + STEP) >>> 0;
    return mix(s);
  };
}

const STEP = 0x6d2b79f5;

/** The output function: a state word mixed into a uniform [0, 1). */
function mix(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 15), z | 1);
  z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
  return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
}

/** Turns any text or number into a 32-bit seed, so users may type a word as the seed. */
export function seedFrom(value: string | number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value) >>> 0;
  const text = String(value);
  if (/^-?\d+$/.test(text.trim())) return Number(text.trim()) >>> 0;
  // FNV-1a over the UTF-16 code units.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
