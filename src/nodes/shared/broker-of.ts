import { ConfigError } from '../../core/errors';
import type { ConnectorRedAPI } from '../../connectors/node-red-api';
import { configErrorText } from './config-error';
import type { BaseNodeConfig, RedNode } from './red';

/** What every broker config node tells the connectors that use it. */
export interface BrokerNode extends RedNode {
  /** The broker's own settings could not be used; the connectors say why, in its words. */
  configError?: ConfigError;
}

/**
 * The broker config node a connector's `broker` setting names. Throws ConfigError('broker') when
 * none is chosen, when the broker's settings are unusable (its reason, from its catalog), or when
 * `usable` says it has nothing to offer (a Kafka broker without a client).
 */
export function brokerOf<B extends BrokerNode>(RED: ConnectorRedAPI, config: BaseNodeConfig, brokerType: string, usable?: (broker: B) => boolean): B {
  const broker = RED.nodes.getNode(String(config.broker ?? '')) as B | null;
  if (!broker) throw new ConfigError('broker', `choose a ${brokerType} config node`);
  if (broker.configError) throw new ConfigError('broker', configErrorText(broker.type, broker.configError));
  if (usable && !usable(broker)) throw new ConfigError('broker', 'broker config unusable');
  return broker;
}
