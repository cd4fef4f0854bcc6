import { InputError, describeValue, toError } from '../core/errors';
import { BoundedQueue } from '../connectors/bounded-queue';
import { encodePayload } from '../connectors/payload-format';
import { eventBody, readPath } from '../connectors/event-mapping';
import { parseKafkaOutConfig, type KafkaBrokerNode, type KafkaOutSettings } from '../connectors/kafka-config';
import {
  describePermanentError,
  isPermanentError,
  isRetriable,
  type KafkaProducerConnection,
  type KafkaState,
  type ProducedRecord,
} from '../connectors/kafka-connection';
import { shortError } from '../connectors/connection-status';
import { connectorStatus, statusCount } from './shared/node-status';
import { connectionHint, permanentErrorStatus } from './shared/connection-hint';
import type { ConnectorRedAPI, CredentialNode } from '../connectors/node-red-api';
import { ThrottledStatus } from './shared/throttled-status';
import { connectorSetup } from './shared/connector-setup';
import { unreachableNotice } from './shared/unreachable-notice';
import { ErrorDigest, evictionReporter } from './shared/error-digest';
import type { BaseNodeConfig, DoneFn, NodeMessage } from './shared/red';
import { text, useCatalog, wordsOf } from './shared/i18n';
import { localInputError } from './shared/input-error';

interface Outgoing {
  topic: string;
  record: ProducedRecord;
  done: DoneFn;
  /** The input message, for the Catch node when it cannot be produced. */
  msg: NodeMessage;
}

