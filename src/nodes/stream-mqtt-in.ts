import { InputError, toError } from '../core/errors';
import { decodePayload } from '../connectors/payload-format';
import { toEventMessage } from '../connectors/event-mapping';
import { parseMqttInConfig, type MqttBrokerNode } from '../connectors/mqtt-config';
import type { MqttConnection, MqttInbound, ConnectionState } from '../connectors/mqtt-connection';
import { connectionErrorStatus, connectorErrorText } from './shared/connection-hint';
import { connectorStatus, statusCount } from './shared/node-status';
import type { ConnectorRedAPI } from '../connectors/node-red-api';
import { ThrottledStatus } from './shared/throttled-status';
import { connectorSetup } from './shared/connector-setup';
import type { BaseNodeConfig, NodeMessage, RedNode } from './shared/red';
import { text, useCatalog } from './shared/i18n';
import { localInputError } from './shared/input-error';

/** MQTT 5 properties worth keeping with the event, besides user properties. */
const KEPT_PROPERTIES = ['contentType', 'responseTopic', 'correlationData', 'messageExpiryInterval', 'payloadFormatIndicator'];

export = (RED: ConnectorRedAPI) => {
  function StreamMqttIn(this: RedNode, config: BaseNodeConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    const setup = connectorSetup<MqttBrokerNode, ReturnType<typeof parseMqttInConfig>>(RED, node, config, {
      brokerType: 'stream-mqtt-broker',
      parse: parseMqttInConfig,
    });
    if (!setup) return;
    const { broker, settings } = setup;

    let received = 0;
    let bad = 0;
    let state: ConnectionState = 'connecting';
    let lastError: string | undefined;
    const status = new ThrottledStatus(node, () => {
      const detail = [statusCount(node.type, 'msgs', received)];
      if (bad) detail.push(statusCount(node.type, 'bad', bad));
      return connectorStatus(node.type, state, detail, lastError);
    });

    const onMessage = (m: MqttInbound): void => {
      received++;
      status.touch();
      try {
        const payload = decodePayload(m.payload, settings.format);
        const props = m.properties ?? {};
        const metadata: Record<string, unknown> = {};
        const user = props.userProperties as Record<string, unknown> | undefined;
        if (user) Object.assign(metadata, user);
        for (const p of KEPT_PROPERTIES) if (props[p] !== undefined) metadata[p] = props[p];
        const msg = toEventMessage({ topic: m.topic, payload, arrival: Date.now(), metadata }, settings.key, settings.time);
        msg.mqtt = { topic: m.topic, qos: m.qos, retain: m.retain };
        node.send(msg as NodeMessage);
      } catch (err) {
        bad++;
        // A source node has no done(): node.error with a message is what a Catch node hears.
        const e = err instanceof InputError ? err : InputError.of('payload', 'asThrown', { message: toError(err).message });
        node.error(localInputError(node.type, e), {
          topic: m.topic,
          payload: m.payload,
          mqtt: { topic: m.topic, qos: m.qos, retain: m.retain },
        } as NodeMessage);
      }
    };

    const connection = broker!.register(node) as MqttConnection;
    const onState = (s: ConnectionState, err?: Error): void => {
      state = s;
      lastError = s === 'connected' ? undefined : (connectionErrorStatus(node.type, err) ?? lastError);
      status.refresh();
    };
    connection.on('state', onState);
    for (const t of settings.topics) {
      connection
        .subscribe(t, settings.qos, onMessage)
        .catch((err: Error) => node.error(text(node.type, 'error.subscribe', { topic: t, message: connectorErrorText(node.type, err) })));
    }
    connection.connect();
    onState(connection.state, connection.lastError);

    node.on('close', (removed: boolean, done: () => void) => {
      status.close();
      connection.off('state', onState);
      // On a redeploy a persistent session keeps its subscriptions, so the broker queues what
      // arrives meanwhile; a removed node really unsubscribes.
      const keep = !removed && connection.persistentSession;
      Promise.all(settings.topics.map((t) => connection.unsubscribe(t, onMessage, keep).catch(() => undefined)))
        .then(() => broker!.deregister(node))
        .then(
          () => done(),
          () => done(),
        );
    });
  }
  useCatalog(RED, 'stream-mqtt-in');
  RED.nodes.registerType('stream-mqtt-in', StreamMqttIn);
};
