/**
 * Labelled IoT detection benchmark on the sensor simulator.
 *
 *   npm run bench:detect [-- --json] [-- --seeds 3] [-- --kinds spike,shift] [-- --rates 1Hz]
 *
 * The simulator knows which readings carry an injected anomaly (and which readings a dropout
 * swallowed), so every incident has a ground truth: its kind, its first reading and its last.
 * For each anomaly kind, at one reading per second and per minute, over several seeds and four
 * kinds of sensor (temperature, humidity, pressure, vibration: realistic noise, a daily cycle and
 * slow wander), it runs the default detector exactly as stream-detect runs it (the keyed detector
 * with pattern auto, silence checked on the simulator's clock every reading interval) and, in the
 * same run, a trailing z-score baseline (mean and standard deviation of the last 1000 readings,
 * the same false-alert budget turned into a z limit, one alert per excursion). It prints per kind:
 *  - recall: incidents with an alert raised between their first reading and GRACE readings after
 *    their last; "kind ok": the share of those whose first alert names the right kind;
 *  - detection delay from the incident's first reading to its alert: median and p95, in readings
 *    and in seconds;
 *  - false alerts: alerts outside every incident (and its grace), per sensor-day of readings
 *    outside incidents.
 * A separate anomaly-free run (noise, cycles and wander only) gives the false alerts per sensor
 * per week, the figure the default budget (one per sensor per week) promises.
 */
import { KeyedDetector, NumberRing, normalQuantileAbove, DEFAULT_FALSE_ALERTS_PER_WEEK } from '../src/core/detectors';
import { SensorSimulator, parseSensorSimConfig, AnomalyType } from '../src/core/sensor-sim';

const FIELDS = ['temperature', 'humidity', 'pressure', 'vibration'];
const KINDS: AnomalyType[] = ['spike', 'shift', 'stuck', 'dropout', 'drift', 'variance'];
/** What the detector should call each injected kind. */
const EXPECTED_KIND: Record<string, string[]> = {
  spike: ['spike', 'dip'],
  shift: ['shift'],
  stuck: ['stuck'],
  dropout: ['silence'],
  drift: ['drift'],
  variance: ['variance'],
};
const RATES = [
  { name: '1 Hz', interval: 1000, readings: 20000, cleanDays: 1 },
  { name: '1/min', interval: 60000, readings: 20000, cleanDays: 14 },
];
const SENSORS = 2;
// Readings after an incident's last one in which an alert still counts as catching it.
const GRACE = 10;
// Readings at the start of a run that are not judged (the detector's first readings).
const WARM_UP = 300;
const ANOMALY_RATE = 1 / 1200;
const TARGETS: Record<string, { recall: number; delay?: number }> = {
  spike: { recall: 0.95, delay: 1 },
  shift: { recall: 0.95, delay: 5 },
  stuck: { recall: 0.95 },
  dropout: { recall: 0.95 },
  drift: { recall: 0.8 },
  variance: { recall: 0.8 },
};

interface Truth {
  key: string;
  kind: string;
  start: number;
  end: number;
}

interface Alert {
  key: string;
  time: number;
  kind: string;
}

interface RunResult {
  truths: Truth[];
  alerts: Record<string, Alert[]>;
  /** Per key: event time of first and last reading. */
  span: Map<string, [number, number]>;
}

type Detector = { name: string; update(key: string, time: number, value: number): Alert | undefined; idle(now: number): Alert[] };

function defaultDetector(): Detector {
  const keyed = new KeyedDetector({ pattern: 'auto' });
  const alert = (key: string, time: number, step: ReturnType<KeyedDetector['update']>): Alert | undefined =>
    step && step.transition === 'start' ? { key, time, kind: String(step.detection.details.kind) } : undefined;
  return {
    name: 'auto',
    update: (key, time, value) => alert(key, time, keyed.update(key, time, value)),
    idle: (now) =>
      keyed
        .idle(now)
        .map(({ key, step }) => alert(key, now, step)!)
        .filter(Boolean),
  };
}

/** Trailing z-score over 1000 readings; the same budget per reading as the default, one alert per excursion. */
function baselineDetector(interval: number): Detector {
  const p = (DEFAULT_FALSE_ALERTS_PER_WEEK * interval) / (7 * 86400000);
  const limit = normalQuantileAbove(p / 2);
  const keys = new Map<string, { ring: NumberRing; quiet: number; open: boolean }>();
  return {
    name: 'trailingZ',
    update(key, time, value) {
      let k = keys.get(key);
      if (!k) keys.set(key, (k = { ring: new NumberRing(1000), quiet: 0, open: false }));
      let out: Alert | undefined;
      if (k.ring.length >= 30) {
        const z = Math.abs(value - k.ring.mean()) / Math.max(k.ring.std(), 1e-9);
        if (z >= limit) {
          k.quiet = 0;
          if (!k.open) {
            k.open = true;
            out = { key, time, kind: 'any' };
          }
        } else if (k.open && ++k.quiet >= GRACE) {
          k.open = false;
        }
      }
      k.ring.push(value);
      return out;
    },
    idle: () => [],
  };
}

