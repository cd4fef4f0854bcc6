import { InputError, describeValue, toError } from '../core/errors';
import { BoundedQueue } from '../connectors/bounded-queue';
import { encodePayload } from '../connectors/payload-format';
import { eventBody } from '../connectors/event-mapping';
import { parseMqttOutConfig, type MqttBrokerNode, type MqttOutSettings } from '../connectors/mqtt-config';
import { publishTopicProblem } from '../connectors/mqtt-topic';
import type { ConnectionState, MqttConnection, MqttPublishOptions } from '../connectors/mqtt-connection';
import { connectionErrorStatus } from './shared/connection-hint';
import { connectorStatus, statusCount } from './shared/node-status';
import type { ConnectorRedAPI } from '../connectors/node-red-api';
import { ThrottledStatus } from './shared/throttled-status';
import { connectorSetup } from './shared/connector-setup';
import { ErrorDigest, evictionReporter } from './shared/error-digest';
import type { BaseNodeConfig, DoneFn, NodeMessage, RedNode } from './shared/red';
import { text, useCatalog, wordsOf } from './shared/i18n';
import { localInputError } from './shared/input-error';

interface Outgoing {
  topic: string;
  payload: Buffer | string;
  opts: MqttPublishOptions;
  done: DoneFn;
  /** The input message, for the Catch node when it cannot be published. */
  msg: NodeMessage;
}

/** Builds what to publish from a message; throws InputError naming the property. */
function toOutgoing(msg: NodeMessage, s: MqttOutSettings, v5: boolean, done: DoneFn): Outgoing {
  const topic = s.topic ?? msg.topic;
  if (typeof topic !== 'string' || publishTopicProblem(topic)) {
    throw InputError.of('msg.topic', 'mqttTopic', { got: describeValue(topic) });
  }
  let qos = s.qos;
  if (qos === undefined) {
    const q = msg.qos === undefined ? 0 : Number(msg.qos);
    if (q !== 0 && q !== 1 && q !== 2) throw InputError.of('msg.qos', 'mqttQos', { got: describeValue(msg.qos) });
    qos = q;
  }
  const retain = s.retain === 'msg' ? msg.retain === true : s.retain;
  const body = s.serialize === 'event' ? eventBody(msg) : msg.payload;
  const opts: MqttPublishOptions = { qos, retain };
  if (v5) {
    const props: Record<string, unknown> = { ...(msg.properties && typeof msg.properties === 'object' ? (msg.properties as object) : {}) };
    if (s.userProperties && msg.metadata && typeof msg.metadata === 'object') {
      const user: Record<string, string> = {};
      for (const [k, v] of Object.entries(msg.metadata as Record<string, unknown>)) {
        if (v !== undefined && v !== null) user[k] = typeof v === 'string' ? v : JSON.stringify(v);
      }
      props.userProperties = { ...user, ...((props.userProperties as object) ?? {}) };
    }
    if (s.contentType && props.contentType === undefined) props.contentType = s.contentType;
    if (s.messageExpiry !== undefined && props.messageExpiryInterval === undefined) props.messageExpiryInterval = s.messageExpiry;
    if (Object.keys(props).length) opts.properties = props;
  }
  return { topic, payload: encodePayload(body), opts, done, msg };
}

export = (RED: ConnectorRedAPI) => {
  function StreamMqttOut(this: RedNode, config: BaseNodeConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    const setup = connectorSetup<MqttBrokerNode, MqttOutSettings>(RED, node, config, { brokerType: 'stream-mqtt-broker', parse: parseMqttOutConfig });
    if (!setup) return;
    const { broker, settings } = setup;
    const v5 = broker.protocolVersion === 5;

    const queue = new BoundedQueue<Outgoing>(settings.queueSize);
    let sent = 0;
    let failed = 0;
    let state: ConnectionState = 'connecting';
    let lastError: string | undefined;
    const status = new ThrottledStatus(node, () => {
      const t = (key: string, n: number): string => statusCount(node.type, key, n);
      const detail = [t('sent', sent)];
      if (queue.length) detail.push(t('queued', queue.length));
      if (queue.dropped) detail.push(t('queueDropped', queue.dropped));
      if (failed) detail.push(t('failed', failed));
      return connectorStatus(node.type, state, detail, lastError);
    });
    const connection = broker.register(node) as MqttConnection;
    // A broker outage fails many messages for one reason: counted lines, not one per message.
    const digest = new ErrorDigest(node);
    const { say, sayCount } = wordsOf(node.type, 'digest');
    const dropEvicted = evictionReporter(digest, node.type, settings.queueSize);

    const publish = (o: Outgoing): void => {
      connection
        .publish(o.topic, o.payload, o.opts)
        .then(
          () => {
            sent++;
            status.touch();
            o.done();
          },
          (err: unknown) => {
            failed++;
            status.touch();
            const why = toError(err).message;
            digest.add(
              'publish',
              { one: say('publishFailed', { topic: o.topic, message: why }), more: (n) => sayCount('publishFailedMore', n, { message: why }) },
              o.msg,
            );
            o.done();
          },
        )
        .catch((err) => node.error(text(node.type, 'error.publish', { message: toError(err).message })));
    };

    const flush = (): void => {
      // Order is kept: queued messages go before anything that arrives after reconnect.
      while (queue.length && connection.state === 'connected') publish(queue.shift()!);
      status.touch();
    };

    const onState = (s: ConnectionState, err?: Error): void => {
      state = s;
      lastError = s === 'connected' ? undefined : (connectionErrorStatus(node.type, err) ?? lastError);
      if (s === 'connected') flush();
      status.refresh();
    };
    connection.on('state', onState);
    connection.connect();
    onState(connection.state, connection.lastError);

    node.on('input', (msg, _send, done) => {
      let o: Outgoing;
      try {
        o = toOutgoing(msg, settings, v5, done);
      } catch (err) {
        failed++;
        status.touch();
        done(localInputError(node.type, err));
        return;
      }
      if (connection.state === 'connected' && queue.length === 0) {
        publish(o);
        return;
      }
      if (connection.state === 'failed') {
        failed++;
        status.touch();
        const why = connection.lastError?.message ?? say('brokerFailed');
        digest.add(
          'failed',
          { one: say('notPublished', { topic: o.topic, message: why }), more: (n) => sayCount('notPublishedMore', n, { message: why }) },
          msg,
        );
        done();
        return;
      }
      const evicted = queue.push(o);
      status.touch();
      if (evicted) dropEvicted(evicted);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      status.close();
      connection.off('state', onState);
      digest.close();
      const given = queue.drain();
      if (given.length) {
        const n = given.length;
        digest.report(sayCount('stopped', n), n, given[n - 1].msg);
      }
      for (const o of given) o.done();
      broker.deregister(node).then(
        () => done(),
        () => done(),
      );
    });
  }
  useCatalog(RED, 'stream-mqtt-out');
  RED.nodes.registerType('stream-mqtt-out', StreamMqttOut);
};
