import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import { BoundedQueue } from '../../src/connectors/bounded-queue';
import { decodeChecked, decodePayload, encodePayload } from '../../src/connectors/payload-format';
import { readPath, resolveKey, resolveTime, toEventMessage } from '../../src/connectors/event-mapping';
import { topicMatches, subscriptionProblem, publishTopicProblem } from '../../src/connectors/mqtt-topic';
import { ConfigReason, reasonText } from '../../src/core/config-reasons';
import { OffsetTracker } from '../../src/connectors/offset-tracker';
import { HandledTracker, HookEvent } from '../../src/connectors/handled-tracker';
import { parseMqttBrokerConfig, parseMqttInConfig, parseMqttOutConfig } from '../../src/connectors/mqtt-config';
import { parseKafkaBrokerConfig, parseKafkaInConfig, parseKafkaOutConfig } from '../../src/connectors/kafka-config';
import { isAuthError, isRetriable } from '../../src/connectors/kafka-connection';
import { ConfigError, InputError } from '../../src/core/errors';

const cfg = (o: Record<string, unknown>) => ({ id: 'n', type: 't', ...o });

describe('connector building blocks', () => {
  describe('BoundedQueue', () => {
    it('keeps order, evicts the oldest when full and counts every eviction', () => {
      const q = new BoundedQueue<number>(2);
      assert.equal(q.push(1), undefined);
      assert.equal(q.push(2), undefined);
      assert.equal(q.push(3), 1);
      assert.equal(q.dropped, 1);
      assert.deepEqual(q.drain(), [2, 3]);
      assert.equal(q.length, 0);
    });

    it('capacity 0 refuses everything', () => {
      const q = new BoundedQueue<string>(0);
      assert.equal(q.push('a'), 'a');
      assert.equal(q.length, 0);
      assert.equal(q.dropped, 1);
    });

    it('behaves like a FIFO of the last `capacity` items (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.oneof(fc.integer(), fc.constant('shift')), { maxLength: 3000 }), (cap, ops) => {
          const q = new BoundedQueue<number>(cap);
          const model: number[] = [];
          let dropped = 0;
          for (const op of ops) {
            if (op === 'shift') assert.equal(q.shift(), model.shift());
            else {
              model.push(op as number);
              if (model.length > cap) {
                model.shift();
                dropped++;
              }
              q.push(op as number);
            }
          }
          assert.equal(q.dropped, dropped);
          assert.deepEqual(q.drain(), model);
        }),
      );
    });
  });

  describe('payload decoding', () => {
    it('auto: JSON documents parse, plain words stay text, broken JSON objects are errors', () => {
      assert.deepEqual(decodePayload(Buffer.from('{"a":1}'), 'auto'), { a: 1 });
      assert.equal(decodePayload(Buffer.from('21.5'), 'auto'), 21.5);
      assert.equal(decodePayload(Buffer.from('on'), 'auto'), 'on');
      assert.throws(
        () => decodePayload(Buffer.from('{"a":'), 'auto'),
        (e: unknown) => e instanceof InputError && /not valid JSON/.test(e.message),
      );
    });

    it('json rejects text, string rejects binary, buffer passes bytes through', () => {
      assert.throws(() => decodePayload(Buffer.from('hello'), 'json'), /not valid JSON: string "hello"/);
      assert.throws(() => decodePayload(Buffer.from([0, 1, 0xff]), 'string'), /binary data \(3 bytes\)/);
      const raw = Buffer.from([0, 1, 0xff]);
      assert.equal(decodePayload(raw, 'buffer'), raw);
      assert.equal(decodePayload(null, 'json'), null);
    });

    it('gives, for any bytes, what every check in turn gives (the one-parse path changes no answer)', () => {
      // Texts near the edges: JSON with JSON and non-JSON whitespace around it, control
      // characters, U+FFFD (replaced bytes), a byte-order mark, plain words and broken documents.
      const piece = fc.oneof(
        fc.json(),
        fc.constantFrom(
          ' ',
          '\t',
          '\n',
          '\r',
          '\u000b',
          '\u000c',
          '\u00a0',
          '\ufeff',
          '\u2028',
          '\u0000',
          '\u001f',
          '\ufffd',
          '{',
          '[',
          '"',
          '-',
          '1',
          'true',
          'on',
        ),
        fc.string(),
      );
      const outcome = (f: () => unknown) => {
        try {
          return { value: f() };
        } catch (e) {
          return { error: e instanceof InputError ? e.message : `not an InputError: ${String(e)}` };
        }
      };
      fc.assert(
        fc.property(
          fc.array(piece, { maxLength: 4 }),
          fc.constantFrom('auto', 'json', 'string') as fc.Arbitrary<'auto' | 'json' | 'string'>,
          (parts, format) => {
            const raw = Buffer.from(parts.join(''), 'utf8');
            assert.deepStrictEqual(
              outcome(() => decodePayload(raw, format)),
              outcome(() => decodeChecked(raw.toString('utf8'), raw.length, format)),
            );
          },
        ),
        { numRuns: 3000 },
      );
      // Bytes that are not UTF-8 inside a JSON string are binary data, as they always were.
      assert.throws(() => decodePayload(Buffer.from([0x22, 0xff, 0x22]), 'auto'), /binary data/);
    });

    it('encodes objects as JSON, strings and buffers as they are', () => {
      assert.equal(encodePayload({ a: 1 }), '{"a":1}');
      assert.equal(encodePayload('x'), 'x');
      assert.equal(encodePayload(3), '3');
    });
  });

  describe('event mapping', () => {
    const rec = { topic: 'plant/boiler-3/temperature', payload: { v: 1, ts: '2026-01-01T00:00:00Z', id: 7 }, arrival: 42, recordKey: 'k', recordTime: 99 };

    it('takes the key from the topic, a topic level (negative from the end), a payload field or the record key', () => {
      assert.equal(resolveKey(rec, { from: 'topic' }), rec.topic);
      assert.equal(resolveKey(rec, { from: 'level', level: -2 }), 'boiler-3');
      assert.equal(resolveKey(rec, { from: 'level', level: 0 }), 'plant');
      assert.equal(resolveKey(rec, { from: 'field', path: 'id' }), '7');
      assert.equal(resolveKey(rec, { from: 'record' }), 'k');
      assert.equal(resolveKey(rec, { from: 'none' }), '');
      assert.throws(() => resolveKey(rec, { from: 'level', level: 5 }), /has no level 5/);
      assert.throws(
        () => resolveKey(rec, { from: 'field', path: 'missing' }),
        (e: unknown) => e instanceof InputError && e.property === 'payload.missing' && /undefined/.test(e.message),
      );
    });

    it('takes event time from a field (ms, numeric text, ISO-8601), the record or arrival', () => {
      assert.equal(resolveTime(rec, { from: 'field', path: 'ts' }), Date.UTC(2026, 0, 1));
      assert.equal(resolveTime(rec, { from: 'record' }), 99);
      assert.equal(resolveTime(rec, { from: 'arrival' }), 42);
      assert.equal(resolveTime({ ...rec, payload: { ts: '1700000000000' } }, { from: 'field', path: 'ts' }), 1700000000000);
      assert.throws(
        () => resolveTime({ ...rec, payload: { ts: 'soon' } }, { from: 'field', path: 'ts' }),
        (e: unknown) => e instanceof InputError && e.property === 'payload.ts' && /expected an event time.*string "soon"/.test(e.message),
      );
      assert.throws(() => resolveTime({ ...rec, payload: { ts: 'yesterday 3pm' } }, { from: 'field', path: 'ts' }), /expected an event time/);
    });

    it('reads payload paths with the same syntax as the processing nodes', () => {
      const payload = { readings: [{ 'sensor id': 's-1', t: 5 }] };
      assert.equal(readPath(payload, 'readings[0]["sensor id"]'), 's-1');
      assert.equal(resolveKey({ ...rec, payload }, { from: 'field', path: 'readings[0]["sensor id"]' }), 's-1');
      assert.equal(resolveTime({ ...rec, payload }, { from: 'field', path: 'readings[0].t' }), 5);
    });

    it('builds the event message with eventId/eventType from metadata or payload', () => {
      const m = toEventMessage(
        { ...rec, metadata: { eventId: 'e1' }, payload: { eventType: 'reading', v: 2 } },
        { from: 'level', level: 1 },
        { from: 'arrival' },
      );
      assert.deepEqual(m, {
        topic: 'boiler-3',
        payload: { eventType: 'reading', v: 2 },
        timestamp: 42,
        eventId: 'e1',
        eventType: 'reading',
        metadata: { eventId: 'e1' },
      });
    });
  });

  describe('MQTT topics', () => {
    it('matches wildcards and shared subscriptions like a broker', () => {
      assert.ok(topicMatches('a/+/c', 'a/b/c'));
      assert.ok(!topicMatches('a/+/c', 'a/b/d'));
      assert.ok(topicMatches('a/#', 'a'));
      assert.ok(topicMatches('a/#', 'a/b/c'));
      assert.ok(topicMatches('$share/g/a/+', 'a/x'));
      assert.ok(!topicMatches('#', '$SYS/broker/uptime'));
      assert.ok(!topicMatches('a/b', 'a/b/c'));
    });

    it('explains invalid filters and publish topics', () => {
      const said = (topic: string, code: ConfigReason | undefined): string | undefined => code && reasonText(code, { topic });
      assert.equal(said('a/#/b', subscriptionProblem('a/#/b')), `"a/#/b": '#' must be a whole level and the last one`);
      assert.equal(said('a/b+', subscriptionProblem('a/b+')), `"a/b+": '+' must be a whole level`);
      assert.equal(said('$share/g', subscriptionProblem('$share/g')), '"$share/g": a shared subscription is $share/<group>/<filter>');
      assert.equal(subscriptionProblem('$share/g/a/#'), undefined);
      assert.equal(said('a/+', publishTopicProblem('a/+')), `"a/+" must not contain the wildcards '+' or '#'`);
      assert.equal(publishTopicProblem('a/b'), undefined);
    });
  });

  describe('OffsetTracker (commit after handled)', () => {
    it('commits only up to the first record still in progress', () => {
      const t = new OffsetTracker();
      for (const o of ['5', '6', '7']) t.add('t', 0, o);
      assert.equal(t.complete('t', 0, '6'), undefined, 'offset 5 still in progress');
      assert.deepEqual(t.complete('t', 0, '5'), { topic: 't', partition: 0, offset: '7', id: '0\u0000t', position: 7 });
      assert.equal(t.inFlight, 1);
      assert.deepEqual(t.complete('t', 0, '7'), { topic: 't', partition: 0, offset: '8', id: '0\u0000t', position: 8 });
      // A second partition in between does not confuse the last-partition shortcut.
      t.add('u', 0, '3');
      t.add('t', 0, '8');
      assert.equal(t.complete('u', 0, '3')?.offset, '4');
      assert.equal(t.complete('t', 0, '8')?.offset, '9');
      assert.equal(t.inFlight, 0);
    });

    it('never commits past an unhandled record, whatever the completion order (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 1000 }), fc.func(fc.integer()), (n, first, rnd) => {
          const t = new OffsetTracker();
          for (let i = 0; i < n; i++) t.add('t', 1, String(first + i));
          const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rnd(a) - rnd(b) || a - b);
          const done = new Set<number>();
          let committed = first;
          for (const i of order) {
            done.add(i);
            const p = t.complete('t', 1, String(first + i));
            let expected = 0;
            while (done.has(expected)) expected++;
            if (p) committed = Number(p.offset);
            assert.equal(committed, first + expected);
          }
          assert.equal(committed, first + n);
        }),
      );
    });

    it('a partition read again from an earlier offset completes the oldest entry of an offset first', () => {
      const t = new OffsetTracker();
      for (const o of ['5', '6', '7', '5', '6']) t.add('t', 0, o);
      assert.equal(t.complete('t', 0, '5')?.offset, '6');
      assert.equal(t.complete('t', 0, '5'), undefined, 'the second 5 is found behind 6 and 7');
      assert.equal(t.inFlight, 3);
      assert.equal(t.complete('t', 0, '6')?.offset, '7');
      assert.deepEqual([...t.inFlightEnds()], [['0\u0000t', 7]]);
    });

    it('forgets revoked partitions', () => {
      const t = new OffsetTracker();
      t.add('t', 0, '1');
      t.add('t', 1, '1');
      t.revoke('t', 0);
      assert.equal(t.inFlight, 1);
      assert.deepEqual(t.partitions(), [{ topic: 't', partition: 1 }]);
      assert.equal(t.complete('t', 0, '1'), undefined);
    });
  });

  describe('HandledTracker', () => {
    type M = { _msgid?: string };
    function fakeHooks() {
      const fns = new Map<string, (e: HookEvent) => void>();
      return {
        fns,
        add: (name: string, fn: (e: HookEvent) => void) => void fns.set(name, fn),
        remove: (name: string) => {
          for (const k of [...fns.keys()]) if (k.endsWith(name.slice(1))) fns.delete(k);
        },
        fire: (hook: string, msg: M) => fns.get(`${hook}.lbl`)?.({ msg }),
      };
    }
    // A node that rebuilt the message and kept only its id: found by the id alone.
    const rebuilt = (m: M): M => ({ _msgid: m._msgid });

    it('calls back once every delivery of the message has completed', () => {
      const h = fakeHooks();
      const t = new HandledTracker(h, 'lbl', 'p');
      let handled = 0;
      const m1: M = {};
      t.track(m1, () => handled++, 0, undefined);
      assert.ok(m1._msgid?.startsWith('p.'));
      assert.deepEqual(Object.keys(m1), ['_msgid'], 'the slot stays out of the keys');
      h.fire('preDeliver', m1);
      h.fire('preDeliver', rebuilt(m1));
      t.sent(m1);
      h.fire('onComplete', m1);
      assert.equal(handled, 0);
      h.fire('preDeliver', m1); // forwarded downstream before the second receiver is done
      h.fire('onComplete', rebuilt(m1));
      assert.equal(handled, 0);
      h.fire('onComplete', m1);
      assert.equal(handled, 1);
      assert.equal(t.size, 0);
      h.fire('onComplete', m1);
      assert.equal(handled, 1, 'late completions are ignored');
      // The slot is used again: a late completion of the earlier message does not count for the new one.
      const m2: M = {};
      t.track(m2, () => handled++, 0, undefined);
      assert.notEqual(m2._msgid, m1._msgid);
      h.fire('preDeliver', m2);
      t.sent(m2);
      h.fire('onComplete', m1);
      h.fire('onComplete', rebuilt(m1));
      assert.equal(handled, 1);
      h.fire('onComplete', m2);
      assert.equal(handled, 2);
    });

    it('a message delivered nowhere is handled at once; other messages are ignored; dispose removes the hooks', () => {
      const h = fakeHooks();
      const t = new HandledTracker(h, 'lbl', 'p');
      let handled = 0;
      const m: M = {};
      t.track(m, () => handled++, 0, undefined);
      const others = ['other', 'p.', 'p.99999999999999999', 'p.a', 'p.-1', 'p.0', 'p.0-', 'p.0-a', 'p.0+0', 'q.0-0', `${m._msgid}0`, `0${m._msgid}`];
      for (const other of others) h.fire('preDeliver', { _msgid: other });
      h.fire('preDeliver', {});
      t.sent(m);
      assert.equal(handled, 1);
      t.dispose();
      assert.equal(h.fns.size, 0);
    });

    it('finds a message by its id alone however often its slot was used before', () => {
      const h = fakeHooks();
      const t = new HandledTracker(h, 'lbl', 'p');
      let handled = 0;
      const ids = new Set<string>();
      for (let i = 0; i < 300; i++) {
        const m: M = {};
        t.track(m, () => handled++, 0, undefined);
        ids.add(m._msgid!);
        h.fire('preDeliver', rebuilt(m));
        t.sent(m);
        assert.equal(handled, i, 'delivered, not yet completed');
        h.fire('onComplete', rebuilt(m));
        assert.equal(handled, i + 1);
      }
      assert.equal(ids.size, 300, 'every id unique, though one slot served them all');
    });

    it("two trackers (two readers) count only their own messages, though both see every message's slot", () => {
      const fns = new Map<string, (e: HookEvent) => void>();
      const hooks = { add: (name: string, fn: (e: HookEvent) => void) => void fns.set(name, fn), remove: () => undefined };
      const fire = (hook: string, msg: M) => {
        for (const [name, fn] of fns) if (name.startsWith(`${hook}.`)) fn({ msg });
      };
      const a = new HandledTracker(hooks, 'a', 'pa');
      const b = new HandledTracker(hooks, 'b', 'pb');
      const got: string[] = [];
      const ma: M = {};
      const mb: M = {};
      a.track(ma, () => got.push('a'), 0, undefined);
      b.track(mb, () => got.push('b'), 0, undefined);
      fire('preDeliver', ma);
      fire('preDeliver', mb);
      a.sent(ma);
      b.sent(mb);
      fire('onComplete', ma);
      assert.deepEqual(got, ['a']);
      assert.equal(b.size, 1, "a's completion, in the same slot, is not b's");
      fire('onComplete', mb);
      assert.deepEqual(got, ['a', 'b']);
    });

    it('expires what is older than the limit, not what is younger, and grows past its first slots', () => {
      const h = fakeHooks();
      const t = new HandledTracker(h, 'lbl', 'p');
      const got: number[] = [];
      const msgs = Array.from({ length: 200 }, (_, i) => {
        const m: M = {};
        t.track(m, (n: number) => got.push(n), i, i);
        return m;
      });
      for (const m of msgs) {
        h.fire('preDeliver', m);
        t.sent(m);
      }
      assert.equal(t.size, 200);
      assert.equal(t.expire(150), 150);
      assert.deepEqual(
        got.sort((a, b) => a - b),
        Array.from({ length: 150 }, (_, i) => i),
      );
      h.fire('onComplete', msgs[3]);
      assert.equal(got.length, 150, 'an expired message completing later is not counted again');
      h.fire('onComplete', rebuilt(msgs[199]));
      assert.equal(got.length, 151);
      assert.equal(t.size, 49);
    });

    // The trackers together, as stream-kafka-in drives them, against a model of the rule written
    // as plainly as possible: a record's message is handled once it was sent and its completions
    // caught up with its deliveries (or it expired); a partition's position is the offset after
    // the longest run of handled records from its oldest one. Offsets with gaps, completion in
    // any order, deliveries forwarded downstream, late completions, expiry, revokes and
    // a partition read again from an earlier offset.
    it('commit positions follow the plain rule, whatever the order of events (property)', () => {
      type Op =
        | { k: 'add'; part: number; gap: number; receivers: number }
        | { k: 'complete'; pick: number; byId: boolean }
        | { k: 'forward'; pick: number; byId: boolean }
        | { k: 'late'; pick: number }
        | { k: 'expire'; dt: number }
        | { k: 'revoke'; part: number }
        | { k: 'rewind'; part: number; back: number };
      const op: fc.Arbitrary<Op> = fc.oneof(
        {
          weight: 4,
          arbitrary: fc.record({
            k: fc.constant('add' as const),
            part: fc.integer({ min: 0, max: 2 }),
            gap: fc.integer({ min: 1, max: 3 }),
            receivers: fc.integer({ min: 0, max: 2 }),
          }),
        },
        { weight: 5, arbitrary: fc.record({ k: fc.constant('complete' as const), pick: fc.nat(), byId: fc.boolean() }) },
        { weight: 1, arbitrary: fc.record({ k: fc.constant('forward' as const), pick: fc.nat(), byId: fc.boolean() }) },
        { weight: 1, arbitrary: fc.record({ k: fc.constant('late' as const), pick: fc.nat() }) },
        { weight: 1, arbitrary: fc.record({ k: fc.constant('expire' as const), dt: fc.integer({ min: 0, max: 40 }) }) },
        { weight: 1, arbitrary: fc.record({ k: fc.constant('revoke' as const), part: fc.integer({ min: 0, max: 2 }) }) },
        // A rebalance kept the partition and it is read again from an earlier offset: offsets come twice.
        { weight: 1, arbitrary: fc.record({ k: fc.constant('rewind' as const), part: fc.integer({ min: 0, max: 2 }), back: fc.integer({ min: 1, max: 6 }) }) },
      );
      fc.assert(
        fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
          const TIMEOUT = 50;
          const h = fakeHooks();
          const handled = new HandledTracker(h, 'lbl', 'p');
          const offsets = new OffsetTracker();
          const committed = new Map<number, number>();
          const onHandled = (r: { part: number; offset: string }) => {
            const p = offsets.complete('t', r.part, r.offset);
            if (p) committed.set(r.part, p.position!);
          };
          // The model: every message ever sent, and per partition the records it holds now.
          const msgs: { msg: M; part: number; offset: number; owed: number; since: number; done: boolean }[] = [];
          const held = new Map<number, { offset: number; done: boolean }[]>();
          const modelCommitted = new Map<number, number>();
          const next = [0, 0, 0];
          let now = 0;
          const modelHandled = (m: (typeof msgs)[number]) => {
            m.done = true;
            const list = held.get(m.part);
            const rec = list?.find((r) => r.offset === m.offset && !r.done);
            if (!list || !rec) return;
            rec.done = true;
            let moved: number | undefined;
            while (list.length && list[0].done) moved = list.shift()!.offset + 1;
            if (moved !== undefined) modelCommitted.set(m.part, moved);
          };
          const open = () => msgs.filter((m) => !m.done);
          for (const o of ops) {
            if (o.k === 'add') {
              const offset = (next[o.part] += o.gap);
              offsets.add('t', o.part, String(offset));
              const msg: M = {};
              handled.track(msg, onHandled, now, { part: o.part, offset: String(offset) });
              const m = { msg, part: o.part, offset, owed: o.receivers, since: now, done: false };
              msgs.push(m);
              if (!held.has(o.part)) held.set(o.part, []);
              held.get(o.part)!.push({ offset, done: false });
              for (let i = 0; i < o.receivers; i++) h.fire('preDeliver', msg);
              handled.sent(msg);
              if (o.receivers === 0) modelHandled(m);
            } else if (o.k === 'complete' || o.k === 'forward') {
              const live = open();
              if (!live.length) continue;
              const m = live[o.pick % live.length];
              if (o.k === 'forward') {
                m.owed++;
                h.fire('preDeliver', o.byId ? rebuilt(m.msg) : m.msg);
              } else {
                m.owed--;
                h.fire('onComplete', o.byId ? rebuilt(m.msg) : m.msg);
                if (m.owed <= 0) modelHandled(m);
              }
            } else if (o.k === 'late') {
              const gone = msgs.filter((m) => m.done);
              if (gone.length) h.fire('onComplete', gone[o.pick % gone.length].msg);
            } else if (o.k === 'expire') {
              now += o.dt;
              handled.expire(now - TIMEOUT);
              for (const m of open()) if (m.since < now - TIMEOUT) modelHandled(m);
            } else if (o.k === 'rewind') {
              next[o.part] = Math.max(0, next[o.part] - o.back);
            } else {
              offsets.revoke('t', o.part);
              held.delete(o.part);
            }
            assert.deepEqual([...committed].sort(), [...modelCommitted].sort());
            assert.equal(handled.size, open().length);
            assert.equal(
              offsets.inFlight,
              [...held.values()].reduce((n, l) => n + l.filter((r) => !r.done).length, 0),
            );
          }
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('Kafka error classification', () => {
    it('retries connection trouble, never refused credentials', () => {
      assert.ok(isRetriable({ name: 'KafkaJSConnectionError', message: 'ECONNREFUSED' }));
      assert.ok(isRetriable({ name: 'KafkaJSNumberOfRetriesExceeded', originalError: { name: 'KafkaJSConnectionError' } }));
      assert.ok(isRetriable({ name: 'KafkaJSProtocolError', retriable: true, type: 'LEADER_NOT_AVAILABLE' }));
      assert.ok(!isRetriable({ name: 'KafkaJSSASLAuthenticationError', message: 'SASL PLAIN authentication failed' }));
      assert.ok(!isRetriable({ name: 'KafkaJSProtocolError', retriable: false, type: 'MESSAGE_TOO_LARGE' }));
      assert.ok(isAuthError({ name: 'KafkaJSProtocolError', type: 'TOPIC_AUTHORIZATION_FAILED' }));
      assert.ok(isAuthError({ name: 'KafkaJSNumberOfRetriesExceeded', originalError: { name: 'KafkaJSSASLAuthenticationError' } }));
      assert.ok(!isAuthError({ name: 'KafkaJSConnectionError' }));
    });
  });

  describe('config parsing names the field and what is allowed', () => {
    function field(fn: () => unknown): string {
      try {
        fn();
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        assert.ok(err.message.startsWith(`${err.field}: `));
        return err.message;
      }
      assert.fail('no ConfigError');
    }

    it('MQTT broker, in and out', () => {
      assert.match(
        field(() => parseMqttBrokerConfig(cfg({ url: 'localhost:1883' }))),
        /^url: .*mqtt:\/\/host:1883/,
      );
      assert.match(
        field(() => parseMqttBrokerConfig(cfg({ url: 'mqtt://h', protocolVersion: '3' }))),
        /^protocolVersion:/,
      );
      const b = parseMqttBrokerConfig(cfg({ url: 'mqtts://h:8883', protocolVersion: '5', cleanSession: false, sessionExpiry: '3600' }), {
        user: 'u',
        password: 'p',
      });
      assert.deepEqual([b.protocolVersion, b.clean, b.sessionExpiry, b.username, b.keepalive], [5, false, 3600, 'u', 60]);
      assert.match(
        field(() => parseMqttInConfig(cfg({ topic: 'a/#/b' }))),
        /^topic: "a\/#\/b": '#' must be/,
      );
      assert.match(
        field(() => parseMqttInConfig(cfg({ topic: 'a', qos: '3' }))),
        /^qos: must be 0, 1 or 2/,
      );
      assert.match(
        field(() => parseMqttInConfig(cfg({ topic: 'a', keyFrom: 'level', keyLevel: 'x' }))),
        /^keyLevel:/,
      );
      assert.deepEqual(parseMqttInConfig(cfg({ topic: 'a/+, $share/g/b/#', keyFrom: 'field', keyField: 'msg.payload.id' })).key, { from: 'field', path: 'id' });
      assert.match(
        field(() => parseMqttOutConfig(cfg({ topic: 'a/+' }))),
        /^topic:/,
      );
      assert.match(
        field(() => parseMqttOutConfig(cfg({ queueSize: '-1' }))),
        /^queueSize:/,
      );
      assert.equal(parseMqttOutConfig(cfg({ qos: 'msg' })).qos, undefined);
    });

    it('Kafka broker, in and out', () => {
      assert.match(
        field(() => parseKafkaBrokerConfig(cfg({ brokers: '' }))),
        /^brokers:/,
      );
      assert.match(
        field(() => parseKafkaBrokerConfig(cfg({ brokers: 'h:9092', saslMechanism: 'scram-sha-256' }))),
        /^user: SASL scram-sha-256 needs a username/,
      );
      assert.match(
        field(() => parseKafkaBrokerConfig(cfg({ brokers: 'h:9092', saslMechanism: 'kerberos' }))),
        /^saslMechanism:/,
      );
      const kb = parseKafkaBrokerConfig(cfg({ brokers: 'a:1, b:2', saslMechanism: 'plain' }), { user: 'u', password: 'p' });
      assert.deepEqual([kb.brokers, kb.sasl], [['a:1', 'b:2'], { mechanism: 'plain', username: 'u', password: 'p' }]);
      assert.match(
        field(() => parseKafkaInConfig(cfg({ topics: 'readings' }))),
        /^groupId:/,
      );
      assert.match(
        field(() => parseKafkaInConfig(cfg({ topics: 'bad topic!', groupId: 'g' }))),
        /^topics:/,
      );
      assert.match(
        field(() => parseKafkaInConfig(cfg({ topics: '[', topicIsRegex: true, groupId: 'g' }))),
        /^topics: "\[" is not a regular expression/,
      );
      assert.match(
        field(() => parseKafkaInConfig(cfg({ topics: 't', groupId: 'g', heartbeatInterval: 5000, sessionTimeout: 3000 }))),
        /^heartbeatInterval:/,
      );
      assert.ok(parseKafkaInConfig(cfg({ topics: '^sensor-.*', topicIsRegex: 'true', groupId: 'g' })).topics[0] instanceof RegExp);
      // No limit at all would let a backlog flood the flow and cost the group membership.
      assert.match(
        field(() => parseKafkaInConfig(cfg({ topics: 't', groupId: 'g', maxInFlight: 0 }))),
        /^maxInFlight: must be .* between 1 and 10000000, got 0 \(0, no limit, is no longer allowed/,
      );
      assert.equal(parseKafkaInConfig(cfg({ topics: 't', groupId: 'g' })).maxInFlight, 1000);
      assert.match(
        field(() => parseKafkaOutConfig(cfg({ idempotent: true, acks: 'leader' }))),
        /^acks: an idempotent producer needs acks "all"/,
      );
      assert.match(
        field(() => parseKafkaOutConfig(cfg({ compression: 'zstd' }))),
        /^compression:/,
      );
      assert.equal(parseKafkaOutConfig(cfg({ acks: 'none' })).acks, 0);
    });
  });
});
