import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { PackageEditor, addAndEdit, requireChromium, startPackageEditor } from '../support/editor-browser';

// The dialogs of the processing and window nodes share resources/stream-editor.js, which Node-RED
// serves from the package's resources/ folder. These tests open every such dialog in a real
// Chromium against a Node-RED that loads the package the way an installed module is loaded.
const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
// The runtime's own reason (the dialogs check with its duration parser, resources/stream-rules.js).
const BAD_DURATION = 'expected a duration like 500ms, 10s, 5m, 1h30m, 2d or a number of milliseconds';

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
  { type: 'stream-join', select: { joinMode: 'window' }, headings: ['sides', 'join', 'event', 'time', 'limits'], duration: 'size' },
  { type: 'stream-sequence', select: {}, headings: ['steps', 'event', 'time', 'limits'], duration: 'within' },
];

// Connector and sensor dialogs use the library's number and choice validators; config nodes open as config dialogs.
// `reason`: what the runtime says of "lots" in `field` at deploy, and so the dialog too.
const CONNECTORS: { type: string; field: string; reason?: string; config?: boolean }[] = [
  { type: 'stream-mqtt-broker', field: 'keepalive', reason: 'must be a whole number of seconds between 0 and 65535', config: true },
  { type: 'stream-mqtt-in', field: '' },
  { type: 'stream-mqtt-out', field: 'queueSize', reason: 'must be a whole number of messages >= 0' },
  { type: 'stream-kafka-broker', field: 'retries', reason: 'must be a whole number of retries between 0 and 1000', config: true },
  { type: 'stream-kafka-in', field: 'maxInFlight', reason: 'must be a whole number of messages between 1 and 10000000' },
  { type: 'stream-kafka-out', field: 'batchSize', reason: 'must be a whole number of messages between 1 and 100000' },
  { type: 'stream-sensor-sim', field: 'sensors', reason: 'must be a number from 1 to 10000' },
];

// Every property each dialog saves, in order, with its default: flows, examples and the runtime
// read these names (DESIGN.md §3), so moving the dialogs onto the shared library must not change one.
const SHARED_DEFAULTS: Record<string, unknown> = {
  name: '',
  keyProperty: 'topic',
  keyPropertyType: 'msg',
  valueProperty: 'payload',
  valuePropertyType: 'msg',
  timeMode: 'auto',
  timeProperty: 'timestamp',
  timePropertyType: 'msg',
  windowType: 'none',
  outputProperty: 'payload',
  size: '1m',
  offset: '',
  slide: 'event',
  gap: '30s',
  maxDuration: '',
  count: '',
  overlap: '',
  flushEvery: '',
  bounds: '[start,end)',
  maxOutOfOrder: '',
  watermarkScope: 'stream',
  allowedLateness: '',
  idleTimeout: '',
  lateData: 'drop',
  maxFutureSkew: '',
  futureData: 'reject',
  emit: 'final',
  earlyEvery: '10s',
  maxKeys: '',
  maxEventsPerWindow: '',
  store: '',
  outputs: 1,
};
const EVENT = 'name keyProperty keyPropertyType valueProperty valuePropertyType timeMode timeProperty timePropertyType';
const TAIL =
  'bounds maxOutOfOrder watermarkScope allowedLateness idleTimeout lateData maxFutureSkew futureData emit earlyEvery maxKeys maxEventsPerWindow store';
