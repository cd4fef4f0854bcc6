/**
 * Typical behaviour of the quantities a simulated sensor reports: a level, how much the daily
 * cycle moves it, how noisy and drifty it is, and how large an injected anomaly looks.
 */

/** How one measured quantity behaves; all magnitudes are in the field's own unit. */
export interface FieldModel {
  /** Typical level. */
  base: number;
  /** Half the peak-to-trough swing of the daily cycle; negative = lowest in the afternoon. */
  dailyAmplitude: number;
  /** Standard deviation of the measurement noise at noise factor 1. */
  noise: number;
  /** Standard deviation of the slow random-walk drift per hour at drift factor 1. */
  driftPerHour: number;
  /** Size of a spike anomaly (sign chosen at random). */
  spike: number;
  /** Size of a level-shift anomaly (sign chosen at random). */
  shift: number;
  /** How far sensors of the same kind sit from each other (uniform ±). */
  spread: number;
  /** Physical limits the value is clamped to. */
  min: number;
  max: number;
  /** Decimals the sensor reports. */
  decimals: number;
  /** Error codes a faulty sensor reports instead of a value (outside min…max on purpose). */
  glitches: readonly number[];
}

/** The quantities the simulator knows; the sensor-sim node lists them in its dialog. */
export const FIELD_MODELS: Readonly<Record<string, FieldModel>> = {
  temperature: {
    base: 21,
    dailyAmplitude: 3,
    noise: 0.15,
    driftPerHour: 0.3,
    spike: 18,
    shift: 6,
    spread: 2,
    min: -60,
    max: 150,
    decimals: 2,
    glitches: [-127, 327.67],
  },
  humidity: {
    base: 50,
    dailyAmplitude: -8,
    noise: 0.6,
    driftPerHour: 1,
    spike: 35,
    shift: 12,
    spread: 6,
    min: 0,
    max: 100,
    decimals: 1,
    glitches: [-1, 655.35],
  },
  pressure: {
    base: 1013,
    dailyAmplitude: 1.2,
    noise: 0.2,
    driftPerHour: 0.5,
    spike: 25,
    shift: 8,
    spread: 3,
    min: 850,
    max: 1100,
    decimals: 1,
    glitches: [0, 6553.5],
  },
  co2: { base: 520, dailyAmplitude: 90, noise: 6, driftPerHour: 8, spike: 900, shift: 250, spread: 40, min: 300, max: 5000, decimals: 0, glitches: [0, 65535] },
  vibration: {
    base: 2.4,
    dailyAmplitude: 0.4,
    noise: 0.12,
    driftPerHour: 0.05,
    spike: 9,
    shift: 2.5,
    spread: 0.6,
    min: 0,
    max: 50,
    decimals: 3,
    glitches: [-1, 655.35],
  },
};

/** The field names in dialog order. */
export const FIELD_NAMES: readonly string[] = Object.keys(FIELD_MODELS);
