#!/usr/bin/env node
// Writes examples/*.json, the flows Node-RED lists under Import ▸ Examples (file name = menu
// label). The flows are described here in code so ids, positions and shared settings stay
// consistent; run `node scripts/demo/build-examples.js` after changing them.
'use strict';
const fs = require('fs');
const path = require('path');

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
const COL = 280;

/**
 * The defaults each node's editor dialog declares (nodes/<type>.html), so example nodes carry
 * every property the dialog expects, as a flow exported from the editor would.
 */
function editorDefaults(type) {
  const file = path.join(__dirname, '..', '..', 'nodes', `${type}.html`);
  if (!fs.existsSync(file)) return {};
  const html = fs.readFileSync(file, 'utf8');
  let defaults = {};
  const RED = {
    nodes: {
      registerType: (t, def) => {
        if (t === type) defaults = def.defaults || {};
      },
    },
    validators: { number: () => () => true, regex: () => () => true, typedInput: () => () => true },
    events: { on() {} },
    settings: {},
    _: (k) => k,
  };
  // The dialog scripts only need a stand-in for jQuery while they register: $.extend merges the
  // shared defaults of the editor library with a node's own; anything else chains to nothing.
  const extend = (target, ...sources) => {
    for (const src of sources) for (const [k, v] of Object.entries(src || {})) if (v !== undefined) target[k] = v;
    return target;
  };
  const $ = new Proxy(function () {}, { get: (_, k) => (k === 'extend' ? extend : $), apply: () => $ });
  const browser = { window: {}, document: { getElementById: () => null } };
  const run = (code) => new Function('RED', '$', 'jQuery', 'window', 'document', code)(RED, $, $, browser.window, browser.document);
  // The shared editor library (resources/stream-editor.js) defines the common fields the dialogs use,
  // with the runtime's rules the build generates (resources/stream-rules.js).
  for (const file of ['stream-rules.js', 'stream-editor.js']) run(fs.readFileSync(path.join(__dirname, '..', '..', 'resources', file), 'utf8'));
  for (const [, code] of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) run(code);
  const values = {};
  for (const [k, v] of Object.entries(defaults)) if (v && v.value !== undefined) values[k] = JSON.parse(JSON.stringify(v.value));
  return values;
}

/** A flow under construction: `add` places nodes on a grid (column, row). */
function flow(prefix) {
  const nodes = [];
  let n = 0;
  const add = (type, col, row, props = {}, wires) => {
    const id = `${prefix}.${++n}`;
    const node = { id, type, ...(type.startsWith('stream-') ? editorDefaults(type) : {}), name: '', ...props };
    if (col !== undefined) {
      node.x = 140 + col * COL;
      node.y = 60 + row * 60;
    }
    if (wires !== undefined) node.wires = wires;
    nodes.push(node);
    return id;
  };
  /** Connects output `port` of `from` to `to` (wires are filled in after creation). */
  const wire = (from, to, port = 0) => {
    const node = nodes.find((x) => x.id === from);
    while (node.wires.length <= port) node.wires.push([]);
    node.wires[port].push(to);
  };
  /** Wires each node to the next one, on port 0. */
  const chain = (...ids) => {
    for (let i = 1; i < ids.length; i++) wire(ids[i - 1], ids[i]);
  };
  /** Gives a node `count` output ports, none wired yet. */
  const ports = (id, count) => {
    nodes.find((x) => x.id === id).wires = Array.from({ length: count }, () => []);
  };
  return { nodes, add, wire, chain, ports };
}

const comment = (f, name, info, row = 0, col = 0) => f.add('comment', col, row, { name, info });
const debug = (f, col, row, name, complete = 'true') =>
  f.add(
    'debug',
    col,
    row,
    {
      name,
      active: true,
      tosidebar: true,
      console: false,
      tostatus: true,
      complete,
      targetType: complete === 'true' ? 'full' : 'msg',
      statusVal: 'payload',
      statusType: 'auto',
    },
    [],
  );

/** The sensor simulator with the settings examples share; `props` override them. */
const sensors = (f, col, row, props = {}) =>
  f.add(
    'stream-sensor-sim',
    col,
    row,
    {
      sensors: 3,
      idPrefix: 'sensor-',
      ids: '',
      fields: 'temperature,humidity',
      interval: '1s',
      noise: 1,
      drift: 1,
      seasonal: true,
      anomalyRate: 0.005,
      anomalies: 'spike,shift,stuck,dropout,glitch',
      seed: '',
      startTime: '',
      disorder: 0,
      maxDelay: '5s',
      lateRate: 0,
      lateDelay: '2m',
      autoStart: true,
      ...props,
    },
    [[]],
  );

const eventMapping = { keyProperty: 'topic', valueProperty: 'payload', timeProperty: 'timestamp', timeMode: 'event' };
const timeSettings = {
  maxOutOfOrder: '2s',
  allowedLateness: '0',
  idleTimeout: '',
  lateData: 'drop',
  emit: 'final',
  earlyEvery: '',
  bounds: '[start,end)',
  maxKeys: '',
  maxEventsPerWindow: '',
  store: '',
};

const window = (f, type, col, row, props = {}) => f.add(`stream-${type}-window`, col, row, { ...eventMapping, ...timeSettings, ...props }, [[]]);

const aggregate = (f, col, row, props = {}) =>
  f.add(
    'stream-aggregate',
    col,
    row,
    {
      ...eventMapping,
      ...timeSettings,
      windowType: 'tumbling',
      size: '1m',
      slide: '',
      gap: '',
      count: '',
      offset: '',
      aggregations: [{ op: 'avg', property: 'payload', as: '' }],
      output: 'object',
      having: '',
      ...props,
    },
    [[]],
  );

