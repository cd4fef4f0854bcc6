import { strict as assert } from 'assert';
import fc from 'fast-check';
import { JoinInput, JoinOperator, JoinOperatorOptions } from '../../src/core/join/join-operator';
import { JoinResult, JoinSide, JoinType } from '../../src/core/join/join-types';
import { ConfigError } from '../../src/core/errors';

const MIN = 60_000;
type V = string;

function joiner(options: Omit<JoinOperatorOptions<V>, 'onJoin'>) {
  const out: JoinResult<V>[] = [];
  const op = new JoinOperator<V>({ ...options, onJoin: (r) => out.push(r) });
  const send = (side: JoinSide, key: string, time: number, value: V, now = 0) => op.process({ side, key, time, value }, now);
  /** Sends generated events in the order given. */
  const feed = (events: readonly Ev[]) => {
    for (const e of events) send(e.side, e.key, e.time, e.value);
  };
  return { op, out, send, feed };
}

/** A result as comparable text: key, left value@time, right value@time, window. */
const show = (r: JoinResult<V>) =>
  `${r.key}|${r.left ? `${r.left.value}@${r.left.time}` : '-'}|${r.right ? `${r.right.value}@${r.right.time}` : '-'}${r.window ? `|${r.window.start}-${r.window.end}` : ''}${r.late ? '|late' : ''}`;

