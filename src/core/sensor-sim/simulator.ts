/**
 * The pure sensor simulator: each tick produces one reading per sensor for the next event time,
 * from a seeded random sequence, so the same seed and start time give the same run. The node
 * calls tick() from its processing-time timer; tests call it directly.
 */
import { createPrng, Prng, seedFrom } from './prng';
import { FIELD_MODELS, FieldModel } from './field-models';
import { AnomalyType, SensorSimConfig } from './config';
import { DeliveryQueue } from './delivery-queue';

/** One simulated reading, ready to become a message. */
export interface SimReading {
  /** Sensor id (msg.topic). */
  key: string;
  /** Event time in ms (msg.timestamp). */
  time: number;
  /** Field values (msg.payload). */
  payload: Record<string, number>;
  /** Per-sensor reading number, starting at 1; gaps mean a dropout. */
  seq: number;
  /**
   * The injected anomaly this reading shows, if any (ground truth for detection): its kind, the
   * field it affects, and the sensor's incident number and first event time, so readings of one
   * incident can be grouped. A dropout shows on no reading: its readings are missing (seq gap).
   */
  anomaly?: { type: AnomalyType; field?: string; incident?: number; since?: number };
  /** How long delivery was held back, in ms of processing time (0 = in order). */
  delay: number;
}

interface ActiveAnomaly {
  type: AnomalyType;
  field: string;
  remaining: number;
  /** The level offset of a shift, the frozen value of a stuck sensor, the final offset of a drift, the noise factor of a variance change. */
  value: number;
  /** Readings the anomaly lasts in all (a drift's ramp reaches `value` at the last one). */
  length: number;
  incident: number;
  since: number;
}

interface SensorState {
  id: string;
  seq: number;
  offsets: Record<string, number>;
  drift: Record<string, number>;
  last: Record<string, number>;
  anomaly?: ActiveAnomaly;
  incidents: number;
}

const DAY_MS = 86400000;
const HOUR_MS = 3600000;
/** The daily cycle peaks at 15:00 UTC, like an outdoor temperature. */
const PEAK_MS = 15 * HOUR_MS;
/** Drift is pulled back to zero over about this time, so long runs stay plausible. */
const DRIFT_REVERSION_MS = 6 * HOUR_MS;
const MAX_HELD_READINGS = 100000;

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** A seeded, deterministic generator of sensor readings. */
export class SensorSimulator {
  private readonly prng: Prng;
  private readonly sensors: SensorState[];
  private readonly queue = new DeliveryQueue<SimReading>(MAX_HELD_READINGS);
  private tickIndex = 0;
  /** The seed actually used, to show it and replay the run. */
  readonly seed: number;

  /** `startTime` is the event time of the first reading, in ms. */
  constructor(
    private readonly config: SensorSimConfig,
    readonly startTime: number,
    seed: number | string,
  ) {
    this.seed = seedFrom(seed);
    this.prng = createPrng(this.seed);
    this.sensors = config.ids.map((id) => {
      const offsets: Record<string, number> = {};
      const drift: Record<string, number> = {};
      for (const f of config.fields) {
        offsets[f] = (this.prng.next() * 2 - 1) * FIELD_MODELS[f].spread;
        drift[f] = 0;
      }
      return { id, seq: 0, offsets, drift, last: {}, incidents: 0 };
    });
  }

  /** Event time of the next reading. */
  get time(): number {
    return this.startTime + this.tickIndex * this.config.interval;
  }

  /** Ticks generated so far. */
  get ticks(): number {
    return this.tickIndex;
  }

  /** Readings held back for out-of-order or late delivery. */
  get held(): number {
    return this.queue.size;
  }

  /** Generates one reading per sensor and returns the readings due now, in delivery order. */
  tick(): SimReading[] {
    const time = this.time;
    const now = this.tickIndex;
    for (const sensor of this.sensors) {
      const reading = this.read(sensor, time);
      if (!reading) continue;
      const delayTicks = this.delayTicks();
      reading.delay = delayTicks * this.config.interval;
      if (delayTicks === 0 || !this.queue.hold(reading, now + delayTicks)) {
        reading.delay = 0;
        this.queue.hold(reading, now);
      }
    }
    this.tickIndex++;
    return this.queue.release(now);
  }

  /** Skips ahead without generating so the next reading is at or after `time` (after a pause). */
  resumeAt(time: number): void {
    const target = Math.floor((time - this.startTime) / this.config.interval);
    if (target > this.tickIndex) this.tickIndex = target;
  }

