import { strict as assert } from 'assert';
import { PartitionedWatermark, STALL } from '../../src/core/partitioned-watermark';
import { WindowOperator } from '../../src/core/window-operator';
import { seededUniform } from '../support/seeded-random';
import { Out, SumAcc, ev, recording, sumCount, windows } from './window-test-kit';

type Ev = { key: string; time: number };
type SumCountOperator = WindowOperator<number, SumAcc, { sum: number; count: number }>;

/** Events per key and 1 s window, keyed `key@start`. */
function countsPerSecond(parts: Ev[][]): Map<string, number> {
  const expected = new Map<string, number>();
  for (const events of parts) {
    for (const e of events) {
      const id = `${e.key}@${Math.floor(e.time / 1000) * 1000}`;
      expected.set(id, (expected.get(id) ?? 0) + 1);
    }
  }
  return expected;
}

/**
 * Feeds four partitions' events to `op` as a reader works through a backlog: a batch of each
 * partition in turn, `step[p]` events (±50 %, seeded) at a time, 0.05 ms apart. Returns the
 * processing time reached.
 */
function readUneven(op: SumCountOperator, parts: Ev[][], step: number[], seed: number, useSources: boolean): number {
  const rnd = seededUniform(seed);
  const pos = [0, 0, 0, 0];
  let now = 0;
  if (useSources) op.expectSources('t', ['0:t', '1:t', '2:t', '3:t'], now);
  while (pos.some((p, i) => p < parts[i].length)) {
    for (let p = 0; p < 4; p++) {
      const n = Math.floor(step[p] * (0.5 + rnd()));
      for (const e of parts[p].slice(pos[p], pos[p] + n)) {
        now += 0.05;
        op.process(ev(e.key, e.time), now, useSources ? `${p}:t` : undefined, 't');
      }
      pos[p] += n;
    }
  }
  return now;
}

describe('PartitionedWatermark', () => {
  it('is the minimum of the sources’ own bounded watermarks; expected sources hold it until they deliver', () => {
    const w = new PartitionedWatermark(5, 10000);
    w.expect('t', ['0:t', '1:t'], 0);
    assert.equal(w.observe('0:t', 't', 100, 0), -Infinity, 'source 1 has not delivered yet');
    assert.equal(w.observe('0:t', 't', 200, 0), -Infinity);
    assert.equal(w.observe('1:t', 't', 50, 0), 45);
    assert.equal(w.observe('1:t', 't', 150, 0), 145);
    assert.equal(w.observe('1:t', 't', 300, 0), 195, 'now source 0 is the laggard');
    assert.equal(w.observe('0:t', 't', 120, 0), 195, 'an older event of a source moves nothing');
  });

  it('leaves a source out once it has been quiet for idleAfter of active time, and takes it back when it delivers', () => {
    const w = new PartitionedWatermark(0, 3000);
    w.expect('t', ['0:t', '1:t'], 0);
    w.observe('0:t', 't', 10, 0);
    // Source 0 keeps delivering for 3 s while source 1 says nothing: source 1 turns idle.
    let v = -Infinity;
    for (let now = 500; now <= 3000; now += 500) v = w.observe('0:t', 't', now, now);
    assert.equal(v, 3000);
    assert.equal(w.observe('1:t', 't', 100, 3100), 100, 'back with an old event: it holds the minimum again');
  });

  it('does not count a stall of the whole stream towards idleness (gaps count at most STALL)', () => {
    const w = new PartitionedWatermark(0, 3000);
    w.expect('t', ['0:t', '1:t'], 0);
    w.observe('1:t', 't', 5, 0);
    // A minute without any input, then source 0 delivers: source 1 was only waiting its turn.
    assert.equal(w.observe('0:t', 't', 90000, 60000), 5);
    assert.equal(w.observe('0:t', 't', 90001, 60000 + STALL), 5);
  });

  it('does not leave out a source its reader still has records of, however long it waits; once nothing is pending it turns idle', () => {
    const pending = new Set(['1:t']);
    const asked: string[] = [];
    const w = new PartitionedWatermark(0, 3000, STALL, (source, group) => {
      asked.push(`${source}/${group}`);
      return pending.has(source);
    });
    w.expect('t', ['0:t', '1:t'], 0);
    w.observe('1:t', 't', 5, 0);
    // Source 0 delivers for 10 s of activity; source 1 waits its turn with records pending.
    let v = -Infinity;
    for (let now = 100; now <= 10000; now += 100) v = w.observe('0:t', 't', now, now);
    assert.equal(v, 5, 'source 1 still holds the watermark after three idle times');
    assert.ok(asked.length > 0 && asked.length <= 4, `asked once per idle time, not per event (${asked.length})`);
    assert.ok(
      asked.every((a) => a === '1:t/t'),
      'only the overdue source is asked about',
    );
    assert.equal(w.observe('1:t', 't', 8000, 10100), 8000, 'its records arrive: the watermark follows them, nothing of it is late');
    // Its reader has nothing more for it: one idle time after it was last seen or asked, it is left out.
    pending.clear();
    for (let now = 10200; now <= 16200; now += 100) v = w.observe('0:t', 't', now, now);
    assert.equal(v, 16200);
  });

  it('a source with nothing pending turns idle after idleAfter as before', () => {
    const w = new PartitionedWatermark(0, 3000, STALL, () => false);
    w.expect('t', ['0:t', '1:t'], 0);
    w.observe('1:t', 't', 5, 0);
    let v = -Infinity;
    for (let now = 100; now <= 3000; now += 100) v = w.observe('0:t', 't', now, now);
    assert.equal(v, 3000);
  });

  it('forgets the sources of a group that are no longer expected (partitions now read elsewhere)', () => {
    const w = new PartitionedWatermark(0, 10000);
    w.expect('t', ['0:t', '1:t'], 0);
    w.observe('0:t', 't', 100, 0);
    assert.equal(w.value, -Infinity);
    w.expect('t', ['0:t'], 1);
    assert.equal(w.size, 1);
    assert.equal(w.value, 100);
  });
});