/** An aggregate of each window message it receives (window type none). */
const eachWindow = (f, col, row, name, aggregations) => aggregate(f, col, row, { name, windowType: 'none', size: '', aggregations });

const filter = (f, col, row, props = {}) =>
  f.add('stream-filter', col, row, { ...eventMapping, ...timeSettings, windowType: 'none', rules: [], combine: 'all', outputs: 2, ...props }, [[], []]);

const detect = (f, col, row, props = {}) =>
  f.add(
    'stream-detect',
    col,
    row,
    {
      ...eventMapping,
      ...timeSettings,
      windowType: 'none',
      size: '',
      slide: '',
      pattern: 'anomaly',
      mode: 'stream',
      history: '5m',
      threshold: '',
      confidence: '',
      direction: 'both',
      minHistory: '',
      falseAlerts: '',
      holdOff: '30s',
      outputs: 1,
      ...props,
    },
    [[]],
  );

// The broker comes from MQTT_URL (npm start sets it to its built-in broker), else the local default.
const mqttBroker = (f, url = '${MQTT_URL:-mqtt://localhost:1883}') =>
  f.add('stream-mqtt-broker', undefined, undefined, {
    name: 'local MQTT',
    url,
    protocolVersion: '4',
    keepalive: 60,
    clientId: '',
    cleanSession: true,
    reconnectPeriod: 5000,
    connectTimeout: 30000,
  });

const mqttOut = (f, broker, col, row, props = {}) =>
  f.add('stream-mqtt-out', col, row, { broker, topic: '', qos: '1', retain: false, serialize: 'payload', userProperties: true, queueSize: 1000, ...props }, []);

const mqttIn = (f, broker, col, row, props = {}) =>
  f.add(
    'stream-mqtt-in',
    col,
    row,
    { broker, topic: '', qos: '1', format: 'auto', keyFrom: 'topic', keyLevel: '', keyField: '', timeFrom: 'arrival', timeField: '', ...props },
    [[]],
  );

/** Readings → topic `demo/sensors/<id>` with the event time inside the payload, as real devices send them. */
const toDeviceMessage = (f, col, row, base = 'demo/sensors/') =>
  f.add(
    'change',
    col,
    row,
    {
      name: 'topic + ts in payload',
      rules: [
        { t: 'set', p: 'payload.ts', pt: 'msg', to: 'timestamp', tot: 'msg' },
        { t: 'set', p: 'topic', pt: 'msg', to: `"${base}" & topic`, tot: 'jsonata' },
      ],
    },
    [[]],
  );

/** A change node that puts msg.topic under `base`: `<base><key>`. */
const topicUnder = (f, col, row, base) =>
  f.add('change', col, row, { name: `${base}<id>`, rules: [{ t: 'set', p: 'topic', pt: 'msg', to: `"${base}" & topic`, tot: 'jsonata' }] }, [[]]);

/** An inject node; `props` override its defaults (no properties, fire once 1 s after deploy). */
const inject = (f, col, row, props) => f.add('inject', col, row, { props: [], repeat: '', crontab: '', once: true, onceDelay: '1', topic: '', ...props }, [[]]);

/** A function node that plays a source of events with the code `func`. */
const player = (f, col, row, name, func) =>
  f.add('function', col, row, { name, func, outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [] }, [[]]);

// ---------------------------------------------------------------------------------------------

