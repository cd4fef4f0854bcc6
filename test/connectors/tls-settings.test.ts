import { strict as assert } from 'assert';
import { ConfigError } from '../../src/core/errors';
import { parseMqttBrokerConfig } from '../../src/connectors/mqtt-config';
import { tlsOptionsFrom, type ConnectorRedAPI } from '../../src/connectors/node-red-api';

describe('stream-mqtt-broker: "use TLS" and the URL scheme', () => {
  it('with use TLS ticked, mqtt:// and ws:// become mqtts:// and wss://; secure URLs and unticked ones stay as written', () => {
    const url = (u: string, usetls: unknown) => parseMqttBrokerConfig({ id: 'b', type: 'stream-mqtt-broker', url: u, usetls }).url;
    assert.equal(url('mqtt://broker:8883', true), 'mqtts://broker:8883');
    assert.equal(url('ws://broker:8081/mqtt', 'true'), 'wss://broker:8081/mqtt');
    assert.equal(url('mqtts://broker:8883', true), 'mqtts://broker:8883');
    assert.equal(url('wss://broker/mqtt', true), 'wss://broker/mqtt');
    assert.equal(url('mqtt://broker:1883', false), 'mqtt://broker:1883');
    assert.equal(url('ws://broker:9001', undefined), 'ws://broker:9001');
  });
});

describe('connector TLS settings from a tls-config node', () => {
  const RED = (nodes: Record<string, unknown>) => ({ nodes: { getNode: (id: string) => nodes[id] ?? null } }) as unknown as ConnectorRedAPI;
  const tlsNode = (valid: boolean) => ({ valid, addTLSOptions: (o: Record<string, unknown>) => Object.assign(o, { ca: 'CA', rejectUnauthorized: true }) });

  it('reads the options of a usable node; none chosen gives none', () => {
    assert.deepEqual(tlsOptionsFrom(RED({ t: tlsNode(true) }), 't'), { ca: 'CA', rejectUnauthorized: true });
    assert.equal(tlsOptionsFrom(RED({}), ''), undefined);
    assert.equal(tlsOptionsFrom(RED({}), undefined), undefined);
  });

  it('a missing node or one that could not read its files is a config error on field tls, not a silent fallback to the system CAs', () => {
    assert.throws(
      () => tlsOptionsFrom(RED({}), 'gone'),
      (e: unknown) => e instanceof ConfigError && e.field === 'tls' && /gone does not exist/.test(e.message),
    );
    assert.throws(
      () => tlsOptionsFrom(RED({ t: tlsNode(false) }), 't'),
      (e: unknown) => e instanceof ConfigError && e.field === 'tls' && /could not read/.test(e.message),
    );
  });
});
