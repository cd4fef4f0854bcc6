import { strict as assert } from 'assert';
import { ChildProcess, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort, launchChromium, requireChromium, startNode, stopProcess } from '../support/editor-browser';

// The dialogs of the processing and window nodes share resources/stream-editor.js, which Node-RED
// serves from the package's resources/ folder. These tests open every such dialog in a real
// Chromium against a Node-RED that loads the package the way an installed module is loaded.
const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const BAD_DURATION = 'use a duration like 500ms, 10s, 5m, 1h30m or milliseconds';

interface DialogCase {
  type: string;
  // Selects made before checking, so that the window rows show (processors have no window by default).
  select: Record<string, string>;
  headings: string[];
  duration: string;
}

const DIALOGS: DialogCase[] = [
  { type: 'stream-tumbling-window', select: {}, headings: ['event', 'window', 'time', 'output', 'limits'], duration: 'size' },
  // Slide "event" by default: per-event windows are sent once, complete, so there is no output section.
  { type: 'stream-sliding-window', select: {}, headings: ['event', 'window', 'time', 'limits'], duration: 'slide' },
  { type: 'stream-session-window', select: {}, headings: ['event', 'window', 'time', 'output', 'limits'], duration: 'gap' },
  { type: 'stream-global-window', select: {}, headings: ['event', 'window', 'output', 'limits'], duration: 'flushEvery' },
  { type: 'stream-aggregate', select: { windowType: 'tumbling' }, headings: ['aggregations', 'event', 'window', 'time', 'output', 'limits'], duration: 'size' },
  { type: 'stream-filter', select: { windowType: 'session' }, headings: ['rules', 'event', 'window', 'time', 'output', 'limits'], duration: 'gap' },
  { type: 'stream-detect', select: { mode: 'window', windowType: 'sliding' }, headings: ['event', 'window'], duration: 'size' },
];

// Connector and sensor dialogs use the library's number and choice validators; config nodes open as config dialogs.
const CONNECTORS: { type: string; field: string; config?: boolean }[] = [
  { type: 'stream-mqtt-broker', field: 'keepalive', config: true },
  { type: 'stream-mqtt-in', field: '' },
  { type: 'stream-mqtt-out', field: 'queueSize' },
  { type: 'stream-kafka-broker', field: 'retries', config: true },
  { type: 'stream-kafka-in', field: 'maxInFlight' },
  { type: 'stream-kafka-out', field: 'batchSize' },
  { type: 'stream-sensor-sim', field: 'sensors' },
];

// Every property each dialog saves, in order, with its default: flows, examples and the runtime
// read these names (DESIGN.md §3), so moving the dialogs onto the shared library must not change one.
const SHARED_DEFAULTS: Record<string, unknown> = {
  name: '', keyProperty: 'topic', valueProperty: 'payload', timeMode: 'event', timeProperty: 'timestamp', windowType: 'none',
  size: '1m', offset: '', slide: 'event', gap: '30s', maxDuration: '', count: '', overlap: '', flushEvery: '', bounds: '[start,end)',
  maxOutOfOrder: '', watermarkScope: 'stream', allowedLateness: '', idleTimeout: '', lateData: 'drop', emit: 'final', earlyEvery: '10s',
  maxKeys: '', maxEventsPerWindow: '', store: '', outputs: 1,
};
const EVENT = 'name keyProperty valueProperty timeMode timeProperty';
const TAIL = 'bounds maxOutOfOrder watermarkScope allowedLateness idleTimeout lateData emit earlyEvery maxKeys maxEventsPerWindow store';
const PROCESSOR = `${EVENT} windowType size offset slide gap maxDuration count overlap flushEvery ${TAIL}`;
const SAVED: Record<string, [string, Record<string, unknown>]> = {
  'stream-tumbling-window': [`${EVENT} size offset ${TAIL} outputs`, {}],
  'stream-sliding-window': [`${EVENT} size slide offset ${TAIL} outputs`, {}],
  'stream-session-window': [`${EVENT} gap maxDuration ${TAIL} outputs`, {}],
  'stream-global-window': [`${EVENT} count overlap flushEvery ${TAIL} outputs`, { count: '10' }],
  'stream-aggregate': [`${PROCESSOR} aggregations output having outputs`, { aggregations: [{ op: 'avg', property: 'payload', as: '' }], output: 'object', having: '' }],
  'stream-filter': [`${PROCESSOR} rules combine outputs`, { rules: [{ property: 'payload', op: 'between', value: '0', value2: '100' }], combine: 'all' }],
  'stream-detect': [
    'name pattern mode history threshold confidence direction minHistory falseAlerts holdOff outputs keyProperty valueProperty timeMode timeProperty ' +
      'windowType size offset slide gap maxDuration count overlap bounds maxOutOfOrder watermarkScope allowedLateness idleTimeout maxKeys store',
    { pattern: 'auto', mode: 'stream', history: '', threshold: '', confidence: '', direction: 'both', minHistory: '', falseAlerts: '', holdOff: '1m' },
  ],
};

