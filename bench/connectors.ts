/**
 * Connector benchmark: events per second and end-to-end latency through MQTT and Kafka
 * connector flows in an embedded Node-RED runtime, next to the raw client rate measured in the
 * same run against the same brokers (mqtt.js publish → subscribe, kafkajs produce → consume).
 *
 * Flow: <connector in> → stream-aggregate (count windows of 10 events per key, avg/max/count)
 * → <connector out> → a plain client that receives the results. Each event carries its send
 * time; each result carries the latest send time of its window (max), so a result's latency is
 * from publishing the event that completed the window to receiving the result downstream.
 * Throughput is events that arrived (a result stands for its window's events) / (first send →
 * last arrival). Publishers send as fast as the client library takes messages, so latencies are
 * measured under full load. A warm-up run precedes the measured ones.
 *
 * A second table reads a backlog: KAFKA_N records already in a topic of 4 partitions, read by
 * stream-kafka-in with its default limit of unfinished messages, once per output mode, next to
 * a plain kafkajs consumer reading the same backlog. It shows the CPU time per event (the whole
 * process, from the first record the flow receives to the last result, and from the deploy on),
 * events/s, and the bytes the consumer fetched from the broker against the bytes the plain
 * consumer fetched (1.00× = every record read once). An unmeasured pair of flow runs comes first.
 *
 *   npm run bench:connectors            table
 *   npm run bench:connectors -- --json  one JSON object with the same figures
 *   BENCH_MQTT_N=20000 BENCH_KAFKA_N=100000 npm run bench:connectors
 *   BENCH_ONLY=backlog npm run bench:connectors   only the backlog table
 *   BENCH_BACKLOG_RUNS=9 npm run bench:connectors  the backlog pair 9 times (order alternating),
 *                                                  each run's ratio, their median and spread: one
 *                                                  run on a busy machine is noisy (default 7 with
 *                                                  BENCH_ONLY=backlog, else 1)
 *   BENCH_CPU_PROFILE=<dir> npm run bench:connectors  a CPU profile of each backlog flow run
 *                                                  (backlog-<output>-<run>.cpuprofile), to see
 *                                                  where one output mode spends its time
 *
 * Brokers are started and stopped through scripts/test-brokers (Mosquitto; Kafka from Maven).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as inspector from 'inspector';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as mqtt from 'mqtt';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { brokerScript } from './broker-script';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const RED = require('node-red');

const ROOT = path.join(__dirname, '..');
const JSON_OUT = process.argv.includes('--json');
const MQTT_N = Number(process.env.BENCH_MQTT_N || 20000);
const KAFKA_N = Number(process.env.BENCH_KAFKA_N || 50000);
/** BENCH_ONLY=backlog: only the Kafka backlog table (no MQTT, no end-to-end scenarios). */
const BACKLOG_ONLY = process.env.BENCH_ONLY === 'backlog';
const BACKLOG_RUNS = Math.max(1, Math.min(30, Math.floor(Number(process.env.BENCH_BACKLOG_RUNS || (BACKLOG_ONLY ? 7 : 1))) || 1));
const KEYS = 10;
const WINDOW = 10;
const CHUNK = 500;
const STATE = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-bench-brokers-'));

type Msg = Record<string, any>;

interface Figures {
  label: string;
  events: number;
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Events (raw) or results (flow) that arrived, of those expected. */
  received: number;
  expected: number;
  ratioToRaw?: number;
}

function log(text: string): void {
  if (!JSON_OUT) process.stderr.write(text + '\n');
}

function brokers(action: 'start' | 'stop', names: string[]): Record<string, string> {
  return brokerScript(STATE, action, names, JSON_OUT);
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Collects arrivals until `expected` came or nothing arrived for `quietMs`. */
class Receiver {
  latencies: number[] = [];
  last = 0;
  private resolve?: () => void;
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly expected: number,
    private readonly quietMs = 3000,
  ) {}

  arrive(sentAt: number): void {
    const now = performance.now();
    this.last = now;
    this.latencies.push(now - sentAt);
    if (this.latencies.length >= this.expected) this.finish();
  }

  done(): Promise<void> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      if (this.latencies.length >= this.expected) return this.finish();
      const check = () => {
        if (performance.now() - Math.max(this.last, start) > this.quietMs) this.finish();
        else this.timer = setTimeout(check, 100);
      };
      const start = performance.now();
      this.timer = setTimeout(check, 100);
    });
  }

  private finish(): void {
    if (this.timer) clearTimeout(this.timer);
    const r = this.resolve;
    this.resolve = undefined;
    r?.();
  }
}

