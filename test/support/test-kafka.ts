/**
 * The kafkajs client the tests and benchmarks drive the test broker with: quiet, and patient
 * enough with a broker that has just started or just deleted a topic.
 */
import { Kafka, logLevel } from 'kafkajs';

/** A client of the test broker(s) `brokers` (comma-separated host:port list as one string). */
export function testKafka(brokers: string, clientId: string): Kafka {
  return new Kafka({ brokers: [brokers], clientId, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 } });
}