/** Runs one simulator configuration through both detectors. */
function run(kind: AnomalyType | undefined, field: string, seed: number, interval: number, readings: number): RunResult {
  const config = parseSensorSimConfig({
    sensors: SENSORS,
    fields: field,
    interval,
    anomalyRate: kind ? ANOMALY_RATE : 0,
    anomalies: kind ?? 'spike',
    seed,
    startTime: 0,
  });
  const sim = new SensorSimulator(config, Date.UTC(2026, 0, 1), seed);
  const detectors = [defaultDetector(), baselineDetector(interval)];
  const alerts: Record<string, Alert[]> = { auto: [], trailingZ: [] };
  const truths: Truth[] = [];
  const open = new Map<string, Truth & { id?: number }>();
  const lastSeq = new Map<string, { seq: number; time: number }>();
  const span = new Map<string, [number, number]>();
  for (let t = 0; t < readings; t++) {
    const now = sim.time;
    for (const r of sim.tick()) {
      const key = r.key;
      const value = r.payload[field];
      const prev = lastSeq.get(key);
      // A gap in the sequence is a dropout: its missing readings are the incident.
      if (prev && r.seq > prev.seq + 1) truths.push({ key, kind: 'dropout', start: prev.time + interval, end: r.time - interval });
      lastSeq.set(key, { seq: r.seq, time: r.time });
      const sp = span.get(key);
      if (sp) sp[1] = r.time;
      else span.set(key, [r.time, r.time]);
      const a = r.anomaly;
      if (a && a.type !== 'dropout') {
        const cur = open.get(key);
        if (cur && cur.id === a.incident) cur.end = r.time;
        else {
          const tr: Truth & { id?: number } = { key, kind: a.type, start: a.since ?? r.time, end: r.time, id: a.incident };
          truths.push(tr);
          open.set(key, tr);
        }
      }
      for (const d of detectors) {
        const al = d.update(key, r.time, value);
        if (al) alerts[d.name].push(al);
      }
    }
    for (const d of detectors) for (const al of d.idle(now)) alerts[d.name].push(al);
  }
  return { truths, alerts, span };
}

interface KindStats {
  incidents: number;
  caught: number;
  kindOk: number;
  delays: number[];
  falseAlerts: number;
  cleanMs: number;
}

