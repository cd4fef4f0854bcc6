/**
 * The editor and a deployed node must accept and refuse the same settings. The dialogs check with
 * resources/stream-rules.js, which the build generates from the compiled runtime; here the same
 * generated code runs in node, behind the real dialog definitions (stream-editor.js and each node's
 * .html), and every case of the table is also deployed in a real Node-RED runtime.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { deploy, helper, lastStatus } from './stream-window-support';

const root = path.join(__dirname, '..', '..');
const { editorRulesSource } = require('../../scripts/build-editor-rules.js');

type Defaults = Record<string, { value?: unknown; validate?: (this: object, v: unknown, opt: object) => true | string }>;

/** Registers the dialogs of `types` as the editor does, with a stand-in jQuery; returns each type's defaults. */
function loadDialogs(types: string[]): Record<string, Defaults> {
  const defaults: Record<string, Defaults> = {};
  const RED = { nodes: { registerType: (type: string, def: { defaults: Defaults }) => (defaults[type] = def.defaults) }, settings: {}, _: (k: string) => k };
  const extend = (target: Record<string, unknown>, ...sources: Record<string, unknown>[]) => {
    for (const src of sources) for (const [k, v] of Object.entries(src || {})) if (v !== undefined) target[k] = v;
    return target;
  };
  // Registering needs $.extend; $("#node-input-…") finds no open dialog, so fields read the node's own values.
  const $: any = new Proxy(function () {}, { get: (_, k) => (k === 'extend' ? extend : k === 'length' ? 0 : $), apply: () => $ });
  const window: Record<string, unknown> = {};
  const run = (code: string) => new Function('RED', '$', 'jQuery', 'window', 'document', code)(RED, $, $, window, { getElementById: () => null });
  run(editorRulesSource());
  run(fs.readFileSync(path.join(root, 'resources', 'stream-editor.js'), 'utf8'));
  for (const type of types) {
    const html = fs.readFileSync(path.join(root, 'nodes', `${type}.html`), 'utf8');
    for (const [, code] of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) run(code);
  }
  return defaults;
}

/** The editor's verdict on a node: the reasons of its invalid fields, by field. */
function editorVerdict(defaults: Defaults, type: string, settings: Record<string, unknown>): Record<string, string> {
  const node: Record<string, unknown> = { type };
  for (const [k, d] of Object.entries(defaults)) node[k] = d.value;
  Object.assign(node, settings);
  const reasons: Record<string, string> = {};
  for (const [field, d] of Object.entries(defaults)) {
    if (!d.validate) continue;
    const verdict = d.validate.call(node, node[field], {});
    if (verdict !== true) reasons[field] = String(verdict);
  }
  return reasons;
}

