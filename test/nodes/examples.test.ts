import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as sinon from 'sinon';
import { until } from '../support/poll';
import { requireBroker } from '../support/brokers';

import { helper } from '../support/node-red-helper';
const Aedes = require('aedes');

const root = path.join(__dirname, '..', '..');
const examplesDir = path.join(root, 'examples');
const pkg = require(path.join(root, 'package.json'));
const coreNodes = ['common/20-inject', 'common/21-debug', 'common/90-comment', 'function/10-function', 'function/15-change'].map((n) =>
  require(`@node-red/nodes/core/${n}.js`),
);
// Every node type of the package, from source, as the "node-red" section lists them (a type whose
// source is missing fails the examples that use it, with Node-RED's "unknown type" error).
const ourNodes = Object.keys(pkg['node-red'].nodes)
  .map((type) => path.join(root, 'src', 'nodes', `${type}.ts`))
  .filter((file) => fs.existsSync(file))
  .map((file) => require(file));

type Msg = Record<string, any>;
type FlowNode = Record<string, any>;

// Captured before any test fakes them: waits for I/O must use the real event loop.
const realSetImmediate = global.setImmediate;
const settle = () => new Promise<void>((r) => realSetImmediate(() => realSetImmediate(r)));

function loadExample(file: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8'));
}

/** Puts an example on a tab, as an import into an empty workspace does. */
function onTab(nodes: FlowNode[]): FlowNode[] {
  return [{ id: 'tab', type: 'tab', label: 'example' }, ...nodes.map((n) => (n.x !== undefined ? { ...n, z: 'tab' } : { ...n }))];
}

interface Running {
  debugOutput: Map<string, Msg[]>;
  problems: () => string[];
}

/** Deploys a flow and records what reaches each debug node, plus every error or warning logged. */
async function deploy(flow: FlowNode[], otherNodes: unknown[] = []): Promise<Running> {
  await helper.load([...coreNodes, ...ourNodes, ...otherNodes], flow);
  // Registering the core nodes outside a full runtime logs warnings of its own; only what the
  // flow's nodes log (they carry an id) or anything logged after the deploy counts.
  const loadedAt = helper.log().callCount;
  const flowIds = new Set(flow.map((n) => n.id));
  const debugOutput = new Map<string, Msg[]>();
  for (const n of flow.filter((x) => x.type === 'debug')) {
    const received: Msg[] = [];
    debugOutput.set(n.name, received);
    helper.getNode(n.id).on('input', (m: Msg) => received.push(m));
  }
  const problems = () =>
    helper
      .log()
      .args.map((a: any[], i: number) => ({ e: a[0], late: i >= loadedAt }))
      .filter(({ e, late }: any) => e && (e.level === helper.log().ERROR || e.level === helper.log().WARN) && (late || flowIds.has(e.id)))
      .map(({ e }: any) => e)
      .map((e: any) => `${e.type ?? ''} ${e.name ?? e.id ?? ''}: ${e.msg}`);
  return { debugOutput, problems };
}

/** What each example must show within its run: debug node names that receive at least one message. */
const EXPECTED_OUTPUT: Record<string, string[]> = {
  '01 IoT sensor pipeline.json': ['1-minute averages', 'late readings', 'anomalies', 'analysed 5-minute windows'],
  '02 Tumbling window.json': ['windows', 'late readings'],
  '03 Sliding windows.json': ['30 s averages every 10 s', 'moving average'],
  '04 Session windows - machine runs.json': ['runs'],
  '05 Global count windows.json': ['count windows', 'flushed windows'],
  '06 Aggregate.json': ['stats', 'averages above 21 °C'],
  '07 Filter with reject port.json': ['passed', 'rejected', 'hot readings or sensor-1'],
  '08 Detect anomalies.json': ['anomalies', 'scored readings'],
  '09 MQTT in and out.json': ['events'],
  '10 Kafka in, window, Kafka out.json': ['averages'],
  '11 Join door and temperature.json': ['door with temperatures', 'doors without a reading'],
  '12 Sequence patterns.json': ['three warnings in a row', 'start → stop without fault', 'start without stop in 30 s'],
  '13 Store results in SQLite.json': ['10-second results', 'stored rows'],
};
// Node types an example needs beyond core's and this package's: its comment says what to install.
const INSTALL: Record<string, { module: string; types: string[] }> = {
  '13 Store results in SQLite.json': { module: 'node-red-node-sqlite', types: ['sqlite', 'sqlitedb'] },
};

