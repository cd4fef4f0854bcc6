import { strict as assert } from 'assert';
import fc from 'fast-check';
import { ConfigError } from '../../src/core/errors';
import { SequenceStep, parseTimes } from '../../src/core/sequence/pattern';
import { SequenceOperator, SequenceOperatorOptions, SequenceResult } from '../../src/core/sequence/sequence-operator';

// Events are { topic, payload } records; a step's rule reads payload.type (or payload.level).
type Rec = { topic: string; payload: { type: string; id?: string } };
const MIN = 60_000;

/** A step that matches payload.type === type. */
const is = (name: string, type: string, extra: Partial<SequenceStep> = {}): SequenceStep => ({
  name,
  rules: [{ property: 'payload.type', op: 'eq', value: type }],
  ...extra,
});

function matcher(options: Omit<SequenceOperatorOptions<Rec>, 'onMatch'>, withTimeouts = true) {
  const matches: SequenceResult<Rec>[] = [];
  const timeouts: SequenceResult<Rec>[] = [];
  const op = new SequenceOperator<Rec>({ ...options, onMatch: (m) => matches.push(m), onTimeout: withTimeouts ? (m) => timeouts.push(m) : undefined });
  /** Sends events named like "a", "b1" (type = the letters), one time unit apart unless times are given. */
  const feed = (ids: string[], key = 'k', times?: number[], now = 0) =>
    ids.forEach((id, i) => op.process({ key, time: times ? times[i] : i * 1000, value: { topic: key, payload: { type: id.replace(/\d+$/, ''), id } } }, now));
  return { op, matches, timeouts, feed };
}

/** A match as Flink's documentation writes it: "{a b1 c}". */
const flink = (m: SequenceResult<Rec>) => `{${m.steps.flatMap((s) => s.events.map((e) => e.value.payload.id)).join(' ')}}`;

describe('sequence: Flink CEP documented examples', () => {
  it('pattern "a b" on a, c, b1, b2: strict contiguity finds nothing, relaxed {a b1}', () => {
    const strict = matcher({ steps: [is('a', 'a'), is('b', 'b')], contiguity: 'strict' });
    strict.feed(['a', 'c', 'b1', 'b2']);
    assert.deepEqual(strict.matches.map(flink), []);
    const relaxed = matcher({ steps: [is('a', 'a'), is('b', 'b')], contiguity: 'relaxed' });
    relaxed.feed(['a', 'c', 'b1', 'b2']);
    assert.deepEqual(relaxed.matches.map(flink), ['{a b1}']);
  });

  it('pattern "a+ b" on a1, c, a2, b: strict {a2 b} (c breaks the run of a1); relaxed takes both a', () => {
    const strict = matcher({ steps: [is('a', 'a', { times: '+' }), is('b', 'b')], contiguity: 'strict' });
    strict.feed(['a1', 'c', 'a2', 'b']);
    assert.deepEqual(strict.matches.map(flink), ['{a2 b}']);
    const relaxed = matcher({ steps: [is('a', 'a', { times: '+' }), is('b', 'b')], skip: 'no-skip' });
    relaxed.feed(['a1', 'c', 'a2', 'b']);
    // A repeating step takes every fitting event (Flink also lists {a1 b}: it may leave a loop early).
    assert.deepEqual(relaxed.matches.map(flink), ['{a1 a2 b}', '{a2 b}']);
  });

  it('pattern "a b+ c" on a, b1, d1, b2, d2, b3, c: strict finds nothing, relaxed {a b1 b2 b3 c}', () => {
    const steps = [is('a', 'a'), is('b', 'b', { times: '+' }), is('c', 'c')];
    const strict = matcher({ steps, contiguity: 'strict' });
    strict.feed(['a', 'b1', 'd1', 'b2', 'd2', 'b3', 'c']);
    assert.deepEqual(strict.matches.map(flink), []);
    const relaxed = matcher({ steps });
    relaxed.feed(['a', 'b1', 'd1', 'b2', 'd2', 'b3', 'c']);
    assert.deepEqual(relaxed.matches.map(flink), ['{a b1 b2 b3 c}']);
  });

  it('after-match skip strategies on pattern "b+ c" and b1, b2, b3, c', () => {
    const run = (skip: 'no-skip' | 'to-next' | 'past-last-event') => {
      const m = matcher({ steps: [is('b', 'b', { times: '+' }), is('c', 'c')], skip });
      m.feed(['b1', 'b2', 'b3', 'c']);
      return m.matches.map(flink);
    };
    assert.deepEqual(run('no-skip'), ['{b1 b2 b3 c}', '{b2 b3 c}', '{b3 c}']);
    assert.deepEqual(run('to-next'), ['{b1 b2 b3 c}', '{b2 b3 c}', '{b3 c}']);
    assert.deepEqual(run('past-last-event'), ['{b1 b2 b3 c}']);
  });

  it("to-next drops only the partial matches that began with the match's first event", () => {
    const m = matcher({ steps: [is('a', 'a'), is('b', 'b', { times: '{2,}' })], skip: 'to-next' });
    m.feed(['a1', 'a2', 'b1', 'b2', 'b3']);
    // {a1 b1 b2} drops a1's longer continuation; a2's partial match goes on and matches at b2.
    assert.deepEqual(m.matches.map(flink), ['{a1 b1 b2}', '{a2 b1 b2}']);
  });
});

