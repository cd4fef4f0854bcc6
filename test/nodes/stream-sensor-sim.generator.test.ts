import { strict as assert } from 'assert';
import fc from 'fast-check';
import { ConfigError } from '../../src/core/errors';
import { createPrng, parseSensorSimConfig, RawSensorSimConfig, SensorSimulator, SimReading, FIELD_MODELS } from '../../src/core/sensor-sim';

const START = Date.UTC(2026, 0, 1, 0, 0, 0);
const quiet: RawSensorSimConfig = { noise: 0, drift: 0, seasonal: false, anomalyRate: 0 };

function run(raw: RawSensorSimConfig, ticks: number, seed: number | string = 42, start = START): SimReading[] {
  const sim = new SensorSimulator(parseSensorSimConfig(raw), start, seed);
  const out: SimReading[] = [];
  for (let i = 0; i < ticks; i++) out.push(...sim.tick());
  return out.concat(sim.flush());
}

describe('sensor simulator (pure generator)', () => {
  it('replays exactly from the same seed and start time, and differs for another seed', () => {
    const raw: RawSensorSimConfig = { sensors: 4, fields: 'temperature,humidity,co2', anomalyRate: 0.05, disorder: 0.2, lateRate: 0.02, lateDelay: '10s' };
    const a = run(raw, 200, 'plant-7');
    const b = run(raw, 200, 'plant-7');
    const c = run(raw, 200, 'plant-8');
    assert.deepEqual(a, b);
    assert.notDeepEqual(
      a.map((r) => r.payload),
      c.map((r) => r.payload),
    );
  });

  it('emits one reading per sensor per tick, stamped start + k × interval, keyed by sensor id', () => {
    const readings = run({ ...quiet, sensors: 3, idPrefix: 'room-', interval: '250ms' }, 4);
    assert.equal(readings.length, 12);
    assert.deepEqual(
      readings.slice(0, 3).map((r) => r.key),
      ['room-1', 'room-2', 'room-3'],
    );
    assert.deepEqual([...new Set(readings.map((r) => r.time))], [START, START + 250, START + 500, START + 750]);
    assert.deepEqual(
      readings.filter((r) => r.key === 'room-2').map((r) => r.seq),
      [1, 2, 3, 4],
    );
    for (const r of readings) assert.deepEqual(Object.keys(r.payload), ['temperature', 'humidity']);
  });

  it('uses explicit ids when given', () => {
    const readings = run({ ...quiet, ids: 'boiler, chiller' }, 1);
    assert.deepEqual(
      readings.map((r) => r.key),
      ['boiler', 'chiller'],
    );
  });

  it('without noise, drift, season or anomalies holds each sensor at its own constant level near the base', () => {
    const readings = run({ ...quiet, sensors: 5, fields: 'temperature' }, 20);
    for (let s = 1; s <= 5; s++) {
      const values = new Set(readings.filter((r) => r.key === `sensor-${s}`).map((r) => r.payload.temperature));
      assert.equal(values.size, 1);
      const [v] = values;
      assert.ok(Math.abs(v - FIELD_MODELS.temperature.base) <= FIELD_MODELS.temperature.spread + 0.01, `level ${v}`);
    }
  });

  it('follows a daily cycle: warmest mid-afternoon UTC, coolest before dawn', () => {
    const at = (hour: number) =>
      run({ ...quiet, seasonal: true, sensors: 1, fields: 'temperature' }, 1, 1, Date.UTC(2026, 0, 1, hour)).map((r) => r.payload.temperature)[0];
    const amplitude = FIELD_MODELS.temperature.dailyAmplitude;
    assert.ok(Math.abs(at(15) - at(3) - 2 * amplitude) < 0.02, `15:00 ${at(15)} vs 03:00 ${at(3)}`);
  });

  it('keeps noise at its configured scale', () => {
    const values = run({ ...quiet, noise: 2, sensors: 1, fields: 'temperature' }, 2000).map((r) => r.payload.temperature);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    assert.ok(Math.abs(sd - 2 * FIELD_MODELS.temperature.noise) < 0.05, `sd ${sd}`);
  });

  it('injects spikes that stand far out of the normal level and marks them', () => {
    const base = run({ ...quiet, sensors: 1, fields: 'temperature' }, 1)[0].payload.temperature;
    const spikes = run({ ...quiet, anomalyRate: 1, anomalies: 'spike', sensors: 1, fields: 'temperature' }, 50);
    assert.equal(spikes.length, 50);
    spikes.forEach((r, i) => {
      // One spike per reading: each is its own incident, starting at its own reading.
      assert.deepEqual(r.anomaly, { type: 'spike', field: 'temperature', incident: i + 1, since: r.time });
      assert.ok(Math.abs(r.payload.temperature - base) >= 0.8 * FIELD_MODELS.temperature.spike - 0.01);
    });
  });

  it('drifts ramp linearly to about a level shift; noise bursts widen the spread; both mark one incident', () => {
    const base = run({ ...quiet, sensors: 1, fields: 'temperature' }, 1)[0].payload.temperature;
    const drift = run({ ...quiet, anomalyRate: 1, anomalies: 'drift', sensors: 1, fields: 'temperature' }, 60);
    assert.ok(drift.every((r) => r.anomaly?.type === 'drift' && r.anomaly.incident === 1 && r.anomaly.since === drift[0].time));
    const offsets = drift.map((r) => Math.abs(r.payload.temperature - base));
    for (let i = 1; i < offsets.length; i++) assert.ok(offsets[i] >= offsets[i - 1] - 0.011, `ramp grows at ${i}`);
    assert.ok(offsets[0] < 0.1 * FIELD_MODELS.temperature.shift, `starts small: ${offsets[0]}`);
    const noisy = { ...quiet, noise: 1, sensors: 1, fields: 'temperature', seed: 3 };
    const calm = run(noisy, 300).map((r) => r.payload.temperature);
    const burst = run({ ...noisy, anomalyRate: 1, anomalies: 'variance' }, 60).map((r) => r.payload.temperature);
    const sd = (xs: number[]): number => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    };
    assert.ok(sd(burst) > 2.5 * sd(calm), `burst sd ${sd(burst)} vs ${sd(calm)}`);
  });

  it('level shifts hold one offset for many readings; stuck sensors repeat one value', () => {
    const shifted = run({ ...quiet, anomalyRate: 1, anomalies: 'shift', sensors: 1, fields: 'humidity' }, 40);
    assert.equal(new Set(shifted.map((r) => r.payload.humidity)).size, 1);
    assert.ok(shifted.every((r) => r.anomaly?.type === 'shift'));
    const stuck = run({ anomalyRate: 1, anomalies: 'stuck', sensors: 1, fields: 'temperature', seasonal: false }, 15);
    const flagged = stuck.filter((r) => r.anomaly?.type === 'stuck');
    assert.ok(flagged.length >= 14);
    assert.equal(new Set(flagged.map((r) => r.payload.temperature)).size, 1);
  });

  it('glitches report an error code outside the physical range, one reading at a time', () => {
    const readings = run({ ...quiet, anomalyRate: 1, anomalies: 'glitch', sensors: 1, fields: 'temperature' }, 20);
    assert.equal(readings.length, 20);
    for (const r of readings) {
      assert.deepEqual({ type: r.anomaly?.type, field: r.anomaly?.field }, { type: 'glitch', field: 'temperature' });
      assert.ok(FIELD_MODELS.temperature.glitches.includes(r.payload.temperature));
      assert.ok(r.payload.temperature < -50 || r.payload.temperature > 100);
    }
  });

  it('dropouts leave gaps in the sequence numbers and send nothing', () => {
    const readings = run({ ...quiet, anomalyRate: 0.05, anomalies: 'dropout', sensors: 2 }, 400);
    assert.ok(readings.length < 800);
    for (const id of ['sensor-1', 'sensor-2']) {
      const seqs = readings.filter((r) => r.key === id).map((r) => r.seq);
      assert.ok(
        seqs.some((s, i) => i > 0 && s - seqs[i - 1] > 1),
        `${id} has a gap`,
      );
      assert.ok(readings.every((r) => r.anomaly === undefined));
    }
  });

  it('late readings arrive exactly lateDelay after the readings generated with them', () => {
    const sim = new SensorSimulator(parseSensorSimConfig({ ...quiet, sensors: 1, lateRate: 1, lateDelay: '3s', interval: '1s' }), START, 7);
    const deliveries = Array.from({ length: 8 }, () => sim.tick().map((r) => r.time));
    assert.deepEqual(deliveries, [[], [], [], [START], [START + 1000], [START + 2000], [START + 3000], [START + 4000]]);
    assert.equal(sim.held, 3);
  });

  it('out of order with maxDelay 0 delivers in order (a delay rounds up to whole intervals only when there is one)', () => {
    const readings = run({ ...quiet, sensors: 2, disorder: 1, maxDelay: 0 }, 5);
    assert.ok(readings.every((r) => r.delay === 0));
    assert.deepEqual(
      readings.map((r) => r.time),
      [...readings.map((r) => r.time)].sort((a, b) => a - b),
    );
  });

  it('out-of-order delivery delays readings by at most maxDelay and loses none (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 5000 }), (seed, disorder, maxDelay) => {
        const sim = new SensorSimulator(parseSensorSimConfig({ ...quiet, sensors: 3, disorder, maxDelay, interval: '500ms' }), START, seed);
        const seen: SimReading[] = [];
        for (let tick = 0; tick < 60; tick++) {
          for (const r of sim.tick()) {
            const delivered = START + tick * 500;
            assert.ok(delivered - r.time <= Math.ceil(maxDelay / 500) * 500, 'delay within bound');
            assert.equal(delivered - r.time, r.delay);
            seen.push(r);
          }
        }
        seen.push(...sim.flush());
        assert.equal(seen.length, 180);
        assert.equal(new Set(seen.map((r) => `${r.key}/${r.seq}`)).size, 180);
      }),
      { numRuns: 100 },
    );
  });

  it('resumeAt skips ahead without replaying the pause', () => {
    const sim = new SensorSimulator(parseSensorSimConfig({ ...quiet, sensors: 1 }), START, 1);
    sim.tick();
    sim.resumeAt(START + 60_000);
    assert.equal(sim.tick()[0].time, START + 60_000);
    sim.resumeAt(START); // never goes back
    assert.equal(sim.tick()[0].time, START + 61_000);
  });

  it('the PRNG is uniform enough and its normals have mean 0 and sd 1', () => {
    const prng = createPrng(123);
    const n = 20000;
    let sum = 0;
    let sq = 0;
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < n; i++) {
      buckets[Math.floor(prng.next() * 10)]++;
      const z = prng.normal();
      sum += z;
      sq += z * z;
    }
    for (const b of buckets) assert.ok(Math.abs(b - n / 10) < n / 50, `bucket ${b}`);
    assert.ok(Math.abs(sum / n) < 0.03);
    assert.ok(Math.abs(Math.sqrt(sq / n) - 1) < 0.03);
  });

  describe('config', () => {
    it('reads durations in the project format', () => {
      assert.equal(parseSensorSimConfig({ interval: '1h30m' }).interval, 5_400_000);
      assert.equal(parseSensorSimConfig({ interval: '250' }).interval, 250);
      assert.equal(parseSensorSimConfig({ lateDelay: 0 }).lateDelay, 0);
    });

    const bad: Array<[RawSensorSimConfig, string]> = [
      [{ interval: '5ms' }, 'interval'],
      [{ interval: 'often' }, 'interval'],
      [{ sensors: 0 }, 'sensors'],
      [{ sensors: 2.5 }, 'sensors'],
      [{ fields: 'temperature,wind' }, 'fields'],
      [{ anomalyRate: 2 }, 'anomalyRate'],
      [{ anomalies: 'spike,flood' }, 'anomalies'],
      [{ fields: '', ids: 'a', anomalies: 'glitch,shift', noise: 'loud' }, 'noise'],
      [{ disorder: '-0.1' }, 'disorder'],
      [{ startTime: 'yesterday' }, 'startTime'],
      [{ ids: 'a,b,a' }, 'ids'],
    ];
    for (const [raw, field] of bad) {
      it(`rejects ${JSON.stringify(raw)} naming ${field}`, () => {
        assert.throws(
          () => parseSensorSimConfig(raw),
          (err: unknown) => err instanceof ConfigError && err.field === field && err.message.startsWith(`${field}: `),
        );
      });
    }

    it('fills in defaults for an empty dialog', () => {
      const c = parseSensorSimConfig({});
      assert.deepEqual(c.ids, ['sensor-1', 'sensor-2', 'sensor-3']);
      assert.deepEqual(c.fields, ['temperature', 'humidity']);
      assert.equal(c.interval, 1000);
      assert.equal(c.autoStart, true);
      assert.equal(c.seed, undefined);
      assert.equal(parseSensorSimConfig({ startTime: '2026-01-01T00:00:00Z' }).startTime, START);
    });
  });
});
