// The join and the sequence read from several partitions: one watermark per partition, the
// stream's their minimum (idle partitions left out), as the window operator does.
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { JoinOperator } from '../../src/core/join/join-operator';
import { JoinResult } from '../../src/core/join/join-types';
import { SequenceOperator, SequenceResult } from '../../src/core/sequence/sequence-operator';
import { seededUniform } from '../support/seeded-random';

type Rec = { topic: string; payload: number };
/** One record of a partition: its key, event time and payload (1 = left / first step, 2 = right / second step). */
type Item = { key: string; time: number; payload: number };

const KEYS = 12;
const SECONDS = 40;

/** Per key and second a 1 at +100 ms and a 2 at +400 ms; key i lives in partition i % 4, each partition in time order. */
function partitions(): Item[][] {
  const parts: Item[][] = [[], [], [], []];
  for (let s = 0; s < SECONDS; s++) {
    for (let k = 0; k < KEYS; k++) parts[k % 4].push({ key: `k${k}`, time: s * 1000 + 100, payload: 1 });
    for (let k = 0; k < KEYS; k++) parts[k % 4].push({ key: `k${k}`, time: s * 1000 + 400, payload: 2 });
  }
  return parts;
}

/**
 * Hands the partitions' records to `feed` as a reader works through a backlog: a run of each
 * partition in turn, `step[p]` records (±50 %, seeded) at a time, 0.05 ms apart. Returns the
 * processing time reached.
 */
function readUneven(parts: Item[][], step: number[], seed: number, feed: (item: Item, now: number, source: string) => void): number {
  const rnd = seededUniform(seed);
  const pos = parts.map(() => 0);
  let now = 0;
  // Bounded: every round takes at least one record of a partition that has some left.
  while (pos.some((p, i) => p < parts[i].length)) {
    for (let p = 0; p < parts.length; p++) {
      const n = Math.max(1, Math.floor(step[p] * (0.5 + rnd())));
      for (const item of parts[p].slice(pos[p], pos[p] + n)) {
        now += 0.05;
        feed(item, now, `${p}:t`);
      }
      pos[p] += n;
    }
  }
  return now;
}

const TOPICS = ['0:t', '1:t', '2:t', '3:t'];
/** Any read order of the four partitions for readUneven: records per turn of each, and the seed of their spread. */
const readSteps = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 4, maxLength: 4 });
const readSeed = fc.integer({ min: 1, max: 1000 });

function windowJoin(pairs: JoinResult<Rec>[], extra: { sourceIdleTimeout?: number; sourceBusy?: (s: string, g: string) => boolean } = {}): JoinOperator<Rec> {
  return new JoinOperator<Rec>({ join: { mode: 'window', size: 1000 }, onJoin: (r) => pairs.push(r), ...extra });
}

function twoSteps(matches: SequenceResult<Rec>[]): SequenceOperator<Rec> {
  return new SequenceOperator<Rec>({
    steps: [
      { name: 'first', rules: [{ property: 'payload', op: 'eq', value: 1 }] },
      { name: 'second', rules: [{ property: 'payload', op: 'eq', value: 2 }] },
    ],
    onMatch: (m) => matches.push(m),
  });
}

function joinInput(item: Item): { side: 'left' | 'right'; key: string; time: number; value: Rec } {
  return { side: item.payload === 1 ? 'left' : 'right', key: item.key, time: item.time, value: { topic: item.key, payload: item.payload } };
}

