import { strict as assert } from 'assert';
import { WindowOperator } from '../../src/core/window-operator';
import { compileAggregations } from '../../src/core/aggregates';
import { KafkaStateSource } from '../../src/connectors/kafka-state-source';
import { KafkaWindowState } from '../../src/nodes/shared/kafka-window-state';
import type { Changelog } from '../../src/connectors/partition-sources';
import type { CommitPoint } from '../../src/connectors/offset-tracker';
import type { NodeMessage, RedNode } from '../../src/nodes/shared/red';
import type { WindowInfo } from '../../src/core/types';
import * as sinon from 'sinon';
import { partitionSources } from '../../src/connectors/partition-sources';
import { NODES, attach, helper, statusSoon, until } from './stream-window-support';

const completeNode = require('@node-red/nodes/core/common/24-complete.js');

/** A changelog in memory (the Kafka one is tested against a real broker in test/integration). */
class MemoryChangelog implements Changelog {
  readonly topic = 'g.n.changelog';
  readonly log: { key: string; value: string }[] = [];
  failNext = false;
  async write(records: { key: string; value: string }[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('broker away');
    }
    this.log.push(...records);
  }
  async read(): Promise<Map<string, string>> {
    return new Map(this.log.map((r) => [r.key, r.value]));
  }
}

function fakeNode(): RedNode & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    id: 'n',
    type: 'stream-tumbling-window',
    warnings,
    warn: (m: unknown) => void warnings.push(String(m)),
    log: () => undefined,
  } as unknown as RedNode & { warnings: string[] };
}

const point = (partition: number, offset: number): CommitPoint => ({
  topic: 't',
  partition,
  offset: String(offset),
  id: `${partition}\u0000t`,
  position: offset,
});

/** One reader with a window node: a tumbling count per key, fed like the host feeds it. */
function setup(changelog = new MemoryChangelog(), ends: Record<number, number> = {}, inFlight = new Map<string, number>()) {
  const source = new KafkaStateSource(
    'in',
    () => changelog,
    (_t, p) => ends[p],
    () => inFlight,
  );
  const fired: WindowInfo[] = [];
  const counts = new Map<string, number>();
  const agg = compileAggregations([{ op: 'count' }]);
  const op = new WindowOperator<unknown, unknown, unknown>({
    window: { type: 'tumbling', size: 10 },
    aggregate: agg as never,
    onEmit: () => undefined,
    onWindow: (w, r) => {
      state.mark(w);
      fired.push(w);
      counts.set(`${w.key}@${w.start}`, (counts.get(`${w.key}@${w.start}`) ?? 0) + (r as { count: number }).count);
    },
  });
  const node = fakeNode();
  const state = new KafkaWindowState(source, node, op, () => false);
  /** Feeds one record; returns what the host would do with it. */
  const feed = (partition: number, offset: number, key: string, time: number, topic = 't') => {
    const msg = { kafka: { topic, partition, offset: String(offset), source: 'in' } } as NodeMessage;
    const a = state.admit(msg);
    if (a === 'process') {
      state.note(key, time);
      op.process({ key, time, value: 1 }, 0, `${partition}:${topic}`, topic);
      state.handled();
    }
    return a;
  };
  return { source, state, op, feed, fired, counts, node, changelog };
}