function iotPipeline() {
  const f = flow('iot');
  comment(
    f,
    'IoT sensor pipeline: sensors → MQTT → windows, aggregates, detection → MQTT',
    [
      'Simulated sensors publish temperature and humidity to MQTT (`demo/sensors/<id>`, event time in `payload.ts`).',
      'The pipeline subscribes and, per sensor (msg.topic = the last topic level), takes two routes.',
      '',
      '**Per reading (rows above the lower comment)**, for dashboards and fast alerts:',
      '1. Readings are **filtered to the plausible range −50…100 °C** one by one; error codes (−127 °C) go to the reject port.',
      '2. **1-minute average temperature** of the plausible readings in a tumbling window → `demo/stats/avg/<id>`. Readings',
      '   that arrive after their window closed leave on the aggregate\'s second port ("late").',
      '3. min / avg / max over a **5-minute sliding window** (every minute) → `demo/stats/range/<id>`.',
      '4. **Anomaly detection** scores every reading against the last 5 minutes of its sensor, so an alert leaves as soon as',
      '   the odd reading arrives → `demo/alerts/<id>`.',
      '',
      '**Per 5-minute window (the seed pipeline, bottom rows)**, exactly as specified: a filter with its own **5-minute sliding',
      "window (every minute)** keeps the readings in −50…100 °C and sends each window's plausible readings as one message;",
      'anomaly detection in **window mode** analyses each of those 5-minute windows as a whole → `demo/alerts/window/<id>`.',
      'These alerts come once a minute at most, when a window closes: slower, but each one looks at five full minutes.',
      '',
      'The `local MQTT` config node reads the broker from the environment variable MQTT_URL, else mqtt://localhost:1883',
      '(edit its URL to use another). `npm start` in the project runs this flow with a built-in broker and a dashboard.',
    ].join('\n'),
    0,
    1,
  );
  const broker = mqttBroker(f);
  const sim = sensors(f, 0, 1, {
    name: 'sensors',
    sensors: 4,
    anomalyRate: 0.01,
    disorder: 0.1,
    maxDelay: '3s',
    lateRate: 0.01,
    lateDelay: '70s',
    seed: 'iot-demo',
  });
  const dev = toDeviceMessage(f, 1, 1);
  const pub = mqttOut(f, broker, 2, 1, { name: 'publish readings' });
  f.chain(sim, dev, pub);

  const sub = mqttIn(f, broker, 0, 3, {
    name: 'demo/sensors/+',
    topic: 'demo/sensors/+',
    keyFrom: 'level',
    keyLevel: '-1',
    timeFrom: 'field',
    timeField: 'ts',
  });

  // Error codes such as −127 °C would wreck every statistic: filter first, aggregate what passes.
  const plausible = filter(f, 1, 3, {
    name: 'plausible −50…100 °C',
    rules: [{ property: 'payload.temperature', op: 'between', value: '-50', value2: '100' }],
    outputs: 2,
  });
  const rejected = debug(f, 2, 4, 'implausible readings', 'true');
  f.wire(sub, plausible);
  f.wire(plausible, rejected, 1);

  const avg = aggregate(f, 2, 3, {
    name: 'avg temperature / tumbling 1m',
    valueProperty: 'payload.temperature',
    maxOutOfOrder: '5s',
    lateData: 'output',
    aggregations: [
      { op: 'avg', property: 'payload.temperature', as: '' },
      { op: 'count', property: 'payload.temperature', as: '' },
    ],
  });
  f.ports(avg, 2);
  const avgTopic = topicUnder(f, 3, 3, 'demo/stats/avg/');
  const avgOut = mqttOut(f, broker, 4, 3, { name: 'publish averages' });
  const avgDebug = debug(f, 3, 4, '1-minute averages', 'payload');
  const lateDebug = debug(f, 3, 5, 'late readings', 'true');
  f.chain(plausible, avg, avgTopic, avgOut);
  f.wire(avg, avgDebug);
  f.wire(avg, lateDebug, 1);

  const range = aggregate(f, 2, 6, {
    name: 'min/avg/max / sliding 5m',
    windowType: 'sliding',
    size: '5m',
    slide: '1m',
    valueProperty: 'payload.temperature',
    maxOutOfOrder: '5s',
    aggregations: [
      { op: 'min', property: 'payload.temperature', as: 'min' },
      { op: 'avg', property: 'payload.temperature', as: 'avg' },
      { op: 'max', property: 'payload.temperature', as: 'max' },
    ],
  });
  const rangeTopic = topicUnder(f, 3, 6, 'demo/stats/range/');
  const rangeOut = mqttOut(f, broker, 4, 6, { name: 'publish ranges' });
  f.chain(plausible, range, rangeTopic, rangeOut);

  // After the plausibility filter: error codes are counted as implausible there, never alerted on.
  const anomalies = detect(f, 1, 8, {
    name: 'anything odd / per reading',
    pattern: 'auto',
    valueProperty: 'payload.temperature',
    history: '',
    store: 'memory',
  });
  const alertTopic = topicUnder(f, 2, 8, 'demo/alerts/');
  const alertOut = mqttOut(f, broker, 3, 8, { name: 'publish alerts' });
  const alertDebug = debug(f, 2, 9, 'anomalies', 'payload');
  f.chain(plausible, anomalies, alertTopic);
  f.wire(anomalies, alertDebug);
  f.wire(alertTopic, alertOut);

  // The seed pipeline as written: plausibility over a 5-minute sliding window, detection per window.
  comment(
    f,
    'Seed pipeline: filter over a 5-minute sliding window → anomaly per window → MQTT',
    [
      'The route the project started from, step by step: readings are filtered to −50…100 °C **inside a 5-minute sliding',
      'window that moves every minute**; each window that closes leaves as one message with its plausible readings',
      '(msg.payload = readings, msg.window = start, end, count). The detector in **window mode** looks at each such window as',
      'a whole and alerts when it holds readings far from the rest → `demo/alerts/window/<id>`.',
      '',
      "The detector's second port shows every analysed window with what was found in it.",
    ].join('\n'),
    11,
    1,
  );
  const windowFilter = filter(f, 1, 12, {
    name: 'plausible −50…100 °C / sliding 5m',
    windowType: 'sliding',
    size: '5m',
    slide: '1m',
    maxOutOfOrder: '5s',
    outputs: 1,
    rules: [{ property: 'payload.temperature', op: 'between', value: '-50', value2: '100' }],
  });
  f.ports(windowFilter, 1);
  f.wire(sub, windowFilter);
  const windowAnomalies = detect(f, 2.25, 12, {
    // minHistory: a window holds 300 readings once full; the part-filled ones after a deploy are not judged.
    name: 'anomaly / each 5m window',
    mode: 'window',
    valueProperty: 'payload.temperature',
    history: '',
    minHistory: 240,
    outputs: 2,
  });
  f.ports(windowAnomalies, 2);
  f.wire(windowFilter, windowAnomalies);
  const windowAlertTopic = topicUnder(f, 3.25, 12, 'demo/alerts/window/');
  const windowAlertOut = mqttOut(f, broker, 4.25, 12, { name: 'publish window alerts' });
  f.chain(windowAnomalies, windowAlertTopic, windowAlertOut);
  f.wire(windowAnomalies, debug(f, 3.25, 13, 'window anomalies', 'payload'));
  f.wire(windowAnomalies, debug(f, 3.25, 14, 'analysed 5-minute windows', 'window'), 1);
  return f.nodes;
}

/** A window node with late data on its second port. */
const lateWindow = (f, type, col, row, props) => {
  const id = window(f, type, col, row, { lateData: 'output', ...props });
  f.ports(id, 2);
  return id;
};