const PROCESSOR = `${EVENT} windowType size offset slide gap maxDuration count overlap flushEvery ${TAIL}`;
// Nodes whose results can go to another property than payload.
const RESULT_TAIL = TAIL.replace('earlyEvery', 'earlyEvery outputProperty');
const SAVED: Record<string, [string, Record<string, unknown>]> = {
  'stream-tumbling-window': [
    `${EVENT} calendar timeZone shifts size offset ${RESULT_TAIL} outputs`,
    { calendar: 'none', timeZone: '', shifts: '06:00,14:00,22:00' },
  ],
  'stream-sliding-window': [`${EVENT} size slide offset ${RESULT_TAIL} outputs`, {}],
  'stream-session-window': [`${EVENT} gap maxDuration ${RESULT_TAIL} outputs`, {}],
  'stream-global-window': [`${EVENT} count overlap flushEvery ${RESULT_TAIL} outputs`, { count: '10' }],
  'stream-aggregate': [
    `${PROCESSOR.replace(TAIL, RESULT_TAIL)} aggregations output having dedup round outputs`,
    { aggregations: [{ op: 'avg', property: 'payload', as: '' }], output: 'object', having: '', dedup: '', round: '' },
  ],
  'stream-filter': [`${PROCESSOR} rules combine outputs`, { rules: [{ property: 'payload', op: 'between', value: '0', value2: '100' }], combine: 'all' }],
  'stream-detect': [
    'name pattern mode history threshold confidence direction minHistory falseAlerts holdOff outputs keyProperty keyPropertyType valueProperty valuePropertyType timeMode timeProperty timePropertyType outputProperty ' +
      'windowType size offset slide gap maxDuration count overlap bounds maxOutOfOrder watermarkScope allowedLateness idleTimeout maxKeys store',
    { pattern: 'auto', mode: 'stream', history: '', threshold: '', confidence: '', direction: 'both', minHistory: '', falseAlerts: '', holdOff: '1m' },
  ],
  'stream-join': [
    `${EVENT} maxOutOfOrder allowedLateness idleTimeout maxFutureSkew futureData maxKeys maxEventsPerWindow store sideProperty sideMatch leftSide rightSide rightKeyProperty joinMode lower upper windowType size slide offset joinType outputs`,
    {
      sideProperty: 'topic',
      sideMatch: 'equals',
      leftSide: 'left',
      rightSide: 'right',
      rightKeyProperty: '',
      joinMode: 'interval',
      lower: '0',
      upper: '5m',
      windowType: 'tumbling',
      slide: '',
      joinType: 'inner',
    },
  ],
  'stream-sequence': [
    `${EVENT} maxOutOfOrder idleTimeout maxFutureSkew futureData maxKeys maxEventsPerWindow store steps within contiguity skip maxPartialMatches outputs`,
    {
      steps: [{ name: 'warning', rules: [{ property: 'payload.level', op: 'eq', value: 'warning' }], times: '{3}', not: false }],
      within: '',
      contiguity: 'strict',
      skip: 'past-last-event',
      maxPartialMatches: '100',
    },
  ],
};