describe('WindowOperator with sources (partitions)', () => {
  // Four partitions, five keys each, one event per key every 10 ms over 3 s of event time; the
  // reader hands out the partitions at uneven speeds (one of them 8× slower), batch by batch.
  function unevenRun(useSources: boolean): { exact: number; total: number; late: number } {
    const T0 = 1_700_000_000_000;
    const parts = [0, 1, 2, 3].map((p) => {
      const events: Ev[] = [];
      for (let i = 0; i < 300; i++) for (let k = 0; k < 5; k++) events.push({ key: `k${p * 5 + k}`, time: T0 + i * 10 });
      return events;
    });
    const expected = countsPerSecond(parts);
    const { op, out } = recording({ window: { type: 'tumbling', size: 1000 }, aggregate: sumCount, maxOutOfOrder: 0 });
    const now = readUneven(op, parts, [40, 320, 320, 320], 7, useSources);
    op.flush(now);
    let exact = 0;
    for (const [key, start, , , r] of windows(out)) if (expected.get(`${key}@${start}`) === r.count && r.count > 0) exact++;
    return { exact, total: expected.size, late: op.stats().late };
  }

  it('loses nothing when partitions are read at uneven speeds; one stream watermark would drop the slow partition’s events as late', () => {
    const withSources = unevenRun(true);
    assert.deepEqual(withSources, { exact: withSources.total, total: 60, late: 0 });
    const without = unevenRun(false);
    assert.ok(without.late > 0 && without.exact < without.total, `the stream watermark alone drops events (${JSON.stringify(without)})`);
  });

  it('drops nothing as late when a partition with pending records is delivered after a pause longer than the idle time', () => {
    const run = (busy: boolean) => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 1000 }, aggregate: sumCount, sourceBusy: (source) => busy && source === '1:t' });
      op.expectSources('t', ['0:t', '1:t'], 0);
      op.process(ev('b', 0), 0, '1:t', 't');
      // Partition 0 is read for 12 s of processing time (past the 10 s default idle time).
      for (let i = 0; i <= 120; i++) op.process(ev('a', i * 100), i * 100, '0:t', 't');
      // Then partition 1's waiting records: one per second of the same event time.
      for (let i = 1; i <= 12; i++) op.process(ev('b', i * 1000 - 500), 12000 + i, '1:t', 't');
      op.flush(20000);
      const b = windows(out).filter(([k]) => k === 'b');
      return { late: op.stats().late, windows: b.length, counted: b.reduce((n, [, , , , r]) => n + r.count, 0) };
    };
    assert.deepEqual(run(true), { late: 0, windows: 12, counted: 13 });
    const idle = run(false);
    assert.ok(idle.late > 0, `without the reader's word the paused partition is left out and its records are late (${JSON.stringify(idle)})`);
  });

  it('ignores sources in processing time', () => {
    const op = new WindowOperator({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, timeMode: 'processing', onEmit: () => undefined });
    op.expectSources('t', ['0:t', '1:t'], 0);
    op.process(ev('a', 25), 30, '0:t', 't');
    assert.equal(op.stats().watermark, 30);
  });

  it('snapshots the partitions’ clocks: restored, a partition read ahead still does not make the others late', () => {
    const opts = { window: { type: 'tumbling' as const, size: 1000 }, aggregate: sumCount };
    const a = recording(opts);
    a.op.expectSources('t', ['0:t', '1:t'], 0);
    a.op.process(ev('x', 500), 0, '0:t', 't');
    a.op.process(ev('y', 2500), 0, '1:t', 't');
    const snap = a.op.snapshot() as { partitions: unknown };
    assert.deepEqual(snap.partitions, {
      sources: [
        ['0:t', 't', 500],
        ['1:t', 't', 2500],
      ],
      keys: [],
    });
    const b = recording(opts);
    b.op.restore(JSON.parse(JSON.stringify(snap)));
    b.op.process(ev('x', 900), 1, '0:t', 't');
    b.op.process(ev('y', 3500), 1, '1:t', 't');
    assert.equal(b.out.length, 0, 'partition 0 is at 900: no window has ended for it');
    b.op.process(ev('x', 1200), 2, '0:t', 't');
    assert.deepEqual(windows(b.out), [['x', 0, 1000, 'final', { sum: 2, count: 2 }]]);
    assert.equal(b.op.stats().late, 0);
  });

  it('refuses damaged partition clocks in a snapshot and keeps its state', () => {
    const { op } = recording({ window: { type: 'tumbling', size: 1000 }, aggregate: sumCount, watermarkScope: 'key' });
    op.process(ev('x', 500), 0, '0:t', 't');
    const good = op.snapshot() as Record<string, unknown>;
    for (const partitions of [
      { sources: [['0:t', 't']] },
      { sources: [['0:t', 't', 'soon']] },
      { sources: [], keys: [['nobody', [['0:t', 't', 1]]]] },
      { sources: [], keys: [['x', []]] },
      {
        sources: [
          ['0:t', 't', 1],
          ['0:t', 't', 2],
        ],
      },
    ]) {
      assert.throws(() => op.restore({ ...good, partitions }), /snapshot/i, JSON.stringify(partitions));
    }
    assert.deepEqual(op.snapshot(), good);
  });
});