describe('window state that follows Kafka partitions', () => {
  it("commit means done: a record in an open window holds its partition's commit until a checkpoint includes it", async () => {
    const { source, state, feed } = setup();
    source.setAssignment({ t: [0, 1] });
    assert.equal(feed(0, 0, 'a', 1), 'restore', "a partition's first record waits for its state");
    await state.restore();
    assert.equal(feed(0, 0, 'a', 1), 'process');
    assert.equal(feed(0, 1, 'a', 2), 'process');
    assert.equal(source.cap(point(0, 2))?.offset, '0', 'handled, but only in an open window: the commit stays before it');
    assert.equal(state.hold('t', 0), 0);
    const moved = await source.checkpoint();
    assert.deepEqual(
      moved.map((p) => [p.partition, p.offset]),
      [[0, '2']],
      'after the checkpoint the commit follows the handled position',
    );
    assert.equal(state.hold('t', 0), undefined);
    assert.equal(feed(0, 2, 'a', 3), 'process');
    assert.equal(source.cap(point(0, 3)), undefined, 'the new record holds the commit at its own offset, where it is');
    assert.equal(source.cap(point(1, 5))?.offset, '5', 'a partition no window node took records from commits as handled');
  });

  it('timed checkpoints whose snapshots block the flow for long are spaced out, so taking them costs at most 5 % of the time', async () => {
    const { source, state, feed } = setup();
    source.setAssignment({ t: [0] });
    feed(0, 0, 'a', 1);
    await state.restore();
    feed(0, 0, 'a', 1);
    assert.equal(source.checkpointDue(0, 2000), true, 'no checkpoint yet');
    // Snapshots that took 30 ms: the 2 s timer stays as it is.
    let cpu = 0;
    await source.checkpoint(10_000, () => (cpu += 30));
    assert.equal(source.checkpointDue(12_000, 2000), true);
    // Snapshots that took 300 ms (hundreds of detector keys): the next one 6 s after it began.
    feed(0, 1, 'a', 2);
    await source.checkpoint(12_000, () => (cpu += 300));
    assert.equal(source.checkpointDue(14_000, 2000), false);
    assert.equal(source.checkpointDue(17_999, 2000), false);
    assert.equal(source.checkpointDue(18_000, 2000), true);
  });

  it('aligned: the snapshot waits to be written until the flow has handled what was in flight when it was taken', async () => {
    const inFlight = new Map([['0\u0000t', 3]]);
    const { source, state, feed, changelog } = setup(new MemoryChangelog(), {}, inFlight);
    source.setAssignment({ t: [0] });
    feed(0, 0, 'a', 1);
    await state.restore();
    feed(0, 0, 'a', 1);
    feed(0, 1, 'a', 2);
    let finished = false;
    const cp = source.checkpoint().then((pts) => {
      finished = true;
      return pts;
    });
    feed(0, 2, 'a', 3);
    assert.equal(source.cap(point(0, 2))?.offset, '0', 'held at the first record of the open window');
    await new Promise((r) => setImmediate(r));
    assert.equal(finished, false, 'offset 2 (in flight at the snapshot) is not handled yet');
    assert.equal(changelog.log.length, 1, 'only the record written when the partition was first read');
    assert.equal(source.cap(point(0, 3)), undefined, 'still held');
    const pts = await cp;
    assert.equal(JSON.parse(changelog.log[1].value).offset, 1, 'the snapshot holds what was taken before it: offsets 0 and 1');
    assert.deepEqual(
      pts.map((p) => p.offset),
      ['2'],
      'offset 2 came after the snapshot: it still holds the commit',
    );
  });

  it('a checkpoint given up (the reader stops) writes nothing and keeps the holds', async () => {
    const { source, state, feed, changelog } = setup(new MemoryChangelog(), {}, new Map([['0\u0000t', 9]]));
    source.setAssignment({ t: [0] });
    feed(0, 0, 'a', 1);
    await state.restore();
    feed(0, 0, 'a', 1);
    const cp = source.checkpoint();
    source.abandonWait();
    assert.deepEqual(await cp, []);
    assert.equal(changelog.log.length, 1, 'only the record written when the partition was first read');
    assert.equal(state.hold('t', 0), 0);
  });

  it('a failed changelog write keeps the hold; the next checkpoint writes again', async () => {
    const { source, state, feed, changelog, node } = setup();
    source.setAssignment({ t: [0] });
    feed(0, 0, 'a', 1);
    await state.restore();
    feed(0, 0, 'a', 1);
    source.cap(point(0, 1));
    changelog.failNext = true;
    assert.deepEqual(await source.checkpoint(), []);
    assert.equal(state.hold('t', 0), 0);
    assert.match(node.warnings[0], /could not write state to changelog g\.n\.changelog: broker away/);
    assert.deepEqual(
      (await source.checkpoint()).map((p) => p.offset),
      ['1'],
    );
  });

  it('a partition moves: the old owner forgets its keys, the new one restores them, skips replayed records and marks repeated results', async () => {
    const changelog = new MemoryChangelog();
    const a = setup(changelog);
    a.source.setAssignment({ t: [0, 1] });
    a.feed(0, 0, 'k0', 1);
    await a.state.restore();
    a.feed(0, 0, 'k0', 1);
    a.feed(0, 1, 'k0', 2);
    a.feed(1, 0, 'k1', 3);
    await a.source.checkpoint();
    // After the checkpoint, a record the old owner handles but never checkpoints, then partition 0 moves.
    a.feed(0, 2, 'k0', 4);
    a.source.setAssignment({ t: [1] });
    assert.equal(a.op.hasKey('k0'), false, 'the old owner dropped the moved keys');
    assert.equal(a.op.hasKey('k1'), true);
    assert.equal(a.feed(0, 3, 'k0', 5), 'skip', 'a straggler of a moved partition is not counted here');

    const b = setup(changelog, { 0: 4 });
    b.source.setAssignment({ t: [0] });
    b.feed(0, 1, 'k0', 2);
    await b.state.restore();
    assert.equal(b.feed(0, 1, 'k0', 2), 'skip', 'offset 1 is in the restored state');
    assert.equal(b.feed(0, 2, 'k0', 4), 'process', 'offset 2 was not checkpointed: counted again here');
    b.feed(0, 3, 'k0', 5);
    b.feed(0, 4, 'k0', 30);
    assert.equal(b.counts.get('k0@0'), 4, 'every record of the window counted once: 2 restored, 2 replayed');
    assert.equal(b.fired[0].replay, true, 'the old owner may have sent this window already');
    b.feed(0, 5, 'k0', 45);
    assert.equal(b.fired[1].start, 30);
    assert.equal(b.fired[1].replay, undefined, "a window of records beyond the old owner's reach is not marked");
    assert.equal(b.state.skipped, 1);
  });

  it('a partition read for the first time gets a changelog record before its first record is taken: the successor of an instance stopped before its first checkpoint marks what it repeats', async () => {
    const changelog = new MemoryChangelog();
    const a = setup(changelog);
    a.source.setAssignment({ t: [0] });
    assert.equal(a.feed(0, 0, 'k', 1), 'restore');
    await a.state.restore();
    assert.deepEqual(
      changelog.log.map((r) => [r.key, JSON.parse(r.value).offset]),
      [['t:0', -1]],
      'an empty state that includes no record',
    );
    for (const [offset, time] of [
      [0, 1],
      [1, 2],
      [2, 15],
      [3, 25],
    ])
      a.feed(0, offset, 'k', time);
    assert.deepEqual(
      a.fired.map((w) => [w.start, w.replay]),
      [
        [0, undefined],
        [10, undefined],
      ],
      'nobody read the partition before: nothing marked',
    );
    // Stopped before any checkpoint: the commit never moved, so the successor reads from offset 0.
    const b = setup(changelog, { 0: 4 });
    b.source.setAssignment({ t: [0] });
    b.feed(0, 0, 'k', 1);
    await b.state.restore();
    assert.equal(changelog.log.length, 1, 'a partition with a record gets no second one');
    for (const [offset, time] of [
      [0, 1],
      [1, 2],
      [2, 15],
      [3, 25],
      [4, 26],
      [5, 45],
    ])
      assert.equal(b.feed(0, offset, 'k', time), 'process');
    assert.deepEqual(
      b.fired.map((w) => [w.start, w.replay]),
      [
        [0, true],
        [10, true],
        [20, true],
      ],
      'records below the log end at the takeover may have made results already',
    );
    assert.equal(b.counts.get('k@0'), 2);
  });

  it('a partition not fetched yet when the state was restored takes its log end at its first record, so its repeats are marked too', async () => {
    const changelog = new MemoryChangelog();
    const a = setup(changelog);
    a.source.setAssignment({ t: [0] });
    a.feed(0, 0, 'k', 1);
    await a.state.restore();
    const ends: Record<number, number> = {};
    const b = setup(changelog, ends);
    b.source.setAssignment({ t: [0] });
    b.feed(0, 0, 'k', 1);
    await b.state.restore();
    // The reader notes the log end of the partition's first batch before it hands the batch out.
    ends[0] = 3;
    for (const [offset, time] of [
      [0, 1],
      [1, 2],
      [2, 15],
      [3, 25],
    ])
      b.feed(0, offset, 'k', time);
    assert.deepEqual(
      b.fired.map((w) => [w.start, w.replay]),
      [
        [0, true],
        [10, true],
      ],
    );
  });

  it('a changelog that cannot be read is not overwritten by a first-read record', async () => {
    const changelog = new MemoryChangelog();
    changelog.log.push({ key: 't:0', value: 'kept' });
    changelog.read = () => Promise.reject(new Error('broker away'));
    const { source, state, feed } = setup(changelog);
    source.setAssignment({ t: [0] });
    feed(0, 0, 'k', 1);
    await state.restore();
    assert.deepEqual(changelog.log, [{ key: 't:0', value: 'kept' }]);
  });

  it('a partition that leaves and comes back with no message in between starts on a fresh clock: its records are not late for the clock it had before', async () => {
    const { source, state, feed, op, counts } = setup();
    source.setAssignment({ t: [0, 1] });
    feed(0, 0, 'a', 100);
    await state.restore();
    feed(0, 0, 'a', 100);
    feed(1, 0, 'b', 100);
    source.setAssignment({ t: [0] });
    source.setAssignment({ t: [0, 1] });
    // The partition's next owner did not get far: it resumes well before its old clock.
    assert.equal(feed(1, 1, 'c', 52), 'restore');
    await state.restore();
    assert.equal(feed(1, 1, 'c', 52), 'process');
    feed(1, 2, 'c', 200);
    feed(0, 1, 'a', 200);
    assert.equal(op.stats().late, 0);
    assert.equal(counts.get('c@50'), 1);
  });

  it('a closing node writes its last state only once the results sent before are handled; given up (the flow stops), it writes nothing and keeps the holds', async () => {
    const inFlight = new Map([['0\u0000t', 3]]);
    const { source, state, feed, changelog, fired } = setup(new MemoryChangelog(), {}, inFlight);
    source.setAssignment({ t: [0] });
    feed(0, 0, 'a', 1);
    await state.restore();
    feed(0, 0, 'a', 1);
    const before = changelog.log.length;
    feed(0, 1, 'a', 2);
    // Offset 2 fires window 0: its result is on its way downstream when the node closes.
    feed(0, 2, 'a', 15);
    assert.equal(fired.length, 1);
    state.close();
    await new Promise((r) => setImmediate(r));
    assert.equal(changelog.log.length, before, 'not written while the result may still be dropped');
    source.cap(point(0, 3));
    await source.retired('n');
    assert.equal(JSON.parse(changelog.log[before].value).offset, 2, 'written once offset 2 and its result are handled');

    const b = setup(new MemoryChangelog(), {}, new Map([['0\u0000t', 3]]));
    b.source.setAssignment({ t: [0] });
    b.feed(0, 0, 'a', 1);
    await b.state.restore();
    b.feed(0, 0, 'a', 1);
    const written = b.changelog.log.length;
    b.feed(0, 2, 'a', 15);
    b.state.close();
    b.source.abandonWait();
    await b.source.retired('n');
    assert.equal(b.changelog.log.length, written, 'given up: the state without window 0 is not written');
    assert.equal(b.state.hold('t', 0), 0, 'and the commit stays before the records whose result may be lost');
    assert.equal(b.source.cap(point(0, 3))?.offset, '0', 'the closed node stays with the reader while it holds records no state stores');
    b.source.setAssignment({ t: [] });
    assert.equal(b.source.ownerCount, 0, 'once the partition moved it leaves');
  });

  it("a snapshot written after its partition moved leaves that partition out: the next owner's state is not overwritten by an older one", async () => {
    const inFlight = new Map([['1\u0000t', 1]]);
    const { source, state, feed, changelog } = setup(new MemoryChangelog(), {}, inFlight);
    source.setAssignment({ t: [0, 1] });
    feed(0, 0, 'a', 1);
    await state.restore();
    const before = changelog.log.length;
    feed(0, 0, 'a', 1);
    feed(1, 0, 'b', 1);
    const cp = source.checkpoint();
    // Partition 0 moves while the checkpoint waits for partition 1's record in flight.
    source.setAssignment({ t: [1] });
    source.cap(point(1, 1));
    await cp;
    assert.deepEqual(
      changelog.log.slice(before).map((r) => r.key),
      ['t:1'],
    );
  });

  it("a node that closes completes records it never took: their partition's commit stays before them until the partition moves", async () => {
    const { source, state, feed, changelog } = setup();
    source.setAssignment({ t: [0, 1] });
    feed(0, 0, 'a', 1);
    await state.restore();
    feed(0, 0, 'a', 1);
    feed(0, 1, 'a', 2);
    // Partition 2 is assigned afterwards: its first record waits for its state when the node closes.
    source.setAssignment({ t: [0, 1, 2] });
    const waiting = { kafka: { topic: 't', partition: 2, offset: '7', source: 'in' } } as NodeMessage;
    assert.equal(state.admit(waiting), 'restore');
    state.close();
    // The host completes the waiting record, and one that reaches the node after it closed, untaken.
    state.refuse(waiting);
    state.refuse({ kafka: { topic: 't', partition: 0, offset: '2', source: 'in' } } as NodeMessage);
    await source.retired('n');
    assert.equal(JSON.parse(changelog.log[changelog.log.length - 1].value).offset, 1, 'the last state written holds offsets 0 and 1');
    assert.equal(source.cap(point(0, 3))?.offset, '2', 'offset 2 is in no state: the commit stops before it');
    assert.equal(source.cap(point(2, 8))?.offset, '7', 'nor past the record that waited for its state');
    assert.deepEqual(
      (await source.checkpoint()).map((p) => p.offset),
      [],
      'a checkpoint of the reader does not move them either',
    );
    source.setAssignment({ t: [1] });
    assert.equal(source.ownerCount, 0, 'once its partitions moved, the closed node holds nothing and leaves the reader');
  });

  it('a key arriving from two partitions is reported once and stays with its first partition', async () => {
    const { source, state, feed, node } = setup();
    source.setAssignment({ t: [0, 1] });
    feed(0, 0, 'a', 1);
    await state.restore();
    feed(0, 0, 'a', 1);
    feed(1, 0, 'a', 2);
    feed(1, 1, 'a', 3);
    assert.equal(node.warnings.length, 1);
    assert.match(node.warnings[0], /key "a" arrives from partition 0 of t and partition 1 of t/);
    assert.equal(state.crossPartitionKeys, 2, 'both events of "a" from partition 1 are counted');
  });
});

