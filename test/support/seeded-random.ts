/** Seeded test data, so every synthetic series is the same on every run. */
import { createUniform } from '../../src/core/sensor-sim/prng';

/** Uniform [0, 1) values from a raw 32-bit seed. */
export function seededUniform(seed: number): () => number {
  return createUniform(seed);
}

/** Standard normal values (Box–Muller on two uniforms per value). */
export function seededGaussian(seed: number): () => number {
  const u = createUniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}
