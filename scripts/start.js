#!/usr/bin/env node
// `npm start`: Node-RED from this checkout's dependencies, with this package installed into a
// git-ignored user directory, an in-process MQTT broker and the IoT demo flow deployed.
//
//   PORT=1880            editor and dashboard port (127.0.0.1 only; HOST=0.0.0.0 to share it)
//   MQTT_URL=mqtt://…    use that broker instead of the built-in one
//   KAFKA_BROKERS=h:9092 carry the readings over Kafka instead of MQTT (comma-separated brokers)
//   STREAM_DEMO_USER_DIR Node-RED user directory (default .node-red-user/; tests use a temp dir)
//   --reset              replace an edited demo flow with the original one
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { startMqttBroker } = require('./demo/mqtt-broker');
const { prepareUserDir, installFlow } = require('./demo/user-dir');
const { buildDemoFlow } = require('./demo/demo-flow');

const root = path.join(__dirname, '..');
const userDir = path.resolve(process.env.STREAM_DEMO_USER_DIR || path.join(root, '.node-red-user'));
const port = Number(process.env.PORT || 1880);
const host = process.env.HOST || '127.0.0.1';
const reset = process.argv.includes('--reset');

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

async function main() {
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a port number (1–65535), got "${process.env.PORT}"`);
  if (!fs.existsSync(path.join(root, 'dist', 'nodes', 'stream-sensor-sim.js'))) fail('dist/ is missing: run `npm run build` (npm start does it for you)');

  let broker;
  let mqttUrl = process.env.MQTT_URL;
  const kafkaBrokers = process.env.KAFKA_BROKERS;
  if (!mqttUrl) {
    broker = await startMqttBroker(Number(process.env.MQTT_PORT || 0));
    mqttUrl = broker.url;
  }

  const settingsFile = prepareUserDir(userDir, { port, host });
  const flow = buildDemoFlow({ transport: kafkaBrokers ? 'kafka' : 'mqtt' });
  const flowState = installFlow(userDir, flow, { reset });

  const child = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', userDir, '--settings', settingsFile], {
    cwd: root,
    // The flow's broker settings read these through Node-RED's ${VAR} substitution.
    // MQTT_URL also points the imported examples (their brokers read ${MQTT_URL:-…}) at this broker.
    env: { ...process.env, MQTT_URL: mqttUrl, STREAM_DEMO_MQTT_URL: mqttUrl, STREAM_DEMO_KAFKA_BROKERS: kafkaBrokers || '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });

  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  let announced = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (!announced && /Started flows/.test(chunk)) {
      announced = true;
      const line = '─'.repeat(64);
      console.log(
        [
          line,
          '  Stream processing demo is running',
          `  Editor:     http://${shownHost}:${port}/`,
          `  Dashboard:  http://${shownHost}:${port}/dashboard`,
          `  MQTT:       ${mqttUrl}${broker ? ' (built-in broker)' : ''}`,
          kafkaBrokers ? `  Kafka:      ${kafkaBrokers} (readings travel over Kafka)` : '',
          flowState === 'kept'
            ? '  Flow:       your edited flow in .node-red-user/flows.json (npm start -- --reset restores the demo)'
            : '  Flow:       IoT demo (sensors → MQTT → windows, aggregates, detection → MQTT, debug, dashboard)',
          '  Stop with Ctrl+C',
          line,
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }
  });

  let stopping = false;
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null) child.kill('SIGINT');
    const finish = () => (broker ? broker.close() : Promise.resolve()).then(() => process.exit(code));
    if (child.exitCode !== null) finish();
    else {
      child.once('exit', finish);
      // Node-RED closes its nodes on SIGINT; if one hangs, do not hang with it.
      setTimeout(() => child.kill('SIGKILL'), 10000).unref();
    }
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`demo: Node-RED exited with code ${code}`);
      stop(code || 1);
    }
  });
}

main().catch((err) => fail(err.stack || String(err)));