describe('window state of a reader of several co-partitioned topics (partition p of each topic is one unit)', () => {
  const both = { a: 3, b: 3 };
  const pointOf = (topic: string, partition: number, offset: number): CommitPoint => ({
    topic,
    partition,
    offset: String(offset),
    id: `${partition}\u0000${topic}`,
    position: offset,
  });
  const records = (c: MemoryChangelog) => c.log.map((r) => ({ key: r.key, ...JSON.parse(r.value) }));

  it("a key's records of both topics are one state: restored before the first record of either topic, checkpointed as one record, each topic's commit held by its own records", async () => {
    const { source, state, feed, changelog, node } = setup();
    source.setAssignment({ a: [0], b: [0] }, both);
    assert.equal(feed(0, 0, 'k', 1, 'b'), 'restore', "the unit's state is read before its first record, whatever the topic");
    await state.restore();
    assert.deepEqual(
      records(changelog).map((r) => [r.key, r.offsets]),
      [['*:0', { a: -1, b: -1 }]],
      'a unit read for the first time is claimed with one record',
    );
    assert.equal(feed(0, 0, 'k', 1, 'b'), 'process');
    assert.equal(feed(0, 5, 'k', 2, 'a'), 'process', 'the other topic of the unit needs no restore of its own');
    feed(0, 1, 'k', 3, 'b');
    assert.equal(state.crossPartitionKeys, 0, 'a key of partition 0 of both topics is no violation');
    assert.deepEqual(node.warnings, []);
    assert.equal(state.hold('a', 0), 5);
    assert.equal(state.hold('b', 0), 0);
    assert.equal(source.cap(pointOf('b', 0, 2))?.offset, '0', 'the commit of b waits for the checkpoint');
    const moved = await source.checkpoint();
    assert.deepEqual(moved.map((p) => [p.topic, p.offset]).sort(), [['b', '2']]);
    const last = records(changelog).at(-1)!;
    assert.equal(last.key, '*:0');
    assert.deepEqual(last.offsets, { a: 5, b: 1 });
    assert.equal(last.offset, undefined);
    assert.equal(state.hold('a', 0), undefined);
    assert.equal(state.hold('b', 0), undefined);
  });

  it('the unit moves whole: its next owner restores the keys of both topics, skips what the state holds and counts the rest once', async () => {
    const changelog = new MemoryChangelog();
    const x = setup(changelog);
    x.source.setAssignment({ a: [0, 1], b: [0, 1] }, both);
    x.feed(0, 0, 'k', 1, 'a');
    await x.state.restore();
    x.feed(0, 0, 'k', 1, 'a');
    x.feed(0, 0, 'k', 2, 'b');
    x.feed(1, 0, 'm', 2, 'b');
    await x.source.checkpoint();
    x.feed(0, 1, 'k', 3, 'b');
    x.source.setAssignment({ a: [1], b: [1] }, both);
    assert.equal(x.op.hasKey('k'), false, 'the old owner dropped the unit');
    assert.equal(x.op.hasKey('m'), true);
    assert.equal(x.feed(0, 2, 'k', 4, 'a'), 'skip');

    const y = setup(changelog, { 0: 2 });
    y.source.setAssignment({ a: [0], b: [0] }, both);
    assert.equal(y.feed(0, 1, 'k', 3, 'b'), 'restore');
    await y.state.restore();
    assert.equal(y.op.hasKey('k'), true);
    assert.equal(y.feed(0, 0, 'k', 1, 'a'), 'skip', 'in the restored state');
    assert.equal(y.feed(0, 0, 'k', 2, 'b'), 'skip', 'in the restored state');
    assert.equal(y.feed(0, 1, 'k', 3, 'b'), 'process', 'not checkpointed: counted here');
    // Both partitions' clocks past the window (one watermark per source partition).
    y.feed(0, 1, 'k', 30, 'a');
    y.feed(0, 2, 'k', 30, 'b');
    assert.equal(y.counts.get('k@0'), 3, 'every record of the window counted once');
    assert.equal(y.fired[0].replay, true, 'the old owner may have sent it');
    assert.equal(y.state.crossPartitionKeys, 0);
  });

  it("a changelog of one record per topic's partition (topics not co-located then) still restores, into the unit", async () => {
    const changelog = new MemoryChangelog();
    const old = setup(changelog);
    old.source.setAssignment({ a: [0], b: [0] });
    old.feed(0, 0, 'k', 1, 'a');
    await old.state.restore();
    old.feed(0, 0, 'k', 1, 'a');
    old.feed(0, 3, 'n', 2, 'b');
    await old.source.checkpoint();
    assert.deepEqual(
      records(changelog)
        .map((r) => r.key)
        .sort(),
      ['a:0', 'a:0', 'b:0', 'b:0'],
    );

    const y = setup(changelog);
    y.source.setAssignment({ a: [0], b: [0] }, both);
    y.feed(0, 0, 'k', 1, 'a');
    await y.state.restore();
    assert.deepEqual([y.op.hasKey('k'), y.op.hasKey('n')], [true, true]);
    assert.equal(y.feed(0, 0, 'k', 1, 'a'), 'skip');
    assert.equal(y.feed(0, 3, 'n', 2, 'b'), 'skip');
    y.feed(0, 4, 'k', 3, 'b');
    await y.source.checkpoint();
    const last = records(changelog).at(-1)!;
    assert.equal(last.key, '*:0');
    assert.deepEqual(last.offsets, { a: 0, b: 4 });
    const z = setup(changelog);
    z.source.setAssignment({ a: [0], b: [0] }, both);
    z.feed(0, 0, 'k', 1, 'a');
    await z.state.restore();
    assert.equal(z.feed(0, 4, 'k', 3, 'b'), 'skip', "the unit's record is newer than the per-partition ones and wins");
  });

  it('a partition whose counterpart is read elsewhere (a group member without the co-partitioning assigner) keeps a record of its own', async () => {
    const { source, state, feed, changelog } = setup();
    source.setAssignment({ a: [0], b: [1] }, both);
    feed(0, 0, 'k', 1, 'a');
    await state.restore();
    assert.deepEqual(
      records(changelog)
        .map((r) => r.key)
        .sort(),
      ['a:0', 'b:1'],
    );
  });

  it('topics of different partition counts are said once; a key from two partition numbers is a violation, counted', async () => {
    const { source, state, feed, node } = setup();
    source.setAssignment({ a: [0, 1], b: [0, 1, 2] }, { a: 2, b: 3 });
    feed(0, 0, 'k', 1, 'a');
    await state.restore();
    feed(0, 0, 'k', 1, 'a');
    feed(0, 0, 'k', 2, 'b');
    assert.equal(state.crossPartitionKeys, 0);
    feed(2, 0, 'k', 3, 'b');
    assert.equal(state.crossPartitionKeys, 1);
    assert.equal(node.warnings.length, 2, node.warnings.join('\n'));
    assert.match(node.warnings[0], /different partition counts \(a: 2, b: 3\).*same number of partitions/);
    assert.match(node.warnings[1], /key "k" arrives from partition 0 of a and partition 2 of b/);
    source.setAssignment({ a: [0, 1], b: [0, 1, 2] }, { a: 2, b: 3 });
    await state.restore();
    assert.equal(node.warnings.length, 2, 'said once');
  });
});

