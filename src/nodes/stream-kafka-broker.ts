import type { ConfigError } from '../core/errors';
import { KafkaConnection } from '../connectors/kafka-connection';
import { parseKafkaBrokerConfig, type KafkaBrokerNode } from '../connectors/kafka-config';
import { tlsOptionsFrom, type ConnectorRedAPI, type CredentialNode } from '../connectors/node-red-api';
import type { BaseNodeConfig } from './shared/red';
import { useCatalog } from './shared/i18n';
import { reportConfigError } from './shared/config-error';
import { resolveEnvSetting } from './shared/env-setting';

export = (RED: ConnectorRedAPI) => {
  function StreamKafkaBroker(this: KafkaBrokerNode & CredentialNode, config: BaseNodeConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    node.label = String(config.brokers ?? '').split(/[\s,]+/)[0] ?? '';
    node.retry = { retries: 5, initialRetryTime: 300, maxRetryTime: 30000 };
    try {
      const brokers = resolveEnvSetting(config.brokers, 'brokers', (name) => RED.util.evaluateNodeProperty(name, 'env', node, {}));
      node.label = String(brokers.value).split(/[\s,]+/)[0] ?? '';
      const options = parseKafkaBrokerConfig({ ...config, brokers: brokers.value }, node.credentials);
      const useTls = config.usetls === true || config.usetls === 'true';
      if (useTls) options.ssl = (tlsOptionsFrom(RED, config.tls) as object | undefined) ?? true;
      // The library retries noisily while a broker is away; the nodes' status says it once, the
      // details stay at debug level.
      options.log = (_level, message) => node.debug?.(`kafka: ${message}`);
      node.retry = options.retry;
      node.connection = new KafkaConnection(options);
    } catch (err) {
      node.configError = err as ConfigError;
      reportConfigError(node, err);
    }
    // Consumers and producers belong to the nodes that made them and are closed by them.
    node.on('close', (_removed: boolean, done: () => void) => done());
  }
  useCatalog(RED, 'stream-kafka-broker');
  RED.nodes.registerType('stream-kafka-broker', StreamKafkaBroker, {
    credentials: { user: { type: 'text' }, password: { type: 'password' } },
  });
};
