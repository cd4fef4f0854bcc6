import { strict as assert } from 'assert';
import { resolveEnvSetting } from '../../src/nodes/shared/env-setting';
import { ConfigError } from '../../src/core/errors';

describe('settings that name an environment variable', () => {
  const env: Record<string, string> = { MQTT_URL: 'mqtt://broker:1884', EMPTY: '  ' };
  const lookup = (name: string) => env[name];

  it('reads ${NAME:-default} as the variable when set, else the default, and says which', () => {
    assert.deepEqual(resolveEnvSetting('${MQTT_URL:-mqtt://localhost:1883}', 'url', lookup), {
      value: 'mqtt://broker:1884',
      from: 'environment variable MQTT_URL',
    });
    assert.deepEqual(resolveEnvSetting(' ${KAFKA_BROKERS:-localhost:9092} ', 'brokers', lookup), {
      value: 'localhost:9092',
      from: 'default (KAFKA_BROKERS is not set)',
    });
    assert.deepEqual(resolveEnvSetting('${EMPTY:-a:1}', 'brokers', lookup), { value: 'a:1', from: 'default (EMPTY is not set)' });
  });

  it('names a variable Node-RED could not fill in, and leaves other values alone', () => {
    assert.throws(
      () => resolveEnvSetting('${NOPE}', 'url', lookup),
      (e: unknown) => e instanceof ConfigError && e.field === 'url' && /NOPE is not set.*\$\{NOPE:-value\}/.test(e.message),
    );
    assert.deepEqual(resolveEnvSetting('mqtt://localhost:1883', 'url', lookup), { value: 'mqtt://localhost:1883' });
    assert.deepEqual(resolveEnvSetting('pre${MQTT_URL}', 'url', lookup), { value: 'pre${MQTT_URL}' });
    assert.deepEqual(resolveEnvSetting(42, 'url', lookup), { value: 42 });
  });
});