const detectNode = require('../../src/nodes/stream-detect');

/**
 * Deploys node 'n' of `type` wired to out0, fed as by stream-kafka-in 'in' (partitions 0 and 1 of
 * topic t), with a Complete node that counts what it finished.
 */
async function deployFedByReader(type: string, config: Record<string, unknown>) {
  await helper.load(
    [...NODES, detectNode, completeNode],
    [
      { id: 'f', type: 'tab' },
      { id: 'n', type, z: 'f', wires: [['out0']], ...config },
      { id: 'out0', type: 'helper', z: 'f' },
      { id: 'catcher', type: 'catch', z: 'f', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'f' },
      { id: 'finished', type: 'complete', z: 'f', scope: ['n'], wires: [['completed']] },
      { id: 'completed', type: 'helper', z: 'f' },
    ],
  );
  const d = attach(1);
  let completed = 0;
  helper.getNode('completed').on('input', () => completed++);
  /** Sends a record of `partition` at `offset` and waits until the node has finished it. */
  const record = async (msg: Record<string, unknown>, partition: number, offset: number) => {
    const before = completed;
    d.send({ ...msg, kafka: { topic: 't', partition, offset: String(offset), source: 'in', assigned: [0, 1] } });
    await until(() => completed > before, `record ${partition}/${offset} handled`);
  };
  return { d, record };
}

