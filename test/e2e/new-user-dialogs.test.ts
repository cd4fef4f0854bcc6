import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PackageEditor, addAndEdit, requireChromium, startPackageEditor } from '../support/editor-browser';
import { WINDOWING_TYPES } from '../support/node-types';

// What a new user meets first in the dialogs, in a real Chromium against a Node-RED with the
// package installed: defaults that work with an inject node, and fields that cannot mislead.
const root = path.join(__dirname, '..', '..');
const shots = path.join(root, 'screenshots');

// Runs in the page: imports a node as a saved flow has it (no defaults filled in) and opens its dialog.
function importAndEdit(node: Record<string, unknown>): string {
  const RED = (window as any).RED;
  const id = RED.nodes.id();
  RED.view.importNodes([{ ...node, id, x: 400, y: 300, z: RED.workspaces.active(), wires: [] }], { generateIds: false, notify: false });
  RED.editor.edit(RED.nodes.node(id));
  return id;
}

describe('dialogs a new user meets (e2e)', function () {
  this.timeout(60000);
  let ed: PackageEditor | undefined;

  before(async function () {
    this.timeout(120000);
    const chromium = requireChromium(this);
    assert.ok(fs.existsSync(path.join(root, 'dist', 'nodes', 'stream-aggregate.html')), 'dist/ is built (npm test builds it first)');
    fs.mkdirSync(shots, { recursive: true });
    ed = await startPackageEditor(chromium, root);
  });

  after(async function () {
    this.timeout(30000);
    await ed?.stop();
  });

  const page = () => ed!.page;
  async function close(button: 'ok' | 'cancel'): Promise<void> {
    await page().click(`#node-dialog-${button}`);
    await page().locator('#node-input-name').waitFor({ state: 'detached', timeout: 10000 });
  }
  const saved = (id: string, prop: string) => page().evaluate(([nid, p]) => (window as any).RED.nodes.node(nid)[p], [id, prop]);

  it('gives a new node time "event time, else arrival" and keeps event time for a node saved without a time mode', async () => {
    for (const type of ['stream-tumbling-window', 'stream-aggregate']) {
      const id = await page().evaluate(addAndEdit, type);
      await page().locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
      assert.equal(await page().inputValue('#node-input-timeMode'), 'auto', type);
      assert.equal((await page().locator('#node-input-timeMode option:checked').innerText()).trim(), 'event time, else arrival');
      // The time property still shows: auto reads it where it is present.
      assert.equal(await page().locator('.stream-row-timeProperty').isVisible(), true);
      await close('ok');
      assert.equal(await saved(id, 'timeMode'), 'auto');
    }
    const old = await page().evaluate(importAndEdit, { type: 'stream-tumbling-window', size: '10s', name: 'old' });
    await page().locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
    assert.equal(await page().inputValue('#node-input-timeMode'), 'event');
    await close('ok');
    assert.equal(await saved(old, 'timeMode'), 'event');
    assert.deepEqual(ed!.consoleErrors, []);
  });

  it("labels the connectors so they cannot be taken for core's mqtt in / mqtt out, with their own colour and icons", async () => {
    const palette = await page().$$eval('.red-ui-palette-node', (els) =>
      els.map((e) => ({
        type: e.getAttribute('data-palette-type'),
        // Long labels wrap onto two lines in the palette.
        label: (e.querySelector('.red-ui-palette-label') as HTMLElement | null)?.innerText.replace(/\s+/g, ' ').trim(),
        color: (e as HTMLElement).style.backgroundColor,
        icon: (e.querySelector('.red-ui-palette-icon') as HTMLElement | null)?.style.backgroundImage,
      })),
    );
    const by = (type: string) => palette.find((p) => p.type === type)!;
    assert.deepEqual(
      ['stream-mqtt-in', 'stream-mqtt-out', 'stream-kafka-in', 'stream-kafka-out'].map((t) => by(t).label),
      ['stream mqtt in', 'stream mqtt out', 'stream kafka in', 'stream kafka out'],
    );
    assert.deepEqual([by('mqtt in').label, by('mqtt out').label], ['mqtt in', 'mqtt out']);
    assert.notEqual(by('stream-mqtt-in').color, by('mqtt in').color);
    assert.equal(by('stream-mqtt-in').color, by('stream-aggregate').color, 'the colour of the stream category');
    assert.match(String(by('stream-mqtt-in').icon), /stream-mqtt-in\.svg/);
    assert.doesNotMatch(String(by('stream-mqtt-in').icon), /bridge/);
    // The labels of the rest of the category.
    assert.deepEqual(
      palette
        .filter((p) => p.type!.startsWith('stream-'))
        .map((p) => p.label)
        .filter((l) => !/^(stream |[a-z]+ window$|aggregate|filter|detect|sensor sim|join|sequence)/.test(l!)),
      [],
    );
  });

  const valid = (id: string) => saved(id, 'valid');
  async function open(type: string): Promise<string> {
    const id = await page().evaluate(addAndEdit, type);
    await page().locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
    return id;
  }

  it('aggregate: an empty percentile p is red and keeps the node invalid; p 95 saves as 95', async () => {
    const id = await open('stream-aggregate');
    await page().selectOption('#node-input-aggregations-container li:first-child select', 'percentile');
    const p = page().locator('#node-input-aggregations-container li:first-child .stream-agg-p');
    assert.equal(await p.isVisible(), true);
    assert.match(String(await p.getAttribute('class')), /input-error/, 'empty p is red');
    await close('ok');
    assert.equal(await valid(id), false);
    assert.deepEqual(await saved(id, 'aggregations'), [{ op: 'percentile', property: 'payload', as: '', p: '' }]);
    assert.equal(await page().evaluate((nid) => (window as any).RED.utils.getNodeLabel((window as any).RED.nodes.node(nid)), id), 'p? payload');
    await page().evaluate((nid) => (window as any).RED.editor.edit((window as any).RED.nodes.node(nid)), id);
    await page().locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
    await p.fill('95');
    await p.press('Tab');
    assert.doesNotMatch(String(await p.getAttribute('class')), /input-error/);
    await close('ok');
    assert.equal(await valid(id), true);
    assert.deepEqual(await saved(id, 'aggregations'), [{ op: 'percentile', property: 'payload', as: '', p: 95 }]);
  });

  it('aggregate: shows the event Value only when it is not the default, and offers rounding of results', async () => {
    const id = await open('stream-aggregate');
    assert.equal(await page().locator('.stream-row-valueProperty').isVisible(), false, 'each aggregation names its property');
    const round = page().locator('#node-input-round');
    assert.equal(await round.isVisible(), true);
    await round.fill('two');
    await round.press('Tab');
    await page().waitForSelector('#node-input-round.input-error', { timeout: 5000 });
    await round.fill('2');
    await round.press('Tab');
    await page().waitForSelector('#node-input-round:not(.input-error)', { timeout: 5000 });
    await close('ok');
    assert.equal(await saved(id, 'round'), '2');
    await page().evaluate(importAndEdit, { type: 'stream-aggregate', valueProperty: 'payload.t', aggregations: [{ op: 'avg', property: '', as: '' }] });
    await page().locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
    assert.equal(await page().locator('.stream-row-valueProperty').isVisible(), true, 'a value property other than payload shows');
    await close('cancel');
  });

  it('filter: the second box is labelled "to" or "flags" and is cleared when between becomes regex', async () => {
    const id = await open('stream-filter');
    const row = page().locator('#node-input-rules-container li:first-child');
    assert.equal((await row.locator('.stream-rule-value2-label').innerText()).trim(), 'to');
    assert.equal(await row.locator('.stream-rule-value2').inputValue(), '100');
    await row.locator('select').selectOption('regex');
    assert.equal((await row.locator('.stream-rule-value2-label').innerText()).trim(), 'flags');
    assert.equal(await row.locator('.stream-rule-value2').inputValue(), '', 'the upper bound is not kept as flags');
    await row.locator('.stream-rule-value').fill('^sensor');
    await row.locator('.stream-rule-value').press('Tab');
    assert.doesNotMatch(String(await row.locator('.stream-rule-value').getAttribute('class')), /input-error/);
    await row.locator('.stream-rule-value2').fill('100');
    await row.locator('.stream-rule-value2').press('Tab');
    assert.match(String(await row.locator('.stream-rule-value2').getAttribute('class')), /input-error/, 'flags that are not flags are red');
    await row.locator('.stream-rule-value2').fill('i');
    await row.locator('.stream-rule-value2').press('Tab');
    await close('ok');
    assert.equal(await valid(id), true);
    assert.deepEqual(await saved(id, 'rules'), [{ property: 'payload', op: 'regex', value: '^sensor', value2: 'i' }]);
  });

  it('stream mqtt in: offers "Add new stream-mqtt-broker…" instead of a red "none", and takes the only broker there is', async () => {
    // Runs in the page: a node added from the palette (defaults, then onadd) and its dialog.
    const addFromPalette = (type: string) => {
      const RED = (window as any).RED;
      const id = RED.nodes.id();
      const def = RED.nodes.getType(type);
      const node: Record<string, any> = { id, type, x: 300, y: 400, z: RED.workspaces.active(), wires: [[]] };
      for (const d of Object.keys(def.defaults)) node[d] = JSON.parse(JSON.stringify(def.defaults[d].value ?? ''));
      def.onadd.call(node);
      RED.view.importNodes([node], { generateIds: false, notify: false });
      RED.editor.edit(RED.nodes.node(id));
      return id;
    };
    const brokerChoice = async () => {
      await page().waitForFunction(() => document.querySelectorAll('#node-input-broker option').length > 0);
      return page().$eval('#node-input-broker', (el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent?.trim());
    };
    const addBroker = (name: string) =>
      page().evaluate((n) => {
        const RED = (window as any).RED;
        const id = RED.nodes.id();
        RED.nodes.import([{ id, type: 'stream-mqtt-broker', name: n, url: 'mqtt://localhost:1883' }]);
        return id as string;
      }, name);
    await page().evaluate(addFromPalette, 'stream-mqtt-in');
    await page().locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
    assert.equal(await brokerChoice(), 'Add new stream-mqtt-broker...');
    await close('cancel');
    const only = await addBroker('only broker');
    const one = await page().evaluate(addFromPalette, 'stream-mqtt-in');
    await page().locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
    assert.equal(await brokerChoice(), 'only broker');
    await close('ok');
    assert.equal(await saved(one, 'broker'), only);
    await addBroker('second broker');
    await page().evaluate(addFromPalette, 'stream-mqtt-out');
    await page().locator('#node-input-name').waitFor({ state: 'visible', timeout: 10000 });
    await page().waitForFunction(() => Array.from(document.querySelectorAll('#node-input-broker option')).some((o) => /Add new/.test(o.textContent || '')));
    assert.equal(await brokerChoice(), 'Add new stream-mqtt-broker...');
    await close('cancel');
  });

  it('every dialog: labels on one line, option texts and placeholders not cut off', async () => {
    const problems: string[] = [];
    for (const type of WINDOWING_TYPES) {
      await open(type);
      if (
        await page()
          .locator('#node-input-windowType')
          .isVisible()
          .catch(() => false)
      )
        await page().selectOption('#node-input-windowType', 'tumbling');
      problems.push(
        ...(await page().evaluate((t) => {
          const out: string[] = [];
          const ctx = document.createElement('canvas').getContext('2d')!;
          const width = (el: HTMLElement, text: string) => {
            ctx.font = getComputedStyle(el).font;
            return ctx.measureText(text).width;
          };
          for (const label of Array.from(document.querySelectorAll<HTMLElement>('#dialog-form .form-row > label'))) {
            if (!label.offsetParent) continue;
            const line = parseFloat(getComputedStyle(label).lineHeight) || 20;
            if (label.getBoundingClientRect().height > line * 1.5) out.push(`${t}: label "${label.innerText.trim()}" wraps`);
          }
          for (const sel of Array.from(document.querySelectorAll<HTMLSelectElement>('#dialog-form select'))) {
            if (!sel.offsetParent) continue;
            for (const o of Array.from(sel.options)) {
              // The arrow and padding of a select take about 30px.
              if (width(sel, o.text) + 30 > sel.clientWidth) out.push(`${t}: option "${o.text}" is cut off (${sel.id || sel.className})`);
            }
          }
          for (const inp of Array.from(document.querySelectorAll<HTMLInputElement>('#dialog-form input[placeholder]'))) {
            if (!inp.offsetParent || !inp.placeholder) continue;
            if (width(inp, inp.placeholder) + 12 > inp.clientWidth) out.push(`${t}: placeholder "${inp.placeholder}" is cut off (${inp.id || inp.className})`);
          }
          return out;
        }, type)),
      );
      // Each dialog as the README shows it.
      await page()
        .locator('.red-ui-tray')
        .first()
        .screenshot({ path: path.join(shots, `dialog-${type.replace(/^stream-/, '')}.png`) });
      await close('cancel');
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(ed!.consoleErrors, []);
  });

  it('tumbling window: calendar days, weeks or shifts in a time zone replace size and offset; a bad zone is red', async () => {
    const id = await open('stream-tumbling-window');
    const shown = (f: string) => page().locator(`.stream-row-${f}`).isVisible();
    assert.deepEqual([await shown('calendar'), await shown('size'), await shown('timeZone'), await shown('shifts')], [true, true, false, false]);
    await page().selectOption('#node-input-calendar', 'shifts');
    assert.deepEqual(
      [await shown('size'), await shown('offset'), await shown('bounds'), await shown('timeZone'), await shown('shifts')],
      [false, false, false, true, true],
    );
    await page().fill('#node-input-timeZone', 'Europe/Atlantis');
    await page().press('#node-input-timeZone', 'Tab');
    await page().waitForSelector('#node-input-timeZone.input-error', { timeout: 5000 });
    await page().fill('#node-input-timeZone', 'Europe/Berlin');
    await page().press('#node-input-timeZone', 'Tab');
    await page().waitForSelector('#node-input-timeZone:not(.input-error)', { timeout: 5000 });
    await close('ok');
    assert.deepEqual(
      [await saved(id, 'calendar'), await saved(id, 'timeZone'), await saved(id, 'shifts'), await valid(id)],
      ['shifts', 'Europe/Berlin', '06:00,14:00,22:00', true],
    );
    assert.equal(
      await page().evaluate((nid) => (window as any).RED.utils.getNodeLabel((window as any).RED.nodes.node(nid)), id),
      'tumbling shifts Europe/Berlin',
    );
  });
});