describe('WindowOperator with per-key watermarks and sources (partitions)', () => {
  // Five sites, each with one device in every partition: a site's readings come from all four.
  // The reader hands out partition 3 in small batches and the others in batches of more than a
  // window's worth of event time, partition 3 last in every round.
  const T0 = 1_700_000_000_000;
  function sitesRun(useSources: boolean): { op: SumCountOperator; out: Out<{ sum: number; count: number }>[]; expected: Map<string, number> } {
    const parts = [0, 1, 2, 3].map((p) => {
      const events: Ev[] = [];
      for (let i = 0; i < 300; i++) for (let k = 0; k < 5; k++) events.push({ key: `site${k}`, time: T0 + i * 10 });
      // A key only partition 1 delivers: nothing of its own arrives once partition 1 is read.
      if (p === 1) for (let i = 0; i < 300; i++) events.push({ key: 'solo', time: T0 + i * 10 });
      return events.sort((x, y) => x.time - y.time);
    });
    const expected = countsPerSecond(parts);
    const { op, out } = recording({ window: { type: 'tumbling', size: 1000 }, aggregate: sumCount, watermarkScope: 'key' });
    readUneven(op, parts, [1500, 1500, 1500, 40], 11, useSources);
    return { op, out, expected };
  }

  function exactCount(out: Out<{ sum: number; count: number }>[], expected: Map<string, number>): number {
    let exact = 0;
    for (const [key, start, , , r] of windows(out)) if (expected.get(`${key}@${start}`) === r.count) exact++;
    return exact;
  }

  it('loses nothing with keys read from several partitions at uneven speeds; per-key clocks alone drop readings as late', () => {
    const withSources = sitesRun(true);
    const firedBeforeFlush = windows(withSources.out).map(([key, start]) => `${key}@${start - T0}`);
    // Every window whose end the slowest partition has passed fired, also solo's: nothing of
    // solo's own arrived since partition 1 was read, the partitions' watermark released it.
    assert.deepEqual(firedBeforeFlush.sort(), ['site0', 'site1', 'site2', 'site3', 'site4', 'solo'].flatMap((k) => [`${k}@0`, `${k}@1000`]).sort());
    withSources.op.flush(0);
    assert.equal(withSources.op.stats().late, 0);
    assert.equal(exactCount(withSources.out, withSources.expected), 18);
    assert.equal(windows(withSources.out).length, 18, 'each window once');

    const without = sitesRun(false);
    without.op.flush(0);
    assert.ok(
      without.op.stats().late > 0 && exactCount(without.out, without.expected) < 18,
      `per-key clocks alone drop events (late ${without.op.stats().late})`,
    );
  });

  it('a key from several partitions waits for the slowest of them, one from a single partition for the partitions’ watermark', () => {
    const { op, out } = recording({ window: { type: 'tumbling', size: 100 }, aggregate: sumCount, watermarkScope: 'key' });
    op.expectSources('t', ['0:t', '1:t'], 0);
    op.process(ev('b', 70), 0, '1:t', 't');
    op.process(ev('b', 170), 0, '1:t', 't');
    op.process(ev('a', 50), 0, '0:t', 't');
    op.process(ev('a', 60), 0, '1:t', 't');
    assert.equal(out.length, 0, 'b is held by partition 0 (at 50), though b never came from it');
    op.process(ev('a', 250), 0, '0:t', 't');
    // b has had no input since: the partitions' watermark (now 170) released it. a's clock in
    // partition 1 is at 60.
    assert.deepEqual(windows(out), [['b', 0, 100, 'final', { sum: 1, count: 1 }]]);
    op.process(ev('a', 120), 0, '1:t', 't');
    assert.deepEqual(
      windows(out).map(([k, s, , , r]) => `${k}@${s}:${r.count}`),
      ['b@0:1', 'a@0:2'],
    );
    assert.equal(op.stats().late, 0);
  });

  it('a partition a key stops coming from turns idle for that key after the idle time', () => {
    const { op, out } = recording({ window: { type: 'tumbling', size: 100 }, aggregate: sumCount, watermarkScope: 'key', sourceIdleTimeout: 3000 });
    op.process(ev('a', 10), 0, '0:t', 't');
    op.process(ev('a', 20), 0, '1:t', 't');
    // Partition 1 keeps delivering other keys, partition 0 delivers a for 3 s of activity.
    let now = 0;
    for (let t = 100; t <= 3500; t += 100) {
      now += 100;
      op.process(ev('a', t), now, '0:t', 't');
      op.process(ev('z', t), now, '1:t', 't');
    }
    assert.ok(
      windows(out).some(([k, s]) => k === 'a' && s === 3000),
      'a’s windows fire without partition 1',
    );
    assert.equal(op.stats().late, 0);
  });

  it('a partition a key came from is not idle for it while its reader has records of it pending', () => {
    const run = (busy: boolean) => {
      const { op } = recording({
        window: { type: 'tumbling', size: 100 },
        aggregate: sumCount,
        watermarkScope: 'key',
        sourceIdleTimeout: 3000,
        sourceBusy: (source) => busy && source === '1:t',
      });
      op.process(ev('a', 10), 0, '0:t', 't');
      op.process(ev('a', 20), 0, '1:t', 't');
      let now = 0;
      for (let t = 100; t <= 3500; t += 100) {
        now += 100;
        op.process(ev('a', t), now, '0:t', 't');
      }
      // Partition 1's waiting readings of a arrive after the pause.
      for (let t = 30; t <= 3500; t += 100) op.process(ev('a', t), ++now, '1:t', 't');
      return op.stats().late;
    };
    assert.equal(run(true), 0);
    assert.ok(run(false) > 0, 'without the reader’s word partition 1 turned idle for a and its readings are late');
  });

  it('snapshots each key’s sources; a restored key still waits for its slow partition', () => {
    const opts = { window: { type: 'tumbling' as const, size: 100 }, aggregate: sumCount, watermarkScope: 'key' as const };
    const a = recording(opts);
    a.op.expectSources('t', ['0:t', '1:t'], 0);
    a.op.process(ev('a', 50), 0, '0:t', 't');
    a.op.process(ev('a', 60), 0, '1:t', 't');
    a.op.process(ev('b', 70), 0, '1:t', 't');
    const snap = JSON.parse(JSON.stringify(a.op.snapshot()));
    assert.deepEqual(snap.partitions, {
      sources: [
        ['0:t', 't', 50],
        ['1:t', 't', 70],
      ],
      keys: [
        [
          'a',
          [
            ['0:t', 't', 50],
            ['1:t', 't', 60],
          ],
        ],
        ['b', [['1:t', 't', 70]]],
      ],
    });
    const b = recording(opts);
    b.op.restore(snap);
    b.op.process(ev('a', 250), 1, '0:t', 't');
    assert.equal(b.out.length, 0, 'a’s clock in partition 1 is still at 60');
    b.op.process(ev('a', 90), 1, '1:t', 't');
    assert.equal(b.out.length, 0);
    b.op.process(ev('a', 300), 1, '1:t', 't');
    assert.deepEqual(
      windows(b.out).map(([k, s, , , r]) => `${k}@${s}:${r.count}`),
      ['a@0:3'],
    );
    b.op.process(ev('a', 400), 1, '0:t', 't');
    assert.deepEqual(
      windows(b.out).map(([k, s, , , r]) => `${k}@${s}:${r.count}`),
      ['a@0:3', 'a@200:1'],
    );
    assert.equal(b.op.stats().late, 0);
  });
});