describe('a partition waiting its turn in a Node-RED runtime', () => {
  const T = Date.UTC(2026, 0, 1);
  let clock: sinon.SinonFakeTimers | undefined;
  let reader: KafkaStateSource | undefined;

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    if (reader) partitionSources.unregister(reader);
    reader = undefined;
    await helper.unload();
  });

  /**
   * A reader owning partitions 0 and 1 of topic t feeds an aggregate (tumbling count per key, 1 s,
   * default idle time 10 s): partition 1 delivers one record, then partition 0 is read for 12 s of
   * processing time while partition 1 waits, then partition 1's records come. `pendingMeanwhile`:
   * whether the reader says it has records of partition 1 during the pause.
   */
  async function pausedPartition(pendingMeanwhile: boolean) {
    clock = sinon.useFakeTimers({ now: T, toFake: ['Date'] });
    const pending = new Set<number>();
    reader = new KafkaStateSource(
      'in',
      () => new MemoryChangelog(),
      () => undefined,
      () => new Map(),
      0,
      (topic, partition) => topic === 't' && pending.has(partition),
    );
    reader.setAssignment({ t: [0, 1] });
    partitionSources.register(reader);
    const { d, record: send } = await deployFedByReader('stream-aggregate', { windowType: 'tumbling', size: '1s', aggregations: [{ op: 'count' }] });
    const offsets = [0, 0];
    const record = async (partition: number, key: string, time: number, now: number) => {
      clock!.setSystemTime(now);
      await send({ topic: key, payload: 1, timestamp: time }, partition, offsets[partition]++);
    };
    await record(1, 'b', T, T);
    if (pendingMeanwhile) pending.add(1);
    for (let i = 0; i <= 120; i++) await record(0, 'a', T + i * 100, T + i * 100);
    for (let j = 1; j <= 12; j++) await record(1, 'b', T + j * 1000 - 500, T + 12000 + j);
    pending.clear();
    const b = d.out[0].filter((m) => m.topic === 'b').map((m) => `${m.window.start - T}:${m.payload.count}`);
    // Read after the results: the refresh (msg.flush) fires the windows still open.
    return { b, status: await statusSoon(d.node), caught: d.caught.length };
  }

  it('drops none of its records as late when the reader has them pending through a pause longer than the idle time', async () => {
    const busy = await pausedPartition(true);
    assert.deepEqual(busy.b, ['0:2', ...Array.from({ length: 10 }, (_, i) => `${(i + 1) * 1000}:1`)]);
    assert.doesNotMatch(busy.status, /late/);
    assert.equal(busy.caught, 0);
    await helper.unload();
    partitionSources.unregister(reader!);
    clock!.restore();
    // Without the reader's word the partition is taken for idle after 10 s: its records are late.
    const quiet = await pausedPartition(false);
    assert.match(quiet.status, /\b12 late\b/);
    assert.deepEqual(quiet.b, ['0:1']);
  });
});