// Runs in the page: adds a node of `type` with its defaults, as a drop from the palette does, and opens its dialog.
function addAndEdit(type: string): string {
  const RED = (window as any).RED;
  const id = RED.nodes.id();
  const node: Record<string, unknown> = { id, type, x: 200, y: 200, z: RED.workspaces.active(), wires: [] };
  const defaults = RED.nodes.getType(type).defaults;
  for (const d of Object.keys(defaults)) node[d] = JSON.parse(JSON.stringify(defaults[d].value));
  RED.view.importNodes([node], { generateIds: false, notify: false });
  RED.editor.edit(RED.nodes.node(id));
  return id;
}

describe('shared editor resources', function () {
  it('are part of the published package', () => {
    assert.ok(pkg.files.includes('resources'), 'package.json "files" lists resources');
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path);
    for (const f of ['resources/stream-editor.js', 'resources/stream-editor.css']) assert.ok(files.includes(f), `${f} is packed`);
  });

  it('are named by every dialog that uses them, under the package name Node-RED serves them at', () => {
    const tag = `<script src="resources/${pkg.name}/stream-editor.js"></script>`;
    for (const type of [...DIALOGS.map((d) => d.type), ...CONNECTORS.filter((c) => c.field).map((c) => c.type)]) {
      const html = fs.readFileSync(path.join(root, 'nodes', `${type}.html`), 'utf8');
      assert.ok(html.startsWith(tag), `${type}.html loads the shared editor code first`);
    }
  });
});