describe('join: interval join', () => {
  it('pairs a door-open event with the temperature readings of the same room within the next 5 minutes (bounds inclusive)', () => {
    const { op, out, send } = joiner({ join: { mode: 'interval', lower: 0, upper: 5 * MIN } });
    send('right', 'kitchen', -1 * MIN, 't-1');
    send('left', 'kitchen', 0, 'door');
    send('right', 'hall', 1 * MIN, 'hall-1');
    send('right', 'kitchen', 1 * MIN, 't1');
    send('right', 'kitchen', 5 * MIN, 't5');
    send('right', 'kitchen', 5 * MIN + 1, 't5+');
    op.flush(0);
    assert.deepEqual(out.map(show), ['kitchen|door@0|t1@60000', 'kitchen|door@0|t5@300000']);
  });

  it('emits a pair as soon as its second event arrives, whichever side comes first', () => {
    const { out, send } = joiner({ join: { mode: 'interval', lower: -MIN, upper: MIN }, maxOutOfOrder: 10 * MIN });
    send('right', 'k', 30_000, 'r');
    assert.equal(out.length, 0);
    send('left', 'k', 0, 'l');
    assert.deepEqual(out.map(show), ['k|l@0|r@30000']);
  });

  it('left join: an unmatched left event leaves once the watermark passes its interval, not before', () => {
    const { out, send } = joiner({ join: { mode: 'interval', lower: 0, upper: 5 * MIN }, joinType: 'left' });
    send('left', 'kitchen', 0, 'door');
    send('right', 'kitchen', 5 * MIN, 'other-room-clock');
    assert.deepEqual(out.map(show), ['kitchen|door@0|other-room-clock@300000']);
    send('left', 'hall', 5 * MIN, 'door2');
    send('right', 'hall', 10 * MIN, 'x');
    assert.equal(out.length, 2, 'watermark = 10 min is not yet beyond 5 min + 5 min');
    send('right', 'hall', 10 * MIN + 1, 'y');
    assert.deepEqual(out.slice(1).map(show), ['hall|door2@300000|x@600000']);
    send('left', 'cellar', 10 * MIN + 2, 'door3');
    send('right', 'hall', 15 * MIN + 3, 'z');
    assert.deepEqual(out.slice(2).map(show), ['cellar|door3@600002|-']);
  });

  it('right and full joins emit the unmatched events of their side', () => {
    for (const [joinType, expected] of [
      ['right', ['k|-|r@100000']],
      ['full', ['k|l@0|-', 'k|-|r@100000']],
      ['inner', []],
    ] as [JoinType, string[]][]) {
      const { op, out, send } = joiner({ join: { mode: 'interval', lower: 0, upper: 10_000 }, joinType });
      send('left', 'k', 0, 'l');
      send('right', 'k', 100_000, 'r');
      op.flush(0);
      assert.deepEqual(out.map(show), expected, joinType);
    }
  });

  it('drops and counts late events; allowed lateness keeps state long enough for them to join', () => {
    const strict = joiner({ join: { mode: 'interval', lower: 0, upper: MIN } });
    strict.send('left', 'k', 0, 'l');
    strict.send('left', 'k', 2 * MIN, 'l2');
    strict.send('right', 'k', 30_000, 'r');
    assert.deepEqual(strict.out, []);
    assert.equal(strict.op.stats().late, 1);
    const lenient = joiner({ join: { mode: 'interval', lower: 0, upper: MIN }, allowedLateness: 2 * MIN });
    lenient.send('left', 'k', 0, 'l');
    lenient.send('left', 'k', 2 * MIN, 'l2');
    lenient.send('right', 'k', 30_000, 'r');
    assert.deepEqual(lenient.out.map(show), ['k|l@0|r@30000']);
    assert.equal(lenient.op.stats().late, 0);
  });

  it('bounds state: new keys beyond maxKeys and events beyond maxEventsPerWindow per key and side are dropped and counted', () => {
    const { op, send } = joiner({ join: { mode: 'interval', lower: 0, upper: MIN }, maxKeys: 2, maxEventsPerWindow: 2 });
    send('left', 'a', 0, 'x');
    send('left', 'b', 0, 'x');
    send('left', 'c', 0, 'x');
    send('left', 'a', 0, 'x');
    send('left', 'a', 0, 'x');
    send('right', 'a', 0, 'x');
    assert.deepEqual(op.stats(), { keys: 2, openWindows: 4, watermark: 0, maxEventTime: 0, late: 0, dropped: 2, ahead: 0 });
  });

  it('idle timeout: with no input, what is kept is flushed (outer events leave) and the key is forgotten', () => {
    const { op, out, send } = joiner({ join: { mode: 'interval', lower: 0, upper: MIN }, joinType: 'left', idleTimeout: 30_000 });
    send('left', 'k', 0, 'l', 1000);
    assert.equal(op.nextWakeup(), 31_000);
    op.advance(20_000);
    assert.equal(out.length, 0);
    op.advance(31_000);
    assert.deepEqual(out.map(show), ['k|l@0|-']);
    assert.equal(op.stats().keys, 0);
    assert.equal(op.nextWakeup(), undefined);
  });

  it('processing time: events get their arrival time and state expires on the clock', () => {
    const { op, out, send } = joiner({ join: { mode: 'interval', lower: 0, upper: 1000 }, joinType: 'left', timeMode: 'processing' });
    send('left', 'k', 123456789, 'l', 5000);
    send('right', 'k', 0, 'r', 5500);
    assert.deepEqual(out.map(show), ['k|l@5000|r@5500']);
    send('left', 'k', 0, 'l2', 7000);
    assert.equal(op.nextWakeup(), 8001);
    op.advance(8001);
    assert.deepEqual(out.slice(1).map(show), ['k|l2@7000|-']);
  });

  it('rejects bad options with the field and what is allowed', () => {
    const make = (o: object) => () => new JoinOperator<V>({ onJoin: () => undefined, ...o } as unknown as JoinOperatorOptions<V>);
    assert.throws(make({ join: { mode: 'interval', lower: 10, upper: 0 } }), (e: ConfigError) => e.field === 'upper');
    assert.throws(make({ join: { mode: 'sideways' } }), (e: ConfigError) => e.field === 'joinMode');
    assert.throws(make({ join: { mode: 'window', size: 1000, slide: 2000 } }), (e: ConfigError) => e.field === 'slide');
    assert.throws(make({ join: { mode: 'interval', lower: 0, upper: 1 }, joinType: 'outer' }), /joinType: must be one of "inner", "left", "right", "full"/);
    assert.throws(make({ join: { mode: 'interval', lower: 0, upper: 1 }, maxKeys: 0 }), (e: ConfigError) => e.field === 'maxKeys');
    const { op } = joiner({ join: { mode: 'interval', lower: 0, upper: 1 } });
    assert.throws(() => op.process({ side: 'middle', key: 'k', time: 0, value: '' } as unknown as JoinInput<V>, 0), /side/);
    assert.throws(() => op.process({ side: 'left', key: 'k', time: NaN, value: '' }, 0), /time/);
  });
});

