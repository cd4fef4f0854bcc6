import { strict as assert } from 'assert';
import { describePermanentError, isPermanentError, isRetriable, isTlsTrustError } from '../../src/connectors/kafka-connection';
import { MqttRefusal } from '../../src/connectors/mqtt-refusal';
import { ChangelogTimeout } from '../../src/connectors/changelog-timeout';
import { SubscriptionRefusal } from '../../src/connectors/subscription-refusal';
import { connectionErrorStatus, connectorErrorText, permanentErrorStatus } from '../../src/nodes/shared/connection-hint';
import { text, useCatalog } from '../../src/nodes/shared/i18n';
import type { RedAPI } from '../../src/nodes/shared/red';

// The shapes kafkajs produces when the TLS handshake refuses the broker's certificate: a
// connection error carrying Node's code, wrapped by the retrier in `cause` or `originalError`.
const refused = {
  name: 'KafkaJSConnectionError',
  message: 'Connection error: self-signed certificate in certificate chain',
  code: 'SELF_SIGNED_CERT_IN_CHAIN',
};
const afterRetries = { name: 'KafkaJSNumberOfRetriesExceeded', message: refused.message, retriable: false, cause: refused };

describe('Kafka TLS error classification', () => {
  it('an untrusted or mismatched certificate is permanent, however it is wrapped; other connection errors are not', () => {
    for (const e of [refused, afterRetries, { name: 'KafkaJSNonRetriableError', originalError: afterRetries }, { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }]) {
      assert.ok(isTlsTrustError(e), JSON.stringify(e));
      assert.ok(isPermanentError(e));
      assert.ok(!isRetriable(e));
    }
    const refusedConn = { name: 'KafkaJSConnectionError', message: 'Connection error: connect ECONNREFUSED', code: 'ECONNREFUSED' };
    assert.ok(!isTlsTrustError(refusedConn));
    assert.ok(!isPermanentError(refusedConn));
    assert.ok(isRetriable({ name: 'KafkaJSNumberOfRetriesExceeded', cause: refusedConn }));
    assert.ok(isPermanentError({ name: 'KafkaJSSASLAuthenticationError', message: 'SASL PLAIN authentication failed' }));
  });

  it('describes the failure for the status line and says what to change', () => {
    const d = describePermanentError(afterRetries, '127.0.0.1:9093');
    assert.equal(d.short, 'self-signed certificate in certificate chain');
    // The node says the prefix from its catalog (English here: the test helper's RED._ has no catalogs).
    assert.equal(permanentErrorStatus('stream-kafka-in', d), 'TLS: self-signed certificate in certificate chain');
    const mqttFailure = new MqttRefusal('certificate', 'self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN');
    assert.equal(connectionErrorStatus('stream-mqtt-in', mqttFailure), 'TLS: self-signed certificate in certificate chain');
    const login = new MqttRefusal('credentials', 'Not authorized');
    assert.equal(connectionErrorStatus('stream-mqtt-in', login), 'broker refused the connection: Not authorized');
    // The broker logs a refusal in its catalog's words; in English they are the refusal's own message.
    for (const r of [mqttFailure, login]) {
      assert.equal(text('stream-mqtt-broker', `error.${r.kind}`, { broker: 'b:1883', detail: r.detail, code: r.tlsCode }), `b:1883: ${r.message}`);
    }
    assert.equal(connectionErrorStatus('stream-mqtt-in', new Error('connect ECONNREFUSED 127.0.0.1:1; retrying')), 'connect ECONNREFUSED 127.0.0.1:1');
    assert.deepEqual([d.hint, d.params], ['untrustedCertificate', { broker: '127.0.0.1:9093', code: 'SELF_SIGNED_CERT_IN_CHAIN' }]);
    const auth = describePermanentError({ name: 'KafkaJSSASLAuthenticationError', message: 'SASL PLAIN authentication failed: bad password' }, 'k:9092');
    assert.match(auth.short ?? '', /authentication failed/);
    assert.equal(permanentErrorStatus('stream-kafka-in', auth), auth.short);
    assert.deepEqual([auth.hint, auth.params], ['refusedCredentials', { broker: 'k:9092' }]);
    // A refusal without readable text: the status says the catalog's words for it.
    const bare = describePermanentError({ name: 'KafkaJSSASLAuthenticationError', message: '' }, 'k:9092');
    assert.equal(bare.short, undefined);
    assert.equal(permanentErrorStatus('stream-kafka-in', bare), 'authentication failed');
  });

  it('a refused subscription and a changelog read that took too long are said from the node catalog', () => {
    const refused = new SubscriptionRefusal('alarms/#', 135);
    const slow = new ChangelogTimeout('grp.changelog', 60000);
    // In English the catalog's words are the errors' own messages.
    assert.equal(connectorErrorText('stream-mqtt-in', refused), 'broker refused the subscription to alarms/# (reason 135)');
    assert.equal(refused.message, 'broker refused the subscription to alarms/# (reason 135)');
    assert.equal(connectorErrorText('stream-tumbling-window', slow), 'reading grp.changelog took longer than 60000 ms');
    assert.equal(slow.message, 'reading grp.changelog took longer than 60000 ms');
    assert.equal(connectorErrorText('stream-mqtt-in', new Error('socket closed')), 'socket closed');
    // A runtime in another language answers the same keys with the same parameters.
    const german = {
      _: (key: string, p?: Record<string, unknown>) =>
        key === 'stream-mqtt-in.error.subscriptionRefused' ? `Abo ${p?.subscription} abgelehnt (${p?.code})` : key,
    };
    useCatalog(german as unknown as RedAPI, 'stream-mqtt-in');
    try {
      assert.equal(connectorErrorText('stream-mqtt-in', refused), 'Abo alarms/# abgelehnt (135)');
    } finally {
      useCatalog({ _: (key: string) => key } as unknown as RedAPI, 'stream-mqtt-in');
    }
  });
});
