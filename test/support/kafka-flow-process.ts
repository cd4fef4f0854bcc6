/**
 * One Node-RED runtime in a process of its own, for scale-out tests and bench:scale:
 * stream-kafka-in → stream-aggregate (tumbling count per key, event time) → results on stdout;
 * with `stage` a join (interval ±size, side in payload.side or with `sideByTopic` the record's topic, value payload.v,
 * default maxOutOfOrder), a detect node (pattern auto, value payload.v) or a detect node with its own windows
 * (detect-window: pattern spike, tumbling windows of `size`) in the aggregate's place (node id 'agg' whatever the stage).
 * Settings come as JSON in STREAM_FLOW (brokers, topic, groupId, size, maxInFlight, holdInput, stage).
 * It prints JSON lines: {"ready":true} once deployed, {"result":{window,payload}} per result,
 * {"seen":N} (records that reached the
 * flow) every 100 ms while it changes, and it leaves its group cleanly on SIGTERM; SIGKILL is
 * the crash.
 */
import { EventEmitter } from 'events';
import { kafkaBroker, kafkaIn } from './kafka-flow-nodes';

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
  stage?: 'aggregate' | 'join' | 'detect' | 'detect-window';
  lateJoinMs?: number;
  sideByTopic?: boolean;
};

const nodes = [
  require('../../src/nodes/stream-kafka-broker'),
  require('../../src/nodes/stream-kafka-in'),
  require('../../src/nodes/stream-aggregate'),
  require('../../src/nodes/stream-join'),
  require('../../src/nodes/stream-detect'),
];

/** The stateful node under test. */
const stages = {
  aggregate: { type: 'stream-aggregate', windowType: 'tumbling', size: cfg.size, aggregations: [{ op: 'count' }] },
  join: {
    type: 'stream-join',
    // Sides told apart by a payload field, or by the topic a record came from (topics named …-left and …-right).
    ...(cfg.sideByTopic
      ? { sideProperty: 'kafka.topic', sideMatch: 'regex', leftSide: '-left$', rightSide: '-right$' }
      : { sideProperty: 'payload.side', leftSide: 'left', rightSide: 'right' }),
    valueProperty: 'payload.v',
    lower: `-${cfg.size}`,
    upper: cfg.size,
  },
  detect: { type: 'stream-detect', pattern: 'auto', valueProperty: 'payload.v' },
  'detect-window': { type: 'stream-detect', pattern: 'spike', mode: 'window', windowType: 'tumbling', size: cfg.size, valueProperty: 'payload.v' },
};

const flow = [
  { id: 'f', type: 'tab' },
  kafkaBroker(cfg.brokers, { clientId: `scale-${process.pid}`, retries: 5 }),
  kafkaIn('in', cfg.topic, cfg.groupId, {
    z: 'f',
    keyFrom: 'record',
    timeFrom: 'field',
    timeField: 'ts',
    maxInFlight: cfg.maxInFlight ?? 1000,
    wires: [cfg.holdInput ? ['agg', 'tap'] : ['agg']],
  }),
  ...(cfg.holdInput ? [{ id: 'tap', z: 'f', type: 'helper' }] : []),
  { id: 'agg', z: 'f', ...stages[cfg.stage ?? 'aggregate'], wires: [['out']] },
  { id: 'out', z: 'f', type: 'helper' },
];

const say = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

async function main(): Promise<void> {
  // A process that joins its group well after it said it was ready (a slow start or broker).
  if (cfg.lateJoinMs) {
    say({ ready: true });
    await new Promise((r) => setTimeout(r, cfg.lateJoinMs));
  }
  // Restores the window node logged, and warnings, through a log handler of the runtime's own.
  const logged: { msg?: unknown; level?: number; id?: string }[] = [];
  const watcher = new EventEmitter();
  // Every log call reaches a handler, metric events (level 99) of each message hop too: keep info and above.
  watcher.on('log', (e: { msg?: unknown; level?: number; id?: string }) => {
    if (e.level !== undefined && e.level <= 40) logged.push(e);
  });
  helper._log.addHandler(watcher);
  // The helper spies on the log and wraps every node's send, status and log methods, recording
  // every call (a record per message hop, and per metric event) for tests to inspect; a Node-RED
  // of users has none of that, and with it most of this process's time went to recording calls.
  // The methods are put back after the load (a node with wires also keeps its own copy of send).
  const proto = helper._NodePrototype as Record<string, unknown>;
  const methods = ['log', 'status', 'warn', 'error', 'debug', 'trace', 'send'].map((name) => [name, proto[name]] as const);
  await helper.load(nodes, flow);
  const wrappedSend = proto.send;
  for (const [name, fn] of methods) proto[name] = fn;
  for (const { id } of flow) {
    const n = helper.getNode(id) as Record<string, unknown> | null;
    if (n && n.send === wrappedSend) n.send = proto.send;
  }
  helper._sandbox.restore();
  let seen = 0;
  let told = 0;
  // Counted as records reach the stateful node, in its receive method (Node-RED delivers every
  // message through it): a second wire would have Node-RED copy every record, and a hook would
  // add a hook call per message that a Node-RED of users does not have.
  const stage = helper.getNode('agg') as { receive(msg: unknown): void };
  const receive = stage.receive;
  stage.receive = function (this: unknown, msg: unknown) {
    seen++;
    return receive.call(this, msg);
  };
  // Held: a second wire whose node never finishes a record, so no record is ever handled, no
  // checkpoint is written and nothing is committed.
  if (cfg.holdInput) helper.getNode('tap').on('input', () => undefined);
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
  // Each result goes to stdout; it counts as done once written, so a SIGKILL loses none that the
  // reader's commit has counted as handled.
  helper.getNode('out').on('input', (m: { topic: unknown; window: unknown; join: unknown; payload: unknown }, _s: unknown, done: () => void) => {
    process.stdout.write(`${JSON.stringify({ result: { topic: m.topic, window: m.window, join: m.join, payload: m.payload } })}\n`, () => done());
  });
  setInterval(() => {
    if (seen !== told) say({ seen: (told = seen) });
    for (const e of logged.splice(0)) {
      const m = /^restored (\d+) key\(s\) of (\d+) partition\(s\) from .* in (\d+) ms/.exec(String(e.msg));
      if (m) say({ restored: { keys: Number(m[1]), partitions: Number(m[2]), ms: Number(m[3]) }, log: String(e.msg) });
      else if (e.level !== undefined && e.level <= 30) say({ log: `${e.id}: ${String(e.msg)}` });
    }
  }, 100);
  process.on('SIGTERM', () => {
    helper.unload().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  if (!cfg.lateJoinMs) say({ ready: true });
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