function tumblingWindow() {
  const f = flow('tumbling');
  comment(
    f,
    'Tumbling window: fixed 10-second windows per sensor, late readings on port 2',
    [
      'Three simulated sensors send a reading every 500 ms. 20 % arrive out of order (up to 2 s) and 5 % arrive 15 s late.',
      '',
      'The tumbling window groups readings per sensor (msg.topic) into [start, end) windows of 10 s by **event time**',
      '(msg.timestamp). A window fires once the watermark (the largest event time seen minus `maxOutOfOrder` 3 s) passes its end,',
      'so shuffled readings still land in the right window. Readings older than that go to the **late** port.',
      '',
      'Each output message: msg.payload = the readings in event-time order, msg.window = { start, end, count, key, firing }.',
    ].join('\n'),
  );
  const sim = sensors(f, 0, 1, { name: '3 sensors, some late', interval: '500ms', disorder: 0.2, maxDelay: '2s', lateRate: 0.05, lateDelay: '15s' });
  const win = lateWindow(f, 'tumbling', 1, 1, { name: 'tumbling 10s', size: '10s', maxOutOfOrder: '3s' });
  const count = f.add(
    'change',
    2,
    1,
    {
      name: 'summary',
      rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"sensor": topic, "from": $fromMillis(window.start), "readings": window.count}', tot: 'jsonata' }],
    },
    [[]],
  );
  f.chain(sim, win, count, debug(f, 3, 1, 'windows', 'payload'));
  f.wire(win, debug(f, 2, 2, 'late readings', 'true'), 1);
  return f.nodes;
}

function slidingWindow() {
  const f = flow('sliding');
  comment(
    f,
    'Sliding windows: hopping (30 s every 10 s) and per-event (the last 10 s at every reading)',
    [
      '**Hopping**: `size` 30s, `slide` 10s: every 10 s of event time a window covering the last 30 s fires, so each reading',
      'belongs to three windows. The aggregate after it has window type `none`: it aggregates each window message as a whole.',
      '',
      '**Per event**: `slide` = event: a window ending at every reading, e.g. for a moving average. With `emit` update the',
      'aggregate sends the running result for every reading.',
      '',
      "Late readings (behind the watermark) leave on the window's second port.",
    ].join('\n'),
  );
  const sim = sensors(f, 0, 1, { name: '2 sensors', sensors: 2, interval: '1s', lateRate: 0.02, lateDelay: '40s' });
  const hop = lateWindow(f, 'sliding', 1, 1, { name: 'sliding 30s / 10s', size: '30s', slide: '10s' });
  const avg = eachWindow(f, 2, 1, 'avg temperature of each window', [
    { op: 'avg', property: 'payload.temperature', as: 'avg' },
    { op: 'count', property: 'payload', as: 'n' },
  ]);
  f.chain(sim, hop, avg, debug(f, 3, 1, '30 s averages every 10 s', 'payload'));
  f.wire(hop, debug(f, 2, 2, 'late (hopping)', 'true'), 1);
  const moving = aggregate(f, 1, 3, {
    name: 'moving avg / last 10s',
    windowType: 'sliding',
    size: '10s',
    slide: 'event',
    emit: 'update',
    aggregations: [{ op: 'avg', property: 'payload.temperature', as: 'movingAvg' }],
    output: 'value',
  });
  f.chain(sim, moving, debug(f, 2, 3, 'moving average', 'payload'));
  return f.nodes;
}

const MACHINE = `// Two machines that run for a while (vibration readings every tick), then stand idle (no readings).
const machines = context.get('machines') || { 'press-1': { on: true, left: 12 }, 'press-2': { on: false, left: 5 } };
const out = [];
for (const [id, m] of Object.entries(machines)) {
    if (m.on) out.push({ topic: id, payload: { vibration: +(3 + Math.random() * 2).toFixed(2) }, timestamp: Date.now() });
    if (--m.left <= 0) { m.on = !m.on; m.left = m.on ? 8 + Math.floor(Math.random() * 12) : 6 + Math.floor(Math.random() * 6); }
}
context.set('machines', machines);
return [out];`;

function sessionWindow() {
  const f = flow('session');
  comment(
    f,
    'Session windows: one result per machine run, closed by 3 s of silence',
    [
      'A function node plays two presses that run for 4–10 s (a vibration reading every 500 ms) and then stand idle.',
      '',
      'The session window keeps one window per machine (msg.topic) open while readings keep coming; a gap of 3 s without',
      'readings closes it (`maxDuration` caps very long runs). The aggregate then summarises each run: number of readings,',
      "average and peak vibration. msg.window.start / end give the run's start and end time.",
      '',
      '`idleTimeout` lets a session close in processing time even when no further reading arrives to advance event time.',
    ].join('\n'),
  );
  const tick = inject(f, 0, 1, { name: 'every 500 ms', repeat: '0.5', onceDelay: '0.5' });
  const machine = player(f, 1, 1, 'two machines', MACHINE);
  const session = lateWindow(f, 'session', 2, 1, { name: 'session gap 3s', gap: '3s', maxDuration: '1m', maxOutOfOrder: '0', idleTimeout: '5s' });
  const summary = eachWindow(f, 3, 1, 'summary of each run', [
    { op: 'count', property: 'payload', as: 'readings' },
    { op: 'avg', property: 'payload.vibration', as: 'avgVibration' },
    { op: 'max', property: 'payload.vibration', as: 'peak' },
  ]);
  f.chain(tick, machine, session, summary, debug(f, 4, 1, 'runs', 'true'));
  f.wire(session, debug(f, 3, 2, 'late', 'true'), 1);
  return f.nodes;
}

