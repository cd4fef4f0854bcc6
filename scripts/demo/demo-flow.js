'use strict';
// The flow `npm start` deploys: the "IoT sensor pipeline" example exactly as users import it,
// on its own tab, pointed at the demo's broker, plus a FlowFuse Dashboard 2 page that charts
// per-sensor temperature with its 1-minute average, lists anomalies as they are detected (by the
// per-reading detector and by the seed route's 5-minute windows) and counts late and rejected readings.
const { buildExamples, editorDefaults } = require('./build-examples');

const PIPELINE = '01 IoT sensor pipeline';

function byName(nodes, name) {
  const node = nodes.find((n) => n.name === name);
  if (!node) throw new Error(`demo flow: the IoT example has no node named "${name}"`);
  return node;
}

/** Builds the demo flow; `transport` 'kafka' carries readings over Kafka instead of MQTT. */
function buildDemoFlow({ transport = 'mqtt' } = {}) {
  const tab = 'demo.tab';
  const nodes = buildExamples()[PIPELINE].map((n) => ({ ...n }));
  for (const n of nodes) if (n.x !== undefined) n.z = tab;
  const broker = nodes.find((n) => n.type === 'stream-mqtt-broker');
  broker.url = '${STREAM_DEMO_MQTT_URL}';
  broker.name = 'demo MQTT';

  if (transport === 'kafka') useKafkaForReadings(nodes, tab);
  // A deploy (or a restart) keeps the open windows instead of starting from scratch.
  for (const n of nodes) if (n.type && n.type.startsWith('stream-') && 'store' in n && n.windowType !== 'none') n.store = 'file';

  const avg = byName(nodes, 'avg temperature / tumbling 1m');
  const plausible = byName(nodes, 'plausible −50…100 °C');
  const anomalies = byName(nodes, 'anything odd / per reading');
  const windowAnomalies = byName(nodes, 'anomaly / each 5m window');
  const sim = nodes.find((n) => n.type === 'stream-sensor-sim');

  const ui = [];
  const add = (node) => {
    ui.push(node);
    return node.id;
  };
  const base = add({
    id: 'demo.ui.base',
    type: 'ui-base',
    name: 'Stream processing demo',
    path: '/dashboard',
    appIcon: '',
    includeClientData: true,
    acceptsClientConfig: ['ui-notification', 'ui-control'],
    showPathInSidebar: false,
    headerContent: 'page',
    navigationStyle: 'default',
    titleBarStyle: 'default',
    showReconnectNotification: true,
    notificationDisplayTime: 1,
    showDisconnectNotification: true,
    allowInstall: false,
  });
  const theme = add({
    id: 'demo.ui.theme',
    type: 'ui-theme',
    name: 'Demo theme',
    colors: { surface: '#2f4f4f', primary: '#2f7d7a', bgPage: '#f4f6f6', groupBg: '#ffffff', groupOutline: '#d9e0e0' },
    sizes: { density: 'default', pagePadding: '12px', groupGap: '12px', groupBorderRadius: '4px', widgetGap: '12px' },
  });
  const page = add({
    id: 'demo.ui.page',
    type: 'ui-page',
    name: 'IoT sensors',
    ui: base,
    path: '/sensors',
    icon: 'thermometer',
    layout: 'grid',
    theme,
    breakpoints: [
      { name: 'Default', px: 0, cols: 3 },
      { name: 'Tablet', px: 576, cols: 6 },
      { name: 'Small Desktop', px: 768, cols: 9 },
      { name: 'Desktop', px: 1024, cols: 12 },
    ],
    order: 1,
    className: '',
    visible: 'true',
    disabled: 'false',
  });
  const group = (id, name, width, order) =>
    add({
      id,
      type: 'ui-group',
      name,
      page,
      width,
      height: 1,
      order,
      showTitle: true,
      className: '',
      visible: 'true',
      disabled: 'false',
      groupType: 'default',
    });
  const gTemp = group('demo.ui.g.temp', 'Temperature per sensor (°C) and its 1-minute average', 8, 1);
  const gCounts = group('demo.ui.g.counts', 'Late / rejected', 4, 2);
  const gAnom = group('demo.ui.g.anom', 'Detected anomalies', 12, 3);

  // Dashboard nodes sit in two columns right of the pipeline, level with the nodes feeding them.
  const at = (col, row) => ({ z: tab, x: 140 + col * 280, y: 60 + row * 60 });
  const change = (id, name, rules, pos) => add({ id, type: 'change', name, rules, ...pos, wires: [[]] });
  const fn = (id, name, pos, wires, func) =>
    add({ id, type: 'function', name, ...pos, outputs: wires.length, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], wires, func });
  // The detectors also report when an incident ends; the dashboard marks only new ones.
  const newIncidents = (id, name, pos, wires) =>
    add({
      id,
      type: 'switch',
      name,
      property: 'payload.state',
      propertyType: 'msg',
      rules: [{ t: 'eq', v: 'alert', vt: 'str' }],
      checkall: 'true',
      repair: false,
      outputs: 1,
      ...pos,
      wires,
    });
  // One chart per sensor: its readings and its 1-minute average, always in the same two colours.
  // Readings arrive out of order and a line chart joins points in arrival order, so the time
  // axis is arrival time; the windows themselves still work in event time. A chart colours its
  // lines in the order they first appear and draws the later one on top: "start lines" sends
  // both, readings first, at each deploy, so the readings are pale and the average strong, on top.
  const sensorIds = Array.from({ length: sim.sensors }, (_, i) => `${sim.idPrefix}${i + 1}`);
  const charts = sensorIds.map((id, i) =>
    add({
      id: `demo.ui.chart.${i + 1}`,
      type: 'ui-chart',
      group: gTemp,
      name: `chart ${id}`,
      label: id,
      order: i + 1,
      chartType: 'line',
      category: 'series',
      categoryType: 'msg',
      xAxisLabel: '',
      xAxisProperty: '',
      xAxisPropertyType: 'timestamp',
      xAxisType: 'time',
      xAxisFormat: '',
      xAxisFormatType: 'auto',
      xmin: '',
      xmax: '',
      yAxisLabel: '°C',
      yAxisProperty: 'payload',
      yAxisPropertyType: 'msg',
      ymin: '',
      ymax: '',
      bins: 10,
      action: 'append',
      stackSeries: false,
      pointShape: 'circle',
      pointRadius: 2,
      showLegend: true,
      removeOlder: 10,
      removeOlderUnit: '60',
      removeOlderPoints: '',
      colors: ['#9ccfcc', '#d62728', '#ff7f0e', '#2ca02c', '#a347e1', '#d62728', '#ff9896', '#9467bd', '#c5b0d5'],
      textColor: ['#666666'],
      textColorDefault: true,
      gridColor: ['#e5e5e5'],
      gridColorDefault: true,
      width: 4,
      height: 4,
      className: '',
      interpolation: 'linear',
      ...at(7, 2 + i * 0.75),
      wires: [[]],
    }),
  );
  const bySensor = add({
    id: 'demo.ui.bysensor',
    type: 'switch',
    name: 'by sensor',
    property: 'topic',
    propertyType: 'msg',
    checkall: 'false',
    repair: false,
    outputs: sensorIds.length,
    rules: sensorIds.map((id) => ({ t: 'eq', v: id, vt: 'str' })),
    ...at(6, 3.5),
    wires: charts.map((c) => [c]),
  });
  // A chart line: the value at msg.<from> as payload, named `series`.
  const toSeries = (id, name, from, series, pos) =>
    change(
      id,
      name,
      [
        { t: 'set', p: 'payload', pt: 'msg', to: from, tot: 'msg' },
        { t: 'set', p: 'series', pt: 'msg', to: series, tot: 'str' },
      ],
      pos,
    );
  const reading = toSeries('demo.ui.reading', 'temperature → chart', 'payload.temperature', 'temperature', at(5, 3));
  const average = toSeries('demo.ui.average', 'average → chart', 'payload.avg', '1-minute average', at(5, 4));
  // A line must not bridge a pause (a dropout, a deploy): '-' is a chart's "no value" and breaks the line.
  const gaps = fn(
    'demo.ui.gaps',
    'break lines at gaps',
    at(6, 2.5),
    [[bySensor]],
    [
      '// Readings come every second and averages every minute: a longer pause is a gap.',
      'const pause = msg.series === "temperature" ? 5000 : 90000;',
      '// One context entry: a key such as "sensor-1|1-minute average" is not a context property name.',
      'const seen = context.get("lastPoint") || {};',
      'const key = msg.topic + "|" + msg.series;',
      'const last = seen[key];',
      'const now = Date.now();',
      'seen[key] = now;',
      'context.set("lastPoint", seen);',
      'if (last !== undefined && now - last <= pause) return msg;',
      'return [[{ topic: msg.topic, series: msg.series, payload: "-" }, msg]];',
    ].join('\n'),
  );
  ui.find((n) => n.id === reading).wires = [[gaps]];
  ui.find((n) => n.id === average).wires = [[gaps]];
  const startLines = fn(
    'demo.ui.startlines',
    'start lines: readings, then average',
    at(5, 2),
    [[bySensor]],
    `return [${JSON.stringify(sensorIds)}.flatMap((topic) => ["temperature", "1-minute average"].map((series) => ({ topic, series, payload: "-" })))];`,
  );
  add({
    id: 'demo.ui.deployed',
    type: 'inject',
    name: 'on deploy',
    props: [],
    repeat: '',
    crontab: '',
    once: true,
    onceDelay: '0.1',
    topic: '',
    ...at(4, 2),
    wires: [[startLines]],
  });
  // Plausible readings only: one error code of −127 °C would flatten the chart's scale.
  plausible.wires[0].push(reading);
  avg.wires[0].push(average);

  const counter = (id, name, port, pos) => fn(id, name, pos, [[]], 'const n = (context.get("n") || 0) + 1;\ncontext.set("n", n);\nreturn { payload: n };');
  const text = (id, label, order) =>
    add({
      id,
      type: 'ui-text',
      group: gCounts,
      order,
      width: 4,
      height: 1,
      name: label,
      label,
      format: '{{msg.payload}}',
      layout: 'row-spread',
      style: false,
      font: '',
      fontSize: 16,
      color: '#717171',
      wrapText: false,
      className: '',
      value: 'payload',
      valueType: 'msg',
      ...at(order === 3 ? 7 : 6, [5, 7, 9][order - 1]),
      wires: [],
    });
  const lateCount = counter('demo.ui.late', 'count late', 1, at(5, 5));
  const rejCount = counter('demo.ui.rejected', 'count implausible', 1, at(5, 7));
  ui.find((n) => n.id === lateCount).wires = [[text('demo.ui.t.late', 'late readings', 1)]];
  ui.find((n) => n.id === rejCount).wires = [[text('demo.ui.t.rejected', 'implausible readings', 2)]];
  const alertsText = text('demo.ui.t.anomalies', 'alerts in the table', 3);
  const zero = add({
    id: 'demo.ui.zero',
    type: 'inject',
    name: 'counters start at 0',
    props: [{ p: 'payload' }],
    repeat: '',
    crontab: '',
    once: true,
    onceDelay: '1',
    topic: '',
    payload: '0',
    payloadType: 'num',
    ...at(5, 6),
    wires: [['demo.ui.t.late', 'demo.ui.t.rejected', 'demo.ui.t.anomalies']],
  });
  void zero;
  avg.wires[1].push(lateCount);
  plausible.wires[1].push(rejCount);
  const onlyNew = newIncidents('demo.ui.new', 'new incidents', at(5, 9), [[]]);
  anomalies.wires[0].push(onlyNew);

  // One list for both routes, newest first: the table shows it whole and the counter counts the same rows.
  const rows = fn(
    'demo.ui.row',
    'alert → table (newest first)',
    at(6, 10),
    [[], []],
    [
      'const p = msg.payload || {};',
      'const time = new Date(msg.timestamp || Date.now()).toISOString().slice(11, 19);',
      'const row = { time, sensor: msg.topic, "found by": msg.window ? "5-minute window" : "reading", kind: p.kind || p.pattern, reason: p.reason || ("value " + p.value + ", expected " + (typeof p.expected === "number" ? p.expected.toFixed(2) : "?")) };',
      // Alerts can arrive after newer ones (a window closes minutes after its readings; a silence dates from its start): order by time.
      'const all = [{ at: msg.timestamp || Date.now(), row }].concat(context.get("rows") || []).sort((a, b) => b.at - a.at).slice(0, 200);',
      'context.set("rows", all);',
      'context.set("n", (context.get("n") || 0) + 1);',
      'return [{ payload: all.map((r) => r.row) }, { payload: context.get("n") }];',
    ].join('\n'),
  );
  const table = add({
    id: 'demo.ui.table',
    type: 'ui-table',
    group: gAnom,
    name: 'anomaly table',
    label: 'alerts, newest first',
    order: 1,
    width: 12,
    height: 0,
    maxrows: 10,
    passthru: false,
    autocols: true,
    showSearch: false,
    deselect: true,
    selectionType: 'none',
    columns: [],
    mobileBreakpoint: 'sm',
    mobileBreakpointType: 'defaults',
    action: 'replace',
    className: '',
    ...at(7, 10),
    wires: [[]],
  });
  ui.find((n) => n.id === rows).wires = [[table], [alertsText]];
  const toast = add({
    id: 'demo.ui.toast',
    type: 'ui-notification',
    ui: base,
    position: 'top right',
    colorDefault: false,
    color: '#d62728',
    displayTime: '4',
    showCountdown: true,
    outputs: 0,
    allowDismiss: true,
    dismissText: 'Close',
    allowConfirm: false,
    confirmText: 'Confirm',
    raw: false,
    className: '',
    name: 'anomaly toast',
    ...at(7, 11),
    wires: [],
  });
  const toastText = change(
    'demo.ui.toasttext',
    'alert → toast',
    [
      {
        t: 'set',
        p: 'payload',
        pt: 'msg',
        to: 'topic & ": " & (payload.reason ? payload.reason : "anomaly, value " & $string(payload.value))',
        tot: 'jsonata',
      },
    ],
    at(6, 11),
  );
  ui.find((n) => n.id === toastText).wires = [[toast]];
  ui.find((n) => n.id === onlyNew).wires = [[rows, toastText]];
  // The seed route's alerts (one per incident over 5-minute windows) join the table, marked as such.
  const newWindowIncidents = newIncidents('demo.ui.newwindow', 'new window incidents', at(5.75, 12), [[rows]]);
  windowAnomalies.wires[0].push(newWindowIncidents);

  return [
    {
      id: tab,
      type: 'tab',
      label: 'IoT demo',
      disabled: false,
      info: 'Deployed by `npm start`: the "01 IoT sensor pipeline" example plus a dashboard at /dashboard.',
    },
    ...nodes,
    ...ui,
  ];
}

