import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The parts of `npm start` that decide what Node-RED loads and which flow it runs.
const { prepareUserDir, installFlow } = require('../../scripts/demo/user-dir');
const { buildDemoFlow } = require('../../scripts/demo/demo-flow');

const root = path.join(__dirname, '..', '..');

describe('npm start: user directory and demo flow', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-userdir-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('installs the package like npm would: a dependency in package.json and node_modules/<name> resolving to the checkout', () => {
    const settings = prepareUserDir(dir, { port: 1999, host: '127.0.0.1' });
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    assert.match(pkg.dependencies['node-red-contrib-stream-processing'], /^file:/);
    assert.equal(fs.realpathSync(path.join(dir, 'node_modules', 'node-red-contrib-stream-processing')), fs.realpathSync(root));
    const loaded = require(settings);
    assert.equal(loaded.uiPort, 1999);
    assert.equal(loaded.uiHost, '127.0.0.1');
    // Preparing again (every start) keeps the link.
    prepareUserDir(dir, { port: 1999, host: '127.0.0.1' });
    assert.equal(fs.realpathSync(path.join(dir, 'node_modules', 'node-red-contrib-stream-processing')), fs.realpathSync(root));
  });

  it('installs the demo flow, keeps a flow the user edited, and restores the demo on --reset', () => {
    const flow = buildDemoFlow();
    const file = path.join(dir, 'flows.json');
    assert.equal(installFlow(dir, flow, { reset: false }), 'installed');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), flow);
    // Unchanged: a later start may refresh it with a newer demo.
    assert.equal(installFlow(dir, flow, { reset: false }), 'installed');
    const edited = [{ id: 'mine', type: 'tab', label: 'my flow' }];
    fs.writeFileSync(file, JSON.stringify(edited));
    assert.equal(installFlow(dir, flow, { reset: false }), 'kept');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), edited);
    assert.equal(installFlow(dir, flow, { reset: true }), 'installed');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), flow);
  });

  it('points the demo at the broker start.js provides, and swaps the readings to Kafka when asked', () => {
    const mqtt = buildDemoFlow();
    assert.equal(mqtt.find((n: any) => n.type === 'stream-mqtt-broker').url, '${STREAM_DEMO_MQTT_URL}');
    assert.ok(mqtt.some((n: any) => n.type === 'ui-chart'));
    const kafka = buildDemoFlow({ transport: 'kafka' });
    assert.equal(kafka.find((n: any) => n.type === 'stream-kafka-broker').brokers, '${STREAM_DEMO_KAFKA_BROKERS}');
    const sim = kafka.find((n: any) => n.type === 'stream-sensor-sim');
    const out = kafka.find((n: any) => n.id === sim.wires[0][0]);
    assert.equal(out.type, 'stream-kafka-out');
    const input = kafka.find((n: any) => n.type === 'stream-kafka-in');
    // Both routes: the per-reading filter (its plausible readings feed the detector), and the filter over 5-minute sliding windows.
    const fed = input.wires[0].map((id: string) => kafka.find((n: any) => n.id === id));
    assert.deepEqual(fed.map((n: any) => n.type).sort(), ['stream-filter', 'stream-filter'], 'the Kafka input feeds the pipeline');
    const plausible = fed.find((n: any) => n.windowType !== 'sliding');
    assert.ok(
      plausible.wires[0].some((id: string) => kafka.find((n: any) => n.id === id).type === 'stream-detect'),
      'detection runs on plausible readings only',
    );
    assert.ok(
      fed.some((n: any) => n.type === 'stream-filter' && n.windowType === 'sliding' && n.size === '5m'),
      'the Kafka input feeds the windowed filter',
    );
    const ids = new Set(kafka.map((n: any) => n.id));
    for (const n of kafka) for (const port of n.wires ?? []) for (const t of port) assert.ok(ids.has(t), `${n.id} → missing ${t}`);
  });

  it('keeps the windows in the file context store across deploys, and draws chart lines that neither swap colours nor bridge gaps', () => {
    const settings = prepareUserDir(dir, { port: 1999, host: '127.0.0.1' });
    delete require.cache[settings];
    assert.deepEqual(require(settings).contextStorage.file, { module: 'localfilesystem' });
    const flow = buildDemoFlow();
    const windowed = flow.filter((n: any) => n.type?.startsWith('stream-') && 'store' in n && n.windowType !== 'none');
    assert.ok(windowed.length >= 3, `${windowed.length} windowed nodes`);
    for (const n of windowed) assert.equal(n.store, 'file', n.name);
    // At deploy every chart gets its readings line first, then its average: the same colours every time, the average on top.
    const start = flow.find((n: any) => n.id === 'demo.ui.startlines');
    const [msgs] = new Function('msg', start.func)({});
    assert.deepEqual(msgs.slice(0, 2), [
      { topic: 'sensor-1', series: 'temperature', payload: '-' },
      { topic: 'sensor-1', series: '1-minute average', payload: '-' },
    ]);
    const charts = flow.filter((n: any) => n.type === 'ui-chart');
    assert.ok(charts.every((c: any) => c.colors[0] !== c.colors[1]));
    // A pause longer than the usual interval breaks the line ('-' is a chart's missing value).
    const gaps = flow.find((n: any) => n.id === 'demo.ui.gaps');
    const store = new Map<string, unknown>();
    const context = { get: (k: string) => store.get(k), set: (k: string, v: unknown) => store.set(k, v) };
    let now = 1000;
    const run = (m: object) => new Function('msg', 'context', 'Date', gaps.func)(m, context, { now: () => now });
    const reading = { topic: 'sensor-1', series: 'temperature', payload: 21 };
    assert.deepEqual(run(reading), [[{ topic: 'sensor-1', series: 'temperature', payload: '-' }, reading]], 'first after a deploy');
    now += 1000;
    assert.equal(run(reading), reading);
    now += 60000;
    assert.equal(run(reading)[0][0].payload, '-', 'after a dropout');
  });
});
