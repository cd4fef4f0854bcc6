import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PackageEditor, requireChromium, startPackageEditor } from '../support/editor-browser';

// A key read by a JSONata expression, picked in the dialog as a user does, deployed and used by
// the running node; a bad expression is marked red with the reason.
const root = path.join(__dirname, '..', '..');

// inject → count window of 1 (one window message per reading) → debug to the log, showing msg.topic.
const FLOW = [
  { id: 'tab1', type: 'tab', label: 'typed' },
  {
    id: 'inj',
    type: 'inject',
    z: 'tab1',
    name: 'reading',
    props: [{ p: 'payload' }],
    payload: '{"site":"north","line":7,"v":21.5}',
    payloadType: 'json',
    repeat: '',
    once: false,
    topic: '',
    x: 120,
    y: 80,
    wires: [['win']],
  },
  {
    id: 'win',
    type: 'stream-global-window',
    z: 'tab1',
    name: 'per reading',
    count: '1',
    timeMode: 'auto',
    keyProperty: 'topic',
    valueProperty: 'payload',
    timeProperty: 'timestamp',
    x: 320,
    y: 80,
    wires: [['dbg']],
  },
  {
    id: 'dbg',
    type: 'debug',
    z: 'tab1',
    name: 'windows',
    active: true,
    tosidebar: true,
    console: true,
    complete: 'topic',
    targetType: 'msg',
    x: 520,
    y: 80,
    wires: [],
  },
];

describe('key, value and time from JSONata in the dialog (e2e)', function () {
  this.timeout(90000);
  let ed: PackageEditor | undefined;

  before(async function () {
    this.timeout(120000);
    const chromium = requireChromium(this);
    assert.ok(fs.existsSync(path.join(root, 'dist', 'nodes', 'stream-global-window.html')), 'dist/ is built (npm test builds it first)');
    ed = await startPackageEditor(chromium, root, { flows: FLOW });
  });

  after(async function () {
    this.timeout(30000);
    await ed?.stop();
  });

  it('picks JSONata for the key, marks a bad expression red with the reason, deploys, and the node keys by it', async () => {
    const page = ed!.page;
    await page.evaluate(() => (window as any).RED.editor.edit((window as any).RED.nodes.node('win')));
    await page.locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
    const row = page.locator('.stream-row-keyProperty');
    // The TypedInput's own text field (it hides the original input).
    const key = row.locator('input.red-ui-typedInput-input');
    // The TypedInput offers the sources the runtime reads; time only msg and JSONata.
    await row.locator('button.red-ui-typedInput-type-select').click();
    const menu = page.locator('.red-ui-typedInput-options:visible');
    const offered = await menu.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('value')));
    assert.deepEqual(offered, ['msg', 'flow', 'global', 'env', 'jsonata']);
    await menu.locator('a[value="jsonata"]').click();
    await page.locator('.stream-row-timeProperty button.red-ui-typedInput-type-select').click();
    assert.deepEqual(await page.locator('.red-ui-typedInput-options:visible a').evaluateAll((as) => as.map((a) => a.getAttribute('value'))), [
      'msg',
      'jsonata',
    ]);
    await page.keyboard.press('Escape');

    assert.equal(await key.getAttribute('placeholder'), 'e.g. payload.site', 'the field asks for an expression');
    await key.fill('payload.site & "-" &');
    await key.press('Tab');
    await page.waitForSelector('.stream-row-keyProperty .red-ui-typedInput-container.input-error', { timeout: 5000 });
    const why = await page.evaluate(() => {
      const RED = (window as any).RED;
      const node = RED.nodes.node('win');
      return RED.nodes.getType('stream-global-window').defaults.keyProperty.validate.call(node, 'payload.site & "-" &', {});
    });
    assert.match(String(why), /^invalid JSONata: /);

    await key.fill('payload.site & "-" & $string(payload.line)');
    await key.press('Tab');
    await page.waitForSelector('.stream-row-keyProperty .red-ui-typedInput-container:not(.input-error)', { timeout: 5000 });
    await page.click('#node-dialog-ok');
    await page.locator('#node-input-name').waitFor({ state: 'detached', timeout: 10000 });
    const saved = await page.evaluate(() => {
      const n = (window as any).RED.nodes.node('win');
      return { keyProperty: n.keyProperty, keyPropertyType: n.keyPropertyType, valid: n.valid, errors: n.validationErrors ?? [] };
    });
    assert.deepEqual(saved, { keyProperty: 'payload.site & "-" & $string(payload.line)', keyPropertyType: 'jsonata', valid: true, errors: [] });

    await page.click('#red-ui-header-button-deploy');
    await page.waitForSelector('.red-ui-notification:has-text("Successfully deployed")', { timeout: 15000 });
    // The inject node's button, as a user clicks it.
    await page.locator('g[id="inj"] .red-ui-flow-node-button').click();
    await page.click('#red-ui-tab-debug-link-button');
    // The debug node shows msg.topic: the key the expression made.
    await page.locator('.red-ui-debug-msg', { hasText: 'north-7' }).first().waitFor({ timeout: 20000 });
    assert.match(ed!.output(), /north-7/);
    assert.deepEqual(ed!.consoleErrors, []);
  });
});
