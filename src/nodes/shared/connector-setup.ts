import { ConfigError } from '../../core/errors';
import type { ConnectorRedAPI } from '../../connectors/node-red-api';
import { configErrorText, failOnConfig } from './config-error';
import type { BaseNodeConfig, RedNode } from './red';

/** What every broker config node tells the connectors that use it. */
export interface BrokerNode extends RedNode {
  /** The broker's own settings could not be used; the connectors say why, in its words. */
  configError?: ConfigError;
}

/** How a connector node finds its broker and reads its own settings. */
export interface ConnectorSetup<B extends BrokerNode, S> {
  /** The config node type the `broker` setting names. */
  brokerType: string;
  /** False when the broker has nothing to offer although its settings are fine (a Kafka broker without a client). */
  usable?: (broker: B) => boolean;
  /** Reads the node's settings; throws ConfigError naming the field. */
  parse: (config: BaseNodeConfig) => S;
}

/**
 * The broker config node a connector's `broker` setting names and the connector's settings; when
 * either cannot be used, undefined after failOnConfig has shown why (no broker chosen, the broker's
 * own reason from its catalog, or the field of the connector's settings).
 */
export function connectorSetup<B extends BrokerNode, S>(
  RED: ConnectorRedAPI,
  node: RedNode,
  config: BaseNodeConfig,
  how: ConnectorSetup<B, S>,
): { broker: B; settings: S } | undefined {
  try {
    const broker = RED.nodes.getNode(String(config.broker ?? '')) as B | null;
    if (!broker) throw ConfigError.of('broker', 'chooseBroker', { type: how.brokerType });
    if (broker.configError) throw ConfigError.of('broker', 'brokerRefused', { reason: configErrorText(broker.type, broker.configError) });
    if (how.usable && !how.usable(broker)) throw ConfigError.of('broker', 'brokerUnusable');
    return { broker, settings: how.parse(config) };
  } catch (err) {
    failOnConfig(node, err);
    return undefined;
  }
}
