import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PackageEditor, addAndEdit, requireChromium, startPackageEditor } from '../support/editor-browser';

// What a new user meets first in the dialogs, in a real Chromium against a Node-RED with the
// package installed: defaults that work with an inject node, and fields that cannot mislead.
const root = path.join(__dirname, '..', '..');

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

  it('labels the connectors so they cannot be taken for core\'s mqtt in / mqtt out, with their own colour and icons', async () => {
    const palette = await page().$$eval('.red-ui-palette-node', (els) => els.map((e) => ({
      type: e.getAttribute('data-palette-type'),
      // Long labels wrap onto two lines in the palette.
      label: (e.querySelector('.red-ui-palette-label') as HTMLElement | null)?.innerText.replace(/\s+/g, ' ').trim(),
      color: (e as HTMLElement).style.backgroundColor,
      icon: (e.querySelector('.red-ui-palette-icon') as HTMLElement | null)?.style.backgroundImage,
    })));
    const by = (type: string) => palette.find((p) => p.type === type)!;
    assert.deepEqual(['stream-mqtt-in', 'stream-mqtt-out', 'stream-kafka-in', 'stream-kafka-out'].map((t) => by(t).label),
      ['stream mqtt in', 'stream mqtt out', 'stream kafka in', 'stream kafka out']);
    assert.deepEqual([by('mqtt in').label, by('mqtt out').label], ['mqtt in', 'mqtt out']);
    assert.notEqual(by('stream-mqtt-in').color, by('mqtt in').color);
    assert.equal(by('stream-mqtt-in').color, by('stream-aggregate').color, 'the colour of the stream category');
    assert.match(String(by('stream-mqtt-in').icon), /stream-mqtt-in\.svg/);
    assert.doesNotMatch(String(by('stream-mqtt-in').icon), /bridge/);
    // The labels of the rest of the category.
    assert.deepEqual(palette.filter((p) => p.type!.startsWith('stream-')).map((p) => p.label).filter((l) => !/^(stream |[a-z]+ window$|aggregate|filter|detect|sensor sim)/.test(l!)), []);
  });
});