describe('node dialogs on the shared editor library in Chromium (e2e)', function () {
  this.timeout(60000);
  let red: ChildProcess | undefined;
  let userDir: string;
  let base: string;
  let browser: BrowserContext | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const served: Record<string, number[]> = {};

  before(async function () {
    this.timeout(120000);
    const chromium = requireChromium(this);
    assert.ok(fs.existsSync(path.join(root, 'dist', 'nodes', 'stream-aggregate.html')), 'dist/ is built (npm test builds it first)');

    // A user directory with the package linked in as `npm install <path>` does: Node-RED finds
    // resources/ at the module root, not next to the node files.
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-editor-e2e-'));
    fs.mkdirSync(path.join(userDir, 'node_modules'));
    fs.symlinkSync(root, path.join(userDir, 'node_modules', pkg.name), 'junction');
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'editor-e2e', version: '0.0.1', private: true, dependencies: { [pkg.name]: `file:${root}` } }));
    fs.writeFileSync(path.join(userDir, 'flows.json'), '[]');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    fs.writeFileSync(path.join(userDir, 'settings.js'), `module.exports = ${JSON.stringify({
      uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', credentialSecret: 'editor-e2e',
      diagnostics: { enabled: false }, telemetry: { enabled: false },
      // No palette catalogue: a test machine has no network, and a failed fetch logs a console error.
      editorTheme: { tours: false, palette: { catalogues: [] } },
      contextStorage: { default: { module: 'memory' }, file: { module: 'localfilesystem' } },
      logging: { console: { level: 'info', metrics: false, audit: false } },
    })};\n`);
    const started = await startNode([require.resolve('node-red/red.js'), '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')],
      { cwd: userDir }, /Started flows/, 60000, 'Node-RED');
    red = started.child;
    browser = await launchChromium(chromium, path.join(userDir, 'chromium-profile'), { width: 1400, height: 900 });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('response', (r) => {
      const m = /\/resources\/[^/]+\/(stream-editor\.(?:js|css))$/.exec(r.url());
      if (m && r.url().includes(`/resources/${pkg.name}/`)) (served[m[1]] ??= []).push(r.status());
    });
    page.on('requestfailed', (r) => consoleErrors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(base + '/');
    await page.waitForSelector('.red-ui-palette-node[data-palette-type="stream-aggregate"]', { timeout: 60000 });
  });

  after(async function () {
    this.timeout(30000);
    await browser?.close();
    await stopProcess(red);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('loads stream-editor.js and its stylesheet from the package resources', async () => {
    await page.waitForFunction(() => !!document.querySelector('#stream-editor-css'));
    await page.waitForFunction(() => Array.from(document.styleSheets).some((s) => /stream-editor\.css$/.test(s.href ?? '')), undefined, { timeout: 10000 });
    // Served once, then possibly from the browser cache (304) for the next node file that names it.
    assert.deepEqual(Object.keys(served).sort(), ['stream-editor.css', 'stream-editor.js']);
    for (const [file, statuses] of Object.entries(served)) assert.ok(statuses.every((s) => s === 200 || s === 304), `${file}: ${statuses}`);
    assert.equal(await page.evaluate(() => typeof (window as any).streamProcessingEditor?.register), 'function');
  });

  for (const dialog of DIALOGS) {
    it(`${dialog.type}: opens without console errors, shows its sections, marks a bad duration red with the reason`, async () => {
      const before = consoleErrors.length;
      await page.evaluate(addAndEdit, dialog.type);
      await page.locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
      for (const [field, value] of Object.entries(dialog.select)) await page.selectOption(`#node-input-${field}`, value);

      for (const h of dialog.headings) {
        const heading = page.locator(`.stream-group-${h}`);
        assert.equal(await heading.isVisible(), true, `${h} heading visible`);
        assert.notEqual((await heading.innerText()).trim(), '', `${h} heading has its translated text`);
      }
      // Event properties are msg. TypedInputs; the saved value shows in them.
      assert.equal(await page.locator('.stream-row-valueProperty .red-ui-typedInput-container').isVisible(), true, 'value property is a TypedInput');
      assert.equal(await page.inputValue('#node-input-valueProperty'), 'payload');
      // The context-store picker lists memory only and the configured stores.
      const stores = await page.$$eval('#node-input-store option', (os) => os.map((o) => (o as HTMLOptionElement).value));
      assert.deepEqual(stores, ['', 'default', 'file']);
      // Labels of the shared rows come from the node's own catalog, not raw keys.
      const keyLabel = (await page.locator('label[for="node-input-keyProperty"]').innerText()).trim();
      assert.equal(keyLabel, 'Key');

      const input = page.locator(`#node-input-${dialog.duration}`);
      assert.equal(await input.isVisible(), true, `${dialog.duration} visible`);
      await input.fill('soon');
      await input.press('Tab');
      await page.waitForSelector(`#node-input-${dialog.duration}.input-error`, { timeout: 5000 });
      await input.hover();
      const tip = page.locator('.red-ui-popover', { hasText: BAD_DURATION });
      await tip.first().waitFor({ state: 'visible', timeout: 5000 });
      await input.fill('5s');
      await input.press('Tab');
      await page.waitForSelector(`#node-input-${dialog.duration}:not(.input-error)`, { timeout: 5000 });
      // A limit outside any window setting: validated on its own, with its reason too.
      const maxKeys = page.locator('#node-input-maxKeys');
      await maxKeys.fill('many');
      await maxKeys.press('Tab');
      await page.waitForSelector('#node-input-maxKeys.input-error', { timeout: 5000 });
      await maxKeys.hover();
      await page.locator('.red-ui-popover', { hasText: 'a whole number of at least 1, or empty' }).first().waitFor({ state: 'visible', timeout: 5000 });

      await page.click('#node-dialog-cancel');
      await page.locator('#node-input-name').waitFor({ state: 'detached', timeout: 10000 });
      assert.deepEqual(consoleErrors.slice(before), []);
    });
  }

  for (const c of CONNECTORS) {
    it(`${c.type}: opens without console errors${c.field ? ', says which whole numbers a bad one may be' : ''}`, async () => {
      const before = consoleErrors.length;
      const prefix = c.config ? 'node-config-input' : 'node-input';
      if (c.config) await page.evaluate((type) => (window as any).RED.editor.editConfig('', type, '_ADD_'), c.type);
      else await page.evaluate(addAndEdit, c.type);
      await page.locator(`#${prefix}-name`).waitFor({ state: 'visible', timeout: 10000 });
      if (c.field) {
        const input = page.locator(`#${prefix}-${c.field}`);
        await input.scrollIntoViewIfNeeded();
        await input.fill('lots');
        await input.press('Tab');
        await page.waitForSelector(`#${prefix}-${c.field}.input-error`, { timeout: 5000 });
        await input.hover();
        await page.locator('.red-ui-popover', { hasText: 'a whole number from' }).first().waitFor({ state: 'visible', timeout: 5000 });
      }
      await page.click(c.config ? '#node-config-dialog-cancel' : '#node-dialog-cancel');
      await page.locator(`#${prefix}-name`).waitFor({ state: 'detached', timeout: 10000 });
      assert.deepEqual(consoleErrors.slice(before), []);
    });
  }

  it('declares every validator with (value, opt), the form whose reasons Node-RED shows', async () => {
    const oneParameter = await page.evaluate((types) => types.flatMap((t) => {
      const d = (window as any).RED.nodes.getType(t).defaults;
      return Object.keys(d).filter((k) => d[k].validate && d[k].validate.length !== 2).map((k) => `${t}.${k}`);
    }), DIALOGS.map((d) => d.type));
    assert.deepEqual(oneParameter, []);
    const verdicts = await page.evaluate(() => {
      const v = (type: string, field: string, value: unknown) => (window as any).RED.nodes.getType(type).defaults[field].validate.call({}, value, {});
      return [
        v('stream-sensor-sim', 'interval', '5ms'), v('stream-sensor-sim', 'interval', '1w'), v('stream-sensor-sim', 'interval', '0.5s'),
        v('stream-aggregate', 'maxOutOfOrder', '1h30m'), v('stream-aggregate', 'maxOutOfOrder', 0), v('stream-detect', 'minHistory', '-1'),
      ];
    });
    assert.deepEqual(verdicts, ['at least 10ms', true, true, true, true, 'a whole number of at least 0, or empty']);
  });

  it('keeps every saved property name and default of each dialog', async () => {
    for (const [type, [names, own]] of Object.entries(SAVED)) {
      const defaults = await page.evaluate((t) => {
        const d = (window as any).RED.nodes.getType(t).defaults;
        return Object.keys(d).map((k) => [k, d[k].value]);
      }, type);
      const expected = names.split(' ').map((k) => [k, k in own ? own[k] : SHARED_DEFAULTS[k]]);
      assert.deepEqual(defaults, expected, type);
    }
  });

  it('shows and hides the window rows with the window type, emit and late-data settings', async () => {
    const id = await page.evaluate(addAndEdit, 'stream-aggregate');
    await page.locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
    const visible = (f: string) => page.locator(`.stream-row-${f}`).isVisible();
    assert.equal(await visible('size'), false, 'no window: no size');
    assert.equal(await visible('maxKeys'), false, 'no window: no limits');
    await page.selectOption('#node-input-windowType', 'global');
    assert.deepEqual([await visible('count'), await visible('size'), await visible('lateData'), await visible('bounds')], [true, false, false, false]);
    await page.selectOption('#node-input-windowType', 'sliding');
    assert.deepEqual([await visible('size'), await visible('slide'), await visible('gap'), await visible('earlyEvery')], [true, true, false, false]);
    await page.fill('#node-input-slide', '30s');
    await page.press('#node-input-slide', 'Tab');
    await page.selectOption('#node-input-emit', 'early');
    assert.equal(await visible('earlyEvery'), true);
    await page.selectOption('#node-input-lateData', 'output');
    await page.click('#node-dialog-ok');
    await page.locator('#node-input-name').waitFor({ state: 'detached', timeout: 10000 });
    const saved = await page.evaluate((nid) => {
      const n = (window as any).RED.nodes.node(nid);
      return { windowType: n.windowType, emit: n.emit, lateData: n.lateData, outputs: n.outputs, valid: n.valid };
    }, id);
    assert.deepEqual(saved, { windowType: 'sliding', emit: 'early', lateData: 'output', outputs: 2, valid: true });
    assert.deepEqual(consoleErrors, []);
  });

  // Opens a new node's dialog; `visible` tells whether a shared row (or a section heading, "#name") shows.
  async function open(type: string): Promise<string> {
    const id = await page.evaluate(addAndEdit, type);
    await page.locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
    return id;
  }
  const visible = (f: string) => page.locator(f.startsWith('#') ? `.stream-group-${f.slice(1)}` : `.stream-row-${f}`).first().isVisible();
  const shown = async (fields: string[]) => Object.fromEntries(await Promise.all(fields.map(async (f) => [f, await visible(f)])));
  async function setText(field: string, value: string) {
    await page.fill(`#node-input-${field}`, value);
    await page.press(`#node-input-${field}`, 'Tab');
  }
  async function expectReason(field: string, reason: string) {
    await page.waitForSelector(`#node-input-${field}.input-error`, { timeout: 5000 });
    await page.locator(`#node-input-${field}`).hover();
    await page.locator('.red-ui-popover', { hasText: reason }).first().waitFor({ state: 'visible', timeout: 5000 });
  }
  async function close(button: 'ok' | 'cancel') {
    await page.click(`#node-dialog-${button}`);
    await page.locator('#node-input-name').waitFor({ state: 'detached', timeout: 10000 });
  }

  it('sets the per-key watermark in the Time section of every windowed dialog and saves it', async () => {
    for (const type of ['stream-tumbling-window', 'stream-sliding-window', 'stream-session-window', 'stream-aggregate', 'stream-filter', 'stream-detect']) {
      await open(type);
      if (type === 'stream-detect') await page.selectOption('#node-input-mode', 'window');
      if (type === 'stream-aggregate' || type === 'stream-filter' || type === 'stream-detect') await page.selectOption('#node-input-windowType', 'tumbling');
      assert.equal(await visible('watermarkScope'), true, `${type}: watermark row visible`);
      assert.equal((await page.locator('label[for="node-input-watermarkScope"]').innerText()).trim(), 'Watermark', type);
      const options = await page.$$eval('#node-input-watermarkScope option', (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
      assert.deepEqual(options, [['stream', 'one for the stream (shared clock)'], ['key', 'one per key (each device its own clock)']], type);
      if (type !== 'stream-detect') {
        // Right after Out of order, under the Time heading.
        const order = await page.$$eval('.stream-group-time ~ .form-row', (rows) => rows.slice(0, 2).map((r) => r.className));
        assert.deepEqual(order.map((c) => /stream-row-(\w+)/.exec(c)?.[1]), ['maxOutOfOrder', 'watermarkScope'], type);
      }
      await close('cancel');
    }
    const id = await open('stream-tumbling-window');
    await page.selectOption('#node-input-watermarkScope', 'key');
    await close('ok');
    assert.equal(await page.evaluate((nid) => (window as any).RED.nodes.node(nid).watermarkScope, id), 'key');
    // Count windows have no watermark.
    await open('stream-global-window');
    assert.equal(await visible('watermarkScope'), false, 'global window: no watermark row');
    await close('cancel');
    assert.deepEqual(consoleErrors, []);
  });

  it('marks slide red with the reason when it is longer than size, and clears it when size grows', async () => {
    for (const type of ['stream-sliding-window', 'stream-aggregate']) {
      const id = await open(type);
      if (type === 'stream-aggregate') await page.selectOption('#node-input-windowType', 'sliding');
      await setText('size', '1m');
      await setText('slide', '5m');
      await expectReason('slide', 'must not be longer than the size (1m)');
      // Changing size re-checks slide.
      await setText('size', '10m');
      await page.waitForSelector('#node-input-slide:not(.input-error)', { timeout: 5000 });
      await setText('size', '2m');
      await page.waitForSelector('#node-input-slide.input-error', { timeout: 5000 });
      await close('ok');
      assert.equal(await page.evaluate((nid) => (window as any).RED.nodes.node(nid).valid, id), false, `${type}: saved node is invalid`);
    }
    // Other rules the runtime enforces between fields.
    const verdicts = await page.evaluate(() => {
      const v = (type: string, field: string, node: Record<string, unknown>, value: unknown) =>
        (window as any).RED.nodes.getType(type).defaults[field].validate.call({ type, ...node }, value, {});
      return [
        v('stream-sliding-window', 'slide', { size: '5m' }, '5m'), v('stream-sliding-window', 'slide', { size: '5m' }, '1h'),
        v('stream-sliding-window', 'offset', { size: '5m', slide: '1m' }, '1m'), v('stream-sliding-window', 'offset', { size: '5m', slide: '1m' }, '30s'),
        v('stream-sliding-window', 'offset', { size: '5m', slide: 'event' }, '1h'), v('stream-tumbling-window', 'offset', { size: '1m' }, '1m'),
        v('stream-aggregate', 'offset', { windowType: 'tumbling', size: '1m' }, '59s'),
        v('stream-session-window', 'maxDuration', { gap: '30s' }, '10s'), v('stream-session-window', 'maxDuration', { gap: '30s' }, '1h'),
        v('stream-global-window', 'overlap', { count: '10' }, '10'), v('stream-global-window', 'overlap', { count: '' }, '2'),
        v('stream-global-window', 'overlap', { count: '10' }, '9'), v('stream-global-window', 'overlap', { count: '' }, '0'),
        // Flows from before the watermark setting have no value for it; they stay valid.
        v('stream-aggregate', 'watermarkScope', {}, undefined), v('stream-aggregate', 'watermarkScope', {}, 'device'),
      ];
    });
    assert.deepEqual(verdicts, [
      true, 'must not be longer than the size (5m); for gaps between windows use a tumbling window',
      'must be shorter than the slide (1m)', true,
      true, 'must be shorter than the size (1m)',
      true,
      'must be at least the gap (30s), or empty for no limit', true,
      'must be smaller than the count (10)', 'needs a count: windows without one have nothing to overlap',
      true, true,
      true, 'one of stream, key',
    ]);
    assert.deepEqual(consoleErrors, []);
  });

  it('hides what per-event sliding windows ignore (offset, bounds, lateness, emit) and shows it for hopping windows', async () => {
    const rows = ['offset', 'bounds', 'allowedLateness', 'emit', '#output', 'lateData', 'maxOutOfOrder', 'size'];
    await open('stream-sliding-window');
    assert.equal(await page.inputValue('#node-input-slide'), 'event');
    assert.deepEqual(await shown(rows), { offset: false, bounds: false, allowedLateness: false, emit: false, '#output': false, lateData: true, maxOutOfOrder: true, size: true });
    await setText('slide', '1m');
    assert.deepEqual(await shown(rows), { offset: true, bounds: true, allowedLateness: true, emit: true, '#output': true, lateData: true, maxOutOfOrder: true, size: true });
    await setText('offset', '2m');
    await expectReason('offset', 'must be shorter than the slide (1m)');
    // Back to per-event: offset is hidden and no longer holds the dialog back.
    await setText('slide', 'event');
    assert.equal(await visible('offset'), false);
    await page.waitForSelector('#node-input-offset:not(.input-error)', { state: 'attached', timeout: 5000 });
    await close('cancel');
    // The same rule in a processor's own window.
    await open('stream-filter');
    await page.selectOption('#node-input-windowType', 'sliding');
    assert.deepEqual(await shown(['offset', 'bounds', 'emit']), { offset: false, bounds: false, emit: false });
    await page.selectOption('#node-input-windowType', 'tumbling');
    assert.deepEqual(await shown(['offset', 'bounds', 'emit']), { offset: true, bounds: true, emit: true });
    await close('cancel');
    assert.deepEqual(consoleErrors, []);
  });

  it('hides rows without effect: bounds of sessions, the watermark and late settings in processing time', async () => {
    await open('stream-session-window');
    assert.deepEqual(await shown(['gap', 'maxDuration', 'bounds', 'offset']), { gap: true, maxDuration: true, bounds: false, offset: false });
    await setText('maxDuration', '10s');
    await expectReason('maxDuration', 'must be at least the gap (30s)');
    await close('cancel');

    const timeRows = ['#time', 'maxOutOfOrder', 'watermarkScope', 'allowedLateness', 'idleTimeout', 'lateData', 'timeProperty'];
    const id = await open('stream-aggregate');
    await page.selectOption('#node-input-windowType', 'tumbling');
    assert.deepEqual(await shown(timeRows), Object.fromEntries(timeRows.map((f) => [f, true])));
    await page.selectOption('#node-input-lateData', 'output');
    await page.selectOption('#node-input-timeMode', 'processing');
    assert.deepEqual(await shown(timeRows), Object.fromEntries(timeRows.map((f) => [f, false])));
    assert.deepEqual(await shown(['size', 'emit', 'maxKeys']), { size: true, emit: true, maxKeys: true });
    await close('ok');
    // No late events in processing time, so no port for them.
    assert.deepEqual(await page.evaluate((nid) => { const n = (window as any).RED.nodes.node(nid); return [n.timeMode, n.outputs]; }, id), ['processing', 1]);

    await open('stream-global-window');
    await setText('count', '5');
    await setText('overlap', '5');
    await expectReason('overlap', 'must be smaller than the count (5)');
    await setText('count', '6');
    await page.waitForSelector('#node-input-overlap:not(.input-error)', { timeout: 5000 });
    await close('cancel');
    assert.deepEqual(consoleErrors, []);
  });
});