// [type, settings, the field both refuse (undefined: both accept)]
const CASES: [string, Record<string, unknown>, string?][] = [
  ['stream-tumbling-window', { size: '1m' }],
  ['stream-tumbling-window', { size: '.5s' }],
  ['stream-tumbling-window', { size: '0.5' }],
  ['stream-tumbling-window', { size: ' 1h 30m ' }],
  ['stream-tumbling-window', { size: '90000' }],
  ['stream-tumbling-window', { size: '2w' }],
  ['stream-tumbling-window', { size: '+5s' }, 'size'],
  ['stream-tumbling-window', { size: 'soon' }, 'size'],
  ['stream-tumbling-window', { size: '1e3' }, 'size'],
  ['stream-tumbling-window', { size: '0' }, 'size'],
  ['stream-tumbling-window', { size: '-1s' }, 'size'],
  ['stream-tumbling-window', { size: '' }, 'size'],
  ['stream-tumbling-window', { size: '4000000y' }, 'size'],
  ['stream-tumbling-window', { size: '1000000000000000' }, 'size'],
  ['stream-tumbling-window', { size: '1m', offset: '59s' }],
  ['stream-tumbling-window', { size: '1m', offset: '1m' }, 'offset'],
  ['stream-tumbling-window', { size: '1m', offset: '-5s' }, 'offset'],
  ['stream-tumbling-window', { size: '1m', offset: 'abc' }, 'offset'],
  ['stream-tumbling-window', { calendar: 'day', timeZone: 'Europe/Berlin', size: 'ignored' }],
  ['stream-tumbling-window', { calendar: 'day', timeZone: 'Mars/Base' }, 'timeZone'],
  ['stream-tumbling-window', { calendar: 'shifts', timeZone: 'UTC', shifts: '06:00,25:00' }, 'shifts'],
  ['stream-tumbling-window', { calendar: 'hour' }, 'calendar'],
  ['stream-sliding-window', { size: '5m', slide: '1m' }],
  ['stream-sliding-window', { size: '5m', slide: '10m' }, 'slide'],
  ['stream-sliding-window', { size: '5m', slide: 'event', offset: '1h' }],
  ['stream-sliding-window', { size: '5m', slide: '0.5s' }],
  ['stream-sliding-window', { size: '5m', slide: '.5' }, 'slide'],
  ['stream-sliding-window', { size: '5m', slide: '1m', offset: '30s' }],
  ['stream-sliding-window', { size: '5m', slide: '1m', offset: '1m' }, 'offset'],
  ['stream-session-window', { gap: '30s', maxDuration: '' }],
  ['stream-session-window', { gap: '30s', maxDuration: '1h' }],
  ['stream-session-window', { gap: '30s', maxDuration: '10s' }, 'maxDuration'],
  ['stream-session-window', { gap: 'often' }, 'gap'],
  ['stream-global-window', { count: '10', overlap: '9' }],
  ['stream-global-window', { count: '10', overlap: '10' }, 'overlap'],
  ['stream-global-window', { count: '', overlap: '2' }, 'overlap'],
  ['stream-global-window', { count: '', overlap: '0' }],
  ['stream-global-window', { count: '1.5' }, 'count'],
  ['stream-global-window', { count: '0' }, 'count'],
  ['stream-tumbling-window', { size: '1m', maxKeys: '5' }],
  ['stream-tumbling-window', { size: '1m', maxKeys: 'many' }, 'maxKeys'],
  ['stream-tumbling-window', { size: '1m', maxKeys: '1000001' }, 'maxKeys'],
  ['stream-tumbling-window', { size: '1m', maxEventsPerWindow: '0' }, 'maxEventsPerWindow'],
  ['stream-tumbling-window', { size: '1m', maxOutOfOrder: '1h30m' }],
  ['stream-tumbling-window', { size: '1m', maxOutOfOrder: '-1' }, 'maxOutOfOrder'],
  ['stream-tumbling-window', { size: '1m', allowedLateness: '.5s' }],
  ['stream-tumbling-window', { size: '1m', idleTimeout: 'later' }, 'idleTimeout'],
  ['stream-tumbling-window', { size: '1m', maxFutureSkew: 'off' }],
  ['stream-tumbling-window', { size: '1m', maxFutureSkew: 'soon' }, 'maxFutureSkew'],
  ['stream-tumbling-window', { size: '1m', emit: 'early', earlyEvery: '10s' }],
  ['stream-tumbling-window', { size: '1m', emit: 'early', earlyEvery: '' }, 'earlyEvery'],
  ['stream-tumbling-window', { size: '1m', emit: 'early', earlyEvery: '0' }, 'earlyEvery'],
  ['stream-aggregate', { windowType: 'sliding', size: '1m', slide: '5m', aggregations: [{ op: 'avg' }] }, 'slide'],
  ['stream-aggregate', { windowType: 'tumbling', size: '1m', offset: '59s', aggregations: [{ op: 'avg' }] }],
  ['stream-filter', { windowType: 'session', gap: '30s', maxDuration: '29s', rules: [{ op: 'gt', value: '1' }] }, 'maxDuration'],
];

// [pattern, flags] of a filter regex rule: the dialog's reason must be the one the runtime gives at deploy.
const REGEX_CASES: [string, string][] = [
  ['^temp', ''], ['/^temp/i', ''], ['(a+)+$', ''], ['^x', 'v'], ['^x', 'ii'], ['^x', 'g'],
  ['temp(?=-1)', ''], ['(?<!a)b', ''], ['(a)\\1', ''], ['(?<n>a)\\k<n>', ''], ['^door(', ''], ['', ''],
];
// What only RE2 itself refuses: the editor runs the syntax checks, not the engine (re2js is not bundled).
const RE2_ONLY: [string, string][] = [['[\\1]', '']];