function globalWindow() {
  const f = flow('global');
  comment(
    f,
    'Global windows: every 10 readings (overlapping by 5), or whatever arrived until a flush',
    [
      '**Count window**: `count` 10 with `overlap` 5 fires per sensor after 10 readings, then again after every 5 more',
      '(each window shares 5 readings with the one before).',
      '',
      '**Flushed window**: without a count, a global window collects until a message with `msg.flush = true` arrives',
      '(the inject button) or `flushEvery` elapses (here 30 s).',
    ].join('\n'),
  );
  const sim = sensors(f, 0, 1, { name: '2 sensors', sensors: 2, interval: '1s' });
  const counted = window(f, 'global', 1, 1, { name: 'every 10, overlap 5', count: '10', overlap: '5' });
  const avg = eachWindow(f, 2, 1, 'avg of each window', [
    { op: 'avg', property: 'payload.humidity', as: 'avgHumidity' },
    { op: 'count', property: 'payload', as: 'n' },
  ]);
  f.chain(sim, counted, avg, debug(f, 3, 1, 'count windows', 'payload'));
  const flush = inject(f, 0, 3, { name: 'flush now', props: [{ p: 'flush', v: 'true', vt: 'bool' }], once: false, onceDelay: 0.1 });
  const flushed = window(f, 'global', 1, 3, { name: 'until flushed', count: '', flushEvery: '30s' });
  f.wire(sim, flushed);
  f.wire(flush, flushed);
  const n = f.add(
    'change',
    2,
    3,
    { name: 'how many', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"sensor": topic, "readings": window.count}', tot: 'jsonata' }] },
    [[]],
  );
  f.chain(flushed, n, debug(f, 3, 3, 'flushed windows', 'payload'));
  return f.nodes;
}

function aggregateExample() {
  const f = flow('aggregate');
  comment(
    f,
    'Aggregate: several aggregations per 10-second window, and a having condition',
    [
      'The first aggregate has its own tumbling 10 s window and computes, per sensor: count, average, min, max,',
      'standard deviation, 95th percentile and the rate (readings per second) of the temperature. Results look like',
      '`{ count, avg, min, max, stddev, p95, rate }` with msg.window describing the window.',
      '',
      'The second sends only the 1-minute averages above 21 °C (`having`: `avg > 21`) as a bare number (`output` value).',
      'Both round their results to 2 decimals (`round`). The sensors inject no anomalies here (anomaly rate 0): an error code',
      'such as −127 °C would show up as a minimum no thermometer reads; example 07 filters them out.',
    ].join('\n'),
  );
  const sim = sensors(f, 0, 1, { name: '3 sensors', interval: '500ms', anomalyRate: 0 });
  const t = 'payload.temperature';
  const stats = aggregate(f, 1, 1, {
    name: 'temperature stats / tumbling 10s',
    size: '10s',
    valueProperty: t,
    aggregations: [
      { op: 'count', property: t, as: '' },
      { op: 'avg', property: t, as: '' },
      { op: 'min', property: t, as: '' },
      { op: 'max', property: t, as: '' },
      { op: 'stddev', property: t, as: '' },
      { op: 'percentile', property: t, as: 'p95', p: 95 },
      { op: 'rate', property: t, as: '' },
    ],
    round: '2',
  });
  f.chain(sim, stats, debug(f, 2, 1, 'stats', 'payload'));
  const warm = aggregate(f, 1, 2, {
    name: 'warm sensors / 1m',
    size: '1m',
    aggregations: [{ op: 'avg', property: t, as: 'avg' }],
    output: 'value',
    having: 'avg > 21',
    round: '2',
  });
  f.chain(sim, warm, debug(f, 2, 2, 'averages above 21 °C', 'payload'));
  return f.nodes;
}

function filterExample() {
  const f = flow('filter');
  comment(
    f,
    'Filter: rules on reading properties, rejected readings on port 2',
    [
      'The sensors inject many anomalies, among them error codes such as −127 °C. The first filter keeps readings where **all**',
      'rules hold: temperature between −50 and 100, humidity between 0 and 100 and a temperature property present. Rejected',
      'readings leave on port 2, so they can be logged or counted instead of silently dropped.',
      '',
      'The second filter passes a reading when **any** rule holds: a JSONata rule (`payload.temperature > 30`) or a regex on the sensor id.',
    ].join('\n'),
  );
  const sim = sensors(f, 0, 1, { name: 'faulty sensors', anomalyRate: 0.05, anomalies: 'spike,glitch' });
  const plausible = filter(f, 1, 1, {
    name: 'plausible readings',
    outputs: 2,
    combine: 'all',
    rules: [
      { property: 'payload.temperature', op: 'between', value: '-50', value2: '100' },
      { property: 'payload.humidity', op: 'between', value: '0', value2: '100' },
      { property: 'payload.temperature', op: 'exists', value: '', value2: '' },
    ],
  });
  f.chain(sim, plausible, debug(f, 2, 1, 'passed', 'payload'));
  f.wire(plausible, debug(f, 2, 2, 'rejected', 'true'), 1);
  const hot = filter(f, 1, 3, {
    name: 'hot or sensor-1',
    outputs: 1,
    combine: 'any',
    rules: [
      { property: 'payload', op: 'jsonata', value: 'payload.temperature > 30', value2: '' },
      { property: 'topic', op: 'regex', value: '^sensor-1$', value2: '' },
    ],
  });
  f.ports(hot, 1);
  f.chain(sim, hot, debug(f, 2, 3, 'hot readings or sensor-1', 'payload'));
  return f.nodes;
}

