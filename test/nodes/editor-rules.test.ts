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
import { loggedErrors } from '../integration/harness';

const root = path.join(__dirname, '..', '..');
const { editorRulesSource } = require('../../scripts/build-editor-rules.js');

type Defaults = Record<string, { value?: unknown; validate?: (this: object, v: unknown, opt: object) => true | string }>;

/** Registers the dialogs of `types` as the editor does, with a stand-in jQuery; returns each type's defaults. `language` answers RED._ first. */
function loadDialogs(
  types: string[],
  language: (key: string, params: Record<string, unknown>) => string | undefined = () => undefined,
): Record<string, Defaults> {
  const defaults: Record<string, Defaults> = {};
  const registered: Record<string, { defaults: Defaults }> = {};
  const RED = {
    nodes: {
      registerType: (type: string, def: { defaults: Defaults }) => {
        registered[type] = def;
        defaults[type] = def.defaults;
      },
      getType: (type: string) => registered[type],
    },
    settings: {},
    // As the editor's RED._ does: "<module>/<type>:<key>" from the type's built catalog, __name__ filled in.
    _: (k: string, params: Record<string, unknown> = {}) => {
      const said = language(k, params);
      if (said !== undefined) return said;
      const m = /^[^/]+\/([\w-]+):(.+)$/.exec(k);
      if (!m) return k;
      const catalog = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'nodes', 'locales', 'en-US', `${m[1]}.json`), 'utf8'));
      const found = m[2].split('.').reduce<any>((o, part) => (o && typeof o === 'object' ? o[part] : undefined), catalog);
      return typeof found === 'string' ? found.replace(/__(\w+)__/g, (all, name) => (name in params ? String(params[name]) : all)) : k;
    },
  };
  const extend = (target: Record<string, unknown>, ...sources: Record<string, unknown>[]) => {
    for (const src of sources) for (const [k, v] of Object.entries(src || {})) if (v !== undefined) target[k] = v;
    return target;
  };
  // Registering needs $.extend; $("#node-input-…") finds no open dialog, so fields read the node's own values.
  const $: any = new Proxy(function () {}, { get: (_, k) => (k === 'extend' ? extend : k === 'length' ? 0 : $), apply: () => $ });
  const window: Record<string, unknown> = {};
  // The editor offers Node-RED's JSONata library as a global (the runtime's copy here); the dialogs parse expressions with it.
  const jsonata = require('@node-red/util/lib/jsonata.js');
  const run = (code: string) =>
    new Function('RED', '$', 'jQuery', 'window', 'document', 'jsonata', code)(RED, $, $, window, { getElementById: () => null }, jsonata);
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
  ['^temp', ''],
  ['/^temp/i', ''],
  ['(a+)+$', ''],
  ['^x', 'v'],
  ['^x', 'ii'],
  ['^x', 'g'],
  ['temp(?=-1)', ''],
  ['(?<!a)b', ''],
  ['(a)\\1', ''],
  ['(?<n>a)\\k<n>', ''],
  ['^door(', ''],
  ['', ''],
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
        const row = new RegExp(
          `<div class="form-row stream-row-${field}">\\s*<label for="node-input-${field}"><i class="fa fa-[\\w-]+"></i> <span data-i18n="${type}\\.label\\.${field}"></span></label>\\s*<(input type="text"|select) id="node-input-${field}"`,
        );
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

  it("the dialogs' own reasons come from the node's catalog (validator entries), as the editor's RED._ gives them", () => {
    const catalog = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'nodes', 'locales', 'en-US', 'stream-filter.json'), 'utf8'))['stream-filter'].validator;
    const reasons = editorVerdict(dialogs['stream-filter'], 'stream-filter', { windowType: 'none', keyPropertyType: 'flow', keyProperty: '' });
    assert.deepEqual(reasons, { keyProperty: catalog.contextRequired });
  });

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
        assert.ok(
          String(d.node.error.firstCall.args[0]).endsWith(`${refused}: ${reasons[refused]}`),
          `${d.node.error.firstCall.args[0]} vs ${reasons[refused]}`,
        );
      } else {
        assert.notEqual(status.fill, 'red', `runtime refused it: ${d.node.error.firstCall?.args[0]}`);
      }
    });
  }
});