describe('sequence: IoT patterns', () => {
  const warning: SequenceStep = { name: 'warning', rules: [{ property: 'payload.type', op: 'eq', value: 'warning' }], times: '{3}' };

  it('three warnings in a row (strict): one match per three, an ok reading breaks the run', () => {
    const m = matcher({ steps: [warning], contiguity: 'strict' });
    m.feed(['warning1', 'warning2', 'ok', 'warning3', 'warning4', 'warning5', 'warning6', 'warning7', 'warning8', 'warning9']);
    assert.deepEqual(m.matches.map(flink), ['{warning3 warning4 warning5}', '{warning6 warning7 warning8}']);
    assert.deepEqual(
      m.matches[0].steps.map((s) => s.name),
      ['warning'],
    );
    assert.equal(m.matches[0].start, 3000);
    assert.equal(m.matches[0].end, 5000);
  });

  it('three warnings in a row with no-skip: overlapping matches, one per new warning', () => {
    const m = matcher({ steps: [warning], contiguity: 'strict', skip: 'no-skip' });
    m.feed(['warning1', 'warning2', 'warning3', 'warning4']);
    assert.deepEqual(m.matches.map(flink), ['{warning1 warning2 warning3}', '{warning2 warning3 warning4}']);
  });

  it('keys are matched apart', () => {
    const m = matcher({ steps: [warning], contiguity: 'strict' });
    m.feed(['warning1', 'warning2'], 'pump-1');
    m.feed(['ok'], 'pump-2', [2500]);
    m.feed(['warning3'], 'pump-1', [3000]);
    assert.deepEqual(
      m.matches.map((x) => `${x.key}${flink(x)}`),
      ['pump-1{warning1 warning2 warning3}'],
    );
  });

  describe('A then B within 2 minutes without C in between', () => {
    const steps = [is('A', 'A'), is('C', 'C', { not: true }), is('B', 'B')];
    const options = { steps, within: 2 * MIN };

    it('matches A … B with other events between', () => {
      const m = matcher(options);
      m.feed(['A', 'x', 'B'], 'k', [0, 30_000, 90_000]);
      assert.deepEqual(m.matches.map(flink), ['{A B}']);
      assert.deepEqual(
        m.matches[0].steps.map((s) => s.name),
        ['A', 'B'],
      );
    });

    it('a C between ends the partial match', () => {
      const m = matcher(options);
      m.feed(['A', 'C', 'B'], 'k', [0, 30_000, 90_000]);
      assert.equal(m.matches.length, 0);
      assert.equal(m.timeouts.length, 0, 'ended by the negation, not timed out');
      assert.equal(m.op.stats().openWindows, 0);
    });

    it('a B two minutes or more after A is too late: the partial match times out (to the timeout callback)', () => {
      const m = matcher(options);
      m.feed(['A', 'B'], 'k', [0, 2 * MIN]);
      assert.equal(m.matches.length, 0);
      assert.deepEqual(m.timeouts.map(flink), ['{A}']);
      const inTime = matcher(options);
      inTime.feed(['A', 'B'], 'k', [0, 2 * MIN - 1]);
      assert.deepEqual(inTime.matches.map(flink), ['{A B}']);
    });

    it('times out on the watermark alone, without another event of the key', () => {
      const m = matcher(options);
      m.feed(['A'], 'k', [0]);
      m.feed(['x'], 'other', [2 * MIN]);
      assert.deepEqual(
        m.timeouts.map((t) => `${t.key}${flink(t)}`),
        ['k{A}'],
      );
    });
  });

  it('a pattern ending in a negation: door open not followed by door closed within 5 minutes completes when the 5 minutes pass', () => {
    const steps = [is('open', 'open'), is('closed', 'closed', { not: true })];
    const m = matcher({ steps, within: 5 * MIN });
    m.feed(['open1', 'closed'], 'door-1', [0, MIN]);
    m.feed(['open2'], 'door-2', [MIN]);
    m.feed(['x'], 'door-3', [6 * MIN - 1]);
    assert.equal(m.matches.length, 0);
    m.feed(['x'], 'door-3', [6 * MIN]);
    assert.deepEqual(
      m.matches.map((x) => `${x.key}${flink(x)}`),
      ['door-2{open2}'],
    );
    assert.equal(m.timeouts.length, 0);
  });

  it('a negation after a repeating step is about the gap after its last event', () => {
    const steps = [is('a', 'a', { times: '+' }), is('c', 'c', { not: true }), is('b', 'b')];
    const m = matcher({ steps, skip: 'no-skip' });
    m.feed(['a1', 'c', 'a2', 'b']);
    assert.deepEqual(m.matches.map(flink), ['{a1 a2 b}', '{a2 b}']);
    const n = matcher({ steps });
    n.feed(['a1', 'a2', 'c', 'b']);
    assert.equal(n.matches.length, 0);
  });

  it('{2,4}: matches from the second event on, at most four', () => {
    const m = matcher({ steps: [is('a', 'a', { times: '{2,4}' })], skip: 'no-skip', contiguity: 'strict' });
    m.feed(['a1', 'a2', 'a3', 'a4', 'a5']);
    assert.deepEqual(m.matches.map(flink).slice(0, 4), ['{a1 a2}', '{a1 a2 a3}', '{a2 a3}', '{a1 a2 a3 a4}']);
    assert.ok(!m.matches.map(flink).some((x) => x.split(' ').length > 4));
  });
});

