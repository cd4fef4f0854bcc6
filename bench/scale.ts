/**
 * bench:scale — stateful windows scaled out on a Kafka consumer group.
 *
 * Node-RED processes of their own (test/support/kafka-flow-process.ts: stream-kafka-in →
 * stream-aggregate, tumbling count per key in event time → stream-kafka-out) against a real
 * Apache Kafka started through scripts/test-brokers (or the one named by KAFKA_BROKERS):
 * - throughput: a backlog on a topic of 4 partitions read by 1 process, by 2 in one group, and
 *   by 2 that share nothing (a topic of 2 partitions and a group each, half the keys and records
 *   each: what this machine and broker give two processes, the baseline for the group); after a
 *   warm-up run, BENCH_SCALE_REPEATS rounds (default 3) of the three, medians compared;
 * - faults: one process, a second joining mid-stream, leaving again (SIGTERM), then a SIGKILL of
 *   the first and a new one taking over; and a SIGKILL before the first checkpoint (a small
 *   backlog read by a process whose flow finishes no record, killed once it sent every result).
 * For each: events/s, windows exact / missing / partial (a result with a wrong count) /
 * duplicated (more than one result; repeats must carry msg.window.replay), and the time the
 * processes took to restore a partition's window state from the changelog.
 *
 * Throughput runs give two figures: from every process ready (deployed; the group join, the
 * rebalance when the second joins and the restores are inside the span) and steady, from the
 * moment every process has records reaching its flow (those outside); both end with the last
 * result (every record has been read and every window judged). The group's last commit follows
 * at the next checkpoint, every 2 s: a wait that does not depend on the work, printed apart, so
 * that the timer's phase does not decide the ratio of two processes to one. With them the CPU
 * time of each process and of the broker (when this command started it, or KAFKA_PID names it)
 * up to the last commit.
 *
 * Options: --json; BENCH_SCALE_EVENTS (records per throughput run, default 1800000: enough that
 * neither the group join and the rebalance nor each process's own warm-up decides the figure; in
 * its first 3-4 s of reading, a process's V8 helper threads, compiling its hot code, used about
 * as much CPU as its main thread, and later a quarter of it, so a run of 600,000 records, 5-6 s,
 * was mostly warm-up, and two processes each paid it),
 * BENCH_SCALE_FAULT_EVENTS (records per fault run, default 40000), BENCH_SCALE_REPEATS (rounds of
 * the throughput runs, default 3), BENCH_SCALE_ONLY=faults|throughput.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testKafka } from '../test/support/test-kafka';
import { runScaleScenario, type ScenarioResult } from '../test/support/scale-scenario';
import { brokerScript } from './broker-script';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const JSON_OUT = process.argv.includes('--json');
const EVENTS = Number(process.env.BENCH_SCALE_EVENTS || 1800000);
const FAULT_EVENTS = Number(process.env.BENCH_SCALE_FAULT_EVENTS || 40000);
const ONLY = process.env.BENCH_SCALE_ONLY;
const REPEATS = Math.max(1, Math.floor(Number(process.env.BENCH_SCALE_REPEATS || 3)));
const KEYS = 20;
const PARTITIONS = 4;
const WINDOWS = 10;
// The run killed before its first checkpoint finishes no record until the kill: a backlog under the pause limit (1000).
const EARLY_PER_WINDOW = 4;

/** The backlog runs: one process; two in one group; two sharing nothing (a topic and group each, half the records each). */
const THROUGHPUT_KINDS = [
  { name: 'one', label: 'backlog, 1 process', instances: 1, separate: false },
  { name: 'group2', label: 'backlog, 2 processes', instances: 2, separate: false },
  { name: 'separate2', label: 'backlog, 2 sharing nothing', instances: 2, separate: true },
] as const;

function median(xs: number[]): number | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function log(text: string): void {
  if (!JSON_OUT) process.stderr.write(text + '\n');
}

