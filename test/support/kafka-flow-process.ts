/**
 * One Node-RED runtime in a process of its own, for scale-out tests and bench:scale:
 * stream-kafka-in → stream-aggregate (tumbling count per key, event time) → results on stdout.
 * Settings come as JSON in STREAM_FLOW (brokers, topic, groupId, size, maxInFlight, holdInput).
 * It prints JSON lines: {"ready":true} once deployed, {"result":{window,payload}} per result,
 * {"seen":N} (records that reached the
 * flow) every 100 ms while it changes, and it leaves its group cleanly on SIGTERM; SIGKILL is
 * the crash.
 */
// The helper ships no types.
const helper = require('node-red-node-test-helper');

helper.init(require.resolve('node-red'));

const cfg = JSON.parse(process.env.STREAM_FLOW ?? '{}') as {
  brokers: string;
  topic: string;
  outTopic: string;
  groupId: string;
  size: string;
  maxInFlight?: number;
  holdInput?: boolean;
};

const nodes = [require('../../src/nodes/stream-kafka-broker'), require('../../src/nodes/stream-kafka-in'), require('../../src/nodes/stream-aggregate')];

const flow = [
  { id: 'f', type: 'tab' },
  { id: 'kb', type: 'stream-kafka-broker', brokers: cfg.brokers, clientId: `scale-${process.pid}`, connectionTimeout: 1000, requestTimeout: 5000, retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
  {
    id: 'in', z: 'f', type: 'stream-kafka-in', broker: 'kb', topics: cfg.topic, groupId: cfg.groupId, fromBeginning: true, format: 'json', keyFrom: 'record', timeFrom: 'field', timeField: 'ts',
    sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 3000, maxWaitTime: 50, maxInFlight: cfg.maxInFlight ?? 1000, wires: [['agg', 'tap']],
  },
  { id: 'tap', z: 'f', type: 'helper' },
  { id: 'agg', z: 'f', type: 'stream-aggregate', windowType: 'tumbling', size: cfg.size, aggregations: [{ op: 'count' }], wires: [['out']] },
  { id: 'out', z: 'f', type: 'helper' },
];

const say = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

async function main(): Promise<void> {
  await helper.load(nodes, flow);
  let seen = 0;
  let told = 0;
  helper.getNode('tap').on('input', (_m: unknown, _s: unknown, done: () => void) => {
    seen++;
    // Held: no record is ever handled, so no checkpoint is written and nothing committed.
    if (!cfg.holdInput) done();
  });
  if (process.env.STREAM_FLOW_LOG) {
    for (const id of ['in', 'agg', 'out']) {
      const n = helper.getNode(id);
      const orig = n.status.bind(n);
      n.status = (st: { text?: string }) => {
        say({ log: `${id} status: ${st.text}` });
        return orig(st);
      };
    }
  }
  if (process.env.STREAM_FLOW_LOG) {
    const { partitionSources } = require('../../src/connectors/partition-sources');
    setInterval(() => {
      const src = partitionSources.get('in');
      if (src) say({ log: `source ${JSON.stringify(src.describe())}` });
    }, 2000);
    // Every changelog write of the aggregate: which partitions, through which offset.
    const wrap = setInterval(() => {
      const src = partitionSources.get('in');
      if (!src) return;
      clearInterval(wrap);
      const cl = src.changelog('agg');
      const write = cl.write.bind(cl);
      cl.write = async (records: { key: string; value: string }[]) => {
        await write(records);
        say({ log: `changelog written: ${records.map((r) => `${r.key.slice(r.key.lastIndexOf(':') + 1)}@${JSON.parse(r.value).offset}`).join(' ')}` });
      };
    }, 20);
  }
  // Restores the window node logged (node.log lands in the runtime's log, which the helper records).
  const log = helper.log();
  let logged = 0;
  // Each result goes to stdout; it counts as done once written, so a SIGKILL loses none that the
  // reader's commit has counted as handled.
  helper.getNode('out').on('input', (m: { window: unknown; payload: unknown }, _s: unknown, done: () => void) => {
    process.stdout.write(`${JSON.stringify({ result: { window: m.window, payload: m.payload } })}\n`, () => done());
  });
  setInterval(() => {
    if (seen !== told) say({ seen: (told = seen) });
    for (; logged < log.args.length; logged++) {
      const e = log.args[logged][0] as { msg?: unknown } | undefined;
      const m = e && /^restored (\d+) key\(s\) of (\d+) partition\(s\) from .* in (\d+) ms/.exec(String(e.msg));
      if (m) say({ restored: { keys: Number(m[1]), partitions: Number(m[2]), ms: Number(m[3]) }, log: String(e.msg) });
      else if (e && (e as { level?: number }).level !== undefined && (e as { level: number }).level <= 30) say({ log: `${(e as { id?: string }).id}: ${String(e.msg)}` });
    }
  }, 100);
  process.on('SIGTERM', () => {
    helper.unload().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  say({ ready: true });
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