describe('sequence: time, limits, errors', () => {
  it('matches out-of-order events in event-time order once the watermark passes them', () => {
    const m = matcher({ steps: [is('a', 'a'), is('b', 'b')], contiguity: 'strict', maxOutOfOrder: 5000 });
    m.feed(['b', 'a'], 'k', [2000, 1000]);
    assert.equal(m.matches.length, 0, 'waiting for the watermark');
    m.feed(['x'], 'k', [7000]);
    assert.deepEqual(m.matches.map(flink), ['{a b}']);
  });

  it('counts and drops late events', () => {
    const m = matcher({ steps: [is('a', 'a'), is('b', 'b')] });
    m.feed(['a', 'b'], 'k', [5000, 1000]);
    assert.equal(m.op.stats().late, 1);
    assert.equal(m.matches.length, 0);
  });

  it('maxPartialMatches: new partial matches beyond the limit are dropped and counted, older ones go on', () => {
    const m = matcher({ steps: [is('a', 'a'), is('b', 'b')], maxPartialMatches: 2, skip: 'no-skip' });
    m.feed(['a1', 'a2', 'a3', 'b']);
    assert.deepEqual(m.matches.map(flink), ['{a1 b}', '{a2 b}']);
    assert.equal(m.op.stats().dropped, 1);
  });

  it('maxEventsPerWindow ends a partial match that would hold more events', () => {
    const m = matcher({ steps: [is('a', 'a', { times: '+' }), is('b', 'b')], maxEventsPerWindow: 3 });
    m.feed(['a1', 'a2', 'a3', 'b']);
    // The first partial match (a1 a2 a3 + b = 4 events) ends; the one that began at a2 fits.
    assert.deepEqual(m.matches.map(flink), ['{a2 a3 b}']);
    assert.equal(m.op.stats().dropped, 1);
  });

  it('maxKeys drops events of new keys', () => {
    const m = matcher({ steps: [is('a', 'a'), is('b', 'b')], maxKeys: 1 });
    m.feed(['a'], 'k1', [0]);
    m.feed(['a'], 'k2', [0]);
    assert.equal(m.op.stats().dropped, 1);
  });

  it('idle timeout: partial matches time out and waiting events are matched when input stops', () => {
    const m = matcher({ steps: [is('a', 'a'), is('b', 'b')], within: MIN, idleTimeout: 10_000, maxOutOfOrder: 5000 });
    m.feed(['a', 'b'], 'k', [0, 1000], 100);
    m.feed(['a'], 'k', [3000], 200);
    assert.equal(m.matches.length, 0);
    assert.equal(m.op.nextWakeup(), 10_200);
    m.op.advance(10_200);
    assert.deepEqual(m.matches.map(flink), ['{a b}']);
    assert.deepEqual(m.timeouts.map(flink), ['{a}']);
    assert.equal(m.op.stats().keys, 0);
  });

  it('processing time: partial matches time out on the clock', () => {
    const m = matcher({ steps: [is('a', 'a'), is('b', 'b')], within: 1000, timeMode: 'processing' });
    m.feed(['a'], 'k', [0], 5000);
    assert.equal(m.op.nextWakeup(), 6000);
    m.op.advance(6000);
    assert.deepEqual(m.timeouts.map(flink), ['{a}']);
  });

  it('flush matches waiting events and times out the rest', () => {
    const m = matcher({ steps: [is('a', 'a'), is('b', 'b'), is('c', 'c')], maxOutOfOrder: MIN });
    m.feed(['a', 'b'], 'k');
    m.op.flush(0);
    assert.deepEqual(m.timeouts.map(flink), ['{a b}']);
  });

  it('parses repetition counts', () => {
    assert.deepEqual(parseTimes('', 't'), [1, 1]);
    assert.deepEqual(parseTimes('+', 't'), [1, Infinity]);
    assert.deepEqual(parseTimes('{3}', 't'), [3, 3]);
    assert.deepEqual(parseTimes(' {2,} ', 't'), [2, Infinity]);
    assert.deepEqual(parseTimes('{2,4}', 't'), [2, 4]);
    for (const bad of ['*', '{0}', '{3,2}', '3', '{a}']) assert.throws(() => parseTimes(bad, 't'), ConfigError, bad);
  });

  it('rejects patterns it cannot run, naming the field', () => {
    const make = (steps: SequenceStep[], within?: number) => () => new SequenceOperator<Rec>({ steps, within, onMatch: () => undefined });
    const field = (f: string) => (e: ConfigError) => e instanceof ConfigError && e.field === f;
    assert.throws(make([]), field('steps'));
    assert.throws(make([is('a', 'a', { not: true }), is('b', 'b')]), field('steps[0].not'));
    assert.throws(make([is('a', 'a'), is('b', 'b', { not: true })]), field('within'));
    assert.throws(make([is('a', 'a'), is('a', 'b')]), field('steps[1].name'));
    assert.throws(make([is('a', 'a', { times: '{0}' })]), field('steps[0].times'));
    assert.throws(make([{ name: 'a', rules: [{ op: 'jsonata', value: 'payload > 1' }] }]), field('steps[0].rules[0].op'));
    assert.throws(make([{ name: 'a', rules: [{ op: 'between', value: 'x' }] }]), (e: ConfigError) => e.field.startsWith('steps[0].rules[0]'));
    assert.throws(() => new SequenceOperator<Rec>({ steps: [is('a', 'a')], skip: 'skip-to-last' as never, onMatch: () => undefined }), field('skip'));
  });
});