// Settings each node type converts itself (nodeSettingProblem): [type, settings, the field both refuse (undefined: both accept)].
// Connectors point at closed loopback ports: a refused setting stops the node before it connects.
const NODE_CASES: [string, Record<string, unknown>, string?][] = [
  ['stream-aggregate', { aggregations: [{ op: 'percentile', property: 'payload', p: '95' }] }],
  ['stream-aggregate', { aggregations: [{ op: 'percentile', property: 'payload', p: '' }] }, 'aggregations'],
  ['stream-aggregate', { aggregations: [{ op: 'percentile', property: 'payload', p: '100.5' }] }, 'aggregations'],
  ['stream-aggregate', { aggregations: [{ op: 'avgg', property: 'payload' }] }, 'aggregations'],
  ['stream-aggregate', { aggregations: [{ op: 'avg' }, { op: 'max' }], output: 'value' }, 'output'],
  ['stream-aggregate', { aggregations: [{ op: 'avg' }], output: 'value', round: '3' }],
  ['stream-aggregate', { round: '16' }, 'round'],
  ['stream-aggregate', { round: '1.5' }, 'round'],
  ['stream-sequence', { steps: [{ name: 'a', rules: [{ property: 'payload', op: 'eq', value: 'a' }], times: '{2,}' }] }],
  ['stream-sequence', { steps: [{ name: 'a', rules: [{ property: 'payload', op: 'eq', value: 'a' }], times: '{0}' }] }, 'steps'],
  ['stream-sequence', { steps: [{ name: 'a', rules: [{ property: 'payload', op: 'eq', value: 'a' }], times: '{1000001}' }] }, 'steps'],
  [
    'stream-sequence',
    {
      steps: [
        { name: 'a', rules: [], times: '' },
        { name: 'a', rules: [], times: '' },
      ],
    },
    'steps',
  ],
  [
    'stream-sequence',
    {
      steps: [
        { name: 'a', rules: [], times: '' },
        { name: 'b', rules: [], not: true },
      ],
    },
    'within',
  ],
  [
    'stream-sequence',
    {
      steps: [
        { name: 'a', rules: [], times: '' },
        { name: 'b', rules: [], not: true },
      ],
      within: '5m',
    },
  ],
  ['stream-sequence', { maxPartialMatches: '0' }, 'maxPartialMatches'],
  ['stream-join', { lower: '-5m', upper: '-10m' }, 'upper'],
  ['stream-join', { lower: '-5m', upper: '-5m' }],
  ['stream-join', { lower: 'soon' }, 'lower'],
  ['stream-join', { sideMatch: 'regex', leftSide: '^door(' }, 'leftSide'],
  ['stream-join', { rightSide: '' }, 'rightSide'],
  ['stream-join', { joinMode: 'window', windowType: 'sliding', size: '1m', slide: 'event' }, 'slide'],
  ['stream-join', { joinMode: 'window', windowType: 'sliding', size: '1m', slide: '2m' }, 'slide'],
  ['stream-join', { joinMode: 'window', windowType: 'tumbling', size: '1m', lower: 'ignored' }],
  ['stream-mqtt-broker', { keepalive: '30' }],
  ['stream-mqtt-broker', { keepalive: '70000' }, 'keepalive'],
  ['stream-mqtt-broker', { connectTimeout: '99' }, 'connectTimeout'],
  ['stream-mqtt-broker', { url: 'localhost:1883' }, 'url'],
  ['stream-mqtt-broker', { protocolVersion: '6' }, 'protocolVersion'],
  ['stream-mqtt-in', { topic: 'plant/+/temp', qos: '2' }],
  ['stream-mqtt-in', { topic: 'plant/+/temp', qos: '3' }, 'qos'],
  ['stream-mqtt-in', { topic: 'plant/#/temp' }, 'topic'],
  ['stream-mqtt-in', { topic: 'plant/+/temp', keyFrom: 'level', keyLevel: 'x' }, 'keyLevel'],
  ['stream-mqtt-out', { retain: 'maybe' }, 'retain'],
  ['stream-mqtt-out', { messageExpiry: '0' }, 'messageExpiry'],
  ['stream-mqtt-out', { queueSize: '-1' }, 'queueSize'],
  ['stream-kafka-broker', { retries: '10' }],
  ['stream-kafka-broker', { retries: '1001' }, 'retries'],
  ['stream-kafka-broker', { brokers: 'localhost' }, 'brokers'],
  ['stream-kafka-broker', { connectionTimeout: '99' }, 'connectionTimeout'],
  ['stream-kafka-in', { topics: 'readings', maxInFlight: '0' }, 'maxInFlight'],
  ['stream-kafka-in', { topics: 'readings', heartbeatInterval: '20000' }, 'heartbeatInterval'],
  ['stream-kafka-in', { topics: 'bad topic!' }, 'topics'],
  ['stream-kafka-in', { topics: 'readings', maxWaitTime: '60001' }, 'maxWaitTime'],
  ['stream-kafka-out', { batchSize: '100001' }, 'batchSize'],
  ['stream-kafka-out', { idempotent: true, acks: 'leader' }, 'acks'],
  ['stream-kafka-out', { topic: 'a b' }, 'topic'],
  [
    'stream-filter',
    {
      rules: [
        { property: 'payload', op: 'between', value: '1', value2: '5' },
        { property: 'payload.id', op: 'exists' },
      ],
      combine: 'any',
    },
  ],
  ['stream-filter', { rules: [{ property: 'payload', op: 'between', value: '1' }] }, 'rules'],
  ['stream-filter', { rules: [{ property: 'payload', op: 'eq' }] }, 'rules'],
  ['stream-filter', { rules: [{ property: 'payload', op: 'between', value: '1', value2: 'z' }] }, 'rules'],
  ['stream-filter', { rules: [{ property: 'payload', op: 'like', value: 'x' }] }, 'rules'],
  ['stream-filter', { rules: [{ op: 'jsonata', value: ' ' }] }, 'rules'],
  ['stream-filter', { rules: [{ op: 'jsonata', value: 'payload.t > 3' }] }],
  ['stream-filter', { rules: [{ property: 'payload', op: 'exists' }], combine: 'either' }, 'combine'],
  ['stream-filter', { rules: [] }, 'rules'],
  ['stream-sequence', { steps: [{ name: 'a', rules: [{ property: 'payload', op: 'between', value: 'x' }] }] }, 'steps'],
  ['stream-sequence', { steps: [{ name: 'a', rules: [{ property: 'payload', op: 'regex', value: '^door(' }] }] }, 'steps'],
  ['stream-detect', { history: '1h', confidence: '99.9', holdOff: '0' }],
  ['stream-detect', { history: '2' }, 'history'],
  ['stream-detect', { history: 'soon' }, 'history'],
  ['stream-detect', { threshold: '1.5' }, 'threshold'],
  ['stream-detect', { pattern: 'spike', confidence: '40' }, 'confidence'],
  ['stream-detect', { minHistory: '-1' }, 'minHistory'],
  ['stream-detect', { pattern: 'auto', falseAlerts: '0' }, 'falseAlerts'],
  ['stream-detect', { holdOff: 'soon' }, 'holdOff'],
  ['stream-detect', { direction: 'sideways' }, 'direction'],
  ['stream-sensor-sim', { autoStart: false, sensors: '2', interval: '10ms' }],
  ['stream-sensor-sim', { autoStart: false, interval: '5ms' }, 'interval'],
  ['stream-sensor-sim', { autoStart: false, fields: 'temperature,smell' }, 'fields'],
  ['stream-sensor-sim', { autoStart: false, anomalyRate: '2' }, 'anomalyRate'],
  ['stream-sensor-sim', { autoStart: false, ids: 'a,a' }, 'ids'],
];

