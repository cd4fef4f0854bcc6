import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseKafkaInConfig } from '../../src/connectors/kafka-config';
import { CONFIG_REASONS } from '../../src/core/config-reasons';
import { ConfigError } from '../../src/core/errors';
import { configErrorText, failOnConfig } from '../../src/nodes/shared/config-error';
import { useCatalog } from '../../src/nodes/shared/i18n';
import { RedAPI, RedNode } from '../../src/nodes/shared/red';

const root = path.join(__dirname, '..', '..');
const runtime = (translate: (key: string, params?: Record<string, unknown>) => string): RedAPI => ({ _: translate }) as unknown as RedAPI;
const refusal = (run: () => unknown): ConfigError => {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('accepted');
};

describe("setting errors in the user's language", () => {
  it('the English catalog says every reason exactly as the core does', () => {
    const fragment = JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'locales', 'en-US', 'fragments', 'config-errors.json'), 'utf8'));
    assert.deepEqual(fragment, { configError: CONFIG_REASONS });
  });

  it('every node catalog includes the reasons', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    for (const type of Object.keys(pkg['node-red'].nodes)) {
      const catalog = JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'locales', 'en-US', `${type}.json`), 'utf8'));
      assert.ok(catalog[type].$include.includes('config-errors'), type);
    }
  });

  it("in English the text is the error's own message, byte for byte", () => {
    useCatalog(
      runtime((key) => key),
      'stream-sensor-sim',
    );
    for (const config of [
      { topics: 't', groupId: 'g', handledTimeout: '-5' },
      { topics: 't', groupId: 'g', sessionTimeout: 'soon' },
    ]) {
      const err = refusal(() => parseKafkaInConfig({ id: 'n', type: 'stream-kafka-in', ...config }));
      assert.ok(err.code, 'a reason with a code');
      assert.equal(configErrorText('stream-sensor-sim', err), err.message);
    }
  });

  it('another language: the reason from RED._ with its parameters, after the field', () => {
    const asked: unknown[] = [];
    useCatalog(
      runtime(
        (key, params) => (
          asked.push(key),
          key === 'stream-kafka-in.configError.wholeRange' ? `ganze Zahl (${params?.unit}) von ${params?.min} bis ${params?.max}, nicht ${params?.got}` : key
        ),
      ),
      'stream-kafka-in',
    );
    const err = refusal(() => parseKafkaInConfig({ id: 'n', type: 'stream-kafka-in', topics: 't', groupId: 'g', handledTimeout: '-5' }));
    assert.equal(configErrorText('stream-kafka-in', err), 'handledTimeout: ganze Zahl (milliseconds) von 0 bis 86400000, nicht "-5"');
    assert.deepEqual(asked, ['stream-kafka-in.configError.wholeRange']);
    // A reason written out without a code (how code calls an operator, no setting) stays as thrown.
    const plain = new ConfigError('onEmit', 'expected a function receiving emissions');
    assert.equal(plain.code, '');
    assert.equal(configErrorText('stream-kafka-in', plain), plain.message);
  });

  it('a node that cannot run reports the translated reason and marks the field in its status', () => {
    useCatalog(
      runtime((key, params) =>
        key === 'stream-mqtt-in.configError.oneOf'
          ? `eins von ${params?.allowed}`
          : key === 'stream-mqtt-in.error.invalidConfiguration'
            ? `ungültig: ${params?.message}`
            : key,
      ),
      'stream-mqtt-in',
    );
    const logged: unknown[] = [];
    const statuses: unknown[] = [];
    const node = {
      type: 'stream-mqtt-in',
      error: (m: unknown) => logged.push(m),
      status: (s: unknown) => statuses.push(s),
      on: () => undefined,
    } as unknown as RedNode;
    failOnConfig(node, ConfigError.of('format', 'oneOf', { allowed: '"json", "string"', got: 'string "xml"' }));
    assert.deepEqual(logged, ['ungültig: format: eins von "json", "string"']);
    assert.deepEqual(statuses, [{ fill: 'red', shape: 'ring', text: 'invalid format' }]);
  });
});