describe('join: window join', () => {
  it('tumbling: pairs of the same key and window leave when the window closes, in event-time order', () => {
    const { op, out, send } = joiner({ join: { mode: 'window', size: MIN } });
    send('right', 'k', 10_000, 'r1');
    send('left', 'k', 20_000, 'l1');
    send('left', 'k', 5_000, 'l0');
    send('right', 'k', 59_999, 'r2');
    send('right', 'other', 30_000, 'o');
    assert.equal(out.length, 0, 'nothing before the window closes');
    send('left', 'k', MIN, 'next-window');
    assert.deepEqual(out.map(show), ['k|l0@5000|r1@10000|0-60000', 'k|l0@5000|r2@59999|0-60000', 'k|l1@20000|r1@10000|0-60000', 'k|l1@20000|r2@59999|0-60000']);
    op.flush(0);
    assert.equal(out.length, 4, 'the window without right events gives nothing in an inner join');
  });

  it('hopping: a pair is emitted for every window holding both events', () => {
    const { op, out, send } = joiner({ join: { mode: 'window', size: 2 * MIN, slide: MIN } });
    send('left', 'k', 70_000, 'l');
    send('right', 'k', 100_000, 'r');
    op.flush(0);
    assert.deepEqual(out.map(show), ['k|l@70000|r@100000|0-120000', 'k|l@70000|r@100000|60000-180000']);
  });

  it('left join: per window, the left events that met nobody in it', () => {
    const { out, send } = joiner({ join: { mode: 'window', size: MIN }, joinType: 'left' });
    send('left', 'k', 1000, 'l1');
    send('right', 'k', 2000, 'r1');
    send('left', 'k', 61_000, 'l2');
    send('left', 'k', 130_000, 'l3');
    assert.deepEqual(out.map(show), ['k|l1@1000|r1@2000|0-60000', 'k|l2@61000|-|60000-120000']);
  });

  it('allowed lateness: an event after its window fired pairs at once with what the window holds (late)', () => {
    const { op, out, send } = joiner({ join: { mode: 'window', size: MIN }, allowedLateness: MIN, joinType: 'right' });
    send('left', 'k', 1000, 'l1');
    send('left', 'k', 70_000, 'l2');
    send('right', 'k', 2000, 'r-late');
    send('right', 'k', 2500, 'r-late2');
    assert.deepEqual(out.map(show), ['k|l1@1000|r-late@2000|0-60000|late', 'k|l1@1000|r-late2@2500|0-60000|late']);
    send('left', 'k', 121_000, 'l3');
    send('right', 'k', 3000, 'too-late');
    assert.equal(op.stats().late, 1);
  });

  it('maxEventsPerWindow counts both sides of a window', () => {
    const { op, send } = joiner({ join: { mode: 'window', size: MIN }, maxEventsPerWindow: 3 });
    for (let i = 0; i < 5; i++) send(i % 2 ? 'left' : 'right', 'k', i, 'x');
    assert.equal(op.stats().dropped, 2);
  });
});

// ---- properties ------------------------------------------------------------------------------

interface Ev {
  side: JoinSide;
  key: string;
  time: number;
  value: string;
  delay: number;
}

const BOUND = 5000;
const evArb = fc.record({
  side: fc.constantFrom<JoinSide>('left', 'right'),
  key: fc.constantFrom('a', 'b', 'c'),
  time: fc.integer({ min: 0, max: 60_000 }),
  delay: fc.integer({ min: 0, max: BOUND }),
});
const streamArb = fc.array(evArb, { maxLength: 60 }).map((list) => list.map((e, i) => ({ ...e, value: `v${i}` }) as Ev));
const specArb = fc.oneof(
  fc
    .record({ mode: fc.constant('interval' as const), lower: fc.integer({ min: -8000, max: 2000 }), width: fc.integer({ min: 0, max: 8000 }) })
    .map((s) => ({ mode: s.mode, lower: s.lower, upper: s.lower + s.width })),
  fc.record({ mode: fc.constant('window' as const), size: fc.constantFrom(4000, 10_000), slide: fc.constantFrom(2000, 4000) }),
);
const typeArb = fc.constantFrom<JoinType>('inner', 'left', 'right', 'full');