/** Pairs of one key and window, `key@start`, with how often each came. */
function pairCounts(pairs: JoinResult<Rec>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of pairs) {
    assert.ok(r.left && r.right, 'an inner join emits pairs only');
    const id = `${r.key}@${r.window!.start}`;
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

function runJoin(step: number[], seed: number, sources: boolean): { late: number; pairs: Map<string, number> } {
  const pairs: JoinResult<Rec>[] = [];
  const op = windowJoin(pairs);
  if (sources) op.expectSources('t', TOPICS, 0);
  const now = readUneven(partitions(), step, seed, (item, at, source) => op.process(joinInput(item), at, sources ? source : undefined, 't'));
  op.flush(now);
  return { late: op.late, pairs: pairCounts(pairs) };
}

function runSequence(step: number[], seed: number, sources: boolean): { late: number; matches: SequenceResult<Rec>[] } {
  const matches: SequenceResult<Rec>[] = [];
  const op = twoSteps(matches);
  if (sources) op.expectSources('t', TOPICS, 0);
  const now = readUneven(partitions(), step, seed, (item, at, source) =>
    op.process({ key: item.key, time: item.time, value: { topic: item.key, payload: item.payload } }, at, sources ? source : undefined, 't'),
  );
  op.flush(now);
  return { late: op.late, matches };
}

/** Every key and second once: the [start, end) of each match, `key@start`. */
function everyKeySecond(): string[] {
  const all: string[] = [];
  for (let k = 0; k < KEYS; k++) for (let s = 0; s < SECONDS; s++) all.push(`k${k}@${s * 1000}`);
  return all.sort();
}

describe('JoinOperator with sources (partitions)', () => {
  it('joins every pair when partitions are read at uneven speeds; one stream watermark drops the slow partitions’ records as late', () => {
    const step = [400, 30, 120, 7];
    const plain = runJoin(step, 1, false);
    assert.ok(plain.late > 0, 'the stream watermark alone runs ahead with the fastest partition');
    const sourced = runJoin(step, 1, true);
    assert.equal(sourced.late, 0);
    assert.deepEqual([...sourced.pairs.keys()].sort(), everyKeySecond());
    assert.ok(
      [...sourced.pairs.values()].every((n) => n === 1),
      'each window’s pair once',
    );
  });

  it('loses nothing for any read order of the partitions (property)', () => {
    fc.assert(
      fc.property(readSteps, readSeed, (step, seed) => {
        const run = runJoin(step, seed, true);
        assert.equal(run.late, 0);
        assert.equal(run.pairs.size, KEYS * SECONDS);
      }),
      { numRuns: 15 },
    );
  });

  it('leaves out a partition that delivers nothing once it has been quiet for the idle time', () => {
    const pairs: JoinResult<Rec>[] = [];
    const op = windowJoin(pairs, { sourceIdleTimeout: 1000 });
    op.expectSources('t', ['0:t', '1:t'], 0);
    // Only partition 0 delivers, 100 ms of processing time apart.
    let now = 0;
    const feed = (time: number, side: 'left' | 'right') => op.process({ side, key: 'a', time, value: { topic: 'a', payload: 0 } }, (now += 100), '0:t', 't');
    feed(100, 'left');
    feed(400, 'right');
    feed(1100, 'left');
    assert.equal(pairs.length, 0, 'partition 1 may still hold records of the first second');
    assert.equal(op.stats().watermark, -Infinity);
    for (let i = 0; i < 10; i++) feed(1200 + i * 10, 'right');
    assert.ok(now >= 1000);
    assert.equal(pairs.length, 1, 'partition 1 idle: the first second’s window fired');
    assert.equal(pairs[0].window!.start, 0);
    assert.equal(op.stats().watermark, 1290);
  });

  it('keeps a quiet partition in while its reader has records of it pending', () => {
    const pairs: JoinResult<Rec>[] = [];
    let pending = true;
    const op = windowJoin(pairs, { sourceIdleTimeout: 1000, sourceBusy: (source) => pending && source === '1:t' });
    op.expectSources('t', ['0:t', '1:t'], 0);
    let now = 0;
    for (let i = 0; i < 40; i++)
      op.process({ side: i % 2 ? 'right' : 'left', key: 'a', time: i * 100, value: { topic: 'a', payload: 0 } }, (now += 100), '0:t', 't');
    assert.equal(pairs.length, 0, 'partition 1 waits its turn, it is not idle');
    pending = false;
    for (let i = 40; i < 60; i++)
      op.process({ side: i % 2 ? 'right' : 'left', key: 'a', time: i * 100, value: { topic: 'a', payload: 0 } }, (now += 100), '0:t', 't');
    assert.ok(pairs.length > 0, 'nothing pending: partition 1 turned idle');
  });

  it('takes a partition that joins late back to its own clock: its records are not late', () => {
    const pairs: JoinResult<Rec>[] = [];
    const op = windowJoin(pairs);
    let now = 0;
    const at = (source: string, key: string, time: number, side: 'left' | 'right') =>
      op.process({ side, key, time, value: { topic: key, payload: 0 } }, (now += 1), source, 't');
    for (let s = 0; s < 60; s++) {
      at('0:t', 'a', s * 1000 + 100, 'left');
      at('1:t', 'b', s * 1000 + 100, 'left');
    }
    assert.ok(op.stats().watermark >= 59000);
    // Partition 2, read from now on (taken over from another reader), is a minute behind.
    at('2:t', 'c', 100, 'left');
    at('2:t', 'c', 400, 'right');
    at('2:t', 'c', 1100, 'left');
    assert.equal(op.late, 0);
    assert.deepEqual(
      pairs.map((r) => `${r.key}@${r.window!.start}`),
      ['c@0'],
    );
  });

  it('counts events that name no source (a second input not read from Kafka) as one more source: they do not make a partition’s backlog late', () => {
    const pairs: JoinResult<Rec>[] = [];
    const op = windowJoin(pairs);
    op.expectSources('t', ['0:t'], 0);
    let now = 0;
    const right = (s: number) => op.process({ side: 'right', key: 'a', time: s * 1000 + 400, value: { topic: 'a', payload: 2 } }, (now += 1), '0:t', 't');
    const left = (s: number) => op.process({ side: 'left', key: 'a', time: s * 1000 + 100, value: { topic: 'a', payload: 1 } }, (now += 1));
    // The right side comes from a partition read from its backlog, the left side live from elsewhere.
    left(0);
    for (let s = 0; s < 10; s++) right(s);
    for (let s = 1; s < 60; s++) left(s);
    for (let s = 10; s < 60; s++) right(s);
    op.flush(now);
    assert.equal(op.late, 0);
    assert.equal(pairCounts(pairs).size, 60, 'every second’s pair');
  });

  it('saves the partitions’ clocks: restored, a partition read ahead still does not make the others late', () => {
    const pairs: JoinResult<Rec>[] = [];
    const op = windowJoin(pairs);
    op.expectSources('t', ['0:t', '1:t'], 0);
    op.process({ side: 'left', key: 'a', time: 60000, value: { topic: 'a', payload: 0 } }, 1, '0:t', 't');
    op.process({ side: 'left', key: 'b', time: 1000, value: { topic: 'b', payload: 0 } }, 2, '1:t', 't');
    const saved = JSON.parse(JSON.stringify(op.snapshot()));
    assert.deepEqual(saved.partitions, {
      sources: [
        ['0:t', 't', 60000],
        ['1:t', 't', 1000],
      ],
    });
    const again = windowJoin(pairs);
    again.restore(saved);
    again.process({ side: 'right', key: 'b', time: 1500, value: { topic: 'b', payload: 0 } }, 3, '1:t', 't');
    assert.equal(again.late, 0);
    again.flush(4);
    assert.ok(pairs.some((r) => r.key === 'b' && r.left && r.right));
    // State saved without partitions (before they were kept) still restores.
    const plain = windowJoin([]);
    const old = { ...saved };
    delete old.partitions;
    plain.restore(old);
    assert.equal((plain.snapshot() as { partitions?: unknown }).partitions, undefined);
  });

  it('refuses damaged partition clocks in a saved state and keeps its own', () => {
    const op = windowJoin([]);
    op.process({ side: 'left', key: 'a', time: 5000, value: { topic: 'a', payload: 0 } }, 1, '0:t', 't');
    const before = JSON.stringify(op.snapshot());
    const bad = { ...JSON.parse(before), partitions: { sources: [['0:t', 't', 'soon']] } };
    assert.throws(() => op.restore(bad), /event time/);
    assert.equal(JSON.stringify(op.snapshot()), before);
  });
});

describe('SequenceOperator with sources (partitions)', () => {
  it('matches every pair when partitions are read at uneven speeds; one stream watermark drops the slow partitions’ records as late', () => {
    const step = [400, 30, 120, 7];
    const plain = runSequence(step, 2, false);
    assert.ok(plain.late > 0, 'the stream watermark alone runs ahead with the fastest partition');
    const sourced = runSequence(step, 2, true);
    assert.equal(sourced.late, 0);
    assert.deepEqual(sourced.matches.map((m) => `${m.key}@${m.start - 100}`).sort(), everyKeySecond());
  });

  it('loses nothing for any read order of the partitions (property)', () => {
    fc.assert(
      fc.property(readSteps, readSeed, (step, seed) => {
        const run = runSequence(step, seed, true);
        assert.equal(run.late, 0);
        assert.equal(run.matches.length, KEYS * SECONDS);
      }),
      { numRuns: 15 },
    );
  });

  it('takes a partition that joins late back to its own clock, and leaves an idle one out', () => {
    const matches: SequenceResult<Rec>[] = [];
    const op = twoSteps(matches);
    op.expectSources('t', ['0:t', '1:t'], 0);
    let now = 0;
    const at = (source: string, key: string, time: number, payload: number) =>
      op.process({ key, time, value: { topic: key, payload } }, (now += 100), source, 't');
    at('0:t', 'a', 1000, 1);
    at('0:t', 'a', 2000, 2);
    assert.equal(matches.length, 0, 'partition 1 has not delivered yet');
    // Partition 1 stays quiet: after 10 s (the default idle time) it no longer holds the watermark.
    for (let i = 0; i < 110; i++) at('0:t', 'a', 3000 + i, 0);
    assert.deepEqual(
      matches.map((m) => m.key),
      ['a'],
    );
    // Partition 1 delivers at last, far behind: its records are on time.
    at('1:t', 'b', 500, 1);
    at('1:t', 'b', 600, 2);
    assert.equal(op.late, 0);
    op.flush(now);
    assert.deepEqual(matches.map((m) => m.key).sort(), ['a', 'b']);
  });
});