describe('join, sequence and detect state that follows Kafka partitions (Node-RED runtime, reader in memory)', () => {
  let reader: KafkaStateSource | undefined;

  afterEach(async () => {
    if (reader) partitionSources.unregister(reader);
    reader = undefined;
    await helper.unload();
  });

  /** A reader of partitions 0 and 1 of topic t with `changelog`, registered as stream-kafka-in 'in'. */
  function readerOf(changelog: MemoryChangelog): KafkaStateSource {
    if (reader) partitionSources.unregister(reader);
    reader = new KafkaStateSource(
      'in',
      () => changelog,
      () => undefined,
      () => new Map(),
    );
    reader.setAssignment({ t: [0, 1] });
    partitionSources.register(reader);
    return reader;
  }

  const door = {
    sideProperty: 'topic',
    leftSide: 'door',
    rightSide: 'temperature',
    keyProperty: 'payload.room',
    valueProperty: 'payload.v',
    lower: '0',
    upper: '5m',
  };
  const T = Date.UTC(2026, 0, 1);

  it("a join's buffered side moves with its partition: the new owner pairs it, marks a pair the old owner may have sent, and the old owner forgets it", async () => {
    const changelog = new MemoryChangelog();
    const source = readerOf(changelog);
    let n = await deployFedByReader('stream-join', door);
    await n.record({ topic: 'door', payload: { room: 'kitchen', v: 'open' }, timestamp: T }, 0, 0);
    await n.record({ topic: 'door', payload: { room: 'hall', v: 'open' }, timestamp: T }, 1, 0);
    await source.checkpoint();
    const saved = JSON.parse((await changelog.read()).get('t:0')!);
    assert.equal(saved.offset, 0);
    assert.equal(saved.state.kind, 'join-keys');
    assert.deepEqual(
      saved.state.keys.map((k: { key: string; left: unknown[] }) => [k.key, k.left.length]),
      [['kitchen', 1]],
    );
    // Partition 0 goes elsewhere: its records are no longer this owner's.
    source.setAssignment({ t: [1] });
    await n.record({ topic: 'temperature', payload: { room: 'kitchen', v: 21 }, timestamp: T + 1000 }, 0, 1);
    await n.record({ topic: 'temperature', payload: { room: 'hall', v: 19 }, timestamp: T + 1000 }, 1, 1);
    assert.deepEqual(
      n.d.out[0].map((m) => [m.topic, m.payload.left, m.payload.right]),
      [['hall', 'open', 19]],
      'kitchen left with its partition',
    );
    await helper.unload();

    // The next owner of both partitions.
    readerOf(changelog);
    n = await deployFedByReader('stream-join', door);
    await n.record({ topic: 'temperature', payload: { room: 'kitchen', v: 22 }, timestamp: T + 2000 }, 0, 1);
    await n.record({ topic: 'temperature', payload: { room: 'kitchen', v: 23 }, timestamp: T + 3000 }, 0, 2);
    assert.deepEqual(
      n.d.out[0].map((m) => [m.topic, m.payload.left, m.payload.right, m.join.replay]),
      [
        ['kitchen', 'open', 22, true],
        ['kitchen', 'open', 23, true],
      ],
      'the restored door event pairs with the readings; the previous owner may have paired it already, so both are marked',
    );
    assert.equal(n.d.caught.length, 0);
  });

  it("a sequence's partial match moves with its partition and completes at the new owner", async () => {
    const changelog = new MemoryChangelog();
    const source = readerOf(changelog);
    const steps = [
      { name: 'a', rules: [{ property: 'payload', op: 'eq', value: 'a' }] },
      { name: 'b', rules: [{ property: 'payload', op: 'eq', value: 'b' }] },
    ];
    let n = await deployFedByReader('stream-sequence', { steps });
    await n.record({ topic: 'k', payload: 'a', timestamp: T }, 0, 0);
    await source.checkpoint();
    await helper.unload();
    readerOf(changelog);
    n = await deployFedByReader('stream-sequence', { steps });
    await n.record({ topic: 'k', payload: 'b', timestamp: T + 1000 }, 0, 1);
    assert.deepEqual(n.d.out[0] ?? [], [], 'partition 1 has delivered nothing yet: it may still hold earlier records, so the watermark waits');
    await n.record({ topic: 'other', payload: 'x', timestamp: T + 1000 }, 1, 0);
    assert.deepEqual(
      n.d.out[0].map((m) => [m.topic, m.sequence.start - T, m.sequence.end - T, m.sequence.replay]),
      [['k', 0, 1000, true]],
      'the match starts with the restored event, which the previous owner may have matched already: marked',
    );
  });

  it("a detect node's history (pattern auto, stream mode) moves with its partition", async () => {
    const changelog = new MemoryChangelog();
    const source = readerOf(changelog);
    const config = { pattern: 'auto', keyProperty: 'topic' };
    let n = await deployFedByReader('stream-detect', config);
    for (let i = 0; i < 30; i++) await n.record({ topic: 's', payload: 20 + (i % 3), timestamp: T + i * 1000 }, 0, i);
    await source.checkpoint();
    const first = JSON.parse((await changelog.read()).get('t:0')!);
    assert.equal(first.state.kind, 'detect-keys');
    assert.equal(first.state.keys[0].state.n, 30);
    await helper.unload();
    const again = readerOf(changelog);
    n = await deployFedByReader('stream-detect', config);
    await n.record({ topic: 's', payload: 21, timestamp: T + 30000 }, 0, 30);
    await again.checkpoint();
    const second = JSON.parse((await changelog.read()).get('t:0')!);
    assert.equal(second.offset, 30);
    assert.equal(second.state.keys[0].state.n, 31, 'the history of 30 readings was restored, not started afresh');
  });

  /**
   * Feeds `records` ([key, partition, time, value], offsets counted per partition) to a detect
   * node with `config` fed by the reader: all to one node, and split at `cut` between two nodes
   * that follow each other on one changelog (the first checkpoints, then is replaced). Returns the
   * messages each way sent, the replay mark left out (the second owner may mark what it repeats).
   */
  async function detectMoved(config: Record<string, unknown>, records: Array<[string, number, number, number]>, cut: number) {
    const feed = async (n: Awaited<ReturnType<typeof deployFedByReader>>, from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const [key, partition, time, value] = records[i];
        const offset = records.slice(0, i).filter((r) => r[1] === partition).length;
        await n.record({ topic: key, payload: value, timestamp: time }, partition, offset);
      }
      return n.d.out[0] ?? [];
    };
    const sent = (msgs: Record<string, any>[]) =>
      msgs.map((m) => {
        const { replay, ...payload } = m.payload;
        void replay;
        return JSON.stringify([payload, m.window && { ...m.window, replay: undefined }]);
      });
    readerOf(new MemoryChangelog());
    const whole = sent(await feed(await deployFedByReader('stream-detect', config), 0, records.length));
    await helper.unload();
    const changelog = new MemoryChangelog();
    const first = readerOf(changelog);
    const before = sent(await feed(await deployFedByReader('stream-detect', config), 0, cut));
    await first.checkpoint();
    const saved = JSON.parse((await changelog.read()).get('t:0')!);
    await helper.unload();
    readerOf(changelog);
    const after = sent(await feed(await deployFedByReader('stream-detect', config), cut, records.length));
    return { whole, moved: [...before, ...after], before, saved };
  }

  /** Readings 1 s apart of key s (partition 0) and u (partition 1): steady, with a spike of s at second `spikeAt`. */
  const spiky = (count: number, spikeAt: number): Array<[string, number, number, number]> =>
    Array.from({ length: count }, (_, i) => [
      ['s', 0, T + i * 1000, i === spikeAt ? 90 : 20 + (i % 3) * 0.1],
      ['u', 1, T + i * 1000, 30 + (i % 2) * 0.2],
    ]).flat() as Array<[string, number, number, number]>;

  it("a spike detector's history and open incident move with their partition: the alerts equal one node's, the incident ends once", async () => {
    const config = { pattern: 'spike', keyProperty: 'topic', history: '20', minHistory: '5', holdOff: '5s' };
    // The spike at 25 s opens an incident; the node is replaced at 27 s; 5 s quiet end it at 30 s.
    const { whole, moved, before, saved } = await detectMoved(config, spiky(36, 25), 2 * 27);
    assert.equal(saved.state.kind, 'detect-keys');
    assert.deepEqual(saved.state.keys[0].alert, { active: true, lastHot: T + 25000 });
    assert.deepEqual(
      whole.map((w) => JSON.parse(w)[0].state),
      ['alert', 'ended'],
    );
    assert.equal(before.length, 1, 'the first node sent the alert');
    assert.deepEqual(moved, whole, 'the second sends the end of the same incident and nothing else');
  });

  it("in window mode a detect node's open windows and open incident move together with their partition", async () => {
    const config = { pattern: 'spike', mode: 'window', windowType: 'tumbling', size: '10s', keyProperty: 'topic', holdOff: '0' };
    // The window [10 s, 20 s) holds the spike and fires at 20 s; the node is replaced at 25 s
    // with [20 s, 30 s) half full; that window is quiet and ends the incident when it fires.
    const { whole, moved, saved } = await detectMoved(config, spiky(36, 15), 2 * 25);
    assert.equal(saved.state.kind, 'combined-keys');
    assert.deepEqual(
      saved.state.parts.map((p: { kind: string }) => p.kind),
      ['window-keys', 'detect-keys'],
    );
    assert.deepEqual(
      whole.map((w) => JSON.parse(w)[0].state),
      ['alert', 'ended'],
    );
    assert.equal(JSON.parse(whole[1])[1].count, 10, 'the window that ends it holds its 10 readings, 5 of them restored');
    assert.deepEqual(moved, whole);
  });
});
