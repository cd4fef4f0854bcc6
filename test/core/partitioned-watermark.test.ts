import { strict as assert } from 'assert';
import { PartitionedWatermark, STALL } from '../../src/core/partitioned-watermark';
import { WindowOperator } from '../../src/core/window-operator';
import { seededUniform } from '../support/seeded-random';
import { ev, recording, sumCount, windows } from './window-test-kit';

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
      const events: { key: string; time: number }[] = [];
      for (let i = 0; i < 300; i++) for (let k = 0; k < 5; k++) events.push({ key: `k${p * 5 + k}`, time: T0 + i * 10 });
      return events;
    });
    const expected = new Map<string, number>();
    for (const events of parts) for (const e of events) expected.set(`${e.key}@${Math.floor(e.time / 1000) * 1000}`, (expected.get(`${e.key}@${Math.floor(e.time / 1000) * 1000}`) ?? 0) + 1);
    const { op, out } = recording({ window: { type: 'tumbling', size: 1000 }, aggregate: sumCount, maxOutOfOrder: 0 });
    const rnd = seededUniform(7);
    const pos = [0, 0, 0, 0];
    const step = [40, 320, 320, 320];
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

  it('ignores sources with per-key watermarks and in processing time', () => {
    const op = new WindowOperator({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, watermarkScope: 'key', onEmit: () => undefined });
    op.expectSources('t', ['0:t', '1:t'], 0);
    op.process(ev('a', 25), 0, '0:t', 't');
    assert.equal(op.stats().watermark, 25, 'key a’s own clock, not held by partition 1');
  });
});