describe('window dialogs written per node', () => {
  for (const type of ['stream-tumbling-window', 'stream-sliding-window', 'stream-session-window', 'stream-global-window']) {
    it(`${type}: its .html holds each of its window fields as a form row labelled from its catalog`, () => {
      const html = fs.readFileSync(path.join(root, 'nodes', `${type}.html`), 'utf8');
      const fields = /registerWindow\("[\w-]+", "\w+", "([\w ]+)"/.exec(html)?.[1].split(' ') ?? [];
      assert.ok(fields.length > 0, 'the node registers its window fields');
      const template = /<script type="text\/html" data-template-name="([\w-]+)">([\s\S]*?)<\/script>/.exec(html);
      assert.equal(template?.[1], type);
      const catalog = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'nodes', 'locales', 'en-US', `${type}.json`), 'utf8'))[type];
      for (const field of fields) {
        const row = new RegExp(`<div class="form-row stream-row-${field}">\\s*<label for="node-input-${field}"><i class="fa fa-[\\w-]+"></i> <span data-i18n="${type}\\.label\\.${field}"></span></label>\\s*<(input type="text"|select) id="node-input-${field}"`);
        assert.match(template![2], row, `${field} is a plain form row`);
        assert.equal(typeof catalog.label[field], 'string', `${type}.label.${field} is in the catalog`);
      }
    });
  }
});

describe('editor and runtime agree on settings', function () {
  const types = [...new Set(CASES.map(([type]) => type))];
  const dialogs = loadDialogs(types);

  afterEach(() => helper.unload());

  it('the generated rules file is the one the build writes from the current runtime', () => {
    assert.equal(fs.readFileSync(path.join(root, 'resources', 'stream-rules.js'), 'utf8'), editorRulesSource());
  });

  for (const [value, value2] of REGEX_CASES) {
    it(`stream-filter regex ${JSON.stringify(value)} flags ${JSON.stringify(value2)}: the same verdict and reason`, async () => {
      const rule = { property: 'payload', op: 'regex', value, value2 };
      const reasons = editorVerdict(dialogs['stream-filter'], 'stream-filter', { windowType: 'none', rules: [rule] });
      const d = await deploy('stream-filter', { windowType: 'none', rules: [rule], combine: 'all' }, 2);
      const error = d.node.error.firstCall?.args[0];
      if (reasons.rules === undefined) {
        assert.equal(error, undefined, 'the editor accepts it, so must the runtime');
      } else {
        assert.equal(lastStatus(d.node).fill, 'red', `runtime accepted what the editor refuses: ${reasons.rules}`);
        const reason = reasons.rules.replace(/^rule 1: /, '');
        assert.ok(String(error).endsWith(reason), `runtime: ${error}\neditor: ${reasons.rules}`);
      }
    });
  }

  for (const [value, value2] of RE2_ONLY) {
    it(`stream-filter regex ${JSON.stringify(value)}: passes the dialog, refused at deploy by the engine itself`, async () => {
      const rule = { property: 'payload', op: 'regex', value, value2 };
      assert.deepEqual(editorVerdict(dialogs['stream-filter'], 'stream-filter', { windowType: 'none', rules: [rule] }), {});
      const d = await deploy('stream-filter', { windowType: 'none', rules: [rule], combine: 'all' }, 2);
      assert.match(String(d.node.error.firstCall?.args[0]), /is not supported \(error parsing regexp/);
    });
  }

  for (const [type, settings, refused] of CASES) {
    it(`${type} ${JSON.stringify(settings)}: ${refused ? `both refuse ${refused}` : 'both accept'}`, async () => {
      const reasons = editorVerdict(dialogs[type], type, settings);
      assert.deepEqual(Object.keys(reasons), refused ? [refused] : [], `editor: ${JSON.stringify(reasons)}`);
      const d = await deploy(type, settings, 2);
      const status = lastStatus(d.node);
      if (refused) {
        assert.equal(status.fill, 'red', `runtime accepted it (status ${JSON.stringify(status)})`);
        assert.equal(status.text, `invalid ${refused}`);
        // The dialog shows the reason the runtime gives.
        assert.ok(String(d.node.error.firstCall.args[0]).endsWith(`${refused}: ${reasons[refused]}`), `${d.node.error.firstCall.args[0]} vs ${reasons[refused]}`);
      } else {
        assert.notEqual(status.fill, 'red', `runtime refused it: ${d.node.error.firstCall?.args[0]}`);
      }
    });
  }
});