/** Arrival order where no event is behind the watermark: sorted by time + delay (delay ≤ BOUND). */
const arrival = (events: Ev[]) => [...events].sort((a, b) => a.time + a.delay - (b.time + b.delay));
const sorted = (events: Ev[]) => [...events].sort((a, b) => a.time - b.time);

function runAll(options: Omit<JoinOperatorOptions<V>, 'onJoin'>, events: Ev[]): string[] {
  const { op, out, feed } = joiner(options);
  feed(events);
  op.flush(0);
  return out.map(show).sort();
}

/** Results as text grouped by key, each key's in the order they came. */
function byKey(results: JoinResult<V>[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of results) (out[String(r.key)] ??= []).push(show(r));
  return out;
}

/** The join computed by nested loops over all events (no watermark, no state limits). */
function bruteForce(spec: { mode: 'interval'; lower: number; upper: number }, type: JoinType, events: Ev[]): string[] {
  const out: string[] = [];
  const lefts = events.filter((e) => e.side === 'left');
  const rights = events.filter((e) => e.side === 'right');
  const hit = (l: Ev, r: Ev) => l.key === r.key && r.time - l.time >= spec.lower && r.time - l.time <= spec.upper;
  for (const l of lefts) for (const r of rights) if (hit(l, r)) out.push(`${l.key}|${l.value}@${l.time}|${r.value}@${r.time}`);
  if (type === 'left' || type === 'full') for (const l of lefts) if (!rights.some((r) => hit(l, r))) out.push(`${l.key}|${l.value}@${l.time}|-`);
  if (type === 'right' || type === 'full') for (const r of rights) if (!lefts.some((l) => hit(l, r))) out.push(`${r.key}|-|${r.value}@${r.time}`);
  return out.sort();
}

describe('join: properties', () => {
  it('shuffled input within maxOutOfOrder gives the same results as sorted input (interval and window joins, every join type)', () => {
    fc.assert(
      fc.property(streamArb, specArb, typeArb, (events, join, joinType) => {
        const options = { join, joinType, maxOutOfOrder: BOUND };
        assert.deepEqual(runAll(options, arrival(events)), runAll(options, sorted(events)));
      }),
      { numRuns: 300 },
    );
  });

  it('the interval join equals the nested-loop join of all events', () => {
    fc.assert(
      fc.property(streamArb, typeArb, fc.integer({ min: -8000, max: 2000 }), fc.integer({ min: 0, max: 8000 }), (events, joinType, lower, width) => {
        const spec = { mode: 'interval' as const, lower, upper: lower + width };
        assert.deepEqual(runAll({ join: spec, joinType, maxOutOfOrder: BOUND }, arrival(events)), bruteForce(spec, joinType, events));
      }),
      { numRuns: 300 },
    );
  });

  it('snapshot → restore at any point gives the same output as an uninterrupted run', () => {
    fc.assert(
      fc.property(streamArb, specArb, typeArb, fc.nat(), (events, join, joinType, cutAt) => {
        const options = { join, joinType, maxOutOfOrder: BOUND, allowedLateness: 1000 };
        const input = arrival(events);
        const cut = input.length ? cutAt % (input.length + 1) : 0;
        const whole = joiner(options);
        whole.feed(input);
        whole.op.flush(0);
        const first = joiner(options);
        first.feed(input.slice(0, cut));
        const snap = JSON.parse(JSON.stringify(first.op.snapshot()));
        const second = joiner(options);
        second.op.restore(snap);
        second.feed(input.slice(cut));
        second.op.flush(0);
        // Each key's results in the same order; keys due at one watermark step may take turns
        // differently once the timers are rebuilt from a snapshot, as in any keyed operator.
        assert.deepEqual(byKey([...first.out, ...second.out]), byKey(whole.out));
        assert.deepEqual(second.op.stats(), whole.op.stats());
      }),
      { numRuns: 200 },
    );
  });

  it('a snapshot does not restore into a join with other settings', () => {
    const a = joiner({ join: { mode: 'interval', lower: 0, upper: 1000 } });
    const b = joiner({ join: { mode: 'interval', lower: 0, upper: 2000 } });
    assert.throws(
      () => b.op.restore(a.op.snapshot()),
      (e: ConfigError) => e.field === 'snapshot' && /upper/.test(e.message),
    );
    assert.throws(() => b.op.restore({ format: 'other' }), /expected the state of a join, got undefined/);
  });
});

