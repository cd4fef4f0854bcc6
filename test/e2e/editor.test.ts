import { strict as assert } from 'assert';
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort, launchChromium, requireChromium, startNode, stopProcess } from '../support/editor-browser';
import { packageProblems } from '../support/node-red-log';
import { WINDOWING_TYPES } from '../support/node-types';

// The editor and the dashboard in a real Chromium, driving `npm start`'s demo as a user would.
const root = path.join(__dirname, '..', '..');
const shots = path.join(root, 'screenshots');
const STREAM_TYPES = [
  ...WINDOWING_TYPES,
  'stream-join',
  'stream-sequence',
  'stream-mqtt-in',
  'stream-mqtt-out',
  'stream-kafka-in',
  'stream-kafka-out',
  'stream-sensor-sim',
];

describe('editor and dashboard in Chromium (e2e)', function () {
  this.timeout(120000);
  let demo: ChildProcess | undefined;
  let userDir: string;
  let base: string;
  let browser: BrowserContext | undefined;
  let page: Page;
  let output = () => '';

  before(async function () {
    this.timeout(180000);
    const chromium = requireChromium(this);
    assert.ok(fs.existsSync(path.join(root, 'dist', 'nodes', 'stream-aggregate.js')), 'dist/ is built (npm test builds it first)');
    fs.mkdirSync(shots, { recursive: true });

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-e2e-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), STREAM_DEMO_USER_DIR: userDir };
    delete env.MQTT_URL;
    delete env.KAFKA_BROKERS;
    const started = await startNode([path.join(root, 'scripts', 'start.js')], { cwd: root, env }, /Dashboard:\s+http/, 60000, 'demo');
    demo = started.child;
    output = started.output;
    // A fresh profile (--user-data-dir) per run: no state from earlier runs.
    browser = await launchChromium(chromium, path.join(userDir, 'chromium-profile'), { width: 1400, height: 860 });
    page = await browser.newPage();
    await page.goto(base + '/');
    await page.waitForSelector('.red-ui-palette-node', { timeout: 60000 });
  });

  after(async function () {
    this.timeout(30000);
    await browser?.close();
    await stopProcess(demo);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('shows every node of the package in the "stream" palette category', async () => {
    const types = await page.$$eval('#red-ui-palette-container-stream .red-ui-palette-node', (els) => els.map((e) => e.getAttribute('data-palette-type')));
    assert.deepEqual([...types].sort(), [...STREAM_TYPES].sort());
    const header = await page.textContent(
      '#red-ui-palette-stream .red-ui-palette-header, #red-ui-palette-header-stream, .red-ui-palette-category:has(#red-ui-palette-container-stream) .red-ui-palette-header',
    );
    assert.match(String(header), /stream/);
    // The running flow as the README shows it: statuses filled in, zoomed out.
    await page.waitForSelector('.red-ui-flow-node-status-label:has-text("sent")', { timeout: 30000 });
    await page.keyboard.press('Control+Space'); // sidebar away: more of the flow in view
    for (let i = 0; i < 3; i++) await page.click('#red-ui-view-zoom-out');
    await page.screenshot({ path: path.join(shots, 'editor.png') });
    await page.click('#red-ui-view-zoom-zero');
    await page.keyboard.press('Control+Space');
  });

  it('deploys the demo with every node valid in its dialog', async () => {
    const invalid = await page.evaluate(() => {
      const RED = (window as any).RED;
      const problems: string[] = [];
      RED.nodes.eachNode((n: any) => {
        if (!n.valid) problems.push(`${n.type} "${n.name || n.id}": ${JSON.stringify(n.validationErrors ?? [])}`);
      });
      RED.nodes.eachConfig((n: any) => {
        if (n.valid === false) problems.push(`${n.type} "${n.name || n.id}": ${JSON.stringify(n.validationErrors ?? [])}`);
      });
      return problems;
    });
    assert.deepEqual(invalid, []);
  });

  it("places the demo's nodes so that none hides another (or a wire behind it)", async () => {
    const overlaps = await page.evaluate(() => {
      const RED = (window as any).RED;
      const boxes: { name: string; x1: number; x2: number; y1: number; y2: number }[] = [];
      RED.nodes.eachNode((n: any) => {
        if (n.z !== RED.workspaces.active() || !n.w || !n.h) return;
        boxes.push({ name: n.name || n.type, x1: n.x - n.w / 2, x2: n.x + n.w / 2, y1: n.y - n.h / 2, y2: n.y + n.h / 2 });
      });
      const out: string[] = [];
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i];
          const b = boxes[j];
          if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) out.push(`${a.name} / ${b.name}`);
        }
      }
      return [boxes.length, out] as [number, string[]];
    });
    assert.ok(overlaps[0] > 30, `${overlaps[0]} nodes measured`);
    assert.deepEqual(overlaps[1], []);
  });

  it('lists the examples under Import ▸ Examples and imports the IoT pipeline', async () => {
    const nodeCount = () => page.evaluate(() => (window as any).RED.nodes.filterNodes({ z: (window as any).RED.workspaces.active() }).length as number);
    const before = await nodeCount();
    await page.keyboard.press('Control+i');
    await page.click('#red-ui-tab-red-ui-clipboard-dialog-import-tab-examples a', { timeout: 10000 });
    const pkg = page.locator('#red-ui-clipboard-dialog-import-tab-examples .red-ui-treeList-label', { hasText: 'node-red-contrib-stream-processing' });
    await pkg.first().click({ timeout: 10000 });
    const example = page.locator('#red-ui-clipboard-dialog-import-tab-examples .red-ui-treeList-label', { hasText: '01 IoT sensor pipeline' });
    await example.first().click({ timeout: 10000 });
    for (const label of ['02 Tumbling window', '08 Detect anomalies', '10 Kafka in, window, Kafka out']) {
      assert.equal(await page.locator('#red-ui-clipboard-dialog-import-tab-examples .red-ui-treeList-label', { hasText: label }).count(), 1, label);
    }
    await page.click('#red-ui-clipboard-dialog-ok', { timeout: 10000 });
    // Imported nodes stick to the mouse until placed; a click drops them.
    // The demo runs this very example, so the editor asks what to do with nodes that already exist.
    await page.click('.red-ui-notification button:has-text("Import copy")', { timeout: 10000 });
    await page.mouse.click(700, 700);
    await page.waitForFunction((n) => (window as any).RED.nodes.filterNodes({ z: (window as any).RED.workspaces.active() }).length >= n + 19, before, {
      timeout: 10000,
    });
    // Undo the import: the demo's own copy of the pipeline is the one edited next.
    await page.keyboard.press('Control+z');
    await page.waitForFunction((n) => (window as any).RED.nodes.filterNodes({ z: (window as any).RED.workspaces.active() }).length === n, before, {
      timeout: 10000,
    });
    assert.equal(await nodeCount(), before);
  });

  it('edits the aggregate (invalid size marked), deploys, and new results reach the debug sidebar', async () => {
    const aggregate = page.locator('g.red-ui-flow-node-group', { has: page.locator('.red-ui-flow-node-label', { hasText: 'avg temperature / tumbling 1m' }) });
    await aggregate.locator('rect.red-ui-flow-node').first().dblclick();
    const size = page.locator('#node-input-size');
    await size.waitFor({ state: 'visible', timeout: 10000 });
    await size.fill('soon');
    await size.press('Tab');
    await page.waitForSelector('#node-input-size.input-error', { timeout: 5000 });
    await size.fill('5s');
    await size.press('Tab');
    await page.waitForSelector('#node-input-size:not(.input-error)', { timeout: 5000 });
    // The second aggregation becomes max instead of count.
    await page.selectOption('#node-input-aggregations-container li:nth-child(2) select', 'max');
    await page.locator('#node-input-aggregations-container').scrollIntoViewIfNeeded();
    await page
      .locator('.red-ui-notification')
      .first()
      .waitFor({ state: 'detached', timeout: 10000 })
      .catch(() => undefined);
    await page.screenshot({ path: path.join(shots, 'aggregate-dialog.png') });
    await page.click('#node-dialog-ok');
    await page.waitForSelector('#node-input-size', { state: 'detached', timeout: 10000 });

    await page.click('#red-ui-header-button-deploy');
    await page.waitForSelector('.red-ui-notification:has-text("Successfully deployed")', { timeout: 15000 });
    // The debug sidebar: results of the 5-second windows carry the new aggregation.
    await page
      .click('#red-ui-tab-debug-link-button, a[href="#red-ui-sidebar-debug"]')
      .catch(() => page.keyboard.press('Control+g').then(() => page.keyboard.press('d')));
    const result = page.locator('.red-ui-debug-msg', { hasText: '1-minute averages' }).filter({ hasText: 'max' });
    await result.first().waitFor({ timeout: 60000 });
    assert.ok((await result.count()) > 0);
    await page.screenshot({ path: path.join(shots, 'editor-debug.png') });
  });

  it('shows the dashboard, its chart updates, and its table lists the injected stuck sensors newest first with kind and reason', async function () {
    this.timeout(180000);
    const dash = await browser!.newPage();
    await dash.goto(base + '/dashboard');
    const canvas = dash.locator('.nrdb-ui-chart canvas').first();
    await canvas.waitFor({ timeout: 30000 });
    const first = await canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL());
    // New readings arrive every second; the chart must redraw with them.
    await dash.waitForFunction(
      (before) => {
        const c = document.querySelector('.nrdb-ui-chart canvas') as HTMLCanvasElement | null;
        return !!c && c.toDataURL() !== before;
      },
      first,
      { timeout: 20000 },
    );
    const labels = await dash.$$eval('.nrdb-ui-text-label', (els) => els.map((e) => e.textContent ?? ''));
    assert.ok(
      labels.some((l) => /late readings/.test(l)),
      'late count shown',
    );
    assert.ok(
      labels.some((l) => /implausible/.test(l)),
      'rejected count shown',
    );
    assert.ok(
      labels.some((l) => /alerts in the table/.test(l)),
      'alert count shown, named for what it counts',
    );
    // The fixed seed ("iot-demo") sticks sensor-2's and sensor-3's temperature from their 20th
    // second on: the per-reading detector, ready after 30 readings, lists both as stuck.
    const rowsOf = (): Promise<string[][]> =>
      dash.$$eval('.nrdb-ui-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())));
    await dash.waitForFunction(
      () => {
        const text = Array.from(document.querySelectorAll('.nrdb-ui-table tbody tr')).map((tr) => tr.textContent ?? '');
        return ['sensor-2', 'sensor-3'].every((id) => text.some((t) => t.includes(id) && t.includes('stuck')));
      },
      undefined,
      { timeout: 90000 },
    );
    const headers = await dash.$$eval('.nrdb-ui-table thead th', (ths) => ths.map((th) => (th.textContent ?? '').trim()));
    for (const h of ['time', 'sensor', 'found by', 'kind', 'reason']) assert.ok(headers.includes(h), `column ${h} in ${headers.join(', ')}`);
    const rows = await rowsOf();
    const times = rows.map((r) => r[headers.indexOf('time')]);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    const stuck = rows.find((r) => r[headers.indexOf('kind')] === 'stuck')!;
    assert.match(stuck[headers.indexOf('reason')], /the same reading .* times in a row/);
    await dash.screenshot({ path: path.join(shots, 'dashboard.png') });
    await dash.close();
  });

  it('imports every example with every node valid in its dialog', async () => {
    const dir = path.join(root, 'examples');
    for (const file of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const flow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      const invalid = await page.evaluate((nodes) => {
        const RED = (window as any).RED;
        RED.view.importNodes(nodes, { generateIds: true, addFlow: true, notify: false });
        const tab = RED.workspaces.active();
        const problems: string[] = [];
        const check = (n: any) => {
          if (!n.valid) problems.push(`${n.type} "${n.name || n.id}": ${JSON.stringify(n.validationErrors ?? [])}`);
        };
        RED.nodes.filterNodes({ z: tab }).forEach(check);
        RED.nodes.eachConfig((n: any) => {
          if ((n.users ?? []).some((u: any) => u.z === tab)) check(n);
        });
        return problems;
      }, flow);
      assert.deepEqual(invalid, [], file);
    }
  });

  it('marks a filter regex rule the linear-time engine cannot run, and accepts a pathological but linear one', async () => {
    const verdicts = await page.evaluate(() => {
      const RED = (window as any).RED;
      const rule = (value: string, id: string) => ({
        id,
        type: 'stream-filter',
        name: value,
        windowType: 'none',
        rules: [{ property: 'payload', op: 'regex', value, value2: '' }],
        combine: 'all',
        outputs: 1,
        x: 100,
        y: 100,
        wires: [[]],
      });
      const made = RED.view.importNodes([rule('temp(?=-1)', 'rx1'), rule('(a)\\1', 'rx2'), rule('(a+)+$', 'rx3')], {
        generateIds: true,
        addFlow: true,
        notify: false,
      });
      const nodes: any[] = made?.nodes ?? RED.nodes.filterNodes({ z: RED.workspaces.active(), type: 'stream-filter' });
      return nodes.map((n) => ({ name: n.rules?.[0]?.value as string, valid: n.valid, errors: JSON.stringify(n.validationErrors ?? []) }));
    });
    const byName = Object.fromEntries(verdicts.map((v: { name: string; valid: boolean; errors: string }) => [v.name, v]));
    assert.deepEqual(Object.keys(byName).filter((k) => ['temp(?=-1)', '(a)\\1', '(a+)+$'].includes(k)).length, 3, JSON.stringify(verdicts));
    assert.equal(byName['temp(?=-1)'].valid, false);
    // The runtime's reason (the editor runs its regex checks from resources/stream-rules.js).
    assert.match(byName['temp(?=-1)'].errors, /the lookahead \(\?=…\) cannot be used/);
    assert.equal(byName['(a)\\1'].valid, false);
    assert.match(byName['(a)\\1'].errors, /the backreference \\+1 cannot be used/);
    assert.doesNotMatch(byName['(a+)+$'].errors, /rule 1/);
  });

  it('the demo logged no error or warning from any node', () => {
    // Node-RED prefixes what a node logs with [level] [type:name]; start-up notices have no node.
    const fromNodes = output()
      .split('\n')
      .filter((line) => /\[(error|warn)\] \[[\w-]+:/.test(line));
    assert.deepEqual(fromNodes, []);
    // Nor any about the package itself (loading its node sets, files, examples).
    assert.deepEqual(packageProblems(output()), []);
    assert.match(output(), /Started flows/);
  });
});