function detectExample() {
  const f = flow('detect');
  comment(
    f,
    'Detect: anomalies per reading (streaming) and change points per window',
    [
      'The sensors inject spikes, level shifts and stuck values (msg.injected tells which, for comparison).',
      '',
      '**Streaming mode** (pattern auto): every reading is tested against what its sensor normally does; one alert',
      'per incident leaves port 1 with its kind (spike, dip, shift, drift, stuck, variance, silence), since when and a reason.',
      'Port 2 carries every reading annotated with its score; its debug node "scored readings" is switched off (six readings',
      'a second would fill the sidebar): click its button to watch them.',
      '',
      '**Window mode**: each 1-minute tumbling window is analysed as a whole for a change point (a lasting level shift).',
    ].join('\n'),
  );
  const sim = sensors(f, 0, 1, {
    name: 'sensors with anomalies',
    fields: 'temperature',
    interval: '500ms',
    anomalyRate: 0.01,
    anomalies: 'spike,shift,stuck',
    seed: 'detect',
  });
  const streaming = detect(f, 1, 1, { name: 'anything odd / streaming', pattern: 'auto', valueProperty: 'payload.temperature', history: '', outputs: 2 });
  f.ports(streaming, 2);
  f.chain(sim, streaming, debug(f, 2, 1, 'anomalies', 'payload'));
  const scored = debug(f, 2, 2, 'scored readings', 'payload');
  f.nodes.find((n) => n.id === scored).active = false;
  f.wire(streaming, scored, 1);
  const windowed = detect(f, 1, 3, {
    name: 'change point / tumbling 1m',
    pattern: 'changepoint',
    mode: 'window',
    windowType: 'tumbling',
    size: '1m',
    valueProperty: 'payload.temperature',
    history: '',
  });
  f.chain(sim, windowed, debug(f, 2, 3, 'change points', 'payload'));
  return f.nodes;
}

function mqttExample() {
  const f = flow('mqtt');
  comment(
    f,
    'MQTT in and out: readings to a broker and back as events',
    [
      'Publishes simulated readings to `sensors/<id>` with the event time in the payload (`ts`), the way devices usually send it,',
      'and subscribes to `sensors/+`. The MQTT in node turns each message into an event: msg.topic = the last topic level',
      '(the sensor id), msg.timestamp = payload.ts, msg.payload = the parsed JSON — ready for any window or processor node.',
      '',
      'The `local MQTT` config node reads the broker from the environment variable MQTT_URL (`npm start` sets it to its',
      'built-in broker), else mqtt://localhost:1883; edit its URL to use another. When the broker cannot be reached the log',
      "says so once and the MQTT nodes' status counts what waits. For several Node-RED instances sharing the load,",
      'subscribe with a shared subscription: `$share/stream/sensors/+`.',
    ].join('\n'),
  );
  const broker = mqttBroker(f);
  const sim = sensors(f, 0, 1, { name: '3 sensors' });
  const dev = toDeviceMessage(f, 1, 1, 'sensors/');
  const pub = mqttOut(f, broker, 2, 1, { name: 'publish' });
  f.chain(sim, dev, pub);
  const sub = mqttIn(f, broker, 0, 2, { name: 'sensors/+', topic: 'sensors/+', keyFrom: 'level', keyLevel: '-1', timeFrom: 'field', timeField: 'ts' });
  f.wire(sub, debug(f, 1, 2, 'events', 'true'));
  return f.nodes;
}

function kafkaExample() {
  const f = flow('kafka');
  comment(
    f,
    'Kafka in → window → Kafka out: per-sensor averages from a topic back to a topic',
    [
      'Simulated readings are produced to the Kafka topic `sensors`, keyed by sensor id so each sensor stays on one partition.',
      'The Kafka in node (consumer group `stream-example`) turns records into events: msg.topic = record key, msg.timestamp =',
      "record timestamp. A 10-second tumbling window + aggregate computes each sensor's average, produced to `sensor-averages`.",
      '',
      'Offsets are committed after the flow has handled a record (at-least-once). Start more Node-RED instances with the same',
      'group id to share the partitions. The `local Kafka` config node reads the brokers from the environment variable',
      'KAFKA_BROKERS (comma separated), else localhost:9092; edit it to use others. When no broker can be reached the log',
      "says so once and the Kafka nodes' status counts what waits.",
    ].join('\n'),
  );
  const broker = f.add('stream-kafka-broker', undefined, undefined, {
    name: 'local Kafka',
    brokers: '${KAFKA_BROKERS:-localhost:9092}',
    clientId: 'node-red-stream',
  });
  const sim = sensors(f, 0, 1, { name: '3 sensors' });
  const produce = f.add('stream-kafka-out', 1, 1, { name: 'to sensors', broker, topic: 'sensors' }, []);
  f.wire(sim, produce);
  const consume = f.add(
    'stream-kafka-in',
    0,
    2,
    { name: 'from sensors', broker, topics: 'sensors', groupId: 'stream-example', keyFrom: 'record', timeFrom: 'record' },
    [[]],
  );
  const win = window(f, 'tumbling', 1, 2, { name: 'tumbling 10s', size: '10s', maxOutOfOrder: '2s' });
  const avg = eachWindow(f, 2, 2, 'avg temperature', [
    { op: 'avg', property: 'payload.temperature', as: 'avg' },
    { op: 'count', property: 'payload', as: 'n' },
  ]);
  const out = f.add('stream-kafka-out', 3, 2, { name: 'to sensor-averages', broker, topic: 'sensor-averages' }, []);
  f.chain(consume, win, avg, out);
  f.wire(avg, debug(f, 3, 3, 'averages', 'payload'));
  return f.nodes;
}

