import type { ConfigError } from '../core/errors';
import { MqttJsConnection, type MqttConnectionOptions } from '../connectors/mqtt-connection';
import { MqttRefusal } from '../connectors/mqtt-refusal';
import { parseMqttBrokerConfig, type MqttBrokerNode } from '../connectors/mqtt-config';
import { tlsOptionsFrom, type ConnectorRedAPI, type CredentialNode } from '../connectors/node-red-api';
import type { BaseNodeConfig } from './shared/red';
import { text, useCatalog } from './shared/i18n';
import { reportConfigError } from './shared/config-error';
import { resolveEnvSetting } from './shared/env-setting';
import { unreachableNotice } from './shared/unreachable-notice';

export = (RED: ConnectorRedAPI) => {
  function StreamMqttBroker(this: MqttBrokerNode & CredentialNode, config: BaseNodeConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    const users = new Set<string>();
    let connection: MqttJsConnection | undefined;
    let options: MqttConnectionOptions | undefined;
    node.protocolVersion = 4;
    let urlFrom: string | undefined;
    try {
      const url = resolveEnvSetting(config.url, 'url', (name) => RED.util.evaluateNodeProperty(name, 'env', node, {}));
      urlFrom = url.from;
      options = parseMqttBrokerConfig({ ...config, url: url.value }, node.credentials);
      // A TLS config left selected while TLS is off (unticked, plain URL) is not used.
      const secure = config.usetls === true || config.usetls === 'true' || /^(mqtts|wss):/.test(options.url);
      const tls = secure ? tlsOptionsFrom(RED, config.tls) : undefined;
      if (tls) options.tls = tls;
      node.protocolVersion = options.protocolVersion;
      node.label = options.url.replace(/^[a-z]+:\/\//, '');
    } catch (err) {
      node.configError = err as ConfigError;
      node.label = String(config.url ?? '');
      reportConfigError(node, err);
    }

    // One client for every node using this broker: connect with the first, end with the last.
    node.register = (user) => {
      if (!options) return undefined;
      users.add(user.id);
      if (!connection) {
        const o = options;
        connection = new MqttJsConnection(o);
        const notice = unreachableNotice(
          node,
          (err) =>
            text(node.type, urlFrom ? 'warning.unreachableFrom' : 'warning.unreachable', {
              url: o.url,
              from: urlFrom ?? '',
              message: err.message,
              seconds: o.reconnectPeriod / 1000,
            }),
          text(node.type, 'info.reconnected', { url: o.url }),
        );
        connection.on('state', (state, err) => {
          if (state === 'failed' && err) {
            node.error(
              err instanceof MqttRefusal
                ? text(node.type, `error.${err.kind}`, { broker: node.label, detail: err.detail, code: err.tlsCode })
                : `${node.label}: ${err.message}`,
            );
          }
          notice(state, err);
        });
      }
      return connection;
    };
    node.deregister = async (user) => {
      users.delete(user.id);
      if (users.size === 0 && connection) {
        const c = connection;
        connection = undefined;
        await c.end();
      }
    };

    node.on('close', (_removed: boolean, done: () => void) => {
      const c = connection;
      connection = undefined;
      users.clear();
      if (c) c.end().then(done, done);
      else done();
    });
  }
  useCatalog(RED, 'stream-mqtt-broker');
  RED.nodes.registerType('stream-mqtt-broker', StreamMqttBroker, {
    credentials: { user: { type: 'text' }, password: { type: 'password' } },
  });
};
