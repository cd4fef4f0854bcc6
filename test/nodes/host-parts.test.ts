import { strict as assert } from 'assert';
import * as sinon from 'sinon';
import { BatchInputError, eachEventOf, processBatch } from '../../src/nodes/shared/batch';
import { EmitContext, Emissions } from '../../src/nodes/shared/emissions';
import { InputQueue } from '../../src/nodes/shared/input-queue';
import { nodeStatus, StatusFigures } from '../../src/nodes/shared/node-status';
import { WakeUp } from '../../src/nodes/shared/wake-up';
import { StateStore } from '../../src/nodes/shared/state-store';
import { ContextStore, NodeMessage, RedNode } from '../../src/nodes/shared/red';
import { metricsWhenOn } from '../../src/nodes/shared/metrics-when-on';
import { savedState } from '../../src/core/snapshot-schema';
import { SnapshotError } from '../../src/core/errors';

const noSend = (): void => undefined;

describe('node host parts', () => {
  describe('InputQueue', () => {
    function recording(): { queue: InputQueue; ran: string[]; done: string[] } {
      const ran: string[] = [];
      const done: string[] = [];
      const queue = new InputQueue((msg) => ran.push(String(msg.topic)));
      return { queue, ran, done };
    }
    const input = (topic: string, done: string[]): [NodeMessage, () => void, () => void] => [{ topic }, noSend, () => done.push(topic)];

    it('holds every input until open(), then runs them in arrival order', () => {
      const { queue, ran, done } = recording();
      queue.push(...input('a', done));
      queue.push(...input('b', done));
      assert.deepEqual(ran, []);
      queue.open();
      queue.push(...input('c', done));
      assert.deepEqual(ran, ['a', 'b', 'c']);
    });

    it('while one input is held, later ones wait; one put back runs first after release()', () => {
      const { queue, ran, done } = recording();
      queue.open();
      queue.hold();
      assert.equal(queue.holding, true);
      queue.push(...input('b', done));
      const [msg, send, d] = input('a', done);
      queue.putBack({ msg, send, done: d });
      assert.deepEqual(ran, []);
      queue.release();
      assert.equal(queue.holding, false);
      assert.deepEqual(ran, ['a', 'b']);
    });

    it('close() hands every waiting input over (it still owes its done) and runs nothing after', () => {
      const { queue, ran, done } = recording();
      queue.push(...input('a', done));
      queue.push(...input('b', done));
      queue.close((q) => q.done());
      queue.open();
      assert.deepEqual(ran, []);
      assert.deepEqual(done, ['a', 'b']);
    });
  });

  describe('WakeUp', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: 1000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    });
    afterEach(() => clock.restore());

    it('keeps the earliest time asked for and fires once', () => {
      let woke = 0;
      const w = new WakeUp(() => woke++);
      w.arm(1500, () => Date.now());
      w.arm(1200, () => Date.now());
      w.arm(1800, () => Date.now());
      w.arm(undefined, () => Date.now());
      clock.tick(199);
      assert.equal(woke, 0);
      clock.tick(1);
      assert.equal(woke, 1, 'at the earliest time');
      clock.tick(1000);
      assert.equal(woke, 1, 'the later requests were folded into the earliest');
    });

    it('can be armed again after it fired, and cancel() stops it', () => {
      let woke = 0;
      const w = new WakeUp(() => woke++);
      w.arm(1100, () => Date.now());
      clock.tick(100);
      w.arm(1300, () => Date.now());
      clock.tick(200);
      assert.equal(woke, 2);
      w.arm(1400, () => Date.now());
      w.cancel();
      clock.tick(1000);
      assert.equal(woke, 2);
    });

    it('due is the time armed, Infinity when none is (nothing armed, fired, or cancelled)', () => {
      const w = new WakeUp(() => undefined);
      assert.equal(w.due, Infinity);
      w.arm(1500, () => Date.now());
      w.arm(1800, () => Date.now());
      assert.equal(w.due, 1500);
      clock.tick(500);
      assert.equal(w.due, Infinity, 'fired');
      w.arm(1700, () => Date.now());
      w.cancel();
      assert.equal(w.due, Infinity, 'cancelled');
    });

    it('a time far beyond what setTimeout takes does not fire at once', () => {
      let woke = 0;
      const w = new WakeUp(() => woke++);
      w.arm(Date.now() + 2 ** 40, () => Date.now());
      clock.tick(1000);
      assert.equal(woke, 0);
      w.cancel();
    });
  });

  describe('Emissions', () => {
    it('delivers what was pushed, in order, with the context of the deliver() call, and only once', () => {
      const got: string[] = [];
      const e = new Emissions<number>((n, ctx) => got.push(`${n}:${String(ctx.msg?.topic)}`));
      e.push(1);
      e.push(2);
      const ctx: EmitContext = { send: noSend, msg: { topic: 'cause' } };
      e.deliver(ctx);
      e.deliver({ send: noSend, msg: undefined });
      e.push(3);
      e.deliver({ send: noSend, msg: undefined });
      assert.deepEqual(got, ['1:cause', '2:cause', '3:undefined']);
    });

    it('a delivery that throws leaves nothing held for the next call', () => {
      const got: number[] = [];
      const e = new Emissions<number>((n) => {
        if (n === 1) throw new Error('bad');
        got.push(n);
      });
      e.push(1);
      e.push(2);
      assert.throws(() => e.deliver({ send: noSend, msg: undefined }), /bad/);
      e.push(3);
      e.deliver({ send: noSend, msg: undefined });
      assert.deepEqual(got, [3]);
    });
  });

  describe('processBatch', () => {
    it('runs every good element, then finish, then throws one error that counts the bad ones', () => {
      const seen: unknown[] = [];
      let finished = false;
      const items = [{ payload: 1 }, null, { payload: 'x' }, { payload: 3 }];
      assert.throws(
        () =>
          processBatch(
            items,
            (item) => {
              if (typeof item.payload !== 'number') throw new Error('not a number');
              seen.push(item.payload);
            },
            () => {
              finished = true;
            },
          ),
        (err: unknown) => {
          assert.ok(err instanceof BatchInputError);
          assert.equal(err.elements, 2);
          assert.equal(err.property, 'msg.payload');
          assert.match(err.message, /^2 of 4 elements rejected; first: msg\.payload\[1\] is null/);
          return true;
        },
      );
      assert.deepEqual(seen, [1, 3]);
      assert.ok(finished, 'finish ran before the error');
    });

    it('eachEventOf takes a plain message as one event and a batch element by element', () => {
      const seen: unknown[] = [];
      eachEventOf({ payload: 1 }, (m) => seen.push(m.payload));
      eachEventOf({ batch: true, payload: [{ payload: 2 }, { payload: 3 }] }, (m) => seen.push(m.payload));
      assert.deepEqual(seen, [1, 2, 3]);
    });
  });

  describe('nodeStatus', () => {
    const figures = (over: Partial<StatusFigures>): StatusFigures => ({
      stats: undefined,
      openLabel: 'open',
      eventTime: true,
      clampsAhead: false,
      received: 0,
      arrivalFallbacks: 0,
      extra: undefined,
      rejected: 0,
      lastError: '',
      ...over,
    });
    const stats = { keys: 1, openWindows: 2, watermark: 9000, maxEventTime: 9500, late: 0, ahead: 0, dropped: 0 };

    it('shows keys, open windows and the lag, green while nothing was lost', () => {
      const s = nodeStatus('stream-tumbling-window', figures({ stats }), 10000);
      assert.deepEqual(s, { fill: 'green', shape: 'dot', text: '1 key · 2 open · lag 1s' });
    });

    it('turns yellow and says why once events were dropped, refused or rejected', () => {
      const s = nodeStatus(
        'stream-tumbling-window',
        figures({ stats: { ...stats, keys: 3, dropped: 4 }, eventTime: false, rejected: 2, lastError: 'msg.payload', extra: 'x' }),
        10000,
      );
      assert.deepEqual(s, { fill: 'yellow', shape: 'dot', text: '3 keys · 2 open · 4 dropped by limit · x · 2 rejected (msg.payload)' });
    });

    it('counts messages where there is no operator', () => {
      assert.equal(nodeStatus('stream-aggregate', figures({ received: 5, arrivalFallbacks: 1 }), 0).text, '5 in · 1 on arrival time');
    });
  });

  describe('StateStore', () => {
    /** A node whose context store answers with `context`; what it logs is kept. */
    function nodeWith(context: ContextStore): { node: RedNode; warned: string[]; logged: string[] } {
      const warned: string[] = [];
      const logged: string[] = [];
      const node: RedNode = {
        id: 'n',
        type: 'stream-tumbling-window',
        on: () => undefined,
        send: () => undefined,
        status: () => undefined,
        error: () => undefined,
        warn: (m) => warned.push(String(m)),
        log: (m) => logged.push(String(m)),
        context: () => context,
      };
      return { node, warned, logged };
    }
    const failing: ContextStore = {
      get: (_k, _s, cb) => cb(new Error('disk gone'), undefined),
      set: (_k, _v, _s, cb) => cb(new Error('disk full')),
    };

    it('a store that fails costs a warning naming it, never the node: it starts empty and still closes', () => {
      const { node, warned } = nodeWith(failing);
      const restored: unknown[] = [];
      const store = new StateStore(node, 'disk', { snapshot: () => ({}), restore: (s) => restored.push(s) }, undefined);
      let loaded = false;
      store.load(() => {
        loaded = true;
      });
      assert.ok(loaded && store.loaded);
      assert.deepEqual(restored, []);
      let closed = false;
      store.close(true, () => {
        closed = true;
      });
      assert.ok(closed);
      assert.deepEqual(warned, [
        'could not read saved state from context store "disk": disk gone',
        'could not save windows to context store "disk": disk full',
      ]);
    });

    it('damaged saved state is discarded with one warning', () => {
      const { node, warned } = nodeWith({ get: (_k, _s, cb) => cb(null, { v: 'nonsense' }), set: (_k, _v, _s, cb) => cb() });
      const store = new StateStore(node, 'disk', { snapshot: () => ({}), restore: () => undefined }, undefined);
      store.load(() => undefined);
      store.close(false, () => undefined);
      assert.equal(warned.length, 1);
      assert.match(warned[0], /^saved windows were discarded/);
    });

    it('restores all or nothing: when the extra state refuses its part, the windows restored before it are taken back', () => {
      const saved = savedState({ windows: ['w1'] }, { detector: 'damaged' });
      const { node, warned } = nodeWith({ get: (_k, _s, cb) => cb(null, saved), set: (_k, _v, _s, cb) => cb() });
      let windows: unknown = { windows: [] };
      const operator = { snapshot: () => windows, restore: (s: unknown) => void (windows = s) };
      const extra = {
        snapshot: () => ({}),
        restore: () => {
          throw SnapshotError.because('snapshotNumber', { what: 'detector.mean', got: '"x"' });
        },
      };
      const store = new StateStore(node, 'disk', operator, extra);
      store.load(() => undefined);
      store.close(false, () => undefined);
      assert.deepEqual(windows, { windows: [] });
      assert.equal(warned.length, 1);
      assert.match(warned[0], /^saved windows were discarded/);
    });
  });

  describe('metricsWhenOn', () => {
    // Node-RED's contract (Node.prototype.metric): no arguments = whether metrics are on, else
    // one metric event is logged, whether or not a handler collects it.
    function meteredNode(): {
      node: { id: string; metric?: (event?: string, msg?: unknown, value?: unknown) => unknown };
      logged: unknown[][];
      metrics: { on: boolean };
    } {
      const logged: unknown[][] = [];
      const metrics = { on: false };
      class Node {
        id = 'n1';
        metric(event?: string, msg?: unknown, value?: unknown): unknown {
          if (event === undefined) return metrics.on;
          logged.push([this.id, event, msg, value]);
          return undefined;
        }
      }
      return { node: new Node(), logged, metrics };
    }

    it('logs no metric event while metrics are off, and says they are off', () => {
      const { node, logged } = meteredNode();
      metricsWhenOn(node);
      node.metric!('send', { _msgid: 'a' });
      node.metric!('receive', { _msgid: 'a' });
      node.metric!('done', { _msgid: 'a' });
      assert.deepEqual(logged, []);
      assert.equal(node.metric!(), false);
    });

    it('logs every event with its arguments, on the node, while metrics are on (also when turned on later)', () => {
      const { node, logged, metrics } = meteredNode();
      metricsWhenOn(node);
      node.metric!('send', { _msgid: 'a' });
      metrics.on = true;
      node.metric!('receive', { _msgid: 'b' }, 7);
      assert.deepEqual(logged, [['n1', 'receive', { _msgid: 'b' }, 7]]);
      assert.equal(node.metric!(), true);
    });

    it('leaves a node without metric() as it is', () => {
      const node: { metric?: unknown } = {};
      metricsWhenOn(node);
      assert.equal(node.metric, undefined);
    });
  });
});