const DOORS = `// A door opens every 20 s, in turn in the kitchen, the garage (no thermometer there) and the hall.
const rooms = ['kitchen', 'garage', 'hall'];
const n = context.get('n') || 0;
context.set('n', n + 1);
const room = rooms[n % rooms.length];
return { stream: 'door', topic: room, payload: { room, open: true }, timestamp: Date.now() };`;

function joinExample() {
  const f = flow('join');
  comment(
    f,
    'Join: each door opening with the temperature readings of the same room in the next minute',
    [
      'Thermometers in the kitchen and the hall send a reading every 10 s (msg.topic = room); a change node marks them',
      '`msg.stream = "temperature"`. A function node opens a door every 20 s, in turn in the kitchen, the garage and the hall',
      '(`msg.stream = "door"`).',
      '',
      'The join node tells the inputs apart by `msg.stream` (left: door, right: temperature), keys both by msg.topic (the room)',
      'and pairs each door opening with every reading of the same room from 0 to 1 minute after it (an interval join):',
      '`msg.payload = { left: <door event>, right: <reading> }`, `msg.join` has both event times.',
      '',
      'It is a **left** join: a door opening in the garage finds no reading, and leaves on port 2 once its minute has passed.',
      'Switch **Join by** to *window* to pair the events of the same 1-minute window instead.',
    ].join('\n'),
  );
  const sim = sensors(f, 0, 1, { name: 'room thermometers', ids: 'kitchen,hall', fields: 'temperature', interval: '10s', anomalyRate: 0 });
  const mark = f.add('change', 1, 1, { name: 'stream = temperature', rules: [{ t: 'set', p: 'stream', pt: 'msg', to: 'temperature', tot: 'str' }] }, [[]]);
  const tick = inject(f, 0, 2, { name: 'every 20 s', repeat: '20' });
  const doors = player(f, 1, 2, 'door opens', DOORS);
  const join = f.add(
    'stream-join',
    2,
    1,
    {
      ...eventMapping,
      name: 'door + temperature / 1m',
      sideProperty: 'stream',
      sideMatch: 'equals',
      leftSide: 'door',
      rightSide: 'temperature',
      rightKeyProperty: '',
      joinMode: 'interval',
      lower: '0',
      upper: '1m',
      joinType: 'left',
      maxOutOfOrder: '1s',
      outputs: 2,
    },
    [[], []],
  );
  f.chain(sim, mark, join);
  f.chain(tick, doors, join, debug(f, 3, 1, 'door with temperatures', 'payload'));
  f.wire(join, debug(f, 3, 2, 'doors without a reading', 'true'), 1);
  return f.nodes;
}

const PUMP = `// A pump's event log, one entry every 5 s: warnings, starts, stops and a fault, then over again.
const log = ['ok', 'warning', 'warning', 'warning', 'ok', 'start', 'running', 'stop', 'start', 'fault', 'stop', 'start', 'ok'];
const n = context.get('n') || 0;
context.set('n', n + 1);
return { topic: 'pump-1', payload: { level: log[n % log.length], step: n }, timestamp: Date.now() };`;

function sequenceExample() {
  const f = flow('sequence');
  comment(
    f,
    'Sequence: three warnings in a row, and a start followed by a stop within 30 s without a fault',
    [
      "A function node plays a pump's event log (msg.payload.level), one entry every 5 s.",
      '',
      '**three warnings in a row**: one step `warning` (`payload.level eq warning`) repeated `{3}`, strict contiguity: an `ok`',
      'between the warnings breaks the run. msg.payload.warning holds the three events.',
      '',
      '**start → stop without fault**: steps `start`, *not* `fault`, `stop`, within 30 s, relaxed contiguity (other entries may',
      'come between). A start followed by a fault before its stop is no match; a start whose stop does not come within 30 s',
      'leaves on port 2 as a timed-out partial match.',
    ].join('\n'),
  );
  const tick = inject(f, 0, 1, { name: 'every 5 s', repeat: '5' });
  const pump = player(f, 1, 1, 'pump log', PUMP);
  const level = (name, value, extra = {}) => ({ name, rules: [{ property: 'payload.level', op: 'eq', value }], times: '', not: false, ...extra });
  const common = { ...eventMapping, maxOutOfOrder: '0', maxPartialMatches: '100' };
  const warnings = f.add(
    'stream-sequence',
    2,
    1,
    {
      ...common,
      name: 'three warnings in a row',
      steps: [level('warning', 'warning', { times: '{3}' })],
      within: '',
      contiguity: 'strict',
      skip: 'past-last-event',
      outputs: 1,
    },
    [[]],
  );
  const cycle = f.add(
    'stream-sequence',
    2,
    2,
    {
      ...common,
      name: 'start → stop within 30s, no fault',
      steps: [level('start', 'start'), level('fault', 'fault', { not: true }), level('stop', 'stop')],
      within: '30s',
      contiguity: 'relaxed',
      skip: 'past-last-event',
      outputs: 2,
    },
    [[], []],
  );
  f.chain(tick, pump, warnings);
  f.wire(pump, cycle);
  f.wire(warnings, debug(f, 3, 1, 'three warnings in a row', 'payload'));
  f.wire(cycle, debug(f, 3, 2, 'start → stop without fault', 'payload'));
  f.wire(cycle, debug(f, 3, 3, 'start without stop in 30 s', 'true'), 1);
  return f.nodes;
}

