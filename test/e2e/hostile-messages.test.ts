import { strict as assert } from 'assert';
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as mqtt from 'mqtt';
import * as os from 'os';
import * as path from 'path';
import { requireBroker } from '../support/brokers';
import { freePort, startNodeRed, stopProcess } from '../support/editor-browser';

// Hostile messages against a real `node-red` process (Node-RED from node_modules, the package
// linked into a temp user directory as `npm start` does it) with a real Mosquitto: one reading
// must never crash the process or freeze its event loop. Whether the process still lives is
// asked of the admin API, with a short timeout: a frozen event loop answers nothing.

const { prepareUserDir } = require('../../scripts/demo/user-dir');

const root = path.join(__dirname, '..', '..');
const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const ANSWER_MS = 3000;

function request(method: 'GET' | 'POST', url: string, timeoutMs = ANSWER_MS): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { Accept: 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

describe('hostile messages in a real node-red process', function () {
  this.timeout(90000);
  let child: ChildProcess | undefined;
  let userDir: string;
  let base: string;
  let log = () => '';
  let client: mqtt.MqttClient | undefined;
  let settings: string;
  let mqttUrl: string;
  const topic = `hostile-${process.pid}-${Date.now().toString(36)}`;

  /** Resolves when the log has `text` (checked on every output chunk); fails when Node-RED exits or after `ms`. */
  function logged(text: string | RegExp, ms: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (typeof text === 'string' ? !log().includes(text) : !text.test(log())) return false;
        cleanup();
        resolve();
        return true;
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        reject(new Error(`Node-RED exited (${signal ?? `code ${code}`}) while waiting for ${what}:\n${log().slice(-3000)}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${ms} ms waiting for ${what}:\n${log().slice(-3000)}`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        child!.stdout!.off('data', check);
        child!.stderr!.off('data', check);
        child!.off('exit', onExit);
      };
      if (child!.exitCode !== null || child!.signalCode !== null) return onExit(child!.exitCode, child!.signalCode);
      child!.stdout!.on('data', check);
      child!.stderr!.on('data', check);
      child!.once('exit', onExit);
      check();
    });
  }

  /** Starts Node-RED on the flow and waits until its MQTT subscription takes readings. */
  async function start(): Promise<void> {
    const started = await startNodeRed(userDir, settings, 60000);
    child = started.child;
    log = started.output;
    client ??= await mqtt.connectAsync(mqttUrl, { protocolVersion: 5, reconnectPeriod: 0 });
    // The subscription is in place once a probe reading comes through (earlier ones are lost).
    for (let i = 0; ; i++) {
      await client.publishAsync(`${topic}/sensors/probe${i}`, JSON.stringify({ v: 0, ts: T - 60000 }), { qos: 1 });
      try {
        await logged(`[debug:tap] probe${i}`, 500, 'the first reading to arrive');
        break;
      } catch (err) {
        if (i >= 40 || child.exitCode !== null) throw err;
      }
    }
  }

  async function assertAlive(after: string): Promise<void> {
    assert.equal(child!.exitCode, null, `Node-RED exited with code ${child!.exitCode} after ${after}:\n${log().slice(-3000)}`);
    for (const p of ['/settings', '/flows']) {
      const res = await request('GET', base + p).catch((err: Error) => {
        throw new Error(`the admin API (GET ${p}) did not answer after ${after}: ${err.message}; the event loop is blocked or the process is gone`);
      });
      assert.equal(res.status, 200, `GET ${p}: ${res.body}`);
    }
  }

  before(async function () {
    this.timeout(120000);
    const env = await requireBroker(this, 'mqtt');
    assert.ok(fs.existsSync(path.join(root, 'dist', 'nodes', 'stream-filter.js')), 'dist/ is built (npm test builds it first)');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-hostile-'));
    settings = prepareUserDir(userDir, { port, host: '127.0.0.1' });
    mqttUrl = env.MQTT_URL;
    const flow = [
      { id: 'f', type: 'tab', label: 'hostile' },
      { id: 'b', type: 'stream-mqtt-broker', url: env.MQTT_URL, protocolVersion: '5', reconnectPeriod: 200 },
      // Readings: <topic>/sensors/<id> {"v": …, "ts": …}; the key is the last topic level, the time payload.ts.
      {
        id: 'in',
        type: 'stream-mqtt-in',
        z: 'f',
        broker: 'b',
        topic: `${topic}/sensors/+`,
        qos: '1',
        format: 'json',
        keyFrom: 'level',
        keyLevel: '-1',
        timeFrom: 'field',
        timeField: 'ts',
        wires: [['tap', 'slide']],
      },
      { id: 'tap', type: 'debug', z: 'f', name: 'tap', active: true, tosidebar: false, console: true, complete: 'topic', wires: [] },
      { id: 'slide', type: 'stream-sliding-window', z: 'f', size: '10s', slide: '1s', valueProperty: 'payload.v', wires: [[]] },
      // A batch with an element the JSONata rule cannot use, then a good single event.
      {
        id: 'badBatch',
        type: 'inject',
        z: 'f',
        name: 'bad batch',
        wires: [['jf']],
        props: [
          { p: 'payload', v: JSON.stringify([{ topic: 's1', payload: 'abc', timestamp: T }]), vt: 'json' },
          { p: 'batch', v: 'true', vt: 'bool' },
        ],
      },
      {
        id: 'good',
        type: 'inject',
        z: 'f',
        name: 'good',
        wires: [['jf']],
        props: [
          { p: 'payload', v: '4242', vt: 'num' },
          { p: 'topic', v: 's1', vt: 'str' },
          { p: 'timestamp', v: String(T), vt: 'num' },
        ],
      },
      { id: 'jf', type: 'stream-filter', z: 'f', name: 'jf', rules: [{ property: 'payload', op: 'jsonata', value: 'payload > 30' }], wires: [['passed']] },
      { id: 'passed', type: 'debug', z: 'f', name: 'passed', active: true, tosidebar: false, console: true, complete: 'payload', wires: [] },
      { id: 'caught', type: 'catch', z: 'f', scope: null, uncaught: false, wires: [['errors']] },
      { id: 'errors', type: 'debug', z: 'f', name: 'caught', active: true, tosidebar: false, console: true, complete: 'error.message', wires: [] },
    ];
    // Node-RED takes a node without a position for a config node.
    const placed = flow.map((n, i) => ('z' in n ? { x: 100, y: 40 * i, ...n } : n));
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(placed));
    await start();
  });

  after(async function () {
    this.timeout(30000);
    await client?.endAsync(true).catch(() => undefined);
    // SIGINT first (Node-RED stops its flows); a frozen process ignores it and gets SIGKILL.
    await stopProcess(child, 'SIGINT', 5000);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('stream-filter with a JSONata rule: a batch with an unusable element is reported, the process lives and the node goes on', async () => {
    const res = await request('POST', `${base}/inject/badBatch`);
    assert.equal(res.status, 200, res.body);
    await logged('[debug:caught]', 10000, 'the batch error to reach the Catch node');
    const good = await request('POST', `${base}/inject/good`);
    assert.equal(good.status, 200, good.body);
    await logged('[debug:passed] 4242', 10000, 'the next good event to pass the filter');
    await assertAlive('a batch with an unusable element');
  });

  it('stream-sliding-window 10s/1s: a reading at time 1e20 over MQTT leaves the admin API answering', async () => {
    // Runs in the same process as the test before; should that one have ended the process, in a new one.
    if (child!.exitCode !== null || child!.signalCode !== null) await start();
    await client!.publishAsync(`${topic}/sensors/steady`, JSON.stringify({ v: 1, ts: T }), { qos: 1 });
    await logged('[debug:tap] steady', 10000, 'the normal reading');
    await client!.publishAsync(`${topic}/sensors/frozen`, '{"v":2,"ts":1e20}', { qos: 1 });
    // Handled: refused by the MQTT node (to the Catch node), or passed on, then the tap, wired
    // before the window, logs it and the window has it next.
    await logged(/\[debug:tap\] frozen|\[debug:caught\] .*100000000000000000000/, 10000, 'the reading at time 1e20 to be passed on or refused');
    await assertAlive('a reading at time 1e20');
    // And it still takes readings.
    await client!.publishAsync(`${topic}/sensors/after`, JSON.stringify({ v: 3, ts: T + 1000 }), { qos: 1 });
    await logged('[debug:tap] after', 10000, 'a reading after it');
    await assertAlive('a reading after the one at 1e20');
  });
});
