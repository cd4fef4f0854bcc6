import { strict as assert } from 'assert';
import { parseMqttBrokerConfig } from '../../src/connectors/mqtt-config';

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