// ---- properties ------------------------------------------------------------------------------

const BOUND = 4000;
const letters = fc.constantFrom('a', 'b', 'c', 'x');
const evArb = fc.record({
  type: letters,
  key: fc.constantFrom('k1', 'k2'),
  time: fc.integer({ min: 0, max: 40_000 }),
  delay: fc.integer({ min: 0, max: BOUND }),
});
const streamArb = fc.array(evArb, { maxLength: 50 });
const patternArb = fc.record({
  steps: fc.constantFrom<SequenceStep[]>(
    [is('a', 'a'), is('b', 'b')],
    [is('a', 'a', { times: '+' }), is('c', 'c', { not: true }), is('b', 'b')],
    [is('a', 'a'), is('b', 'b', { times: '{2,}' }), is('c', 'c')],
    [is('a', 'a'), is('b', 'b', { not: true })],
  ),
  contiguity: fc.constantFrom<'strict' | 'relaxed'>('strict', 'relaxed'),
  skip: fc.constantFrom<'no-skip' | 'to-next' | 'past-last-event'>('no-skip', 'to-next', 'past-last-event'),
  within: fc.constantFrom(3000, 10_000),
});
type PEv = { type: string; key: string; time: number; delay: number };

function runAll(options: Omit<SequenceOperatorOptions<Rec>, 'onMatch'>, events: PEv[]): string[] {
  const m = matcher(options);
  events.forEach((e, i) => m.op.process({ key: e.key, time: e.time, value: { topic: e.key, payload: { type: e.type, id: `${e.type}${i}` } } }, 0));
  m.op.flush(0);
  const show = (kind: string) => (r: SequenceResult<Rec>) =>
    `${kind}:${r.key}:${r.steps.map((s) => `${s.name}=${s.events.map((e) => e.time).join(',')}`).join(';')}`;
  return [...m.matches.map(show('match')), ...m.timeouts.map(show('timeout'))].sort();
}

