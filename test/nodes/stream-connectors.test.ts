import { strict as assert } from 'assert';
import { collect, deploy, getNode, loggedErrors, undeploy, until, type FlowNode } from '../integration/harness';

/** Nodes wired to a Catch node; the brokers point at a closed port, so nothing here needs a broker. */
async function withCatch(nodes: FlowNode[], scope: string[]) {
  await deploy([...nodes, { id: 'catch', type: 'catch', scope, uncaught: false, wires: [['caught']] }, { id: 'caught', type: 'helper' }]);
  return collect('caught');
}

function recordStatus(id: string) {
  const seen: Record<string, unknown>[] = [];
  const n = getNode(id);
  const orig = n.status.bind(n);
  n.status = (s: Record<string, unknown>) => {
    seen.push(s);
    return orig(s);
  };
  return seen;
}

describe('connector nodes: settings and bad input (no broker needed)', function () {
  this.timeout(20000);
  afterEach(() => undeploy());

  it('invalid settings: an error naming the field and what is allowed, and the node completes input without processing it', async () => {
    await deploy([
      { id: 'b', type: 'stream-mqtt-broker', url: 'mqtt://127.0.0.1:1', reconnectPeriod: 0 },
      { id: 'in', type: 'stream-mqtt-in', broker: 'b', topic: 'plant/#/temp' },
      { id: 'kb', type: 'stream-kafka-broker', brokers: '127.0.0.1:1' },
      { id: 'kin', type: 'stream-kafka-in', broker: 'kb', topics: 'readings' },
      { id: 'bad', type: 'stream-mqtt-broker', url: 'localhost:1883' },
      { id: 'out', type: 'stream-mqtt-out', broker: 'bad' },
      { id: 'complete', type: 'complete', scope: ['out'], uncaught: false, wires: [['completed']] },
      { id: 'completed', type: 'helper' },
    ]);
    assert.match(loggedErrors('in').join('\n'), /invalid configuration: topic: "plant\/#\/temp": '#' must be a whole level and the last one/);
    assert.match(loggedErrors('kin').join('\n'), /invalid configuration: groupId: a consumer group id is required/);
    assert.match(loggedErrors('bad').join('\n'), /url: "localhost:1883" is not a broker URL; use mqtt:\/\/host:1883/);
    assert.match(loggedErrors('out').join('\n'), /invalid configuration: broker: url:/);
    const completed = collect('completed');
    getNode('out').receive({ topic: 'x', payload: 1 });
    await until(() => completed.length === 1, 2000, 'the message to complete (Complete node)');
    assert.equal(completed[0].topic, 'x');
  });

  it('stream-mqtt-out: a message without a usable topic is rejected through done(err), Catch-able, naming msg.topic', async () => {
    const caught = await withCatch(
      [
        { id: 'b', type: 'stream-mqtt-broker', url: 'mqtt://127.0.0.1:1', reconnectPeriod: 0 },
        { id: 'out', type: 'stream-mqtt-out', broker: 'b', queueSize: 10 },
      ],
      ['out'],
    );
    getNode('out').receive({ topic: 'a/+/c', payload: 1 });
    getNode('out').receive({ payload: 1 });
    await until(() => caught.length === 2, 5000, 'two errors at the Catch node');
    assert.match(caught[0].error.message, /msg\.topic must be a topic without wildcards, got string "a\/\+\/c"/);
    assert.match(caught[1].error.message, /msg\.topic .* got undefined/);
  });

  it('stream-kafka-out: bad key and headers are rejected naming the property and its type', async () => {
    const caught = await withCatch(
      [
        { id: 'kb', type: 'stream-kafka-broker', brokers: '127.0.0.1:1', retries: 0, connectionTimeout: 200 },
        { id: 'out', type: 'stream-kafka-out', broker: 'kb', topic: 'results', keyProperty: 'topic', queueSize: 0 },
      ],
      ['out'],
    );
    getNode('out').receive({ topic: { nested: true }, payload: 1 });
    getNode('out').receive({ topic: 'k', headers: 'x', payload: 1 });
    await until(() => caught.length === 2, 5000, 'two errors at the Catch node');
    assert.match(caught[0].error.message, /msg\.topic must be a string, number or buffer to be a record key, got object/);
    assert.match(caught[1].error.message, /msg\.headers must be an object .* got string "x"/);
  });

  it('stream-kafka-in: input other than msg.pause / msg.resume is reported; pause and resume complete', async () => {
    const caught = await withCatch(
      [
        { id: 'kb', type: 'stream-kafka-broker', brokers: '127.0.0.1:1', retries: 0, connectionTimeout: 200, initialRetryTime: 50, maxRetryTime: 200 },
        { id: 'in', type: 'stream-kafka-in', broker: 'kb', topics: 't', groupId: 'g' },
      ],
      ['in'],
    );
    const seen = recordStatus('in');
    getNode('in').receive({ payload: 'go' });
    await until(() => caught.length === 1, 5000, 'the error at the Catch node');
    assert.match(caught[0].error.message, /control messages only: msg.pause = true or msg.resume = true/);
    getNode('in').receive({ pause: true });
    getNode('in').receive({ resume: true });
    await until(() => seen.some((s) => /^(disconnected|connecting)/.test(String(s.text))), 5000, 'a not-connected status');
    assert.equal(caught.length, 1, caught.map((c) => c.error.message).join(' | '));
  });
});
