/**
 * The sensor simulator's settings: what the editor dialog stores, checked and normalised once
 * so the generator never sees a bad value.
 */
import { DURATION_FORMS, parseDuration } from '../duration';
import { ConfigError, describeValue } from '../errors';
import { FIELD_MODELS, FIELD_NAMES } from './field-models';

/**
 * The kinds of anomaly the simulator can inject: a one-reading spike, a level shift, a stuck
 * (frozen) value, a dropout (no readings: silence), an error code (glitch), a drift (a ramp away
 * from the true value) and a variance change (the noise grows several times).
 */
export type AnomalyType = 'spike' | 'shift' | 'stuck' | 'dropout' | 'glitch' | 'drift' | 'variance';

/** Every anomaly kind, in dialog order. */
export const ANOMALY_TYPES: readonly AnomalyType[] = ['spike', 'shift', 'stuck', 'dropout', 'glitch', 'drift', 'variance'];

/** The kinds injected when none are named: the first five, so seeded runs of older flows stay the same. */
export const DEFAULT_ANOMALY_TYPES: readonly AnomalyType[] = ['spike', 'shift', 'stuck', 'dropout', 'glitch'];

/** Settings after validation; durations in milliseconds. */
export interface SensorSimConfig {
  /** Sensor ids, one message key each. */
  ids: string[];
  /** Quantities every sensor reports (names from FIELD_MODELS). */
  fields: string[];
  /** Event-time distance between two readings of a sensor, and the node's timer period. */
  interval: number;
  /** Multiplier of each field's typical noise (0 = none). */
  noise: number;
  /** Multiplier of each field's typical slow drift (0 = none). */
  drift: number;
  /** Whether values follow a daily cycle (warmest mid-afternoon UTC). */
  seasonal: boolean;
  /** Probability per sensor and reading that an anomaly starts. */
  anomalyRate: number;
  /** Which anomaly kinds may be injected. */
  anomalies: AnomalyType[];
  /** Seed of the random sequence; undefined = the node picks one and shows it. */
  seed?: number | string;
  /** Event time of the first reading in ms; undefined = the processing time at start. */
  startTime?: number;
  /** Probability that a reading is delivered out of order, delayed by up to maxDelay. */
  disorder: number;
  maxDelay: number;
  /** Probability that a reading is delivered late, delayed by lateDelay. */
  lateRate: number;
  lateDelay: number;
  /** Start generating on deploy (otherwise on a 'start' message). */
  autoStart: boolean;
}

/** What the editor stores: strings and numbers as typed. */
export type RawSensorSimConfig = Partial<Record<keyof SensorSimConfig | 'sensors' | 'idPrefix', unknown>>;

const MAX_SENSORS = 10000;
function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  if (typeof value === 'string')
    return value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  return [];
}

function numberIn(field: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) {
    throw ConfigError.of(field, 'numberRange', { min, max, got: describeValue(value) });
  }
  return n;
}

function duration(field: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const ms = parseDuration(value, field, { allowZero: min === 0 });
  if (ms < min) throw ConfigError.of(field, 'durationAtLeast', { min, forms: DURATION_FORMS, got: describeValue(value) });
  return ms;
}

function bool(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  return value === true || value === 'true';
}

/** Validates the dialog's settings; throws ConfigError naming the field and what is allowed. */
export function parseSensorSimConfig(raw: RawSensorSimConfig): SensorSimConfig {
  let ids = list(raw.ids);
  if (ids.length === 0) {
    const count = numberIn('sensors', raw.sensors, 3, 1, MAX_SENSORS);
    if (!Number.isInteger(count)) throw ConfigError.of('sensors', 'wholeFromTo', { min: 1, max: MAX_SENSORS, got: describeValue(raw.sensors) });
    const prefix = raw.idPrefix === undefined || raw.idPrefix === null ? 'sensor-' : String(raw.idPrefix);
    ids = Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
  }
  if (new Set(ids).size !== ids.length) throw ConfigError.of('ids', 'idsUnique');

  const fields = raw.fields === undefined || raw.fields === '' ? ['temperature', 'humidity'] : list(raw.fields);
  if (fields.length === 0) throw ConfigError.of('fields', 'fieldsRequired', { allowed: FIELD_NAMES.join(', ') });
  for (const f of fields) {
    if (!Object.prototype.hasOwnProperty.call(FIELD_MODELS, f)) {
      throw ConfigError.of('fields', 'fieldUnknown', { got: f, allowed: FIELD_NAMES.join(', ') });
    }
  }

  const anomalies = raw.anomalies === undefined ? [...DEFAULT_ANOMALY_TYPES] : (list(raw.anomalies) as AnomalyType[]);
  for (const a of anomalies) {
    if (!ANOMALY_TYPES.includes(a)) throw ConfigError.of('anomalies', 'anomalyUnknown', { got: a, allowed: ANOMALY_TYPES.join(', ') });
  }

  let startTime: number | undefined;
  if (raw.startTime !== undefined && raw.startTime !== null && raw.startTime !== '') {
    startTime =
      typeof raw.startTime === 'number'
        ? raw.startTime
        : /^\d+$/.test(String(raw.startTime).trim())
          ? Number(String(raw.startTime).trim())
          : Date.parse(String(raw.startTime));
    if (!Number.isFinite(startTime)) {
      throw ConfigError.of('startTime', 'startTimeForm', { got: describeValue(raw.startTime) });
    }
  }

  const seed =
    raw.seed === undefined || raw.seed === null || String(raw.seed).trim() === ''
      ? undefined
      : typeof raw.seed === 'number'
        ? raw.seed
        : String(raw.seed).trim();

  return {
    ids,
    fields,
    interval: duration('interval', raw.interval, 1000, 10),
    noise: numberIn('noise', raw.noise, 1, 0, 100),
    drift: numberIn('drift', raw.drift, 1, 0, 100),
    seasonal: bool(raw.seasonal, true),
    anomalyRate: numberIn('anomalyRate', raw.anomalyRate, 0.005, 0, 1),
    anomalies,
    seed,
    startTime,
    disorder: numberIn('disorder', raw.disorder, 0, 0, 1),
    maxDelay: duration('maxDelay', raw.maxDelay, 5000, 0),
    lateRate: numberIn('lateRate', raw.lateRate, 0, 0, 1),
    lateDelay: duration('lateDelay', raw.lateDelay, 120000, 0),
    autoStart: bool(raw.autoStart, true),
  };
}
