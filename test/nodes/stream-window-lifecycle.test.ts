import { strict as assert } from 'assert';
import * as v8 from 'v8';
import * as vm from 'vm';
import { NODES, deploy, helper, laterStore, restart, settle, until, values } from './stream-window-support';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe('window node lifecycle', () => {
  afterEach(async () => {
    await helper.unload();
    helper.settings({ contextStorage: undefined });
  });

  it('keeps open windows across a redeploy of the same node when a store is set', async () => {
    // Node-RED clears a node's context on redeploy unless context stores are configured.
    helper.settings({ contextStorage: { memory: { module: 'memory' } } });
    await deploy('stream-tumbling-window', { size: '10s', store: 'memory' });
    const d = await restart(1);
    d.send({ topic: 'k', payload: 1, timestamp: T0 });
    d.send({ topic: 'k', payload: 2, timestamp: T0 + 1 });
    await settle();
    const flows = helper._redNodes.getFlows().flows.map((n: Record<string, unknown>) => (n.id === 'n' ? { ...n, name: 'renamed' } : n));
    await helper.setFlows(flows, 'nodes');
    const node = helper.getNode('n');
    assert.notEqual(node, d.node, 'a new node instance');
    const out: Array<Record<string, unknown>> = [];
    helper.getNode('out0').on('input', (m: Record<string, unknown>) => out.push(m));
    node.receive({ topic: 'k', payload: 3, timestamp: T0 + 20000 });
    await until(() => out.length === 1, 'the window opened before the redeploy');
    assert.deepEqual(values(out[0]), [1, 2]);
  });

  it('queues messages that arrive while saved windows are being read, then processes them in order', async () => {
    // A context store that answers reads a turn later, like a store backed by a database.
    helper.settings({ contextStorage: { slow: { module: laterStore().module } } });
    await deploy('stream-global-window', { count: '4', store: 'slow' });
    let d = await restart(1);
    await settle();
    d.send({ topic: 'k', payload: 1, timestamp: T0 });
    d.send({ topic: 'k', payload: 2, timestamp: T0 + 1 });
    await settle();
    d = await restart(1);
    // Sent at once, before the saved state has been read back.
    d.send({ topic: 'k', payload: 3, timestamp: T0 + 2 });
    d.send({ topic: 'k', payload: 4, timestamp: T0 + 3 });
    await until(() => d.out[0].length === 1, 'the window completed by the queued messages');
    assert.deepEqual(values(d.out[0][0]), [1, 2, 3, 4]);
  });

  it('leaks no timers or node instances over 1,000 deploy/stop cycles', async function () {
    this.timeout(120000);
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const flow = [
      { id: 'f', type: 'tab' },
      // Processing time arms the wake timer, a store arms the save timer, input arms the status timer.
      { id: 'w', type: 'stream-tumbling-window', z: 'f', size: '1h', timeMode: 'processing', store: 'memory', wires: [['a']] },
      { id: 'a', type: 'stream-aggregate', z: 'f', windowType: 'none', aggregations: [{ op: 'avg' }], having: 'avg > 0', wires: [[]] },
      {
        id: 'x',
        type: 'stream-filter',
        z: 'f',
        windowType: 'session',
        gap: '1m',
        timeMode: 'processing',
        rules: [{ op: 'jsonata', value: 'payload > 0' }],
        wires: [[]],
      },
    ];
    const refs: WeakRef<object>[] = [];
    const collected = () => refs.filter((r) => r.deref() === undefined).length;
    await helper.load(NODES, flow);
    await helper.unload();
    gc();
    const timersBefore = timers();
    const cycles = 1000;
    for (let i = 0; i < cycles; i++) {
      await helper.load(NODES, flow);
      const w = helper.getNode('w');
      refs.push(new WeakRef(w));
      w.receive({ topic: 'k', payload: i });
      helper.getNode('x').receive({ topic: 'k', payload: i });
      helper.getNode('a').receive({ topic: 'k', payload: [{ payload: 1 }], window: { type: 'global', key: 'k', start: 0, end: 1, count: 1, firing: 'final' } });
      await settle(2);
      await helper.unload();
    }
    // A WeakRef keeps its target until the job that created or read it ends: collect between turns.
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
    }
    // The count is process-wide: clients left by earlier suites (broker reconnects, sockets closing)
    // may add a few timers meanwhile. A leak in these nodes would add one or more per cycle.
    const allowance = cycles / 50;
    assert.ok(timers() <= timersBefore + allowance, `active timers grew from ${timersBefore} to ${timers()} over ${cycles} cycles`);
    assert.ok(collected() >= cycles - 2, `only ${collected()} of ${cycles} node instances were garbage-collected`);
  });
});
