/**
 * The Kafka nodes of the test flows: a broker config node with short timeouts (a single local
 * broker answers in milliseconds) and a Kafka in node that reads JSON from the start of its topic
 * and notices a rebalance quickly.
 */

/** A node of a flow as the tests deploy it. */
export type KafkaFlowNode = Record<string, unknown> & { id: string; type: string };

/** The stream-kafka-broker config node `kb`; `extra` adds or overrides settings. */
export function kafkaBroker(brokers: string, extra: Record<string, unknown> = {}): KafkaFlowNode {
  return {
    id: 'kb',
    type: 'stream-kafka-broker',
    brokers,
    clientId: 'it',
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retries: 2,
    initialRetryTime: 100,
    maxRetryTime: 1000,
    ...extra,
  };
}

/** A stream-kafka-in node `id` on broker `kb` reading `topic` in group `groupId`; `extra` adds or overrides settings. */
export function kafkaIn(id: string, topic: string, groupId: string, extra: Record<string, unknown> = {}): KafkaFlowNode {
  return {
    id,
    type: 'stream-kafka-in',
    broker: 'kb',
    topics: topic,
    groupId,
    fromBeginning: true,
    format: 'json',
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    rebalanceTimeout: 3000,
    maxWaitTime: 50,
    ...extra,
  };
}