describe('sequence: properties', () => {
  it('shuffled input within maxOutOfOrder gives the same matches and timeouts as sorted input', () => {
    fc.assert(
      fc.property(streamArb, patternArb, (events, pattern) => {
        // Distinct times per key: equal times keep arrival order, which shuffling changes.
        const seen = new Set<string>();
        const unique = events.filter((e) => !seen.has(`${e.key}@${e.time}`) && seen.add(`${e.key}@${e.time}`));
        const options = { ...pattern, maxOutOfOrder: BOUND };
        const shuffled = [...unique].sort((p, q) => p.time + p.delay - (q.time + q.delay));
        const sorted = [...unique].sort((p, q) => p.time - q.time);
        assert.deepEqual(runAll(options, shuffled), runAll(options, sorted));
      }),
      { numRuns: 300 },
    );
  });

  it('"n in a row" (strict, past last event) finds ⌊run length / n⌋ matches in every run', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 80 }), fc.integer({ min: 1, max: 5 }), (flags, n) => {
        const m = matcher({ steps: [is('w', 'w', { times: `{${n}}` })], contiguity: 'strict' });
        m.feed(flags.map((w) => (w ? 'w' : 'ok')));
        let expected = 0;
        let run = 0;
        for (const w of [...flags, false]) {
          if (w) run++;
          else {
            expected += Math.floor(run / n);
            run = 0;
          }
        }
        assert.equal(m.matches.length, expected);
        for (const x of m.matches) assert.equal(x.steps[0].events.length, n);
      }),
      { numRuns: 300 },
    );
  });

  it('snapshot → restore at any point gives the same output as an uninterrupted run', () => {
    fc.assert(
      fc.property(streamArb, patternArb, fc.nat(), (events, pattern, cutAt) => {
        const options = { ...pattern, maxOutOfOrder: BOUND };
        const input = [...events].sort((p, q) => p.time + p.delay - (q.time + q.delay));
        const cut = input.length ? cutAt % (input.length + 1) : 0;
        const send = (m: ReturnType<typeof matcher>, list: PEv[], offset: number) =>
          list.forEach((e, i) =>
            m.op.process({ key: e.key, time: e.time, value: { topic: e.key, payload: { type: e.type, id: `${e.type}${i + offset}` } } }, 0),
          );
        const whole = matcher(options);
        send(whole, input, 0);
        whole.op.flush(0);
        const first = matcher(options);
        send(first, input.slice(0, cut), 0);
        const second = matcher(options);
        second.op.restore(JSON.parse(JSON.stringify(first.op.snapshot())));
        send(second, input.slice(cut), cut);
        second.op.flush(0);
        assert.deepEqual([...first.matches, ...second.matches].map(flink), whole.matches.map(flink));
        assert.deepEqual([...first.timeouts, ...second.timeouts].map(flink), whole.timeouts.map(flink));
        assert.deepEqual(second.op.stats(), whole.op.stats());
      }),
      { numRuns: 200 },
    );
  });

  it('a snapshot does not restore into a sequence with other steps', () => {
    const a = matcher({ steps: [is('a', 'a'), is('b', 'b')] });
    const b = matcher({ steps: [is('a', 'a'), is('b', 'c')] });
    assert.throws(
      () => b.op.restore(a.op.snapshot()),
      (e: ConfigError) => e.field === 'snapshot',
    );
  });
});