function figures(label: string, events: number, expected: number, start: number, rx: Receiver): Figures {
  const sorted = rx.latencies.slice().sort((a, b) => a - b);
  const seconds = (rx.last - start) / 1000;
  // Only what arrived counts: a lost result stands for the events of its window.
  const arrivedEvents = (rx.latencies.length * events) / expected;
  return {
    label,
    events,
    eventsPerSec: Math.round(rx.latencies.length ? arrivedEvents / seconds : 0),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    received: rx.latencies.length,
    expected,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
const event = (i: number) => JSON.stringify({ v: ((i * 7919) % 1000) / 10, sent: performance.now() });
const keyOf = (i: number) => `sensor-${i % KEYS}`;
const tick = () => new Promise((r) => setImmediate(r));

// ---------------------------------------------------------------- MQTT

async function mqttRaw(url: string, qos: 0 | 1, n = MQTT_N): Promise<Figures> {
  const topic = `bench/raw/${qos}/${process.pid}`;
  const sub = await mqtt.connectAsync(url, { clean: true });
  const pub = await mqtt.connectAsync(url, { clean: true });
  const rx = new Receiver(n);
  sub.on('message', (_t, p) => rx.arrive(JSON.parse(p.toString()).sent));
  await sub.subscribeAsync(`${topic}/#`, { qos });
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    pub.publish(`${topic}/${keyOf(i)}`, event(i), { qos });
    if (i % CHUNK === CHUNK - 1) await tick();
  }
  await rx.done();
  await Promise.all([sub.endAsync(), pub.endAsync()]);
  return figures(`mqtt.js publish → subscribe, QoS ${qos}`, n, n, start, rx);
}

async function mqttFlow(url: string, qos: 0 | 1): Promise<Figures> {
  const base = `bench/flow/${qos}/${process.pid}`;
  await deploy([
    { id: 'mb', type: 'stream-mqtt-broker', url, protocolVersion: '4', reconnectPeriod: 1000 },
    {
      id: 'in',
      type: 'stream-mqtt-in',
      broker: 'mb',
      topic: `${base}/in/+`,
      qos: String(qos),
      format: 'json',
      keyFrom: 'level',
      keyLevel: '-1',
      timeFrom: 'arrival',
      wires: [['agg']],
    },
    aggregate('out'),
    { id: 'out', type: 'stream-mqtt-out', broker: 'mb', topic: `${base}/out`, qos: String(qos), queueSize: 100000 },
  ]);
  const sub = await mqtt.connectAsync(url, { clean: true });
  const expected = MQTT_N / WINDOW;
  const rx = new Receiver(expected);
  sub.on('message', (_t, p) => rx.arrive(JSON.parse(p.toString()).lastSent));
  await sub.subscribeAsync(`${base}/out`, { qos });
  await waitFor(() => connected.has('in') && connected.has('out'), 10000, 'the MQTT nodes to connect');
  const pub = await mqtt.connectAsync(url, { clean: true });
  const start = performance.now();
  for (let i = 0; i < MQTT_N; i++) {
    pub.publish(`${base}/in/${keyOf(i)}`, event(i), { qos });
    if (i % CHUNK === CHUNK - 1) await tick();
  }
  await rx.done();
  await Promise.all([sub.endAsync(), pub.endAsync()]);
  return figures(`stream-mqtt-in → stream-aggregate → stream-mqtt-out, QoS ${qos}`, MQTT_N, expected, start, rx);
}

// ---------------------------------------------------------------- Kafka

let kafka: Kafka;
let admin: Admin;
let producer: Producer;

async function createTopic(prefix: string, partitions: number): Promise<string> {
  const topic = `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  return topic;
}

async function groupStable(groupId: string, members: number): Promise<void> {
  await waitForAsync(
    async () => {
      const { groups } = await admin.describeGroups([groupId]);
      return groups[0].state === 'Stable' && groups[0].members.length === members;
    },
    30000,
    `consumer group ${groupId} to become stable`,
  );
}

async function produceAll(topic: string, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i += CHUNK) {
    const messages = [];
    for (let j = i; j < Math.min(n, i + CHUNK); j++) messages.push({ key: keyOf(j), value: event(j) });
    await producer.send({ topic, messages, acks: 1 });
  }
  return start;
}

async function kafkaRaw(n = KAFKA_N): Promise<Figures> {
  const topic = await createTopic('bench-raw', 2);
  const groupId = `bench-raw-${process.pid}-${n}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 50 });
  const rx = new Receiver(n);
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) rx.arrive(JSON.parse(m.value!.toString()).sent);
    },
  });
  await groupStable(groupId, 1);
  const start = await produceAll(topic, n);
  await rx.done();
  await consumer.disconnect();
  return figures('kafkajs produce → consume (eachBatch)', n, n, start, rx);
}