function headerValue(v: unknown): string | Buffer {
  if (Buffer.isBuffer(v)) return v;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Builds the record to produce; throws InputError naming the property. */
function toRecord(msg: NodeMessage, s: KafkaOutSettings): { topic: string; record: ProducedRecord } {
  const topic = s.topic ?? msg.topic;
  if (typeof topic !== 'string' || !/^[A-Za-z0-9._-]{1,249}$/.test(topic)) {
    throw InputError.of('msg.topic', 'kafkaTopic', { got: describeValue(topic) });
  }
  let key: string | Buffer | null = null;
  if (s.keyProperty) {
    const k = readPath(msg, s.keyProperty);
    if (k !== undefined && k !== null) {
      if (typeof k === 'string' || Buffer.isBuffer(k)) key = k;
      else if (typeof k === 'number' || typeof k === 'boolean') key = String(k);
      else throw InputError.of(`msg.${s.keyProperty}`, 'recordKey', { label: `msg.${s.keyProperty}`, got: describeValue(k) });
    }
  }
  const headers: Record<string, string | Buffer> = {};
  if (s.metadataHeaders && msg.metadata && typeof msg.metadata === 'object') {
    for (const [k, v] of Object.entries(msg.metadata as Record<string, unknown>)) if (v !== undefined && v !== null) headers[k] = headerValue(v);
  }
  if (msg.headers !== undefined) {
    if (!msg.headers || typeof msg.headers !== 'object' || Array.isArray(msg.headers)) {
      throw InputError.of('msg.headers', 'headersObject', { got: describeValue(msg.headers) });
    }
    for (const [k, v] of Object.entries(msg.headers as Record<string, unknown>)) if (v !== undefined && v !== null) headers[k] = headerValue(v);
  }
  const body = s.serialize === 'event' ? eventBody(msg) : msg.payload;
  const record: ProducedRecord = { key, value: encodePayload(body), headers };
  if (msg.partition !== undefined && s.topic === undefined) {
    // A partition only makes sense together with the topic the message names.
    if (!Number.isInteger(msg.partition) || (msg.partition as number) < 0)
      throw InputError.of('msg.partition', 'partitionWhole', { got: describeValue(msg.partition) });
    record.partition = msg.partition as number;
  }
  if (typeof msg.timestamp === 'number' && Number.isFinite(msg.timestamp)) record.timestamp = String(Math.round(msg.timestamp));
  return { topic, record };
}

export = (RED: ConnectorRedAPI) => {
  function StreamKafkaOut(this: CredentialNode, config: BaseNodeConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    const setup = connectorSetup<KafkaBrokerNode, KafkaOutSettings>(RED, node, config, {
      brokerType: 'stream-kafka-broker',
      usable: (b) => b.connection !== undefined,
      parse: parseKafkaOutConfig,
    });
    if (!setup) return;
    const { broker, settings: s } = setup;
    const producer: KafkaProducerConnection = broker.connection!.producer({ idempotent: s.idempotent, partitioner: s.partitioner });
    const queue = new BoundedQueue<Outgoing>(s.queueSize);
    // A broker outage fails many records for one reason: counted lines, not one per record.
    const digest = new ErrorDigest(node);
    const { say, sayCount } = wordsOf(node.type, 'digest');
    const dropEvicted = evictionReporter(digest, node.type, s.queueSize);
    // A batch that failed for a reason a retry may fix goes again before anything newer.
    let retrying: Outgoing[] = [];
    let sending = false;
    let closing = false;
    let wakeTimer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let sent = 0;
    let failed = 0;
    let state: KafkaState = 'connecting';
    let lastError: string | undefined;
    // After refused credentials or an untrusted certificate: the reason, and when to try again.
    // Until then every message fails at once instead of asking the broker to refuse it again.
    let refused: { err: Error; until: number; backoff: number } | undefined;

    const status = new ThrottledStatus(node, () => {
      const t = (key: string, n: number): string => statusCount(node.type, key, n);
      const detail = [t('sent', sent)];
      const waiting = queue.length + retrying.length;
      if (waiting) detail.push(t('queued', waiting));
      if (queue.dropped) detail.push(t('queueDropped', queue.dropped));
      if (failed) detail.push(t('failed', failed));
      return connectorStatus(node.type, state, detail, lastError);
    });
    const notice = unreachableNotice(
      node,
      (err) => text(node.type, 'warning.unreachable', { broker: broker!.label, message: err.message }),
      text(node.type, 'info.reconnected', { broker: broker!.label }),
    );
    producer.on('state', (st: KafkaState, err?: Error) => {
      // A refusal stays on the status until a send succeeds again.
      if (refused && st !== 'connected') return;
      if (st === 'connected') refused = undefined;
      state = st;
      if (!(err && isPermanentError(err))) notice(st, err);
      if (st === 'connected') lastError = undefined;
      else if (err) lastError = isPermanentError(err) ? permanentErrorStatus(node.type, describePermanentError(err, broker!.label)) : shortError(err);
      status.refresh();
    });

    const wake = (delay: number): void => {
      if (wakeTimer || closing) return;
      wakeTimer = setTimeout(() => {
        wakeTimer = undefined;
        pump();
      }, delay);
    };

    // Without a wait, the records handed over in one turn of the event loop still go in one
    // request: a flow fed one message per record hands its results over one delivery at a time,
    // and sending the first of them alone cost a request (and its socket write) per few results.
    let soon: ReturnType<typeof setImmediate> | undefined;
    const pumpSoon = (): void => {
      if (soon || sending) return;
      soon = setImmediate(() => {
        soon = undefined;
        pump();
      });
    };

    const failAll = (list: Outgoing[], err: Error): void => {
      failed += list.length;
      for (const o of list) o.done(new Error(say('notProducedTo', { topic: o.topic, message: err.message })));
    };

    // One error in the log per refusal, a red status, every waiting message failed now; the next
    // attempt only after a back-off (doubling up to ten minutes) or a redeploy.
    const refuse = (err: Error): void => {
      const first = !refused;
      // A batch sent while the refused connection attempt was under way fails with it: same refusal.
      if (!refused || Date.now() >= refused.until) {
        const backoff = refused ? Math.min(600000, refused.backoff * 2) : broker!.retry.maxRetryTime;
        refused = { err, until: Date.now() + backoff, backoff };
      }
      const backoff = refused.backoff;
      state = 'failed';
      const d = describePermanentError(err, broker!.label);
      lastError = permanentErrorStatus(node.type, d);
      if (first)
        node.error(text(node.type, 'error.producerStopped', { message: err.message, hint: connectionHint(node.type, d), seconds: Math.round(backoff / 1000) }));
      const waiting = retrying.concat(queue.drain());
      retrying = [];
      failAll(waiting, err);
      status.refresh();
    };

    const pump = (): void => {
      if (sending || closing || wakeTimer) return;
      const batch = retrying.length ? retrying : [];
      retrying = [];
      while (batch.length < s.batchSize && queue.length) batch.push(queue.shift()!);
      if (!batch.length) return;
      sending = true;
      const byTopic = new Map<string, ProducedRecord[]>();
      for (const o of batch) {
        const list = byTopic.get(o.topic);
        if (list) list.push(o.record);
        else byTopic.set(o.topic, [o.record]);
      }
      producer
        .send(
          [...byTopic].map(([topic, records]) => ({ topic, records })),
          { acks: s.acks, compression: s.compression, timeout: s.timeout },
        )
        .then(
          () => {
            attempt = 0;
            refused = undefined;
            sent += batch.length;
            for (const o of batch) o.done();
          },
          (err: Error) => {
            if (!closing && isRetriable(err)) {
              retrying = batch;
              lastError = shortError(err);
              wake(Math.min(broker!.retry.maxRetryTime, broker!.retry.initialRetryTime * 2 ** Math.min(attempt++, 10)));
              return;
            }
            if (!closing && isPermanentError(err)) {
              failAll(batch, err);
              refuse(err);
              return;
            }
            failed += batch.length;
            const topics = [...byTopic.keys()].join(', ');
            const n = batch.length;
            digest.report(sayCount('notProduced', n, { topics, message: toError(err).message }), n, batch[n - 1].msg);
            for (const o of batch) o.done();
          },
        )
        .finally(() => {
          sending = false;
          status.touch();
          if (!wakeTimer) pump();
        })
        .catch((err) => node.error(text(node.type, 'error.producer', { message: toError(err).message })));
    };

    node.on('input', (msg, _send, done) => {
      let out: { topic: string; record: ProducedRecord };
      try {
        out = toRecord(msg, s);
      } catch (err) {
        failed++;
        status.touch();
        done(localInputError(node.type, err));
        return;
      }
      if (refused && Date.now() < refused.until) {
        failed++;
        status.touch();
        done(new Error(say('notProducedTo', { topic: out.topic, message: refused.err.message })));
        return;
      }
      const evicted = queue.push({ ...out, done, msg });
      if (evicted) dropEvicted(evicted);
      status.touch();
      if (s.lingerMs > 0 && queue.length < s.batchSize) wake(s.lingerMs);
      else if (queue.length >= s.batchSize) pump();
      else pumpSoon();
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      if (wakeTimer) clearTimeout(wakeTimer);
      if (soon) clearImmediate(soon);
      digest.close();
      const given = [...retrying, ...queue.drain()];
      retrying = [];
      if (given.length) {
        const n = given.length;
        digest.report(sayCount('stopped', n), n, given[n - 1].msg);
      }
      for (const o of given) o.done();
      status.close();
      producer.disconnect().then(
        () => done(),
        () => done(),
      );
    });

    producer.connect().catch((err: Error) => {
      if (isPermanentError(err) && !closing) refuse(err);
    });
    status.refresh();
  }
  useCatalog(RED, 'stream-kafka-out');
  RED.nodes.registerType('stream-kafka-out', StreamKafkaOut);
};
