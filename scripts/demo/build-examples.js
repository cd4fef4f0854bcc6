#!/usr/bin/env node
// Writes examples/*.json, the flows Node-RED lists under Import ▸ Examples (file name = menu
// label). The flows are described here in code so ids, positions and shared settings stay
// consistent; run `node scripts/demo/build-examples.js` after changing them.
'use strict';
const fs = require('fs');
const path = require('path');

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
const COL = 200;

/** A flow under construction: `add` places nodes on a grid (column, row). */
function flow(prefix) {
  const nodes = [];
  let n = 0;
  const add = (type, col, row, props = {}, wires) => {
    const id = `${prefix}.${++n}`;
    const node = { id, type, name: '', ...props };
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
  return { nodes, add, wire };
}

const comment = (f, name, info, row = 0, col = 0) => f.add('comment', col, row, { name, info });
const debug = (f, col, row, name, complete = 'true') =>
  f.add('debug', col, row, { name, active: true, tosidebar: true, console: false, tostatus: true, complete, targetType: complete === 'true' ? 'full' : 'msg', statusVal: 'payload', statusType: 'auto' }, []);

/** The sensor simulator with the settings examples share; `props` override them. */
const sensors = (f, col, row, props = {}) =>
  f.add('stream-sensor-sim', col, row, {
    sensors: 3, idPrefix: 'sensor-', ids: '', fields: 'temperature,humidity', interval: '1s', noise: 1, drift: 1, seasonal: true,
    anomalyRate: 0.005, anomalies: 'spike,shift,stuck,dropout', seed: '', startTime: '', disorder: 0, maxDelay: '5s',
    lateRate: 0, lateDelay: '2m', autoStart: true, ...props,
  }, [[]]);

const eventMapping = { keyProperty: 'topic', valueProperty: 'payload', timeProperty: 'timestamp', timeMode: 'event' };
const timeSettings = {
  maxOutOfOrder: '2s', allowedLateness: '0', idleTimeout: '', lateData: 'drop', emit: 'final', earlyEvery: '',
  bounds: '[start,end)', maxKeys: '', maxEventsPerWindow: '', store: '',
};

const window = (f, type, col, row, props = {}) =>
  f.add(`stream-${type}-window`, col, row, { ...eventMapping, ...timeSettings, ...props }, [[]]);

const aggregate = (f, col, row, props = {}) =>
  f.add('stream-aggregate', col, row, {
    ...eventMapping, ...timeSettings, windowType: 'tumbling', size: '1m', slide: '', gap: '', count: '', offset: '',
    aggregations: [{ op: 'avg', property: 'payload', as: '' }], output: 'object', having: '', ...props,
  }, [[]]);

const filter = (f, col, row, props = {}) =>
  f.add('stream-filter', col, row, { ...eventMapping, ...timeSettings, windowType: 'none', rules: [], combine: 'all', outputs: 2, ...props }, [[], []]);

const detect = (f, col, row, props = {}) =>
  f.add('stream-detect', col, row, {
    ...eventMapping, ...timeSettings, windowType: 'none', size: '', slide: '', pattern: 'anomaly', mode: 'stream', history: '5m',
    threshold: 3.5, direction: 'both', minHistory: 20, holdOff: '30s', outputs: 1, ...props,
  }, [[]]);

const mqttBroker = (f, url = 'mqtt://localhost:1883') =>
  f.add('stream-mqtt-broker', undefined, undefined, { name: 'local MQTT', url, protocolVersion: '4', keepalive: 60, clientId: '', cleanSession: true, reconnectPeriod: 5000, connectTimeout: 30000 });

const mqttOut = (f, broker, col, row, props = {}) =>
  f.add('stream-mqtt-out', col, row, { broker, topic: '', qos: '1', retain: false, serialize: 'payload', userProperties: true, queueSize: 1000, ...props }, []);

const mqttIn = (f, broker, col, row, props = {}) =>
  f.add('stream-mqtt-in', col, row, { broker, topic: '', qos: '1', format: 'auto', keyFrom: 'topic', keyLevel: '', keyField: '', timeFrom: 'arrival', timeField: '', ...props }, [[]]);

/** Readings → topic `demo/sensors/<id>` with the event time inside the payload, as real devices send them. */
const toDeviceMessage = (f, col, row, base = 'demo/sensors/') =>
  f.add('change', col, row, {
    name: 'topic + ts in payload',
    rules: [
      { t: 'set', p: 'payload.ts', pt: 'msg', to: 'timestamp', tot: 'msg' },
      { t: 'set', p: 'topic', pt: 'msg', to: `"${base}" & topic`, tot: 'jsonata' },
    ],
  }, [[]]);

// ---------------------------------------------------------------------------------------------

function iotPipeline() {
  const f = flow('iot');
  comment(f, 'IoT sensor pipeline: sensors → MQTT → windows, aggregates, detection → MQTT', [
    'Simulated sensors publish temperature and humidity to MQTT (`demo/sensors/<id>`, event time in `payload.ts`).',
    'The pipeline subscribes and, per sensor (msg.topic = the last topic level):',
    '',
    '1. **1-minute average temperature** in a tumbling window → `demo/stats/avg/<id>`. Readings that arrive after their',
    '   window closed leave on the aggregate\'s second port ("late").',
    '2. Readings **filtered to the plausible range −50…100 °C**; implausible ones go to the reject port. The plausible ones',
    '   feed min / avg / max over a **5-minute sliding window** (every minute) → `demo/stats/range/<id>`.',
    '3. **Anomaly detection** scores each reading against the last 5 minutes of its sensor → alerts on `demo/alerts/<id>`.',
    '',
    'Set the broker in the `local MQTT` config node (default mqtt://localhost:1883). `npm start` in the project runs this',
    'flow with a built-in broker and a dashboard.',
  ].join('\n'), 0, 1);
  const broker = mqttBroker(f);
  const sim = sensors(f, 0, 1, { name: 'sensors', sensors: 4, anomalyRate: 0.004, disorder: 0.1, maxDelay: '3s', lateRate: 0.01, lateDelay: '70s', seed: 'iot-demo' });
  const dev = toDeviceMessage(f, 1, 1);
  const pub = mqttOut(f, broker, 2, 1, { name: 'publish readings' });
  f.wire(sim, dev);
  f.wire(dev, pub);

  const sub = mqttIn(f, broker, 0, 3, { name: 'demo/sensors/+', topic: 'demo/sensors/+', keyFrom: 'level', keyLevel: '-1', timeFrom: 'field', timeField: 'ts' });

  const avg = aggregate(f, 1, 3, {
    name: 'avg temperature / tumbling 1m', valueProperty: 'payload.temperature', maxOutOfOrder: '5s', lateData: 'output',
    aggregations: [{ op: 'avg', property: 'payload.temperature', as: 'avg' }, { op: 'count', property: 'payload.temperature', as: 'count' }],
  });
  f.nodes.find((n) => n.id === avg).wires = [[], []];
  const avgTopic = f.add('change', 2, 3, { name: 'demo/stats/avg/<id>', rules: [{ t: 'set', p: 'topic', pt: 'msg', to: '"demo/stats/avg/" & topic', tot: 'jsonata' }] }, [[]]);
  const avgOut = mqttOut(f, broker, 3, 3, { name: 'publish averages' });
  const avgDebug = debug(f, 2, 4, '1-minute averages', 'payload');
  const lateDebug = debug(f, 2, 5, 'late readings', 'true');
  f.wire(sub, avg);
  f.wire(avg, avgTopic);
  f.wire(avgTopic, avgOut);
  f.wire(avg, avgDebug);
  f.wire(avg, lateDebug, 1);

  const plausible = filter(f, 1, 6, {
    name: 'plausible −50…100 °C', rules: [{ property: 'payload.temperature', op: 'between', value: '-50', value2: '100' }], outputs: 2,
  });
  const range = aggregate(f, 2, 6, {
    name: 'min/avg/max / sliding 5m', windowType: 'sliding', size: '5m', slide: '1m', valueProperty: 'payload.temperature', maxOutOfOrder: '5s',
    aggregations: [
      { op: 'min', property: 'payload.temperature', as: 'min' },
      { op: 'avg', property: 'payload.temperature', as: 'avg' },
      { op: 'max', property: 'payload.temperature', as: 'max' },
    ],
  });
  const rangeTopic = f.add('change', 3, 6, { name: 'demo/stats/range/<id>', rules: [{ t: 'set', p: 'topic', pt: 'msg', to: '"demo/stats/range/" & topic', tot: 'jsonata' }] }, [[]]);
  const rangeOut = mqttOut(f, broker, 4, 6, { name: 'publish ranges' });
  const rejected = debug(f, 2, 7, 'implausible readings', 'true');
  f.wire(sub, plausible);
  f.wire(plausible, range);
  f.wire(plausible, rejected, 1);
  f.wire(range, rangeTopic);
  f.wire(rangeTopic, rangeOut);

  const anomalies = detect(f, 1, 8, { name: 'anomaly / last 5m', valueProperty: 'payload.temperature', history: '5m', threshold: 4, minHistory: 30 });
  const alertTopic = f.add('change', 2, 8, { name: 'demo/alerts/<id>', rules: [{ t: 'set', p: 'topic', pt: 'msg', to: '"demo/alerts/" & topic', tot: 'jsonata' }] }, [[]]);
  const alertOut = mqttOut(f, broker, 3, 8, { name: 'publish alerts' });
  const alertDebug = debug(f, 2, 9, 'anomalies', 'payload');
  f.wire(sub, anomalies);
  f.wire(anomalies, alertTopic);
  f.wire(anomalies, alertDebug);
  f.wire(alertTopic, alertOut);
  return f.nodes;
}

const EXAMPLES = {
  '01 IoT sensor pipeline': iotPipeline,
};

/** The flows by menu label, for the demo and tests. */
function buildExamples() {
  const out = {};
  for (const [label, build] of Object.entries(EXAMPLES)) out[label] = build();
  return out;
}

if (require.main === module) {
  fs.mkdirSync(EXAMPLES_DIR, { recursive: true });
  for (const [label, nodes] of Object.entries(buildExamples())) {
    fs.writeFileSync(path.join(EXAMPLES_DIR, `${label}.json`), JSON.stringify(nodes, null, 2) + '\n');
    console.log(`examples/${label}.json (${nodes.length} nodes)`);
  }
}

module.exports = { buildExamples };