/**
 * Kafka in (`topics`, group `groupId`, one message per record or batches) → the aggregate → Kafka out
 * to `dst`; `inExtra` adds settings of the Kafka in node.
 */
function kafkaAggregateFlow(brokersList: string, topics: string, groupId: string, output: 'single' | 'batch', dst: string, inExtra: object = {}) {
  return [
    {
      id: 'kb',
      type: 'stream-kafka-broker',
      brokers: brokersList,
      clientId: 'bench',
      connectionTimeout: 1000,
      requestTimeout: 10000,
      retries: 3,
      initialRetryTime: 100,
      maxRetryTime: 2000,
    },
    {
      id: 'in',
      type: 'stream-kafka-in',
      broker: 'kb',
      topics,
      groupId,
      fromBeginning: true,
      format: 'json',
      keyFrom: 'record',
      timeFrom: 'record',
      commitMode: 'handled',
      output,
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      rebalanceTimeout: 3000,
      maxWaitTime: 50,
      ...inExtra,
      wires: [['agg']],
    },
    aggregate('out'),
    { id: 'out', type: 'stream-kafka-out', broker: 'kb', topic: dst, keyProperty: 'topic', acks: 'leader', batchSize: 1000, queueSize: 100000 },
  ];
}

const flowLabel = (output: 'single' | 'batch') =>
  `stream-kafka-in (${output === 'single' ? 'one message per record' : 'batch output'}) → stream-aggregate → stream-kafka-out`;

/** A consumer in group `groupId` that hands each aggregate result on `dst` to `rx` (by the send time of its last event). */
async function readResults(groupId: string, dst: string, rx: Receiver) {
  const reader = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 50 });
  await reader.connect();
  await reader.subscribe({ topics: [dst], fromBeginning: true });
  await reader.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) rx.arrive(JSON.parse(m.value!.toString()).lastSent);
    },
  });
  return reader;
}

async function kafkaFlow(brokersList: string, output: 'single' | 'batch'): Promise<Figures> {
  const src = await createTopic(`bench-${output}-in`, 2);
  const dst = await createTopic(`bench-${output}-out`, 1);
  const groupId = `bench-flow-${output}-${process.pid}`;
  await deploy(kafkaAggregateFlow(brokersList, src, groupId, output, dst, { maxInFlight: 20000 }));
  const expected = KAFKA_N / WINDOW;
  const rx = new Receiver(expected);
  const reader = await readResults(`${groupId}-reader`, dst, rx);
  await Promise.all([groupStable(groupId, 1), groupStable(`${groupId}-reader`, 1)]);
  const start = await produceAll(src, KAFKA_N);
  await rx.done();
  await reader.disconnect();
  return figures(flowLabel(output), KAFKA_N, expected, start, rx);
}

// ---------------------------------------------------------------- Kafka backlog

interface BacklogFigures {
  label: string;
  events: number;
  eventsPerSec: number;
  /** CPU of the whole process per event, from the first record in the flow to the last result. */
  cpuUsPerEvent: number;
  /** CPU per event from the deploy on: with connecting and joining the group, the same for both outputs. */
  cpuUsPerEventWithStart?: number;
  fetchedBytes: number;
  /** fetchedBytes / the plain consumer's fetched bytes. */
  bytesVsPlain?: number;
  received: number;
  expected: number;
}