const NODE_MODULES = [
  require('../../src/nodes/stream-aggregate'),
  require('../../src/nodes/stream-sequence'),
  require('../../src/nodes/stream-join'),
  require('../../src/nodes/stream-mqtt-broker'),
  require('../../src/nodes/stream-mqtt-in'),
  require('../../src/nodes/stream-mqtt-out'),
  require('../../src/nodes/stream-kafka-broker'),
  require('../../src/nodes/stream-kafka-in'),
  require('../../src/nodes/stream-kafka-out'),
  require('../../src/nodes/stream-sensor-sim'),
  require('../../src/nodes/stream-detect'),
  require('../../src/nodes/stream-filter'),
];

describe("editor and runtime agree on each node type's own settings", function () {
  this.timeout(20000);
  const dialogs = loadDialogs([...new Set(NODE_CASES.map(([type]) => type))]);

  afterEach(() => helper.unload());

  for (const [type, settings, refused] of NODE_CASES) {
    it(`${type} ${JSON.stringify(settings)}: ${refused ? `both refuse ${refused}` : 'both accept'}`, async () => {
      const reasons = editorVerdict(dialogs[type], type, settings);
      assert.deepEqual(Object.keys(reasons), refused ? [refused] : [], `editor: ${JSON.stringify(reasons)}`);
      // The node gets what the dialog saves: every default, with the case's settings.
      const config: Record<string, unknown> = {};
      for (const [k, d] of Object.entries(dialogs[type])) if (d.value !== undefined) config[k] = d.value;
      Object.assign(config, settings);
      const isConfig = type.endsWith('-broker');
      const broker = type.startsWith('stream-mqtt')
        ? { id: 'b', type: 'stream-mqtt-broker', url: 'mqtt://127.0.0.1:1', reconnectPeriod: 0 }
        : { id: 'b', type: 'stream-kafka-broker', brokers: '127.0.0.1:1' };
      const flow: object[] = [{ id: 'f', type: 'tab' }, isConfig ? { ...config, id: 'n', type } : { ...config, id: 'n', type, z: 'f', broker: 'b', wires: [] }];
      if (!isConfig && /-(in|out)$/.test(type)) flow.push(broker);
      await helper.load(NODE_MODULES, flow);
      const errors = loggedErrors('n').filter((e) => e.startsWith('invalid configuration: '));
      if (refused) {
        const reason = reasons[refused];
        // A part of a list names itself in the reason (steps[0].times: …); a field alone is named by the runtime.
        const message = reason.startsWith(`${refused}[`) || reason.startsWith(`${refused}.`) ? reason : `${refused}: ${reason}`;
        assert.deepEqual(errors, [`invalid configuration: ${message}`]);
      } else {
        assert.deepEqual(errors, [], 'the runtime accepts it too');
      }
    });
  }
});

describe("dialogs say the runtime's coded reasons in the editor's language", () => {
  it("a reason with a code comes from the catalog's configError entry, with its parameters", () => {
    const german = (key: string, params: Record<string, unknown>) =>
      key.endsWith(':stream-kafka-broker.configError.wholeRange') || key.endsWith(':stream-aggregate.configError.wholeRange')
        ? `ganze Zahl von ${params.min} bis ${params.max}`
        : undefined;
    const dialogs = loadDialogs(['stream-kafka-broker', 'stream-aggregate'], german);
    assert.deepEqual(editorVerdict(dialogs['stream-kafka-broker'], 'stream-kafka-broker', { retries: '1001' }), { retries: 'ganze Zahl von 0 bis 1000' });
    // A reason without a code stays as the runtime wrote it.
    assert.deepEqual(editorVerdict(dialogs['stream-kafka-broker'], 'stream-kafka-broker', { brokers: 'localhost' }), {
      brokers: '"localhost" is not host:port',
    });
  });
});