function brokers(state: string, action: 'start' | 'stop', names: string[]): Record<string, string> {
  return brokerScript(state, action, names, JSON_OUT);
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function row(label: string, r: ScenarioResult): string {
  const restore = r.restoreMsPerPartition.length
    ? `${round(Math.min(...r.restoreMsPerPartition), 0)}–${round(Math.max(...r.restoreMsPerPartition), 0)} ms`
    : '—';
  return [
    label.padEnd(34),
    String(r.records).padStart(7),
    String(Math.round(r.eventsPerSecond)).padStart(9),
    `${r.exact}/${r.windows}`.padStart(9),
    String(r.missing).padStart(8),
    String(r.partial).padStart(8),
    String(r.duplicated).padStart(11),
    String(r.unmarkedDuplicates).padStart(9),
    restore.padStart(14),
  ].join(' ');
}

async function main(): Promise<void> {
  let state: string | undefined;
  let brokerList = process.env.KAFKA_BROKERS;
  let brokerPid = process.env.KAFKA_PID ? Number(process.env.KAFKA_PID) : undefined;
  if (!brokerList) {
    state = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-bench-scale-'));
    log('starting Kafka…');
    brokerList = brokers(state, 'start', ['kafka']).KAFKA_BROKERS;
    const pidFile = path.join(state, 'kafka.pid');
    if (fs.existsSync(pidFile)) brokerPid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  }
  const kafka = testKafka(brokerList, 'bench-scale');
  const runs: Record<string, ScenarioResult[]> = {};
  const results: Record<string, ScenarioResult> = {};
  const perWindow = Math.max(1, Math.round(EVENTS / (KEYS * WINDOWS)));
  const faultPerWindow = Math.max(1, Math.round(FAULT_EVENTS / (KEYS * WINDOWS)));
  const run = (
    name: string,
    o: { instances: number; faults?: boolean; rebalance?: boolean; killBeforeCheckpoint?: boolean; separate?: boolean; perWindow?: number },
  ) =>
    runScaleScenario({
      kafka,
      brokers: brokerList!,
      name: `bench-${name}-${process.pid}-${Date.now().toString(36)}`,
      partitions: PARTITIONS,
      keys: KEYS,
      perWindow: o.perWindow ?? (o.killBeforeCheckpoint ? EARLY_PER_WINDOW : o.faults ? faultPerWindow : perWindow),
      windows: WINDOWS,
      instances: o.instances,
      faults: o.faults ?? false,
      rebalance: o.rebalance,
      killBeforeCheckpoint: o.killBeforeCheckpoint,
      separate: o.separate,
      brokerPid,
      timeout: Number(process.env.BENCH_SCALE_TIMEOUT || 600000),
    });
  try {
    if (ONLY !== 'faults') {
      // A broker's first minutes of work are also its JIT's: measured here, a fresh broker spent
      // 2.0 CPU-s on the first backlog and 0.4-0.7 on later ones. Not reported.
      log('warm-up (not reported)…');
      await run('warm', { instances: 1, perWindow: Math.max(1, Math.round(perWindow / 5)) });
      // Every kind in turn, the order reversed each round, so a drift of the machine or broker
      // over the runs falls on all kinds alike.
      for (let r = 0; r < REPEATS; r++) {
        for (const kind of r % 2 === 0 ? THROUGHPUT_KINDS : [...THROUGHPUT_KINDS].reverse()) {
          log(`${kind.label} (${r + 1}/${REPEATS})…`);
          (runs[kind.name] ??= []).push(await run(kind.name, { instances: kind.instances, separate: kind.separate }));
        }
      }
    }
    if (ONLY !== 'throughput') {
      log('SIGKILL before the first checkpoint…');
      results.early = await run('early', { instances: 1, faults: true, killBeforeCheckpoint: true });
      log('SIGKILL…');
      results.crash = await run('crash', { instances: 1, faults: true });
      log('join, leave and SIGKILL…');
      results.faults = await run('faults', { instances: 1, faults: true, rebalance: true });
    }
  } finally {
    if (state) brokers(state, 'stop', ['--clean']);
  }
  const medianOf = (name: string, measure: (r: ScenarioResult) => number | undefined) =>
    median((runs[name] ?? []).map(measure).filter((x): x is number => x !== undefined));
  const ratio = (a: string, b: string, measure: (r: ScenarioResult) => number | undefined) => {
    const x = medianOf(a, measure);
    const y = medianOf(b, measure);
    return x !== undefined && y !== undefined ? round(x / y, 2) : undefined;
  };
  const overall = (r: ScenarioResult) => r.eventsPerSecond;
  const steady = (r: ScenarioResult) => r.steadyEventsPerSecond;
  const ratios = {
    twoOverOne: ratio('group2', 'one', overall),
    twoOverOneSteady: ratio('group2', 'one', steady),
    separateOverOne: ratio('separate2', 'one', overall),
    separateOverOneSteady: ratio('separate2', 'one', steady),
    groupOverSeparate: ratio('group2', 'separate2', overall),
    groupOverSeparateSteady: ratio('group2', 'separate2', steady),
  };
  const meta = {
    keys: KEYS,
    partitions: PARTITIONS,
    windows: WINDOWS,
    perWindow,
    faultPerWindow,
    repeats: REPEATS,
    node: process.version,
    cpus: os.cpus().length,
  };
  if (JSON_OUT) {
    console.log(JSON.stringify({ ...meta, throughput: runs, results, ...ratios }, null, 2));
    return;
  }
  console.log(
    `scale-out benchmark: ${KEYS} keys on ${PARTITIONS} partitions, ${WINDOWS} tumbling windows per key of ${perWindow} records (backlog runs) or ${faultPerWindow} (fault runs), one Node-RED process each; ${os.cpus().length} CPUs, Node ${process.version}`,
  );
  console.log(
    [
      'run'.padEnd(34),
      'records'.padStart(7),
      'events/s'.padStart(9),
      'exact'.padStart(9),
      'missing'.padStart(8),
      'partial'.padStart(8),
      'duplicated'.padStart(11),
      'unmarked'.padStart(9),
      'restore/part.'.padStart(14),
    ].join(' '),
  );
  for (const kind of THROUGHPUT_KINDS) (runs[kind.name] ?? []).forEach((r, i) => console.log(row(`${kind.label} #${i + 1}`, r)));
  if (results.early) console.log(row('SIGKILL before 1st checkpoint', results.early));
  if (results.crash) console.log(row('SIGKILL (live stream)', results.crash));
  if (results.faults) console.log(row('join, leave, SIGKILL (live stream)', results.faults));
  const cpu = (r: ScenarioResult) =>
    `CPU ${r.cpuSecondsPerProcess.map((c) => c.toFixed(1)).join(' + ') || '?'} s (process${r.cpuSecondsPerProcess.length > 1 ? 'es' : ''}), broker ${r.brokerCpuSeconds === undefined ? '?' : r.brokerCpuSeconds.toFixed(1)} s, in ${r.seconds.toFixed(1)} s; last commit ${r.commitAfterLastResultMs === undefined ? '?' : Math.round(r.commitAfterLastResultMs)} ms after the last result`;
  for (const kind of THROUGHPUT_KINDS) {
    (runs[kind.name] ?? []).forEach((r, i) =>
      console.log(
        `${`${kind.label} #${i + 1}`.padEnd(34)} steady ${r.steadyEventsPerSecond === undefined ? '?' : Math.round(r.steadyEventsPerSecond)} events/s; ${cpu(r)}`,
      ),
    );
  }
  const x = (v: number | undefined) => (v === undefined ? '?' : `${v}×`);
  if (runs.one?.length) {
    console.log(`medians of ${REPEATS} runs each; overall (from every process deployed: join, rebalance and restore inside) / steady (every process reading):`);
    console.log(`  2 processes in one group / 1 process:       ${x(ratios.twoOverOne)} / ${x(ratios.twoOverOneSteady)}`);
    console.log(
      `  2 processes sharing nothing / 1 process:    ${x(ratios.separateOverOne)} / ${x(ratios.separateOverOneSteady)}   (what this machine gives two processes)`,
    );
    console.log(
      `  2 processes in one group / 2 sharing nothing: ${x(ratios.groupOverSeparate)} / ${x(ratios.groupOverSeparateSteady)}   (what the group itself costs)`,
    );
  }
  for (const name of ['early', 'crash', 'faults']) {
    const r = results[name];
    if (r && Object.keys(r.notExact).length) console.log(`${name}, not exactly once (key@window: counts, r = marked replay): ${JSON.stringify(r.notExact)}`);
  }
  console.log(
    'events/s of the backlog runs: from every process deployed to the last result (group join, rebalance and restore inside); of the fault runs: to the last commit, including the waits between their steps. "unmarked" counts repeated results without msg.window.replay. "sharing nothing": each of the two processes reads a topic and group of its own, with half the partitions, keys and records.',
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