// The table the SQLite example writes: one row per sensor and 10-second window. The key (sensor, window start)
// makes a window that is sent again (a late update, or a replay after a redeploy) replace its row.
const RESULTS_TABLE =
  'CREATE TABLE IF NOT EXISTS temperature_10s (sensor TEXT NOT NULL, window_start TEXT NOT NULL, ' +
  'window_end TEXT NOT NULL, readings INTEGER NOT NULL, avg REAL, min REAL, max REAL, PRIMARY KEY (sensor, window_start))';
const INSERT_RESULT =
  'INSERT OR REPLACE INTO temperature_10s (sensor, window_start, window_end, readings, avg, min, max) ' +
  'VALUES ($sensor, $start, $end, $readings, $avg, $min, $max)';

function sqliteExample() {
  const f = flow('sqlite');
  comment(
    f,
    'Store results in SQLite: one row per sensor and 10-second window',
    [
      'Needs the SQLite node: install `node-red-node-sqlite` (palette manager, or `npm install node-red-node-sqlite` in the',
      'Node-RED user directory) before importing this example.',
      '',
      "The aggregate computes count, average, min and max of each sensor's temperature per 10-second tumbling window; a change",
      'node turns each result into the parameters of a prepared `INSERT OR REPLACE` (msg.params), and the SQLite node writes one',
      'row per sensor and window to the table `temperature_10s` (window times as ISO-8601 UTC text). At deploy the table is',
      'created if it is missing. The button of **latest rows** reads the last ten rows back.',
      '',
      "The database file is `/tmp/stream-results.db`: double-click the SQLite nodes' database to keep it elsewhere. Read it",
      'from outside Node-RED with `sqlite3 /tmp/stream-results.db "SELECT * FROM temperature_10s"`.',
    ].join('\n'),
  );
  const db = f.add('sqlitedb', undefined, undefined, { db: '/tmp/stream-results.db', mode: 'RWC' });
  const sim = sensors(f, 0, 1, { name: '3 sensors', anomalyRate: 0 });
  const t = 'payload.temperature';
  const stats = aggregate(f, 1, 1, {
    name: 'temperature / tumbling 10s',
    size: '10s',
    valueProperty: t,
    round: '2',
    aggregations: [
      { op: 'count', property: t, as: '' },
      { op: 'avg', property: t, as: '' },
      { op: 'min', property: t, as: '' },
      { op: 'max', property: t, as: '' },
    ],
  });
  const params = f.add(
    'change',
    2,
    1,
    {
      name: 'row parameters',
      rules: [
        {
          t: 'set',
          p: 'params',
          pt: 'msg',
          tot: 'jsonata',
          to: '{"$sensor": topic, "$start": $fromMillis(window.start), "$end": $fromMillis(window.end), "$readings": payload.count, "$avg": payload.avg, "$min": payload.min, "$max": payload.max}',
        },
      ],
    },
    [[]],
  );
  const insert = f.add('sqlite', 3, 1, { name: 'insert row', mydb: db, sqlquery: 'prepared', sql: INSERT_RESULT }, [[]]);
  f.chain(sim, stats, params, insert);
  f.wire(stats, debug(f, 2, 2, '10-second results', 'payload'));
  const atDeploy = inject(f, 0, 3, { name: 'at deploy', onceDelay: '0.1' });
  const create = f.add('sqlite', 1, 3, { name: 'create table', mydb: db, sqlquery: 'fixed', sql: RESULTS_TABLE }, [[]]);
  f.wire(atDeploy, create);
  const latest = inject(f, 0, 4, { name: 'latest rows', once: false, onceDelay: 0.1 });
  const select = f.add(
    'sqlite',
    1,
    4,
    { name: 'last 10 rows', mydb: db, sqlquery: 'fixed', sql: 'SELECT * FROM temperature_10s ORDER BY window_start DESC, sensor LIMIT 10' },
    [[]],
  );
  f.chain(latest, select, debug(f, 2, 4, 'stored rows', 'payload'));
  return f.nodes;
}

const EXAMPLES = {
  '01 IoT sensor pipeline': iotPipeline,
  '02 Tumbling window': tumblingWindow,
  '03 Sliding windows': slidingWindow,
  '04 Session windows - machine runs': sessionWindow,
  '05 Global count windows': globalWindow,
  '06 Aggregate': aggregateExample,
  '07 Filter with reject port': filterExample,
  '08 Detect anomalies': detectExample,
  '09 MQTT in and out': mqttExample,
  '10 Kafka in, window, Kafka out': kafkaExample,
  '11 Join door and temperature': joinExample,
  '12 Sequence patterns': sequenceExample,
  '13 Store results in SQLite': sqliteExample,
};

/** The editor draws as many ports as `outputs` says; keep it equal to the wires. */
function syncOutputs(nodes) {
  for (const n of nodes) {
    if (/^stream-(\w+-window|aggregate|filter|detect|join|sequence)$/.test(n.type) && n.wires) n.outputs = n.wires.length;
  }
  return nodes;
}

/** The flows by menu label, for the demo and tests. */
function buildExamples() {
  const out = {};
  for (const [label, build] of Object.entries(EXAMPLES)) out[label] = syncOutputs(build());
  return out;
}

if (require.main === module) {
  fs.mkdirSync(EXAMPLES_DIR, { recursive: true });
  for (const [label, nodes] of Object.entries(buildExamples())) {
    fs.writeFileSync(path.join(EXAMPLES_DIR, `${label}.json`), JSON.stringify(nodes, null, 2) + '\n');
    console.log(`examples/${label}.json (${nodes.length} nodes)`);
  }
}

module.exports = { buildExamples, editorDefaults };