  /** Returns every held reading at once, e.g. when the run is stopped. */
  flush(): SimReading[] {
    return this.queue.drain();
  }

  private delayTicks(): number {
    const { disorder, lateRate, maxDelay, lateDelay, interval } = this.config;
    if (lateRate === 0 && disorder === 0) return 0;
    const r = this.prng.next();
    // Delivery happens on ticks, so a delay is rounded up to whole intervals (0 = in order).
    if (r < lateRate) return Math.ceil(lateDelay / interval);
    if (r < lateRate + disorder) return Math.ceil((this.prng.next() * maxDelay) / interval);
    return 0;
  }

  private read(sensor: SensorState, time: number): SimReading | undefined {
    const { config, prng } = this;
    if (!sensor.anomaly && config.anomalies.length > 0 && config.anomalyRate > 0 && prng.next() < config.anomalyRate) {
      sensor.anomaly = { ...this.startAnomaly(sensor), incident: ++sensor.incidents, since: time };
    }
    const anomaly = sensor.anomaly;
    sensor.seq++;
    const step = Math.sqrt(config.interval / HOUR_MS);
    const reversion = Math.max(0, 1 - config.interval / DRIFT_REVERSION_MS);
    const daily = config.seasonal ? Math.cos((2 * Math.PI * (((time - PEAK_MS) % DAY_MS) + DAY_MS)) / DAY_MS) : 0;
    const payload: Record<string, number> = {};
    for (const f of config.fields) {
      const m: FieldModel = FIELD_MODELS[f];
      sensor.drift[f] = sensor.drift[f] * reversion + prng.normal(0, m.driftPerHour * config.drift * step);
      const noise = prng.normal(0, m.noise * config.noise);
      let v = m.base + sensor.offsets[f] + m.dailyAmplitude * daily + sensor.drift[f] + noise;
      if (anomaly && anomaly.field === f) {
        if (anomaly.type === 'spike' || anomaly.type === 'shift') v += anomaly.value;
        else if (anomaly.type === 'stuck') v = anomaly.value;
        // A drift ramps linearly to its full offset; a variance change scales the same noise draw.
        else if (anomaly.type === 'drift') v += (anomaly.value * (anomaly.length - anomaly.remaining + 1)) / anomaly.length;
        else if (anomaly.type === 'variance') v += noise * (anomaly.value - 1);
      }
      // A glitch is the sensor's error code, deliberately outside the physical range.
      payload[f] = anomaly?.type === 'glitch' && anomaly.field === f ? anomaly.value : round(Math.min(m.max, Math.max(m.min, v)), m.decimals);
    }
    sensor.last = payload;
    let reading: SimReading | undefined = { key: sensor.id, time, payload, seq: sensor.seq, delay: 0 };
    if (anomaly) {
      if (anomaly.type === 'dropout') reading = undefined;
      else reading.anomaly = { type: anomaly.type, field: anomaly.field, incident: anomaly.incident, since: anomaly.since };
      if (--anomaly.remaining <= 0) sensor.anomaly = undefined;
    }
    return reading;
  }

  private startAnomaly(sensor: SensorState): Omit<ActiveAnomaly, 'incident' | 'since'> {
    const { prng, config } = this;
    const type = config.anomalies[prng.int(0, config.anomalies.length - 1)];
    const field = config.fields[prng.int(0, config.fields.length - 1)];
    const m = FIELD_MODELS[field];
    const sign = prng.next() < 0.5 ? -1 : 1;
    const a = ((): { remaining: number; value: number } => {
      switch (type) {
        case 'spike':
          return { remaining: 1, value: sign * m.spike * (0.8 + 0.4 * prng.next()) };
        case 'shift':
          return { remaining: prng.int(60, 300), value: sign * m.shift * (0.8 + 0.4 * prng.next()) };
        case 'stuck':
          return { remaining: prng.int(20, 120), value: sensor.last[field] ?? round(m.base + sensor.offsets[field], m.decimals) };
        case 'dropout':
          return { remaining: prng.int(10, 60), value: 0 };
        case 'glitch':
          return { remaining: 1, value: m.glitches[prng.int(0, m.glitches.length - 1)] };
        case 'drift':
          // A ramp to the size of a level shift, over one to five minutes of readings.
          return { remaining: prng.int(60, 300), value: sign * m.shift * (0.8 + 0.4 * prng.next()) };
        case 'variance':
          // The noise grows three- to five-fold: a loose connector, a failing bearing.
          return { remaining: prng.int(60, 300), value: 3 + 2 * prng.next() };
      }
    })();
    return { type, field, ...a, length: a.remaining };
  }
}