/** Swaps the MQTT hop of the readings for Kafka topic `demo-sensors`, keyed by sensor id. */
function useKafkaForReadings(nodes, tab) {
  // A node of `type` with its editor defaults and `props` takes the place and wires of `old`.
  const replace = (old, type, props) => {
    nodes[nodes.indexOf(old)] = { ...editorDefaults(type), type, ...props, id: old.id, z: tab, x: old.x, y: old.y, wires: old.wires };
  };
  const kafkaBroker = {
    ...editorDefaults('stream-kafka-broker'),
    id: 'demo.kafka',
    type: 'stream-kafka-broker',
    name: 'demo Kafka',
    brokers: '${STREAM_DEMO_KAFKA_BROKERS}',
    clientId: 'stream-demo',
  };
  nodes.push(kafkaBroker);
  const pub = byName(nodes, 'publish readings');
  replace(pub, 'stream-kafka-out', {
    name: 'readings → Kafka',
    broker: kafkaBroker.id,
    topic: 'demo-sensors',
    keyProperty: 'topic',
  });
  // Kafka carries the key and the event time in the record itself: no topic rewriting needed.
  const sub = byName(nodes, 'demo/sensors/+');
  replace(sub, 'stream-kafka-in', {
    name: 'sensors (Kafka)',
    broker: kafkaBroker.id,
    topics: 'demo-sensors',
    groupId: 'stream-demo',
    keyFrom: 'record',
    timeFrom: 'record',
  });
  const device = byName(nodes, 'topic + ts in payload');
  nodes.find((n) => n.type === 'stream-sensor-sim').wires = [[pub.id]];
  nodes.splice(nodes.indexOf(device), 1);
}

module.exports = { buildDemoFlow };