describe('shared editor resources', function () {
  it('are part of the published package', () => {
    assert.ok(pkg.files.includes('resources'), 'package.json "files" lists resources');
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path);
    for (const f of ['resources/stream-editor.js', 'resources/stream-rules.js', 'resources/stream-editor.css']) assert.ok(files.includes(f), `${f} is packed`);
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
  let ed: PackageEditor | undefined;
  let page: Page;
  let consoleErrors: string[] = [];
  const served: Record<string, number[]> = {};

  before(async function () {
    this.timeout(120000);
    const chromium = requireChromium(this);
    assert.ok(fs.existsSync(path.join(root, 'dist', 'nodes', 'stream-aggregate.html')), 'dist/ is built (npm test builds it first)');
    // A user directory with the package linked in as `npm install <path>` does: Node-RED finds
    // resources/ at the module root, not next to the node files.
    ed = await startPackageEditor(chromium, root, {
      onPage: (p) =>
        p.on('response', (r) => {
          const m = /\/resources\/[^/]+\/(stream-editor\.(?:js|css))$/.exec(r.url());
          if (m && r.url().includes(`/resources/${pkg.name}/`)) (served[m[1]] ??= []).push(r.status());
        }),
    });
    page = ed.page;
    consoleErrors = ed.consoleErrors;
  });

  after(async function () {
    this.timeout(30000);
    await ed?.stop();
  });

  it('loads stream-editor.js and its stylesheet from the package resources', async () => {
    await page.waitForFunction(() => !!document.querySelector('#stream-editor-css'));
    await page.waitForFunction(() => Array.from(document.styleSheets).some((s) => /stream-editor\.css$/.test(s.href ?? '')), undefined, { timeout: 10000 });
    // Served once, then possibly from the browser cache (304) for the next node file that names it.
    assert.deepEqual(Object.keys(served).sort(), ['stream-editor.css', 'stream-editor.js']);
    for (const [file, statuses] of Object.entries(served))
      assert.ok(
        statuses.every((s) => s === 200 || s === 304),
        `${file}: ${statuses}`,
      );
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
      // (The aggregate dialog shows its Value only when it is not payload: each aggregation names its own property.)
      assert.equal(await page.locator('.stream-row-keyProperty .red-ui-typedInput-container').isVisible(), true, 'key property is a TypedInput');
      assert.equal(await page.inputValue('#node-input-keyProperty'), 'topic');
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
      await page.locator('.red-ui-popover', { hasText: 'a whole number from 1 to 1000000, or empty' }).first().waitFor({ state: 'visible', timeout: 5000 });

      await page.click('#node-dialog-cancel');
      await page.locator('#node-input-name').waitFor({ state: 'detached', timeout: 10000 });
      assert.deepEqual(consoleErrors.slice(before), []);
    });
  }

  for (const c of CONNECTORS) {
    it(`${c.type}: opens without console errors${c.field ? ", says what a bad number may be in the runtime's words" : ''}`, async () => {
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
        await page.locator('.red-ui-popover', { hasText: c.reason }).first().waitFor({ state: 'visible', timeout: 5000 });
      }
      await page.click(c.config ? '#node-config-dialog-cancel' : '#node-dialog-cancel');
      await page.locator(`#${prefix}-name`).waitFor({ state: 'detached', timeout: 10000 });
      assert.deepEqual(consoleErrors.slice(before), []);
    });
  }

  it('declares every validator with (value, opt), the form whose reasons Node-RED shows', async () => {
    const oneParameter = await page.evaluate(
      (types) =>
        types.flatMap((t) => {
          const d = (window as any).RED.nodes.getType(t).defaults;
          return Object.keys(d)
            .filter((k) => d[k].validate && d[k].validate.length !== 2)
            .map((k) => `${t}.${k}`);
        }),
      DIALOGS.map((d) => d.type),
    );
    assert.deepEqual(oneParameter, []);
    const verdicts = await page.evaluate(() => {
      const v = (type: string, field: string, value: unknown) => (window as any).RED.nodes.getType(type).defaults[field].validate.call({}, value, {});
      return [
        v('stream-sensor-sim', 'interval', '5ms'),
        v('stream-sensor-sim', 'interval', '1w'),
        v('stream-sensor-sim', 'interval', '0.5s'),
        v('stream-aggregate', 'maxOutOfOrder', '1h30m'),
        v('stream-aggregate', 'maxOutOfOrder', 0),
        v('stream-detect', 'minHistory', '-1'),
      ];
    });
    assert.deepEqual(verdicts, [
      'must be at least 10ms (a duration like 500ms, 10s, 5m, 1h30m, 2d or a number of milliseconds), got string "5ms"',
      true,
      true,
      true,
      true,
      'must be a whole number of events, 0 or more (got -1)',
    ]);
  });

  it('stream-join: interval bounds may be negative, upper not before lower; a bad side regex is explained; the port count follows the type', async () => {
    const before = consoleErrors.length;
    const id = await page.evaluate(addAndEdit, 'stream-join');
    await page.locator('#node-input-lower').waitFor({ state: 'visible', timeout: 10000 });
    assert.equal(await page.locator('#node-input-size').isVisible(), false, 'window rows hidden for an interval join');
    const expectError = async (field: string, value: string, reason: string) => {
      const input = page.locator(`#node-input-${field}`);
      await input.fill(value);
      await input.press('Tab');
      await page.waitForSelector(`#node-input-${field}.input-error`, { timeout: 5000 });
      await input.hover();
      await page.locator('.red-ui-popover', { hasText: reason }).first().waitFor({ state: 'visible', timeout: 5000 });
    };
    const expectFine = async (field: string, value: string) => {
      await page.locator(`#node-input-${field}`).fill(value);
      await page.locator(`#node-input-${field}`).press('Tab');
      await page.waitForSelector(`#node-input-${field}:not(.input-error)`, { timeout: 5000 });
    };
    await expectFine('lower', '-5m');
    await expectError('upper', '-10m', 'must not be before lower (-5m)');
    await expectFine('upper', '5m');
    await expectError('lower', 'soon', 'expected a duration like 500ms');
    await expectFine('lower', '-30s');
    await page.selectOption('#node-input-sideMatch', 'regex');
    await expectError('leftSide', '^door(', 'invalid regular expression');
    await expectFine('leftSide', '^door');
    await expectError('rightSide', '', 'required');
    await expectFine('rightSide', 'temperature');
    await page.selectOption('#node-input-joinMode', 'window');
    assert.equal(await page.locator('#node-input-lower').isVisible(), false, 'interval rows hidden for a window join');
    await page.selectOption('#node-input-windowType', 'sliding');
    await expectError('slide', '2m', 'must not be longer than the size (1m)');
    await expectFine('slide', '30s');
    await page.selectOption('#node-input-joinType', 'left');
    await page.click('#node-dialog-ok');
    await page.locator('#node-input-lower').waitFor({ state: 'detached', timeout: 10000 });
    const saved = await page.evaluate((nodeId) => {
      const n = (window as any).RED.nodes.node(nodeId);
      return { outputs: n.outputs, lower: n.lower, leftSide: n.leftSide, joinMode: n.joinMode, slide: n.slide, valid: n.valid };
    }, id);
    assert.deepEqual(saved, { outputs: 2, lower: '-30s', leftSide: '^door', joinMode: 'window', slide: '30s', valid: true });
    assert.deepEqual(consoleErrors.slice(before), []);
  });

  it('stream-sequence: edits steps (name, condition, repeat, negation), marks bad ones and saves them with the timeouts port', async () => {
    const before = consoleErrors.length;
    const id = await page.evaluate(addAndEdit, 'stream-sequence');
    const rows = page.locator('#node-input-steps-container li');
    await rows.first().waitFor({ state: 'visible', timeout: 10000 });
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().locator('.stream-step-name').inputValue(), 'warning');
    const times = rows.first().locator('.stream-step-times');
    await times.fill('{0}');
    await times.press('Tab');
    assert.equal(await times.evaluate((el) => el.classList.contains('input-error')), true, 'a repeat of {0} is marked');
    await times.fill('{2,}');
    await times.press('Tab');
    assert.equal(await times.evaluate((el) => el.classList.contains('input-error')), false);
    // Two more steps: a negation and a final step.
    for (const [name, level, not] of [
      ['fault', 'fault', true],
      ['stop', 'stop', false],
    ] as [string, string, boolean][]) {
      await page.click(
        '.node-input-steps-container-row a.red-ui-editableList-addButton, #node-input-steps-container + .red-ui-editableList-addButton, .red-ui-editableList-addButton',
      );
      const row = rows.last();
      if (not) await row.locator('.stream-step-not').selectOption('not');
      await row.locator('.stream-step-name').fill(name);
      await row.locator('.stream-step-value').fill(level);
    }
    assert.equal(await rows.last().locator('.stream-step-times').isVisible(), true);
    assert.equal(await rows.nth(1).locator('.stream-step-times').isVisible(), false, 'a negation has no repeat count');
    await page.locator('#node-input-within').fill('30s');
    await page.check('#node-input-timeouts');
    await page.click('#node-dialog-ok');
    await page.locator('#node-input-within').waitFor({ state: 'detached', timeout: 10000 });
    const saved = await page.evaluate((nodeId) => {
      const n = (window as any).RED.nodes.node(nodeId);
      return { outputs: n.outputs, within: n.within, steps: n.steps, valid: n.valid };
    }, id);
    assert.deepEqual(saved, {
      outputs: 2,
      within: '30s',
      valid: true,
      steps: [
        { name: 'warning', rules: [{ property: 'payload.level', op: 'eq', value: 'warning' }], times: '{2,}', not: false },
        { name: 'fault', rules: [{ property: 'payload', op: 'eq', value: 'fault' }], times: '', not: true },
        { name: 'stop', rules: [{ property: 'payload', op: 'eq', value: 'stop' }], times: '', not: false },
      ],
    });
    // The validator says what is wrong with a step list the dialog cannot fix by itself.
    const verdicts = await page.evaluate(() => {
      const v = (window as any).RED.nodes.getType('stream-sequence').defaults.steps.validate;
      const step = (name: string, extra = {}) => ({ name, rules: [{ property: 'payload', op: 'eq', value: name }], times: '', not: false, ...extra });
      return [
        v.call({}, [], {}),
        v.call({}, [step('a', { not: true }), step('b')], {}),
        v.call({}, [step('a'), step('a')], {}),
        v.call({}, [step('a', { rules: [{ op: 'jsonata', value: 'payload' }] })], {}),
        v.call({}, [step('a', { times: '*' })], {}),
        v.call({}, [step('a'), step('b', { not: true })], {}),
      ];
    });
    // In the runtime's words, as the node says them at deploy.
    assert.deepEqual(verdicts, [
      'add at least one step (e.g. warning: payload.level eq warning)',
      'steps[0].not: a pattern cannot start with a negation; put the step it follows first',
      'steps[1].name: "a" is used twice; step names must differ',
      'steps[0].rules[0].op: jsonata is not available in sequence steps; use eq, neq, gt, gte, lt, lte, between, contains, regex or exists',
      'steps[0].times: must be empty (once), +, {n}, {n,} or {n,m}, got string "*"',
      true,
    ]);
    const within = await page.evaluate(() => {
      const v = (window as any).RED.nodes.getType('stream-sequence').defaults.within.validate;
      const steps = [
        { name: 'open', rules: [], not: false },
        { name: 'closed', rules: [], not: true },
      ];
      return [v.call({ steps }, '', {}), v.call({ steps }, '5m', {})];
    });
    assert.deepEqual(within, ['a pattern that ends with a negation needs a within duration (the time in which the event must not come)', true]);
    assert.deepEqual(consoleErrors.slice(before), []);
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
  const visible = (f: string) =>
    page
      .locator(f.startsWith('#') ? `.stream-group-${f.slice(1)}` : `.stream-row-${f}`)
      .first()
      .isVisible();
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
      assert.deepEqual(
        options,
        [
          ['stream', 'one for the stream (shared clock)'],
          ['key', 'one per key (each device its own clock)'],
        ],
        type,
      );
      if (type !== 'stream-detect') {
        // Right after Out of order, under the Time heading.
        const order = await page.$$eval('.stream-group-time ~ .form-row', (rows) => rows.slice(0, 2).map((r) => r.className));
        assert.deepEqual(
          order.map((c) => /stream-row-(\w+)/.exec(c)?.[1]),
          ['maxOutOfOrder', 'watermarkScope'],
          type,
        );
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
        v('stream-sliding-window', 'slide', { size: '5m' }, '5m'),
        v('stream-sliding-window', 'slide', { size: '5m' }, '1h'),
        v('stream-sliding-window', 'offset', { size: '5m', slide: '1m' }, '1m'),
        v('stream-sliding-window', 'offset', { size: '5m', slide: '1m' }, '30s'),
        v('stream-sliding-window', 'offset', { size: '5m', slide: 'event' }, '1h'),
        v('stream-tumbling-window', 'offset', { size: '1m' }, '1m'),
        v('stream-aggregate', 'offset', { windowType: 'tumbling', size: '1m' }, '59s'),
        v('stream-session-window', 'maxDuration', { gap: '30s' }, '10s'),
        v('stream-session-window', 'maxDuration', { gap: '30s' }, '1h'),
        v('stream-global-window', 'overlap', { count: '10' }, '10'),
        v('stream-global-window', 'overlap', { count: '' }, '2'),
        v('stream-global-window', 'overlap', { count: '10' }, '9'),
        v('stream-global-window', 'overlap', { count: '' }, '0'),
        // Flows from before the watermark setting have no value for it; they stay valid.
        v('stream-aggregate', 'watermarkScope', {}, undefined),
        v('stream-aggregate', 'watermarkScope', {}, 'device'),
        v('stream-aggregate', 'dedup', {}, ''),
        v('stream-aggregate', 'dedup', {}, 'payload.seq'),
        v('stream-aggregate', 'dedup', {}, 'payload seq'),
        v('stream-aggregate', 'aggregations', {}, [{ op: 'percentileDisc', p: '' }]),
        v('stream-aggregate', 'aggregations', {}, [{ op: 'percentileDisc', p: 95 }, { op: 'previous' }]),
      ];
    });
    assert.deepEqual(verdicts, [
      true,
      'must not be longer than the size (5m); for gaps between windows use a tumbling window',
      'must be shorter than the slide (1m)',
      true,
      true,
      'must be shorter than the size (1m)',
      true,
      'must be at least the gap (30s), or empty for no limit',
      true,
      'must be smaller than the count (10)',
      'needs a count: windows without one have nothing to overlap',
      true,
      true,
      true,
      'one of stream, key',
      // The runtime's path grammar reads "payload seq" as one name with a space, as it does for every property.
      true,
      true,
      true,
      'aggregations[0].p: percentile needs p between 0 and 100 (e.g. 95), got undefined',
      true,
    ]);
    assert.deepEqual(consoleErrors, []);
  });

  it('hides what per-event sliding windows ignore (offset, bounds, lateness, emit) and shows it for hopping windows', async () => {
    const rows = ['offset', 'bounds', 'allowedLateness', 'emit', '#output', 'lateData', 'maxOutOfOrder', 'size'];
    await open('stream-sliding-window');
    assert.equal(await page.inputValue('#node-input-slide'), 'event');
    // The Output heading stays for the property the window's events go to.
    assert.deepEqual(await shown(rows), {
      offset: false,
      bounds: false,
      allowedLateness: false,
      emit: false,
      '#output': true,
      lateData: true,
      maxOutOfOrder: true,
      size: true,
    });
    await setText('slide', '1m');
    assert.deepEqual(await shown(rows), {
      offset: true,
      bounds: true,
      allowedLateness: true,
      emit: true,
      '#output': true,
      lateData: true,
      maxOutOfOrder: true,
      size: true,
    });
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

  it('stream-detect: shows the context store for every pattern and mode (each keeps its history and incidents there)', async () => {
    await open('stream-detect');
    const seen: Record<string, boolean> = {};
    for (const pattern of ['auto', 'spike', 'trend']) {
      for (const mode of ['stream', 'window']) {
        await page.selectOption('#node-input-pattern', pattern);
        await page.selectOption('#node-input-mode', mode);
        seen[`${pattern} ${mode}`] = await visible('store');
      }
    }
    assert.deepEqual(Object.values(seen), [true, true, true, true, true, true], JSON.stringify(seen));
    await close('cancel');
    assert.deepEqual(consoleErrors, []);
  });

  it('hides rows without effect: bounds of sessions, the watermark and late settings in processing time', async () => {
    await open('stream-session-window');
    assert.deepEqual(await shown(['gap', 'maxDuration', 'bounds', 'offset']), { gap: true, maxDuration: true, bounds: false, offset: false });
    await setText('maxDuration', '10s');
    await expectReason('maxDuration', 'must be at least the gap (30s)');
    await close('cancel');

    const timeRows = ['#time', 'maxOutOfOrder', 'watermarkScope', 'allowedLateness', 'idleTimeout', 'lateData', 'maxFutureSkew', 'futureData', 'timeProperty'];
    const id = await open('stream-aggregate');
    await page.selectOption('#node-input-windowType', 'tumbling');
    assert.deepEqual(await shown(timeRows), Object.fromEntries(timeRows.map((f) => [f, true])));
    await setText('maxFutureSkew', 'soon');
    await expectReason('maxFutureSkew', BAD_DURATION);
    await setText('maxFutureSkew', 'off');
    await page.waitForSelector('#node-input-maxFutureSkew:not(.input-error)', { timeout: 5000 });
    await page.selectOption('#node-input-lateData', 'output');
    await page.selectOption('#node-input-timeMode', 'processing');
    assert.deepEqual(await shown(timeRows), Object.fromEntries(timeRows.map((f) => [f, false])));
    assert.deepEqual(await shown(['size', 'emit', 'maxKeys']), { size: true, emit: true, maxKeys: true });
    await close('ok');
    // No late events in processing time, so no port for them.
    assert.deepEqual(
      await page.evaluate((nid) => {
        const n = (window as any).RED.nodes.node(nid);
        return [n.timeMode, n.outputs];
      }, id),
      ['processing', 1],
    );

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
