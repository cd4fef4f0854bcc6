/**
 * bench:scale — stateful windows scaled out on a Kafka consumer group.
 *
 * Node-RED processes of their own (test/support/kafka-flow-process.ts: stream-kafka-in →
 * stream-aggregate, tumbling count per key in event time → stream-kafka-out) against a real
 * Apache Kafka started through scripts/test-brokers (or the one named by KAFKA_BROKERS):
 * - throughput: a backlog on a topic of 4 partitions read by 1, then by 2 processes, from the
 *   first process ready until the group has committed every record (every result written);
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
 * Options: --json; BENCH_SCALE_EVENTS (records per throughput run, default 600000: enough that the group join and the rebalance do not decide the figure),
 * BENCH_SCALE_FAULT_EVENTS (records per fault run, default 40000), BENCH_SCALE_ONLY=faults|throughput.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testKafka } from '../test/support/test-kafka';
import { runScaleScenario, type ScenarioResult } from '../test/support/scale-scenario';
import { brokerScript } from './broker-script';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const JSON_OUT = process.argv.includes('--json');
const EVENTS = Number(process.env.BENCH_SCALE_EVENTS || 600000);
const FAULT_EVENTS = Number(process.env.BENCH_SCALE_FAULT_EVENTS || 40000);
const ONLY = process.env.BENCH_SCALE_ONLY;
const KEYS = 20;
const PARTITIONS = 4;
const WINDOWS = 10;
// The run killed before its first checkpoint finishes no record until the kill: a backlog under the pause limit (1000).
const EARLY_PER_WINDOW = 4;

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
  const results: Record<string, ScenarioResult> = {};
  const perWindow = Math.max(1, Math.round(EVENTS / (KEYS * WINDOWS)));
  const faultPerWindow = Math.max(1, Math.round(FAULT_EVENTS / (KEYS * WINDOWS)));
  const run = (name: string, instances: number, faults: boolean, rebalance = false, killBeforeCheckpoint = false) =>
    runScaleScenario({
      kafka,
      brokers: brokerList!,
      name: `bench-${name}-${process.pid}-${Date.now().toString(36)}`,
      partitions: PARTITIONS,
      keys: KEYS,
      perWindow: killBeforeCheckpoint ? EARLY_PER_WINDOW : faults ? faultPerWindow : perWindow,
      windows: WINDOWS,
      instances,
      faults,
      rebalance,
      killBeforeCheckpoint,
      brokerPid,
      timeout: Number(process.env.BENCH_SCALE_TIMEOUT || 600000),
    });
  try {
    if (ONLY !== 'faults') {
      for (const n of [1, 2]) {
        log(`throughput, ${n} process(es)…`);
        results[`throughput${n}`] = await run(`t${n}`, n, false);
      }
    }
    if (ONLY !== 'throughput') {
      log('SIGKILL before the first checkpoint…');
      results.early = await run('early', 1, true, false, true);
      log('SIGKILL…');
      results.crash = await run('crash', 1, true);
      log('join, leave and SIGKILL…');
      results.faults = await run('faults', 1, true, true);
    }
  } finally {
    if (state) brokers(state, 'stop', ['--clean']);
  }
  const t1 = results.throughput1;
  const t2 = results.throughput2;
  const ratio = t1 && t2 ? round(t2.eventsPerSecond / t1.eventsPerSecond, 2) : undefined;
  const steadyRatio = t1?.steadyEventsPerSecond && t2?.steadyEventsPerSecond ? round(t2.steadyEventsPerSecond / t1.steadyEventsPerSecond, 2) : undefined;
  const meta = { keys: KEYS, partitions: PARTITIONS, windows: WINDOWS, perWindow, faultPerWindow, node: process.version, cpus: os.cpus().length };
  if (JSON_OUT) {
    console.log(JSON.stringify({ ...meta, results, twoOverOne: ratio, twoOverOneSteady: steadyRatio }, null, 2));
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
  if (results.throughput1) console.log(row('backlog, 1 process', results.throughput1));
  if (results.throughput2) console.log(row('backlog, 2 processes', results.throughput2));
  if (results.early) console.log(row('SIGKILL before 1st checkpoint', results.early));
  if (results.crash) console.log(row('SIGKILL (live stream)', results.crash));
  if (results.faults) console.log(row('join, leave, SIGKILL (live stream)', results.faults));
  const cpu = (r: ScenarioResult) =>
    `CPU ${r.cpuSecondsPerProcess.map((c) => c.toFixed(1)).join(' + ') || '?'} s (process${r.cpuSecondsPerProcess.length > 1 ? 'es' : ''}), broker ${r.brokerCpuSeconds === undefined ? '?' : r.brokerCpuSeconds.toFixed(1)} s, in ${r.seconds.toFixed(1)} s; last commit ${r.commitAfterLastResultMs === undefined ? '?' : Math.round(r.commitAfterLastResultMs)} ms after the last result`;
  for (const [label, r] of [
    ['backlog, 1 process', t1],
    ['backlog, 2 processes', t2],
  ] as const) {
    if (r)
      console.log(
        `${label.padEnd(22)} steady (every process reading) ${r.steadyEventsPerSecond === undefined ? '?' : Math.round(r.steadyEventsPerSecond)} events/s; ${cpu(r)}`,
      );
  }
  if (ratio !== undefined)
    console.log(`2 processes / 1 process: ${ratio}× with the join, rebalance and restore in the timed span, ${steadyRatio ?? '?'}× steady`);
  for (const name of ['early', 'crash', 'faults']) {
    const r = results[name];
    if (r && Object.keys(r.notExact).length) console.log(`${name}, not exactly once (key@window: counts, r = marked replay): ${JSON.stringify(r.notExact)}`);
  }
  console.log(
    'events/s of the backlog runs: from every process deployed to the last result (group join, rebalance and restore inside); of the fault runs: to the last commit, including the waits between their steps. "unmarked" counts repeated results without msg.window.replay.',
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
