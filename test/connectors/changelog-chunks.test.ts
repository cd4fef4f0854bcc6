// A changelog write of any size: chunks, sends within a byte budget, heads after their chunks,
// tombstones for what they replace, and a read that puts the values back together.
import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import { ChangelogRecord, ChunkSet, assembleLog, cutValue, planWrite, settleWrite } from '../../src/connectors/changelog-chunks';

/** A compacted log as a reader sees it: the latest value per key, tombstones delete. */
function apply(log: Map<string, string>, sends: ChangelogRecord[][]): void {
  for (const send of sends)
    for (const r of send) {
      if (r.value === null) log.delete(r.key);
      else log.set(r.key, r.value);
    }
}

/** A writer as KafkaChangelog keeps one, over a log in memory, with small chunks and sends. */
function writer(chunkChars: number, budget: number) {
  const log = new Map<string, string>();
  const sets = new Map<string, ChunkSet>();
  const orphans = new Set<string>();
  let ids = 0;
  return {
    log,
    /** Writes `records`; only the first `reach` sends go out when given (the broker went away). */
    write(records: { key: string; value: string }[], reach = Infinity): { sends: number; sendBytes: number[] } {
      const plan = planWrite(records, sets, [...orphans], () => `i${ids++}`, chunkChars, budget);
      const out = plan.sends.slice(0, reach);
      apply(log, out);
      settleWrite(plan, out.length - 1, sets, orphans);
      return {
        sends: plan.sends.length,
        sendBytes: plan.sends.map((s) => s.reduce((n, r) => n + Buffer.byteLength(r.key) + Buffer.byteLength(r.value ?? ''), 0)),
      };
    },
  };
}

describe('changelog chunks', () => {
  it('cuts a value into pieces of at most the size that join back to it, never between the halves of a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 2, max: 20 }), (value, size) => {
        const pieces = cutValue(value, size);
        assert.equal(pieces.join(''), value);
        for (const p of pieces) {
          assert.ok(p.length >= 1 && p.length <= size);
          assert.equal(Buffer.from(p, 'utf8').toString('utf8'), p, 'each piece is valid text on its own');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('writes a large value as chunks with its head after them, in sends within the budget, and reads it back', () => {
    const w = writer(10, 40);
    const big = 'x'.repeat(95) + '{"é":1}';
    const { sends, sendBytes } = w.write([
      { key: '0:t', value: big },
      { key: '1:t', value: 'small' },
    ]);
    assert.ok(sends > 1);
    assert.ok(
      sendBytes.every((b) => b <= 40 + 30),
      `each send within the budget but for one record: ${sendBytes}`,
    );
    const read = assembleLog(w.log);
    assert.deepEqual(
      read.values,
      new Map([
        ['0:t', big],
        ['1:t', 'small'],
      ]),
    );
    assert.deepEqual(read.orphans, []);
    assert.equal(read.sets.get('0:t')?.count, 11);
  });

  it('a head whose chunks are missing gives no value and says so', () => {
    const w = writer(4, 100);
    w.write([{ key: 'k', value: 'abcdefghij' }]);
    const damaged = new Map([...w.log].filter(([key]) => !key.endsWith('\u00001')));
    const read = assembleLog(damaged);
    assert.equal(read.values.has('k'), false);
    assert.deepEqual(read.incomplete, ['k']);
    // A head naming more chunks than any log could hold is refused at once, not looked up chunk by chunk.
    for (const head of ['\u0000chunks:x:1000000000000', '\u0000chunks:x:-1', '\u0000chunks::2', '\u0000chunks:x:NaN'])
      assert.deepEqual(assembleLog(new Map([['k', head]])).incomplete, ['k'], head);
  });

  it('any series of writes, some cut off half-way: every key reads as its last or an earlier written value, and a complete write leaves no chunk unnamed (property)', () => {
    const keys = ['0:t', '1:t', '2:t'];
    const write = fc.record({
      records: fc.uniqueArray(fc.record({ key: fc.constantFrom(...keys), value: fc.string({ maxLength: 60 }) }), {
        selector: (r) => r.key,
        minLength: 1,
        maxLength: 3,
      }),
      reach: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(write, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 3, max: 15 }),
        fc.integer({ min: 10, max: 60 }),
        (writes, chunkChars, budget) => {
          const w = writer(chunkChars, budget);
          const history = new Map<string, string[]>();
          for (const { records, reach } of writes) {
            w.write(records, reach);
            for (const r of records) history.set(r.key, [...(history.get(r.key) ?? []), r.value]);
            const read = assembleLog(w.log);
            assert.deepEqual(read.incomplete, [], 'a head is never written before its chunks');
            for (const [key, value] of read.values) assert.ok(history.get(key)?.includes(value), `${key} reads a value written`);
          }
          // One more complete write of every key: the log holds exactly the latest values, no chunk unnamed.
          const last = keys.map((key, i) => ({ key, value: 'v'.repeat(i * 20) }));
          w.write(last);
          const read = assembleLog(w.log);
          assert.deepEqual(read.values, new Map(last.map((r) => [r.key, r.value])));
          assert.deepEqual(read.orphans, [], 'every replaced or left-over chunk deleted');
          assert.equal(
            [...w.log.keys()].filter((k) => k.includes('\u0000')).length,
            [...read.sets.values()].reduce((n, s) => n + s.count, 0),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