describe("sequence: the state of some keys (a partition's keys move to another reader)", () => {
  it('moving a key to a second sequence at any point gives the same matches and timeouts as one that read everything', () => {
    fc.assert(
      fc.property(streamArb, patternArb, fc.nat(), fc.constantFrom<string[]>(['k1'], ['k2', 'gone']), (events, pattern, cutAt, keys) => {
        // Arrival within maxOutOfOrder; one sequence per key set then makes nothing late the other takes.
        const options = { ...pattern, maxOutOfOrder: BOUND };
        const input = [...events].sort((p, q) => p.time - q.time);
        const cut = input.length ? cutAt % (input.length + 1) : 0;
        const send = (m: ReturnType<typeof matcher>, e: PEv, i: number) =>
          m.op.process({ key: e.key, time: e.time, value: { topic: e.key, payload: { type: e.type, id: `${e.type}${i}` } } }, 0);
        const whole = matcher(options);
        input.forEach((e, i) => send(whole, e, i));
        whole.op.flush(0);
        const a = matcher(options);
        input.slice(0, cut).forEach((e, i) => send(a, e, i));
        const saved = JSON.parse(JSON.stringify(a.op.snapshotKeys(keys)));
        const held = keys.filter((k) => a.op.hasKey(k));
        a.op.dropKeys(keys);
        const b = matcher(options);
        assert.deepEqual(b.op.restoreKeys(saved), held);
        input.slice(cut).forEach((e, i) => send(keys.includes(e.key) ? b : a, e, i + cut));
        a.op.flush(0);
        b.op.flush(0);
        assert.deepEqual([...a.matches, ...b.matches].map(flink).sort(), whole.matches.map(flink).sort());
        assert.deepEqual([...a.timeouts, ...b.timeouts].map(flink).sort(), whole.timeouts.map(flink).sort());
        assert.equal(a.op.stats().openWindows + b.op.stats().openWindows, 0);
      }),
      { numRuns: 300 },
    );
  });

  it('moves the events still waiting for the watermark with their key, refuses a waiting event of a key it does not list, and changes nothing then', () => {
    const a = matcher({ steps: [is('a', 'a'), is('b', 'b')], maxOutOfOrder: 10_000 });
    a.feed(['a1'], 'k', [1000]);
    a.feed(['x'], 'other', [2000]);
    const saved = JSON.parse(JSON.stringify(a.op.snapshotKeys(['k'])));
    assert.deepEqual(
      saved.waiting.map((w: { key: string }) => w.key),
      ['k'],
    );
    a.op.dropKeys(['k']);
    assert.equal((a.op.snapshot() as { waiting: unknown[] }).waiting.length, 1, 'only the other key waits');
    const b = matcher({ steps: [is('a', 'a'), is('b', 'b')], maxOutOfOrder: 10_000 });
    const foreign = { ...saved, waiting: [{ ...saved.waiting[0], key: 'stranger' }] };
    assert.throws(() => b.op.restoreKeys(foreign), /waiting 0: key "stranger" is not among the keys saved/);
    assert.equal(b.op.hasKey('k'), false);
    assert.equal(b.op.hasKey('stranger'), false);
    assert.deepEqual(b.op.restoreKeys(saved), ['k']);
    b.feed(['b1'], 'k', [3000]);
    b.op.flush(0);
    assert.deepEqual(b.matches.map(flink), ['{a1 b1}']);
  });
});