// Fetch response bytes per consumer group, counted through kafkajs' request instrumentation on
// every consumer made in this process (the nodes' too: they load the same kafkajs).
const fetchedByGroup = new Map<string, number>();
{
  const proto = Kafka.prototype as unknown as { consumer: (cfg: { groupId: string }) => any };
  const make = proto.consumer;
  proto.consumer = function (this: Kafka, cfg: { groupId: string }) {
    const c = make.call(this, cfg);
    c.on(c.events.REQUEST, (e: { payload: { apiName: string; size: number } }) => {
      if (e.payload.apiName === 'Fetch') fetchedByGroup.set(cfg.groupId, (fetchedByGroup.get(cfg.groupId) ?? 0) + e.payload.size);
    });
    return c;
  };
}

let backlogTopic = '';

async function kafkaBacklogPlain(): Promise<BacklogFigures> {
  backlogTopic = await createTopic('bench-backlog', 4);
  const messages = (i: number) => Array.from({ length: Math.min(CHUNK, KAFKA_N - i) }, (_, k) => ({ key: `sensor-${(i + k) % 20}`, value: event(i + k) }));
  for (let i = 0; i < KAFKA_N; i += CHUNK) await producer.send({ topic: backlogTopic, messages: messages(i), acks: 1 });
  const groupId = `bench-backlog-plain-${process.pid}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 50 });
  let n = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  let bytes = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topics: [backlogTopic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) JSON.parse(m.value!.toString());
      n += batch.messages.length;
      if (n >= KAFKA_N && !bytes) {
        bytes = fetchedByGroup.get(groupId) ?? 0;
        done();
      }
    },
  });
  await all;
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  await consumer.disconnect();
  return {
    label: 'kafkajs consumer (eachBatch, JSON.parse)',
    events: KAFKA_N,
    eventsPerSec: Math.round(KAFKA_N / seconds),
    cpuUsPerEvent: round((used.user + used.system) / KAFKA_N),
    fetchedBytes: bytes,
    received: n,
    expected: KAFKA_N,
  };
}

async function kafkaBacklogFlow(brokersList: string, output: 'single' | 'batch', plainBytes: number, run: number): Promise<BacklogFigures> {
  const dst = await createTopic(`bench-backlog-${output}-out`, 1);
  const groupId = `bench-backlog-${output}-${process.pid}-${run}`;
  const expected = KAFKA_N / WINDOW;
  const rx = new Receiver(expected, 10000);
  const reader = await readResults(`${groupId}-reader`, dst, rx);
  await groupStable(`${groupId}-reader`, 1);
  const cpu = process.cpuUsage();
  const start = performance.now();
  // Per-event cost counts from the first record the aggregate receives: deploying, connecting
  // and joining the group cost the same whatever the output, and would only dilute the ratio.
  // The hook removes itself at once, so the records after it pass no extra hook.
  let firstCpu: NodeJS.CpuUsage | undefined;
  RED.hooks.add('onReceive.benchFirstRecord', (ev: { destination?: { id?: string } }) => {
    if (firstCpu !== undefined || ev.destination?.id !== 'agg') return;
    firstCpu = process.cpuUsage();
    setImmediate(() => RED.hooks.remove('onReceive.benchFirstRecord'));
  });
  // The default limit of unfinished messages (no maxInFlight in the flow): what users run.
  await deploy(kafkaAggregateFlow(brokersList, backlogTopic, groupId, output, dst));
  await rx.done();
  const bytes = fetchedByGroup.get(groupId) ?? 0;
  const seconds = (rx.last - start) / 1000;
  const used = process.cpuUsage(cpu);
  const usedSinceFirst = process.cpuUsage(firstCpu ?? cpu);
  RED.hooks.remove('onReceive.benchFirstRecord');
  await reader.disconnect();
  const arrivedEvents = rx.latencies.length * WINDOW;
  return {
    label: flowLabel(output),
    events: KAFKA_N,
    eventsPerSec: Math.round(arrivedEvents / seconds),
    cpuUsPerEvent: round((usedSinceFirst.user + usedSinceFirst.system) / Math.max(1, arrivedEvents)),
    cpuUsPerEventWithStart: round((used.user + used.system) / Math.max(1, arrivedEvents)),
    fetchedBytes: bytes,
    bytesVsPlain: round(bytes / plainBytes),
    received: rx.latencies.length,
    expected,
  };
}

/** The single and batch rows of one backlog run, measured back to back. */
const backlogRuns: { single: BacklogFigures; batch: BacklogFigures }[] = [];
const ratioOf = (r: { single: BacklogFigures; batch: BacklogFigures }) => r.single.cpuUsPerEvent / r.batch.cpuUsPerEvent;

/** Collects garbage (with --expose-gc) and lets the previous flow's clean-up finish. */
async function settle(): Promise<void> {
  (global as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 1000));
  (global as { gc?: () => void }).gc?.();
}

/**
 * Ratios over ABBA blocks: runs alternate single-first and batch-first, so two consecutive runs
 * measure each mode once in each position; the block's summed single CPU over its summed batch
 * CPU cancels what the position in a pair and a steady drift of the machine's load add.
 */
function blockRatios(): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < backlogRuns.length; i += 2) {
    const [a, b] = [backlogRuns[i], backlogRuns[i + 1]];
    out.push((a.single.cpuUsPerEvent + b.single.cpuUsPerEvent) / (a.batch.cpuUsPerEvent + b.batch.cpuUsPerEvent));
  }
  return out;
}

/** Median, quartiles and range of some figures (the quartiles by the nearest-rank rule). */
function spread(values: number[]): { median: number; q1: number; q3: number; min: number; max: number } {
  const v = [...values].sort((a, b) => a - b);
  const at = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.ceil(p * v.length) - 1))];
  const median = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  return { median, q1: at(0.25), q3: at(0.75), min: v[0], max: v[v.length - 1] };
}

/** The spread of the runs, as printed: every run's single ÷ batch ratio, and each mode's own figures. */
function runsSummary(): string[] {
  const ratios = spread(backlogRuns.map(ratioOf));
  const single = spread(backlogRuns.map((r) => r.single.cpuUsPerEvent));
  const batch = spread(backlogRuns.map((r) => r.batch.cpuUsPerEvent));
  const f = (x: number, d = 2) => x.toFixed(d);
  const blocks = blockRatios();
  const b = blocks.length ? spread(blocks) : undefined;
  return [
    ...(b
      ? [
          `ABBA blocks (two consecutive runs, each mode once first and once second), summed CPU one message per record ÷ batch output: ${blocks.map((x) => `${f(x)}×`).join(', ')}`,
          `  block ratio: median ${f(b.median)}×, range ${f(b.min)}–${f(b.max)}× over ${blocks.length} blocks`,
        ]
      : []),
    `runs (order alternating), one message per record ÷ batch output, CPU per event: ${backlogRuns.map((r) => `${f(ratioOf(r))}×`).join(', ')}`,
    `  ratio: median ${f(ratios.median)}×, quartiles ${f(ratios.q1)}–${f(ratios.q3)}×, range ${f(ratios.min)}–${f(ratios.max)}× over ${backlogRuns.length} runs`,
    `  CPU µs/event, median (range): one message per record ${f(single.median, 1)} (${f(single.min, 1)}–${f(single.max, 1)}), batch output ${f(batch.median, 1)} (${f(batch.min, 1)}–${f(batch.max, 1)}); ratio of the medians ${f(single.median / batch.median)}×`,
  ];
}

function backlogTable(rows: BacklogFigures[]): string {
  const cells = rows.map((f) => [
    f.label,
    f.eventsPerSec.toLocaleString('en-US'),
    f.cpuUsPerEvent.toFixed(1),
    f.cpuUsPerEventWithStart === undefined ? '' : f.cpuUsPerEventWithStart.toFixed(1),
    f.fetchedBytes.toLocaleString('en-US'),
    f.bytesVsPlain === undefined ? 'baseline' : `${f.bytesVsPlain.toFixed(2)}×`,
    `${f.received}/${f.expected}`,
  ]);
  const head = ['backlog of 4 partitions', 'events/s', 'CPU µs/event', 'with start', 'bytes fetched', 'vs plain', 'arrived'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** With BENCH_CPU_PROFILE set: profiles until the returned function is called, into <dir>/<name>.cpuprofile. */
function startProfile(name: string): () => Promise<void> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return async () => undefined;
  const session = new inspector.Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((resolve, reject) => session.post(method, (err, res) => (err ? reject(err) : resolve(res))));
  const started = post('Profiler.enable').then(() => post('Profiler.start'));
  return async () => {
    await started;
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

// ---------------------------------------------------------------- Node-RED

const connected = new Set<string>();

/** Count windows per key; the max of the send times is the send time of the event that closed the window. */
function aggregate(next: string): Msg {
  return {
    id: 'agg',
    type: 'stream-aggregate',
    windowType: 'global',
    count: String(WINDOW),
    keyProperty: 'topic',
    timeMode: 'processing',
    aggregations: [{ op: 'avg', property: 'payload.v' }, { op: 'max', property: 'payload.sent', as: 'lastSent' }, { op: 'count' }],
    wires: [[next]],
  };
}

async function startRuntime(): Promise<() => Promise<void>> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-bench-'));
  // Installed the way users install it: the package in <userDir>/node_modules.
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(userDir, 'node_modules', 'node-red-contrib-stream-processing'), 'dir');
  const server = http.createServer();
  RED.init(server, {
    userDir,
    flowFile: 'flows.json',
    httpAdminRoot: false,
    httpNodeRoot: false,
    uiHost: '127.0.0.1',
    logging: { console: { level: 'error', metrics: false, audit: false } },
  });
  await RED.start();
  // Status events tell when the connector nodes are up.
  RED.events.on('node-status', (e: { id: string; status: { text?: string } }) => {
    if (String(e.status?.text ?? '').startsWith('connected')) connected.add(e.id);
    else connected.delete(e.id);
  });
  return async () => {
    await RED.stop();
    server.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  };
}

async function deploy(nodes: Msg[]): Promise<void> {
  connected.clear();
  const flow: Msg[] = [{ id: 'tab', type: 'tab', label: 'bench' }, ...nodes.map((n) => (n.type.endsWith('-broker') ? n : { z: 'tab', x: 0, y: 0, ...n }))];
  const started = new Promise<void>((resolve) => RED.events.once('flows:started', () => resolve()));
  await RED.nodes.setFlows(flow, {}, 'full');
  await started;
  for (const n of nodes) if (!RED.nodes.getNode(n.id)) throw new Error(`node ${n.id} (${n.type}) did not start: is the package built?`);
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForAsync(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---------------------------------------------------------------- main

function table(results: Record<string, Figures>): string {
  const rows = Object.values(results).map((f) => [
    f.label,
    f.eventsPerSec.toLocaleString('en-US'),
    f.p50Ms.toFixed(1),
    f.p99Ms.toFixed(1),
    `${f.received}/${f.expected}`,
    f.ratioToRaw === undefined ? 'baseline' : `${f.ratioToRaw.toFixed(2)}× raw`,
  ]);
  const head = ['scenario', 'events/s', 'p50 ms', 'p99 ms', 'arrived', 'vs raw'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const results: Record<string, Figures> = {};
  const backlog: Record<string, BacklogFigures> = {};
  const stopRuntime = await startRuntime();
  try {
    if (!BACKLOG_ONLY) {
      log('starting Mosquitto…');
      const m = brokers('start', ['mqtt']);
      // Warm-up (JIT, broker caches): not reported.
      await mqttRaw(m.MQTT_URL, 0, Math.ceil(MQTT_N / 5));
      for (const qos of [0, 1] as const) {
        results[`mqttRawQos${qos}`] = await mqttRaw(m.MQTT_URL, qos);
        const flow = await mqttFlow(m.MQTT_URL, qos);
        flow.ratioToRaw = round(flow.eventsPerSec / results[`mqttRawQos${qos}`].eventsPerSec);
        results[`mqttFlowQos${qos}`] = flow;
        log(`mqtt QoS ${qos} done`);
      }
      brokers('stop', ['mqtt']);
    }

    log('starting Kafka…');
    const k = brokers('start', ['kafka']);
    kafka = new Kafka({ brokers: [k.KAFKA_BROKERS], clientId: 'bench-tools', logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await kafkaRaw(Math.ceil(KAFKA_N / 5));
    if (!BACKLOG_ONLY) {
      results.kafkaRaw = await kafkaRaw();
      for (const output of ['single', 'batch'] as const) {
        const f = await kafkaFlow(k.KAFKA_BROKERS, output);
        f.ratioToRaw = round(f.eventsPerSec / results.kafkaRaw.eventsPerSec);
        results[output === 'single' ? 'kafkaFlowSingle' : 'kafkaFlowBatch'] = f;
        log(`kafka ${output} done`);
      }
    }
    backlog.plain = await kafkaBacklogPlain();
    // One pair first, not measured: the process's first flow compiled the nodes' code and paid
    // 5-8 µs/event more than the same flow later, always billed to the mode measured first.
    for (const output of ['single', 'batch'] as const) {
      await settle();
      await kafkaBacklogFlow(k.KAFKA_BROKERS, output, backlog.plain.fetchedBytes, -1);
      log(`kafka backlog ${output} warm-up done`);
    }
    for (let run = 0; run < BACKLOG_RUNS; run++) {
      // Alternating order, so a machine getting busier or quieter during the run favours neither.
      const order = run % 2 === 0 ? (['single', 'batch'] as const) : (['batch', 'single'] as const);
      const pair: Partial<Record<'single' | 'batch', BacklogFigures>> = {};
      for (const output of order) {
        // The previous flow's garbage and its consumers' leaving would be billed to this one:
        // the flow measured first in a pair cost 1.5-3.5 µs/event more than the second.
        await settle();
        const stopProfile = startProfile(`backlog-${output}-${run + 1}`);
        pair[output] = await kafkaBacklogFlow(k.KAFKA_BROKERS, output, backlog.plain.fetchedBytes, run);
        await stopProfile();
        log(`kafka backlog ${output} done (run ${run + 1} of ${BACKLOG_RUNS})`);
      }
      backlogRuns.push({ single: pair.single!, batch: pair.batch! });
      log(`run ${run + 1}: one message per record ${pair.single!.cpuUsPerEvent} µs/event, batch ${pair.batch!.cpuUsPerEvent} µs/event`);
    }
    // The table shows the run with the median ratio.
    const ranked = [...backlogRuns].sort((a, b) => ratioOf(a) - ratioOf(b));
    const median = ranked[Math.floor((ranked.length - 1) / 2)];
    backlog.single = median.single;
    backlog.batch = median.batch;
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  } finally {
    await RED.nodes.setFlows([], {}, 'full').catch(() => undefined);
    await stopRuntime();
    brokers('stop', ['--clean']);
  }

  const meta = { mqttEvents: MQTT_N, kafkaEvents: KAFKA_N, keys: KEYS, windowEvents: WINDOW, node: process.version, cpus: os.cpus().length };
  if (JSON_OUT) {
    console.log(
      JSON.stringify(
        {
          ...meta,
          results,
          backlog,
          singleVsBatchCpuPerEvent: round(backlog.single.cpuUsPerEvent / backlog.batch.cpuUsPerEvent),
          singleVsBatchRuns: backlogRuns.map((r) => round(ratioOf(r))),
          singleVsBatchSpread: spread(backlogRuns.map(ratioOf)),
          singleVsBatchBlocks: blockRatios().map(round),
        },
        null,
        2,
      ),
    );
  } else {
    console.log(
      `connector benchmark: ${MQTT_N} MQTT / ${KAFKA_N} Kafka events, ${KEYS} keys, stream-aggregate count windows of ${WINDOW} (avg, max, count); ${os.cpus().length} CPUs, Node ${process.version}`,
    );
    console.log('latency under full load: raw = send → receive per event; flows = send of the event that closed a window → its result received downstream');
    if (!BACKLOG_ONLY) console.log(table(results));
    console.log('');
    console.log(
      `backlog: ${KAFKA_N} records in 4 partitions, read with the default limit of unfinished messages; CPU = the whole process from the first record in the flow to the last result ("with start": from the deploy on)`,
    );
    console.log(backlogTable([backlog.plain, backlog.single, backlog.batch]));
    const blocks = blockRatios();
    if (blocks.length)
      console.log(
        `one message per record costs ${spread(blocks).median.toFixed(2)}× the CPU per event of batch output (median of ${blocks.length} ABBA blocks; the table shows the run with the median ratio of ${backlogRuns.length})`,
      );
    else
      console.log(`one message per record costs ${(backlog.single.cpuUsPerEvent / backlog.batch.cpuUsPerEvent).toFixed(2)}× the CPU per event of batch output`);
    if (backlogRuns.length > 1) for (const line of runsSummary()) console.log(line);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    try {
      brokers('stop', ['--clean']);
    } catch {
      /* already stopped */
    }
    process.exit(1);
  },
);