function judge(res: RunResult, detector: string, interval: number, into: KindStats): void {
  const warmEnd = new Map<string, number>();
  for (const [k, [a]] of res.span) warmEnd.set(k, a + WARM_UP * interval);
  const truths = res.truths.filter((t) => t.start >= (warmEnd.get(t.key) ?? 0));
  const alerts = res.alerts[detector].filter((a) => a.time >= (warmEnd.get(a.key) ?? 0));
  const used = new Set<Alert>();
  for (const t of truths) {
    into.incidents++;
    const hit = alerts.filter((a) => a.key === t.key && a.time >= t.start && a.time <= t.end + GRACE * interval);
    for (const h of hit) used.add(h);
    if (hit.length) {
      into.caught++;
      into.delays.push(hit[0].time - t.start);
      if (detector === 'trailingZ' || EXPECTED_KIND[t.kind].includes(hit[0].kind)) into.kindOk++;
    }
  }
  // Alerts inside any incident of their key (of whatever kind, e.g. a spike's own aftermath) are not false.
  const all = res.truths;
  for (const a of alerts) {
    if (used.has(a)) continue;
    if (all.some((t) => t.key === a.key && a.time >= t.start && a.time <= t.end + GRACE * interval)) continue;
    into.falseAlerts++;
  }
  for (const [k, [a, b]] of res.span) {
    const from = warmEnd.get(k)!;
    let ms = Math.max(0, b - from);
    for (const t of all) if (t.key === k && t.end >= from) ms -= Math.max(0, Math.min(b, t.end + GRACE * interval) - Math.max(from, t.start));
    into.cleanMs += Math.max(0, ms);
    void a;
  }
}

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const json = process.argv.includes('--json');
  const seeds = Array.from({ length: Number(option('--seeds') ?? 3) }, (_, i) => i + 1);
  const out: Record<string, unknown> = {
    seeds: seeds.length,
    sensors_per_run: SENSORS,
    fields: FIELDS,
    anomaly_rate: ANOMALY_RATE,
    grace_readings: GRACE,
    rates: {},
  };
  const lines: string[] = [];
  lines.push(
    `bench:detect — sensor simulator, ${seeds.length} seeds × ${FIELDS.length} fields (${FIELDS.join(', ')}) × ${SENSORS} sensors, anomalies injected at ${ANOMALY_RATE.toFixed(5)} per reading; default budget ${DEFAULT_FALSE_ALERTS_PER_WEEK} false alert per sensor per week`,
  );
  for (const rate of RATES.filter((r) => !option('--rates') || option('--rates')!.split(',').includes(r.name.replace(/\s/g, '')))) {
    const rateOut: Record<string, unknown> = {};
    lines.push('');
    lines.push(`${rate.name} (${rate.readings} readings per sensor and run; caught = alert from the first reading to ${GRACE} readings after the last)`);
    lines.push('kind       detector     incidents  recall  kind ok   delay median / p95 (readings)   (seconds)         false alerts / sensor-day');
    for (const kind of KINDS.filter((k) => !option('--kinds') || option('--kinds')!.split(',').includes(k))) {
      const stats: Record<string, KindStats> = {};
      for (const d of ['auto', 'trailingZ']) stats[d] = { incidents: 0, caught: 0, kindOk: 0, delays: [], falseAlerts: 0, cleanMs: 0 };
      for (const seed of seeds) {
        for (const field of FIELDS) {
          const res = run(kind, field, seed * 7919 + FIELDS.indexOf(field), rate.interval, rate.readings);
          for (const d of ['auto', 'trailingZ']) judge(res, d, rate.interval, stats[d]);
        }
      }
      const kindOut: Record<string, unknown> = {};
      for (const d of ['auto', 'trailingZ']) {
        const st = stats[d];
        const recall = st.caught / Math.max(1, st.incidents);
        const med = quantile(st.delays, 0.5) / rate.interval;
        const p95 = quantile(st.delays, 0.95) / rate.interval;
        const fpDay = st.falseAlerts / Math.max(1e-9, st.cleanMs / 86400000);
        const target = TARGETS[kind];
        const met =
          d === 'auto'
            ? `  target recall ≥ ${target.recall}${target.delay !== undefined ? `, median delay ≤ ${target.delay}` : ''}: ${recall >= target.recall && (target.delay === undefined || med <= target.delay) ? 'met' : 'NOT met'}`
            : '';
        lines.push(
          `${(d === 'auto' ? kind : '').padEnd(10)} ${d.padEnd(12)} ${String(st.incidents).padStart(9)}  ${recall.toFixed(3).padStart(6)}  ${d === 'auto' ? (st.kindOk / Math.max(1, st.caught)).toFixed(3).padStart(7) : '      –'}   ${fmt(med).padStart(8)} / ${fmt(p95).padEnd(8)}             ${fmt((med * rate.interval) / 1000).padStart(7)} / ${fmt((p95 * rate.interval) / 1000).padEnd(7)}  ${fpDay.toFixed(2).padStart(6)}${met}`,
        );
        kindOut[d] = {
          incidents: st.incidents,
          recall: round(recall, 3),
          kind_ok: d === 'auto' ? round(st.kindOk / Math.max(1, st.caught), 3) : null,
          delay_readings_median: med,
          delay_readings_p95: p95,
          delay_s_median: (med * rate.interval) / 1000,
          delay_s_p95: (p95 * rate.interval) / 1000,
          false_alerts_per_sensor_day: round(fpDay, 3),
        };
      }
      rateOut[kind] = kindOut;
    }
    // Anomaly-free streams: noise, daily cycle and slow wander only.
    const cleanReadings = Math.round((rate.cleanDays * 86400000) / rate.interval);
    const clean: Record<string, KindStats> = {};
    for (const d of ['auto', 'trailingZ']) clean[d] = { incidents: 0, caught: 0, kindOk: 0, delays: [], falseAlerts: 0, cleanMs: 0 };
    for (const seed of seeds) {
      for (const field of FIELDS) {
        const res = run(undefined, field, seed * 104729 + FIELDS.indexOf(field), rate.interval, cleanReadings);
        for (const d of ['auto', 'trailingZ']) judge(res, d, rate.interval, clean[d]);
      }
    }
    const sensorDays = clean.auto.cleanMs / 86400000;
    const cleanOut: Record<string, unknown> = { sensor_days: round(sensorDays, 1) };
    lines.push(`anomaly-free streams (${round(sensorDays, 1)} sensor-days: noise, daily cycle, slow wander): false alerts per sensor per week`);
    for (const d of ['auto', 'trailingZ']) {
      const perWeek = (clean[d].falseAlerts / sensorDays) * 7;
      cleanOut[d] = { false_alerts: clean[d].falseAlerts, per_sensor_week: round(perWeek, 3) };
      lines.push(
        `           ${d.padEnd(12)} ${String(clean[d].falseAlerts).padStart(9)} alerts  ${perWeek.toFixed(2)} per sensor-week${d === 'auto' && rate.interval === 1000 ? `  target ≤ 1: ${perWeek <= 1 ? 'met' : 'NOT met'}` : ''}`,
      );
    }
    rateOut.clean = cleanOut;
    (out.rates as Record<string, unknown>)[rate.name] = rateOut;
  }
  if (json) console.log(JSON.stringify(out));
  else console.log(lines.join('\n'));
}

function fmt(x: number): string {
  return Number.isNaN(x) ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(1);
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

main();