const files = fs
  .readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('examples', function () {
  let clock: sinon.SinonFakeTimers | undefined;

  afterEach(async () => {
    // Real timers first: closing broker connections waits on them.
    clock?.restore();
    clock = undefined;
    await helper.unload();
  });

  it('every example file is what scripts/demo/build-examples.js writes (a dialog default changed there reaches the files)', () => {
    const { buildExamples } = require(path.join(root, 'scripts', 'demo', 'build-examples.js'));
    for (const [label, nodes] of Object.entries(buildExamples() as Record<string, unknown>)) {
      const written = fs.readFileSync(path.join(examplesDir, `${label}.json`), 'utf8');
      assert.equal(written, JSON.stringify(nodes, null, 2) + '\n', `examples/${label}.json is stale: run node scripts/demo/build-examples.js`);
    }
  });

  it('every example is listed here with the output it must produce', () => {
    assert.ok(files.length >= 10, `only ${files.length} examples`);
    assert.deepEqual(files, Object.keys(EXPECTED_OUTPUT).sort());
  });

  for (const file of files) {
    it(`${file}: starts with a comment and uses only core nodes and this package's`, () => {
      const nodes = loadExample(file);
      const first = nodes.find((n) => n.x !== undefined && n.y !== undefined && n.y === Math.min(...nodes.filter((m) => m.y !== undefined).map((m) => m.y)));
      assert.equal(first?.type, 'comment', 'the top node is a comment');
      assert.ok(String(first?.info ?? '').length > 100, 'the comment explains the example');
      const allowed = new Set([
        ...Object.keys(pkg['node-red'].nodes),
        'inject',
        'debug',
        'comment',
        'function',
        'change',
        'catch',
        'status',
        ...(INSTALL[file]?.types ?? []),
      ]);
      if (INSTALL[file]) assert.ok(String(first?.info).includes(`install \`${INSTALL[file].module}\``), 'the comment says what to install');
      for (const n of nodes) assert.ok(allowed.has(n.type), `${n.type} is neither a core node nor ours`);
      const ids = new Set(nodes.map((n) => n.id));
      for (const n of nodes) for (const port of n.wires ?? []) for (const target of port) assert.ok(ids.has(target), `${n.id} is wired to missing ${target}`);
    });
  }

  /** Runs an example in virtual time: the sensor timers and clocks advance `seconds`, I/O stays real. */
  async function runVirtual(flow: FlowNode[], seconds: number, onTick?: () => Promise<void>): Promise<Running> {
    clock = sinon.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12), toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    const running = await deploy(flow);
    for (let i = 0; i < seconds * 2; i++) {
      clock.tick(500);
      await settle();
      if (onTick) await onTick();
    }
    return running;
  }

  function check(file: string, running: Running): void {
    assert.deepEqual(running.problems(), [], 'no errors or warnings');
    for (const name of EXPECTED_OUTPUT[file]) {
      assert.ok(running.debugOutput.has(name), `debug node "${name}" exists`);
      assert.ok(running.debugOutput.get(name)!.length > 0, `debug node "${name}" received output`);
    }
  }

  /**
   * The IoT example's seed route: a filter over 5-minute sliding windows (every minute) feeds
   * window-mode detection, whose alerts reach MQTT. Its windows only close as virtual time passes.
   */
  function checkSeedRoute(running: Running, published: string[]): void {
    const MINUTE = 60000;
    const windows = running.debugOutput.get('analysed 5-minute windows')!;
    assert.ok(windows.length > 0, 'the window-mode detector analysed windows');
    const implausible = running.debugOutput.get('implausible readings')!;
    assert.ok(implausible.length > 0, 'the run contains an implausible reading');
    for (const m of windows) {
      assert.equal(m.window.type, 'sliding');
      assert.equal(m.window.end - m.window.start, 5 * MINUTE, 'a 5-minute window');
      assert.equal(m.window.end % MINUTE, 0, 'windows slide by whole minutes');
      assert.equal(m.payload.length, m.window.count);
      for (const r of m.payload) {
        const t = r.payload.temperature;
        assert.ok(t >= -50 && t <= 100, `${m.topic}: ${t} °C passed the filter's window`);
      }
    }
    // Windows that cover an implausible reading were analysed without it.
    const covering = implausible.flatMap((bad) =>
      windows.filter((m) => m.topic === bad.topic && m.window.start <= bad.timestamp && bad.timestamp < m.window.end),
    );
    assert.ok(covering.length > 0, 'some analysed window covers an implausible reading');
    for (const m of covering)
      assert.ok(
        m.payload.every((r: Msg) => r.payload.temperature >= -50),
        `${m.topic} window without the error code`,
      );
    const alerts = running.debugOutput.get('window anomalies')!;
    // The run is shorter than one full window after the deploy: part-filled windows are analysed
    // (second port) but not judged, so none of them may alert.
    assert.ok(
      windows.some((m) => m.window.count < 240),
      'part-filled windows were analysed',
    );
    for (const a of alerts) {
      assert.equal(a.window.end - a.window.start, 5 * MINUTE, 'an alert names its 5-minute window');
      assert.ok(a.window.count >= 240, `no alert on a part-filled window (${a.window.count} readings)`);
    }
    const onMqtt = published.filter((t) => t.startsWith('demo/alerts/window/'));
    assert.deepEqual(onMqtt.sort(), alerts.map((a) => `demo/alerts/window/${a.topic}`).sort(), 'every window alert is published on MQTT');
  }

  /**
   * The IoT pipeline's per-reading detection (fixed seed): every temperature anomaly the simulator
   * injected — spike, level shift, stuck value, dropout — has an alert of the right kind for its
   * sensor, between its first reading and ten seconds after its last, and error codes raise none.
   */
  function checkPerReading(running: Running, readings: Msg[]): void {
    const SECOND = 1000;
    const KIND: Record<string, string[]> = { spike: ['spike', 'dip'], shift: ['shift'], stuck: ['stuck'], dropout: ['silence'] };
    const alerts = running.debugOutput.get('anomalies')!.filter((m) => m.payload.state === 'alert');
    const truths: Array<{ key: string; type: string; start: number; end: number }> = [];
    const byKey = new Map<string, Msg[]>();
    // The flow sets the MQTT topic on the same message objects: the sensor id is its last level.
    const idOf = (topic: string): string => String(topic).split('/').pop()!;
    for (const r of readings) byKey.set(idOf(r.topic), [...(byKey.get(idOf(r.topic)) ?? []), r]);
    const last = Math.max(...readings.map((r) => r.timestamp));
    for (const [key, rs] of byKey) {
      rs.sort((a, b) => a.sequence - b.sequence);
      const first = rs[0].timestamp;
      rs.forEach((r, i) => {
        // Five or more readings missing: a dropout (one or two may only be late, still held back).
        if (i > 0 && r.sequence >= rs[i - 1].sequence + 6)
          truths.push({ key, type: 'dropout', start: rs[i - 1].timestamp + SECOND, end: r.timestamp - SECOND });
        const inj = r.injected;
        if (!inj || inj.field !== 'temperature' || inj.type === 'glitch') return;
        const t = truths.find((x) => x.key === key && x.start === inj.since && x.type === inj.type);
        if (t) t.end = Math.max(t.end, r.timestamp);
        else truths.push({ key, type: inj.type, start: inj.since, end: r.timestamp });
      });
      // Judge incidents the detector could see: still on after its 30-reading warm-up, and over 10 s before the run ended.
      for (let i = truths.length - 1; i >= 0; i--) {
        const t = truths[i];
        if (t.key === key && (t.end < first + 40 * SECOND || t.end > last - 10 * SECOND)) truths.splice(i, 1);
      }
    }
    assert.ok(truths.length >= 2, `the fixed-seed run injects anomalies to find: ${JSON.stringify(truths)}`);
    for (const t of truths) {
      const hit = alerts.find((a) => a.topic === t.key && a.payload.time >= t.start && a.payload.time <= t.end + 10 * SECOND);
      assert.ok(
        hit,
        `${t.type} on ${t.key} at ${new Date(t.start).toISOString()} has an alert (alerts: ${alerts.map((a) => `${a.topic} ${a.payload.kind} ${new Date(a.payload.time).toISOString()}`).join(', ')})`,
      );
      assert.ok(KIND[t.type].includes(hit.payload.kind), `${t.type} on ${t.key} is called ${hit.payload.kind}`);
    }
    const codes = readings.filter((r) => r.injected?.type === 'glitch' && r.injected.field === 'temperature');
    for (const c of codes)
      assert.ok(
        !alerts.some((a) => a.topic === idOf(c.topic) && a.payload.value === c.payload.temperature),
        `no alert on the error code ${c.payload.temperature}`,
      );
  }

  for (const file of files.filter((f) => !/MQTT|IoT|Kafka/.test(f) && !INSTALL[f])) {
    it(`${file}: deploys without errors or warnings and produces output`, async function () {
      this.timeout(60000);
      const running = await runVirtual(onTab(loadExample(file)), 180);
      check(file, running);
    });
  }

  describe('with an MQTT broker (in-process)', () => {
    let server: net.Server;
    let broker: any;
    let url: string;
    // Topics published by the flow's own clients, to see what reaches MQTT.
    let published: string[] = [];

    before(async () => {
      broker = Aedes();
      server = net.createServer(broker.handle);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      broker.on('publish', (packet: { topic: string }, client: unknown) => {
        if (client) published.push(packet.topic);
      });
    });

    afterEach(() => {
      delete process.env.MQTT_URL;
    });

    it('09 MQTT in and out.json: says once that its broker cannot be reached, and nothing more while it retries', async function () {
      this.timeout(30000);
      // A port with nothing listening: connections are refused at once, and mqtt.js retries every second.
      const closed = net.createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
      const port = (closed.address() as net.AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      process.env.MQTT_URL = `mqtt://127.0.0.1:${port}`;
      const flow = onTab(loadExample('09 MQTT in and out.json')).map((n) => (n.type === 'stream-mqtt-broker' ? { ...n, reconnectPeriod: 200 } : n));
      const brokerId = flow.find((n) => n.type === 'stream-mqtt-broker')!.id;
      const pubId = flow.find((n) => n.type === 'stream-mqtt-out')!.id;
      const running = await deploy(flow);
      // Several refused reconnects (every 200 ms; each shows "connecting") while the simulator keeps publishing.
      const attempts = () =>
        helper
          .getNode(pubId)
          .status.getCalls()
          .filter((c: any) => /^connecting/.test(c.args[0]?.text ?? '')).length;
      await until(() => attempts() >= 5, 'five connection attempts', 15000);
      const problems = running.problems();
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(
        problems[0],
        new RegExp(`cannot reach the MQTT broker mqtt://127.0.0.1:${port} \\(from the environment variable MQTT_URL\\): .*ECONNREFUSED.*retrying every 0.2 s`),
      );
      assert.ok(problems[0].includes(brokerId) || problems[0].includes('local MQTT'), problems[0]);
    });

    after(async () => {
      for (const c of Object.values(broker.clients)) (c as any).close();
      await new Promise<void>((r) => server.close(() => broker.close(() => r())));
    });

    for (const file of files.filter((f) => /MQTT|IoT/.test(f))) {
      it(`${file}: deploys without errors or warnings and produces output`, async function () {
        this.timeout(90000);
        // The examples read their broker from MQTT_URL, as `npm start` sets it.
        const flow = onTab(loadExample(file));
        assert.deepEqual(
          flow.filter((n) => n.type === 'stream-mqtt-broker').map((n) => n.url),
          ['${MQTT_URL:-mqtt://localhost:1883}'],
        );
        process.env.MQTT_URL = url;
        const mqttIns = flow.filter((n) => n.type === 'stream-mqtt-in').map((n) => helper.getNode.bind(helper, n.id));
        const simId = flow.find((n) => n.type === 'stream-sensor-sim')!.id;
        clock = sinon.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12), toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
        published = [];
        const running = await deploy(flow);
        // Count readings leaving the simulator and events leaving the MQTT in nodes.
        let sent = 0;
        let received = 0;
        const count = (node: any, add: (m: any) => void) => {
          const send = node.send.bind(node);
          node.send = (m: any) => {
            add(m);
            return send(m);
          };
        };
        const readings: any[] = [];
        count(helper.getNode(simId), (m) => {
          const msgs = Array.isArray(m) && Array.isArray(m[0]) ? m[0] : [m];
          sent += msgs.length;
          readings.push(...msgs);
        });
        for (const get of mqttIns) count(get(), () => received++);
        await until(() => mqttIns.every((get) => get().status.lastCall?.args[0]?.fill === 'green'), 'MQTT in to connect', 10000);
        // Each virtual half second waits (in real time) until the readings published so far came back.
        // The IoT pipeline needs its 1-minute windows and 70-second-late readings; plain MQTT needs a few readings.
        const seconds = /IoT/.test(file) ? 150 : 5;
        for (let i = 0; i < seconds * 2; i++) {
          clock.tick(500);
          await settle();
          await until(
            () => received >= sent,
            () => `readings back from the broker (${received} of ${sent})`,
            10000,
          );
        }
        check(file, running);
        if (/IoT/.test(file)) {
          checkSeedRoute(running, published);
          checkPerReading(running, readings);
        }
      });
    }
  });

  describe('with a Kafka broker', () => {
    let brokers: string;

    before(async function () {
      this.timeout(180000);
      brokers = (await requireBroker(this, 'kafka')).KAFKA_BROKERS;
    });

    afterEach(() => {
      delete process.env.KAFKA_BROKERS;
    });

    for (const file of files.filter((f) => /Kafka/.test(f))) {
      it(`${file}: deploys without errors or warnings and produces output`, async function () {
        this.timeout(120000);
        // kafkajs keeps its own timers, so this one runs in real time on a 1-second window.
        // The example reads its brokers from KAFKA_BROKERS.
        process.env.KAFKA_BROKERS = brokers;
        const flow = onTab(loadExample(file)).map((n) => {
          if (n.type === 'stream-kafka-broker') assert.equal(n.brokers, '${KAFKA_BROKERS:-localhost:9092}');
          if (n.type === 'stream-tumbling-window') return { ...n, size: '1s', maxOutOfOrder: '0' };
          if (n.type === 'stream-sensor-sim') return { ...n, interval: '200ms' };
          if (n.type === 'stream-kafka-in') return { ...n, groupId: `examples-${Date.now()}` };
          return n;
        });
        const running = await deploy(flow);
        await until(() => (running.debugOutput.get('averages')?.length ?? 0) > 0, 'averages from Kafka', 90000);
        check(file, running);
      });
    }
  });
  describe('with SQLite (node-red-node-sqlite)', () => {
    const file = '13 Store results in SQLite.json';
    const sqliteNodes = require('node-red-node-sqlite/sqlite.js');
    // The driver node-red-node-sqlite writes with, here to read the file as any other program would.
    const sqlite3 = require(require.resolve('sqlite3', { paths: [path.dirname(require.resolve('node-red-node-sqlite/package.json'))] }));
    let dir: string;

    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-sqlite-'));
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Every row of a query on the database file, through a read-only connection of its own. */
    function query(file: string, sql: string): Promise<Record<string, unknown>[]> {
      return new Promise((resolve, reject) => {
        const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err: Error | null) => {
          if (err) return reject(err);
          db.all(sql, (e: Error | null, rows: Record<string, unknown>[]) => db.close(() => (e ? reject(e) : resolve(rows))));
        });
      });
    }

    /** Counts the statements a SQLite node finished: it sends its message on once the database has answered. */
    function finished(id: string): () => number {
      const node = helper.getNode(id);
      const send = node.send.bind(node);
      let n = 0;
      node.send = (m: Msg) => {
        n++;
        return send(m);
      };
      return () => n;
    }

    it(`${file}: writes one row per sensor and window, read back from the database file`, async function () {
      this.timeout(60000);
      const dbFile = path.join(dir, 'results.db');
      const flow = onTab(loadExample(file)).map((n) => (n.type === 'sqlitedb' ? { ...n, db: dbFile } : n));
      const id = (name: string) => flow.find((n) => n.name === name)!.id;
      clock = sinon.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12), toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
      const running = await deploy(flow, [sqliteNodes]);
      const created = finished(id('create table'));
      const inserted = finished(id('insert row'));
      const results = running.debugOutput.get('10-second results')!;
      // The table is created at deploy, long before the first window closes.
      clock.tick(200);
      await until(() => created() === 1, 'the table to be created', 10000);
      // A minute of readings; each virtual half second waits (in real time) until the results so far are stored.
      for (let i = 0; i < 65 * 2; i++) {
        clock.tick(500);
        await settle();
        await until(
          () => inserted() === results.length,
          () => `rows stored (${inserted()} of ${results.length})`,
          10000,
        );
      }
      assert.deepEqual(running.problems(), [], 'no errors or warnings');
      assert.ok(results.length >= 3 * 5, `${results.length} results: three sensors, five windows or more each`);

      const rows = await query(dbFile, 'SELECT * FROM temperature_10s ORDER BY sensor, window_start');
      const expected = results
        .map((m) => ({
          sensor: m.topic,
          window_start: new Date(m.window.start).toISOString(),
          window_end: new Date(m.window.end).toISOString(),
          readings: m.payload.count,
          avg: m.payload.avg,
          min: m.payload.min,
          max: m.payload.max,
        }))
        .sort((a, b) => a.sensor.localeCompare(b.sensor) || a.window_start.localeCompare(b.window_start));
      assert.deepEqual(rows, expected, 'the table holds exactly the results the aggregate sent');
      for (const r of rows) assert.ok(typeof r.avg === 'number' && (r.readings as number) >= 9, `a full window: ${JSON.stringify(r)}`);

      // The example's button reads the latest rows back through the flow.
      helper.getNode(id('latest rows')).receive({});
      const stored = running.debugOutput.get('stored rows')!;
      await until(() => stored.length === 1, 'the latest rows', 10000);
      const latest = [...expected].sort((a, b) => b.window_start.localeCompare(a.window_start) || a.sensor.localeCompare(b.sensor)).slice(0, 10);
      assert.deepEqual(stored[0].payload, latest);
      check(file, running);
    });
  });
});