describe("join: the state of some keys (a partition's keys move to another reader)", () => {
  it('moving some keys to a second join at any point gives the same results as one join that read everything', () => {
    fc.assert(
      fc.property(
        streamArb,
        specArb,
        typeArb,
        fc.nat(),
        fc.constantFrom<string[]>(['a'], ['b', 'c'], ['a', 'c', 'gone']),
        (events, join, joinType, cutAt, keys) => {
          // In time order: each join's watermark then makes nothing late that the other would take.
          const options = { join, joinType, allowedLateness: 1000 };
          const input = sorted(events);
          const cut = input.length ? cutAt % (input.length + 1) : 0;
          const whole = joiner(options);
          whole.feed(input);
          whole.op.flush(0);
          const a = joiner(options);
          a.feed(input.slice(0, cut));
          const saved = JSON.parse(JSON.stringify(a.op.snapshotKeys(keys)));
          const held = keys.filter((k) => a.op.hasKey(k));
          a.op.dropKeys(keys);
          for (const k of keys) assert.equal(a.op.hasKey(k), false);
          const b = joiner(options);
          assert.deepEqual(b.op.restoreKeys(saved), held);
          for (const e of input.slice(cut)) (keys.includes(e.key) ? b : a).send(e.side, e.key, e.time, e.value);
          a.op.flush(0);
          b.op.flush(0);
          assert.deepEqual([...a.out, ...b.out].map(show).sort(), whole.out.map(show).sort());
        },
      ),
      { numRuns: 300 },
    );
  });

  it("restoring keys replaces the local state of the same keys, all or nothing, and refuses another join's keys", () => {
    const a = joiner({ join: { mode: 'interval', lower: 0, upper: 1000 } });
    a.send('left', 'k', 100, 'from-a');
    const b = joiner({ join: { mode: 'interval', lower: 0, upper: 1000 } });
    b.send('left', 'k', 100, 'local');
    b.send('left', 'other', 100, 'stays');
    const saved = JSON.parse(JSON.stringify(a.op.snapshotKeys(['k'])));
    const broken = JSON.parse(JSON.stringify(saved));
    broken.keys[0].left[0].time = 'soon';
    assert.throws(
      () => b.op.restoreKeys(broken),
      (e: ConfigError) => e.field === 'snapshot' && /time/.test(e.message),
    );
    b.send('right', 'k', 200, 'r1');
    assert.deepEqual(b.out.map(show), ['k|local@100|r1@200'], 'a refused restore leaves the key as it was');
    assert.deepEqual(b.op.restoreKeys(saved), ['k']);
    b.send('right', 'k', 300, 'r2');
    b.send('right', 'other', 300, 'r3');
    assert.deepEqual(b.out.map(show).slice(1), ['k|from-a@100|r2@300', 'other|stays@100|r3@300']);
    const c = joiner({ join: { mode: 'interval', lower: 0, upper: 2000 } });
    assert.throws(
      () => c.op.restoreKeys(saved),
      (e: ConfigError) => e.field === 'snapshot' && /upper/.test(e.message),
    );
    assert.throws(() => c.op.restoreKeys(a.op.snapshot()), /expected the state of keys of a join, got string "join"/);
  });
});
