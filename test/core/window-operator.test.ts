import { strict as assert } from 'assert';
import { ConfigError, InputError } from '../../src/core/errors';
import { WindowOperator } from '../../src/core/window-operator';
import { compileAggregations } from '../../src/core/aggregates';
import { ev, maxOf, recording, sumCount, valuesOf, windows } from './window-test-kit';

const sums = (out: Parameters<typeof windows>[0]) => windows(out).map(([k, s, e, f, r]) => [k, s, e, f, (r as { sum: number }).sum]);

describe('WindowOperator', () => {
  describe('tumbling windows', () => {
    it('fires each key’s window once the watermark reaches its end, with the window description', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount });
      op.process(ev('a', 1, 1), 0);
      op.process(ev('b', 3, 10), 0);
      op.process(ev('a', 9, 2), 0);
      assert.equal(out.length, 0);
      op.process(ev('a', 10, 4), 0);
      assert.deepEqual(out, [
        { kind: 'window', window: { type: 'tumbling', key: 'a', start: 0, end: 10, count: 2, firing: 'final' }, result: { sum: 3, count: 2 } },
        { kind: 'window', window: { type: 'tumbling', key: 'b', start: 0, end: 10, count: 1, firing: 'final' }, result: { sum: 10, count: 1 } },
      ]);
      assert.deepEqual(op.stats(), { keys: 2, openWindows: 1, watermark: 10, maxEventTime: 10, late: 0, dropped: 0, ahead: 0 });
    });

    it('with (start,end] bounds keeps an event on the boundary in the window it ends', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, bounds: '(start,end]' });
      op.process(ev('a', 10, 1), 0);
      op.process(ev('a', 10, 2), 0);
      assert.equal(out.length, 0, 'an event exactly at the end may still come');
      op.process(ev('a', 11, 4), 0);
      assert.deepEqual(sums(out), [['a', 0, 10, 'final', 3]]);
      op.flush(0);
      assert.deepEqual(sums(out)[1], ['a', 10, 20, 'final', 4]);
    });

    it('works before 1970 and with an offset', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10, offset: 5 }, aggregate: sumCount });
      op.process(ev('a', -12, 1), 0);
      op.process(ev('a', -6, 2), 0);
      op.process(ev('a', -5, 4), 0);
      op.flush(0);
      assert.deepEqual(sums(out), [
        ['a', -15, -5, 'final', 3],
        ['a', -5, 5, 'final', 4],
      ]);
    });

    it('keeps windows open for maxOutOfOrder and takes out-of-order events', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, maxOutOfOrder: 5 });
      op.process(ev('a', 8, 1), 0);
      op.process(ev('a', 12, 2), 0);
      op.process(ev('a', 9, 4), 0);
      assert.equal(out.length, 0);
      op.process(ev('a', 15, 8), 0);
      assert.deepEqual(sums(out), [['a', 0, 10, 'final', 5]]);
      assert.equal(op.stats().watermark, 10);
    });

    it('puts an event exactly at the end of a still-open window into the next one', () => {
      for (const bounds of ['[start,end)', '(start,end]'] as const) {
        const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, maxOutOfOrder: 5, bounds });
        op.process(ev('a', 5, 1), 0);
        op.process(ev('a', 10, 2), 0);
        op.process(ev('a', 11, 4), 0);
        op.flush(0);
        assert.deepEqual(
          sums(out),
          bounds === '[start,end)'
            ? [
                ['a', 0, 10, 'final', 1],
                ['a', 10, 20, 'final', 6],
              ]
            : [
                ['a', 0, 10, 'final', 3],
                ['a', 10, 20, 'final', 4],
              ],
          bounds,
        );
      }
    });
  });

  describe('hopping windows', () => {
    it('emits every window of size over slide-spaced starts from shared panes', () => {
      const { op, out } = recording({ window: { type: 'sliding', size: 10, slide: 5 }, aggregate: valuesOf });
      for (const t of [1, 6, 12]) op.process(ev('a', t, t), 0);
      op.flush(0);
      assert.deepEqual(
        windows(out).map(([, s, e, , r]) => [s, e, r]),
        [
          [-5, 5, [1]],
          [0, 10, [1, 6]],
          [5, 15, [6, 12]],
          [10, 20, [12]],
        ],
      );
    });

    it('does not put an event into windows that closed before it arrived', () => {
      const { op, out } = recording({ window: { type: 'sliding', size: 10, slide: 5 }, aggregate: sumCount });
      op.process(ev('b', 12, 1), 0);
      op.process(ev('a', 8, 2), 0); // [0,10) has closed, [5,15) is open
      op.flush(0);
      assert.deepEqual(
        sums(out).filter((r) => r[0] === 'a'),
        [['a', 5, 15, 'final', 2]],
      );
      assert.equal(op.stats().late, 0, 'the latest window holding it was open');
    });

    it("with lateData 'update', corrects the fired windows an otherwise on-time event belongs to", () => {
      const { op, out } = recording({ window: { type: 'sliding', size: 10, slide: 5 }, aggregate: sumCount, lateData: 'update', allowedLateness: 10 });
      op.process(ev('a', 1, 1), 0);
      op.process(ev('a', 11, 2), 0); // fires [-5,5) and [0,10)
      op.process(ev('a', 7, 4), 0); // late for [0,10), on time for [5,15)
      op.flush(0);
      assert.deepEqual(sums(out), [
        ['a', -5, 5, 'final', 1],
        ['a', 0, 10, 'final', 1],
        ['a', 0, 10, 'late', 5],
        ['a', 5, 15, 'final', 6],
        ['a', 10, 20, 'final', 2],
      ]);
    });

    it('reports the count of events of each window', () => {
      const { op, out } = recording({ window: { type: 'sliding', size: 6, slide: 4 }, aggregate: sumCount });
      for (const t of [0, 1, 2, 3, 4, 5]) op.process(ev('k', t, 1), 0);
      op.process(ev('k', 100, 1), 0);
      const rows = out.filter((e) => e.kind === 'window').map((e) => (e.kind === 'window' ? [e.window.start, e.window.end, e.window.count] : []));
      assert.deepEqual(rows.slice(0, 3), [
        [-4, 2, 2],
        [0, 6, 6],
        [4, 10, 2],
      ]);
    });
  });

  describe('session windows', () => {
    it('closes a session after the gap and merges sessions an out-of-order event bridges', () => {
      const { op, out } = recording({ window: { type: 'session', gap: 10 }, aggregate: sumCount, maxOutOfOrder: 20 });
      op.process(ev('a', 0, 1), 0);
      op.process(ev('a', 15, 2), 0);
      op.process(ev('a', 8, 4), 0); // bridges [0,10) and [15,25)
      op.process(ev('a', 60, 8), 0);
      assert.deepEqual(sums(out), [['a', 0, 25, 'final', 7]]);
      op.flush(0);
      assert.deepEqual(sums(out)[1], ['a', 60, 70, 'final', 8]);
    });

    it('does not merge sessions that only touch', () => {
      const { op, out } = recording({ window: { type: 'session', gap: 10 }, aggregate: sumCount, maxOutOfOrder: 50 });
      op.process(ev('a', 10, 1), 0);
      op.process(ev('a', 0, 2), 0);
      op.flush(0);
      assert.deepEqual(sums(out), [
        ['a', 0, 10, 'final', 2],
        ['a', 10, 20, 'final', 1],
      ]);
    });

    it('checks maxDuration at its multiples and cuts only sessions that lasted it (Azure Stream Analytics)', () => {
      const S = 1000;
      const { op, out } = recording({ window: { type: 'session', gap: 5 * S, maxDuration: 10 * S }, aggregate: sumCount });
      for (const t of [13, 15, 17, 19, 21]) op.process(ev('a', t * S, 1), 0);
      op.process(ev('a', 60 * S, 1), 0);
      // The check at 20 s finds the session 7 s long: it goes on, and the gap ends it at 26 s.
      assert.deepEqual(sums(out), [['a', 13 * S, 26 * S, 'final', 5]]);
    });

    it('a long session is cut at the first multiple of maxDuration it has lasted, then at every multiple', () => {
      const { op, out } = recording({ window: { type: 'session', gap: 5, maxDuration: 10 }, aggregate: sumCount });
      for (let t = 13; t <= 41; t += 2) op.process(ev('a', t, 1), 0);
      // Parts fire while the session goes on, once the watermark reaches their cut.
      assert.deepEqual(sums(out), [
        ['a', 13, 30, 'final', 9],
        ['a', 30, 40, 'final', 5],
      ]);
      op.flush(0);
      assert.deepEqual(sums(out), [
        ['a', 13, 30, 'final', 9],
        ['a', 30, 40, 'final', 5],
        ['a', 40, 46, 'final', 1],
      ]);
    });

    it('a session that starts on a multiple of maxDuration is cut after exactly maxDuration; a cut with nothing after it sends nothing', () => {
      const { op, out } = recording({ window: { type: 'session', gap: 5, maxDuration: 10 }, aggregate: sumCount, maxOutOfOrder: 100 });
      for (const t of [28, 25, 22, 20, 16]) op.process(ev('b', t, 1), 0);
      for (const t of [0, 2, 4, 6, 8, 10, 12]) op.process(ev('a', t, 1), 0);
      op.flush(0);
      assert.deepEqual(sums(out), [
        ['b', 16, 30, 'final', 5], // alive at 30 (28 + 5), but [30, 33) holds no event
        ['a', 0, 10, 'final', 5],
        ['a', 10, 17, 'final', 2],
      ]);
    });
  });

  describe('per-event sliding windows', () => {
    it('emits (T - size, T] when an event enters and when events leave', () => {
      const { op, out } = recording({ window: { type: 'sliding', size: 10, slide: 'event' }, aggregate: maxOf });
      for (const [t, v] of [
        [0, 5],
        [3, 9],
        [10, 1],
        [25, 2],
      ])
        op.process(ev('s', t, v), 0);
      op.flush(0);
      assert.deepEqual(
        windows(out).map(([, s, e, f, r]) => [s, e, f, r]),
        [
          [-10, 0, 'final', 5],
          [-7, 3, 'final', 9],
          [0, 10, 'final', 9], // 0 left and 10 entered at the same instant: one result
          [3, 13, 'final', 1], // 3 left
          [15, 25, 'final', 2], // 10 left at 20 with nothing in the window: no result
          // 25 leaves at 35, leaving nothing: no result
        ],
      );
    });

    it('orders events within maxOutOfOrder before evaluating', () => {
      const { op, out } = recording({ window: { type: 'sliding', size: 10, slide: 'event' }, aggregate: valuesOf, maxOutOfOrder: 5 });
      for (const t of [1, 4, 2, 9]) op.process(ev('s', t, t), 0);
      assert.deepEqual(
        windows(out).map(([, , e, , r]) => [e, r]),
        [
          [1, [1]],
          [2, [1, 2]],
        ],
      );
      op.process(ev('s', 4, 4), 0); // at the watermark (4): still on time
      op.process(ev('s', 3, 3), 0); // behind the watermark (4): late
      assert.equal(op.stats().late, 1);
      op.process(ev('s', 10, 10), 0);
      assert.deepEqual(windows(out).map(([, , e, , r]) => [e, r])[2], [4, [1, 2, 4, 4]]);
      assert.equal(op.stats().late, 1);
    });
  });

  describe('per-event sliding windows: one result per instant, and flush as complete as an idle close', () => {
    const count = { createAccumulator: () => 0, add: (n: number) => n + 1, merge: (a: number, b: number) => a + b, result: (n: number) => n };

    it('sends the window of events sharing an instant once, complete', () => {
      const { op, out } = recording({ window: { type: 'sliding', size: 10000, slide: 'event' }, aggregate: count });
      for (const t of [10000, 15000, 15000]) op.process(ev('s', t), 0);
      op.process(ev('s', 40000), 0);
      assert.deepEqual(
        windows(out).map(([, s, e, , n]) => [s, e, n]),
        [
          [0, 10000, 1],
          [5000, 15000, 3],
          [10000, 20000, 2], // 10000 left
        ],
      );
    });

    it('an event at the watermark itself is on time, not a second window', () => {
      const { op, out } = recording({ window: { type: 'sliding', size: 10, slide: 'event' }, aggregate: count });
      op.process(ev('s', 5), 0);
      op.process(ev('s', 5), 0);
      assert.equal(op.stats().late, 0);
      op.flush(0);
      assert.deepEqual(
        windows(out).map(([, s, e, , n]) => [s, e, n]),
        [[-5, 5, 2]],
      );
    });

    it("previous on a per-event window is the value of the key's event before, if within size (LAG with LIMIT DURATION)", () => {
      const agg = compileAggregations<{ payload: string }>([{ op: 'previous' }]).valueAggregate();
      const out: unknown[] = [];
      const op = new WindowOperator<{ payload: string }, unknown, unknown>({
        window: { type: 'sliding', size: 10, slide: 'event' },
        aggregate: agg,
        onWindow: (w, r) => out.push([w.end, r]),
        onEmit: () => undefined,
      });
      for (const [t, v] of [
        [1, 'a'],
        [3, 'b'],
        [20, 'c'],
        [25, 'd'],
      ] as const)
        op.process({ key: 'k', time: t, value: { payload: v } }, 0);
      op.flush(0);
      assert.deepEqual(out, [
        [1, null],
        [3, 'a'],
        [11, null],
        [20, null],
        [25, 'c'],
        [30, null],
      ]);
    });

    it('flush fires every window an idle close fires, trailing exits included', () => {
      const run = (close: 'flush' | 'idle') => {
        const { op, out } = recording({ window: { type: 'sliding', size: 5001, slide: 'event' }, aggregate: count, idleTimeout: 5 });
        for (const t of [8000, 9200, 12400]) op.process(ev('s', t), 0);
        if (close === 'flush') op.flush(1);
        else op.advance(5);
        assert.equal(op.stats().openWindows, 0);
        return windows(out).map(([, s, e, , n]) => [s, e, n]);
      };
      const expected = [
        [2999, 8000, 1],
        [4199, 9200, 2],
        [7399, 12400, 3],
        [8000, 13001, 2], // 8000 left
        [9200, 14201, 1], // 9200 left
      ];
      assert.deepEqual(run('idle'), expected);
      assert.deepEqual(run('flush'), expected);
    });
  });

  describe('global count windows', () => {
    it('emits every count events per key, with overlap', () => {
      const { op, out } = recording({ window: { type: 'global', count: 3, overlap: 1 }, aggregate: valuesOf });
      for (let i = 1; i <= 7; i++) op.process(ev('c', 100 + i, i), 0);
      assert.deepEqual(
        windows(out).map(([, s, e, , r]) => [s, e, r]),
        [
          [101, 103, [1, 2, 3]],
          [103, 105, [3, 4, 5]],
          [105, 107, [5, 6, 7]],
        ],
      );
    });

    it('collects until flushed when there is no count, per key on demand', () => {
      const { op, out } = recording({ window: { type: 'global' }, aggregate: sumCount });
      op.process(ev('a', 1, 1), 0);
      op.process(ev('b', 2, 2), 0);
      op.process(ev('a', 3, 4), 0);
      op.flush(0, 'a');
      assert.deepEqual(sums(out), [['a', 1, 3, 'final', 5]]);
      op.flush(0);
      assert.deepEqual(sums(out)[1], ['b', 2, 2, 'final', 2]);
      assert.equal(op.stats().openWindows, 0);
    });
  });

  describe('late events', () => {
    const late = (lateData: 'drop' | 'output' | 'update', allowedLateness = 0) =>
      recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, lateData, allowedLateness });

    it("'drop' counts late events and drops them", () => {
      const { op, out } = late('drop');
      op.process(ev('a', 5, 1), 0);
      op.process(ev('a', 12, 2), 0);
      op.process(ev('a', 7, 4), 0);
      assert.deepEqual(sums(out), [['a', 0, 10, 'final', 1]]);
      assert.equal(op.stats().late, 1);
    });

    it("'output' emits late events with their window and the watermark", () => {
      const { op, out } = late('output');
      op.process(ev('a', 5, 1), 0);
      op.process(ev('a', 12, 2), 0);
      const lateEvent = ev('a', 7, 4);
      op.process(lateEvent, 0);
      assert.deepEqual(out[1], { kind: 'late', event: lateEvent, window: { start: 0, end: 10 }, watermark: 12 });
      assert.equal(op.stats().late, 1);
    });

    it("'update' re-fires a kept window as 'late' within allowedLateness and emits events beyond it", () => {
      const { op, out } = late('update', 10);
      op.process(ev('a', 5, 1), 0);
      op.process(ev('a', 12, 2), 0);
      op.process(ev('a', 7, 4), 0);
      assert.deepEqual(sums(out), [
        ['a', 0, 10, 'final', 1],
        ['a', 0, 10, 'late', 5],
      ]);
      op.process(ev('a', 25, 8), 0); // watermark 25 passes 10 + 10: window [0,10) is purged
      const beyond = ev('a', 3, 16);
      op.process(beyond, 0);
      assert.deepEqual(out[out.length - 1], { kind: 'late', event: beyond, window: { start: 0, end: 10 }, watermark: 25 });
      assert.equal(op.stats().late, 2);
    });

    it("'update' also corrects hopping and session windows", () => {
      const hop = recording({ window: { type: 'sliding', size: 10, slide: 5 }, aggregate: sumCount, lateData: 'update', allowedLateness: 20 });
      hop.op.process(ev('a', 1, 1), 0);
      hop.op.process(ev('a', 16, 2), 0);
      hop.op.process(ev('a', 2, 4), 0);
      assert.deepEqual(
        sums(hop.out).filter((r) => r[3] === 'late'),
        [
          ['a', -5, 5, 'late', 5],
          ['a', 0, 10, 'late', 5],
        ],
      );
      const ses = recording({ window: { type: 'session', gap: 5 }, aggregate: sumCount, lateData: 'update', allowedLateness: 20 });
      ses.op.process(ev('a', 0, 1), 0);
      ses.op.process(ev('a', 20, 2), 0);
      ses.op.process(ev('a', 3, 4), 0);
      assert.deepEqual(sums(ses.out), [
        ['a', 0, 5, 'final', 1],
        ['a', 0, 8, 'late', 5],
      ]);
      assert.equal(ses.op.stats().late, 1);
    });

    it("'adjust' re-times a late event to the watermark, counts it and adds it there, for every window type", () => {
      const tum = recording({ window: { type: 'tumbling', size: 10 }, aggregate: valuesOf, lateData: 'adjust' });
      for (const [t, v] of [
        [5, 1],
        [12, 2],
        [7, 4],
        [25, 8],
      ])
        tum.op.process(ev('a', t, v), 0);
      // 7 is behind the watermark (12): it counts as an event at 12, in [10, 20).
      assert.deepEqual(
        windows(tum.out).map(([, s, e, , r]) => [s, e, r]),
        [
          [0, 10, [1]],
          [10, 20, [2, 4]],
        ],
      );
      assert.equal(tum.op.stats().late, 1);
      assert.ok(
        tum.out.every((e) => e.kind === 'window'),
        'no late emission',
      );

      const hop = recording({ window: { type: 'sliding', size: 10, slide: 5 }, aggregate: valuesOf, lateData: 'adjust' });
      for (const [t, v] of [
        [1, 1],
        [16, 2],
        [2, 4],
      ])
        hop.op.process(ev('a', t, v), 0);
      hop.op.flush(0);
      assert.deepEqual(
        windows(hop.out)
          .filter(([, , , , r]) => r.includes(4))
          .map(([, s, e]) => [s, e]),
        [
          [10, 20],
          [15, 25],
        ],
      );

      const ses = recording({ window: { type: 'session', gap: 5 }, aggregate: valuesOf, lateData: 'adjust' });
      for (const [t, v] of [
        [0, 1],
        [20, 2],
        [3, 4],
      ])
        ses.op.process(ev('a', t, v), 0);
      ses.op.flush(0);
      assert.deepEqual(
        windows(ses.out).map(([, s, e, , r]) => [s, e, r]),
        [
          [0, 5, [1]],
          [20, 25, [2, 4]],
        ],
      );

      const sl = recording({ window: { type: 'sliding', size: 10, slide: 'event' }, aggregate: valuesOf, lateData: 'adjust' });
      for (const [t, v] of [
        [1, 1],
        [5, 2],
        [3, 4],
      ])
        sl.op.process(ev('a', t, v), 0);
      sl.op.flush(0);
      assert.deepEqual(
        windows(sl.out).map(([, s, e, , r]) => [s, e, r]),
        [
          [-9, 1, [1]],
          [-5, 5, [1, 2, 4]],
          [1, 11, [2, 4]],
        ],
      );
      assert.equal(sl.op.stats().late, 1);
    });

    it("'adjust' with per-key watermarks re-times to the key's own watermark", () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: valuesOf, lateData: 'adjust', watermarkScope: 'key' });
      for (const [k, t, v] of [
        ['a', 35, 1],
        ['b', 12, 2],
        ['b', 3, 4],
      ] as const)
        op.process(ev(k, t, v), 0);
      op.flush(0);
      assert.deepEqual(
        windows(out)
          .filter(([k]) => k === 'b')
          .map(([, s, e, , r]) => [s, e, r]),
        [[10, 20, [2, 4]]],
      );
    });
  });

  describe('emit strategies', () => {
    it("'update' emits a running result after each event and the final one at the end", () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, emit: 'update' });
      op.process(ev('a', 1, 1), 0);
      op.process(ev('a', 2, 2), 0);
      op.process(ev('a', 10, 4), 0);
      assert.deepEqual(sums(out), [
        ['a', 0, 10, 'update', 1],
        ['a', 0, 10, 'update', 3],
        ['a', 0, 10, 'final', 3],
        ['a', 10, 20, 'update', 4],
      ]);
    });

    it("'early' emits changed windows every earlyEvery ms of processing time", () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 100 }, aggregate: sumCount, emit: 'early', earlyEvery: 1000 });
      op.process(ev('a', 1, 1), 5000);
      assert.equal(op.nextWakeup(), 6000);
      op.advance(5999);
      assert.equal(out.length, 0);
      op.advance(6000);
      assert.deepEqual(sums(out), [['a', 0, 100, 'early', 1]]);
      op.advance(7000);
      assert.equal(out.length, 1, 'nothing changed, nothing sent');
      op.process(ev('a', 2, 2), 7100);
      op.advance(8000);
      op.process(ev('a', 100, 4), 8100);
      assert.deepEqual(sums(out), [
        ['a', 0, 100, 'early', 1],
        ['a', 0, 100, 'early', 3],
        ['a', 0, 100, 'final', 3],
      ]);
    });
  });

  it("'early' on hopping windows sends only the windows whose panes changed", () => {
    const { op, out } = recording({ window: { type: 'sliding', size: 10, slide: 5 }, aggregate: sumCount, emit: 'early', earlyEvery: 1000 });
    op.process(ev('a', 1, 1), 0);
    op.advance(1000);
    assert.deepEqual(sums(out), [
      ['a', -5, 5, 'early', 1],
      ['a', 0, 10, 'early', 1],
    ]);
    op.process(ev('a', 6, 2), 1500);
    op.advance(2000);
    assert.deepEqual(sums(out).slice(2), [
      ['a', -5, 5, 'final', 1], // the watermark passed it
      ['a', 0, 10, 'early', 3],
      ['a', 5, 15, 'early', 2],
    ]);
  });

  describe('processing time and idle input', () => {
    it('processing-time windows use arrival time and close on advance', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 1000 }, aggregate: sumCount, timeMode: 'processing' });
      op.process(ev('a', 0, 1), 10_100);
      op.process(ev('a', 999_999, 2), 10_500); // the event's own time is ignored
      assert.equal(op.nextWakeup(), 11_000);
      op.advance(10_999);
      assert.equal(out.length, 0);
      op.advance(11_000);
      assert.deepEqual(sums(out), [['a', 10_000, 11_000, 'final', 3]]);
      assert.equal(op.nextWakeup(), undefined);
    });

    it('processing-time windows ignore idleTimeout: they close as time passes', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 1000 }, aggregate: sumCount, timeMode: 'processing', idleTimeout: 10 });
      op.process(ev('a', 0, 1), 100);
      assert.equal(op.nextWakeup(), 1000);
      op.advance(200);
      assert.equal(out.length, 0);
      op.advance(1000);
      assert.equal(out.length, 1);
    });

    it('closes a quiet stream’s windows after idleTimeout by moving the watermark to their end', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 60_000 }, aggregate: sumCount, idleTimeout: 5000 });
      op.process(ev('a', 1_000, 1), 100);
      op.process(ev('b', 61_000, 2), 200);
      assert.equal(op.nextWakeup(), 5200);
      op.advance(5199);
      assert.deepEqual(sums(out), [['a', 0, 60_000, 'final', 1]]);
      op.advance(5200);
      assert.deepEqual(sums(out)[1], ['b', 60_000, 120_000, 'final', 2]);
      assert.equal(op.stats().watermark, 120_000);
      assert.equal(op.nextWakeup(), undefined);
      op.process(ev('b', 119_000, 4), 9000);
      assert.equal(op.stats().late, 1, 'events for closed windows are late');
      op.process(ev('b', 130_000, 8), 9000);
      assert.equal(op.stats().late, 1, 'events for new windows are on time');
    });

    it('with watermarkScope key, a quiet key closes on its own idle timeout while others go on', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, watermarkScope: 'key', idleTimeout: 1000 });
      op.process(ev('quiet', 5, 1), 0);
      op.process(ev('busy', 500, 2), 0); // another key's clock does not close quiet's window
      assert.equal(out.length, 0);
      op.process(ev('busy', 505, 2), 900);
      assert.equal(op.nextWakeup(), 1000);
      op.advance(1000);
      assert.deepEqual(sums(out), [['quiet', 0, 10, 'final', 1]]);
      assert.equal(op.nextWakeup(), 1900);
      op.advance(1899);
      assert.equal(out.length, 1);
      op.advance(1900);
      assert.deepEqual(sums(out)[1], ['busy', 500, 510, 'final', 4]);
      assert.equal(op.nextWakeup(), undefined);
    });

    it('closes idle sessions and sliding exits too', () => {
      const ses = recording({ window: { type: 'session', gap: 100 }, aggregate: sumCount, idleTimeout: 10 });
      ses.op.process(ev('a', 0, 1), 0);
      ses.op.process(ev('a', 50, 2), 1);
      ses.op.advance(11);
      assert.deepEqual(sums(ses.out), [['a', 0, 150, 'final', 3]]);
      const hop = recording({ window: { type: 'sliding', size: 20, slide: 2 }, aggregate: sumCount, idleTimeout: 10 });
      hop.op.process(ev('a', 1, 1), 0);
      hop.op.advance(10);
      assert.equal(sums(hop.out).length, 10, 'all ten windows holding the event close at once');
      assert.equal(hop.op.stats().openWindows, 0);
      const sl = recording({ window: { type: 'sliding', size: 100, slide: 'event' }, aggregate: maxOf, idleTimeout: 10 });
      sl.op.process(ev('a', 0, 7), 0);
      sl.op.process(ev('a', 50, 3), 0);
      sl.op.advance(10);
      assert.deepEqual(
        windows(sl.out).map(([, s, e, , r]) => [s, e, r]),
        [
          [-100, 0, 7],
          [-50, 50, 7],
          [0, 100, 3],
        ],
      );
    });
  });

  describe('limits', () => {
    it('drops and counts events of keys beyond maxKeys', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, maxKeys: 2 });
      op.process(ev('a', 1, 1), 0);
      op.process(ev('b', 1, 1), 0);
      op.process(ev('c', 1, 1), 0);
      op.process(ev('a', 2, 1), 0);
      assert.deepEqual(op.stats().dropped, 1);
      assert.equal(op.stats().keys, 2);
      op.process(ev('a', 20, 1), 0);
      op.advance(0); // keys without state are forgotten, making room
      op.process(ev('c', 21, 1), 0);
      assert.equal(op.stats().dropped, 1);
      assert.deepEqual(
        sums(out).map((r) => r[0]),
        ['a', 'b'],
      );
    });

    it('with per-key watermarks, makes room under maxKeys by forgetting keys without state', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, maxKeys: 1, watermarkScope: 'key' });
      op.process(ev('a', 1, 1), 0);
      op.process(ev('a', 12, 1), 0);
      op.flush(0, 'a');
      op.advance(0);
      assert.equal(op.stats().keys, 1, 'a key keeps its clock while there is room');
      op.process(ev('b', 1, 2), 0);
      assert.equal(op.stats().dropped, 0);
      assert.deepEqual(op.stats().keys, 1);
      op.process(ev('c', 1, 2), 0);
      assert.equal(op.stats().dropped, 1, 'b still has an open window');
      assert.equal(sums(out).length, 2);
    });

    it('drops and counts events beyond maxEventsPerWindow', () => {
      for (const window of [
        { type: 'tumbling', size: 10 },
        { type: 'session', gap: 10 },
        { type: 'sliding', size: 10, slide: 'event' },
        { type: 'global', count: 100 },
      ] as const) {
        const { op } = recording({ window, aggregate: sumCount, maxEventsPerWindow: 3 });
        for (let i = 0; i < 5; i++) op.process(ev('a', 1 + i * 0.1, 1), 0);
        op.flush(0); // a per-event window takes its newest events once the watermark has passed them
        assert.equal(op.stats().dropped, 2, window.type);
      }
    });

    it('limits hopping windows per window, not per pane', () => {
      const { op, out } = recording({ window: { type: 'sliding', size: 10, slide: 5 }, aggregate: sumCount, maxEventsPerWindow: 2 });
      for (const t of [1, 2, 4, 5, 6, 12]) op.process(ev('a', t, 1), 0);
      op.flush(0);
      // [−5,5) takes 1 and 2; 4 would make it 3. [0,10) is full with 1 and 2, so 5 and 6 are
      // dropped too; [5,15) and [10,20) get 12.
      assert.deepEqual(
        sums(out).map((r) => [r[1], r[2], r[4]]),
        [
          [-5, 5, 2],
          [0, 10, 2],
          [5, 15, 1],
          [10, 20, 1],
        ],
      );
      assert.equal(op.stats().dropped, 3);
    });

    it('an event dropped by maxEventsPerWindow neither moves a session nor bridges two sessions', () => {
      const { op, out } = recording({ window: { type: 'session', gap: 5 }, aggregate: sumCount, maxEventsPerWindow: 2, maxOutOfOrder: 100 });
      op.process(ev('a', 3, 1), 0);
      op.process(ev('a', 5, 1), 0); // session [3,10) is now full
      op.process(ev('a', 0, 1), 0); // dropped: must not move the start to 0
      op.process(ev('a', 12, 1), 0); // session [12,17)
      op.process(ev('a', 8, 1), 0); // dropped: must not bridge [3,10) and [12,17)
      op.flush(0);
      assert.deepEqual(
        sums(out).map((r) => [r[1], r[2], r[4]]),
        [
          [3, 10, 2],
          [12, 17, 1],
        ],
      );
      assert.equal(op.stats().dropped, 2);
    });
  });

  describe('flush and reset', () => {
    it('flushes one key or all, firing final', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount });
      op.process(ev('a', 1, 1), 0);
      op.process(ev('b', 1, 2), 0);
      op.flush(0, 'b');
      assert.deepEqual(sums(out), [['b', 0, 10, 'final', 2]]);
      op.flush(0, 'nobody');
      op.flush(0);
      assert.deepEqual(sums(out)[1], ['a', 0, 10, 'final', 1]);
      assert.equal(op.stats().openWindows, 0);
    });

    it('resets one key or all without emitting', () => {
      const { op, out } = recording({ window: { type: 'session', gap: 10 }, aggregate: sumCount });
      op.process(ev('a', 1, 1), 0);
      op.process(ev('b', 1, 2), 0);
      op.reset('a');
      assert.deepEqual(op.stats().keys, 1);
      op.process(ev('b', 100, 2), 0);
      assert.deepEqual(sums(out), [['b', 1, 11, 'final', 2]]);
      op.reset();
      assert.deepEqual(op.stats(), { keys: 0, openWindows: 0, watermark: -Infinity, maxEventTime: -Infinity, late: 0, dropped: 0, ahead: 0 });
      op.process(ev('b', 5, 1), 0);
      assert.equal(op.stats().late, 0, 'a full reset also restarts the watermark');
    });
  });

  describe("state of some keys (a partition's keys move to another reader)", () => {
    it('moves the keys of one partition: the new owner finishes their windows, the old one forgets them', () => {
      const a = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount });
      a.op.process(ev('k1', 1, 1), 0);
      a.op.process(ev('k1', 2, 2), 0);
      a.op.process(ev('k2', 3, 5), 0);
      a.op.process(ev('k3', 4, 7), 0);
      const moved = JSON.parse(JSON.stringify(a.op.snapshotKeys(['k1', 'k2', 'gone'])));
      a.op.dropKeys(['k1', 'k2']);
      assert.equal(a.op.hasKey('k1'), false);
      assert.equal(a.op.hasKey('k3'), true);
      assert.equal(a.op.stats().openWindows, 1);
      const b = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount });
      b.op.process(ev('k2', 5, 100), 0);
      assert.deepEqual(b.op.restoreKeys(moved), ['k1', 'k2']);
      b.op.process(ev('k1', 6, 10), 0);
      b.op.process(ev('z', 30, 0), 0);
      assert.deepEqual(
        sums(b.out).sort(),
        [
          ['k1', 0, 10, 'final', 13],
          ['k2', 0, 10, 'final', 5],
        ],
        'k2 restored replaces the local k2 (100 is gone)',
      );
      a.op.process(ev('z', 30, 0), 0);
      assert.deepEqual(sums(a.out), [['k3', 0, 10, 'final', 7]]);
    });

    it('keeps per-key clocks with the keys (watermarkScope key)', () => {
      const a = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, watermarkScope: 'key' });
      a.op.process(ev('k', 25, 1), 0);
      const b = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount, watermarkScope: 'key' });
      b.op.restoreKeys(JSON.parse(JSON.stringify(a.op.snapshotKeys(['k']))));
      b.op.process(ev('k', 3, 1), 0);
      assert.equal(b.op.stats().late, 1, 'the restored clock of k makes t=3 late');
    });

    it('holdBack takes the stream watermark back for a partition taken over that is behind: its records are not late', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount });
      op.process(ev('a', 25, 1), 0);
      op.holdBack(5);
      op.process(ev('b', 7, 2), 0);
      assert.equal(op.stats().late, 0);
      op.process(ev('b', 40, 0), 0);
      assert.deepEqual(
        sums(out).filter((r) => r[0] === 'b' && r[1] === 0),
        [['b', 0, 10, 'final', 2]],
      );
      op.holdBack(100);
      assert.equal(op.stats().watermark, 40, 'never forward');
    });

    it('events that name no source (a second input not read from Kafka) are one more source: they do not run the watermark past a partition’s backlog', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount });
      op.expectSources('t', ['0:t'], 0);
      for (let t = 0; t < 20; t++) op.process(ev('a', t, 1), t, '0:t', 't');
      // Live readings of another input, a minute ahead of the partition's backlog.
      for (let t = 0; t < 60; t++) op.process(ev('b', 1000 + t, 1), 20 + t);
      assert.equal(op.stats().watermark, 19, 'the partition still holds the stream back');
      for (let t = 20; t < 40; t++) op.process(ev('a', t, 1), 80 + t, '0:t', 't');
      assert.equal(op.stats().late, 0);
      op.process(ev('a', 2000, 0), 200, '0:t', 't');
      op.process(ev('b', 2000, 0), 200);
      assert.deepEqual(
        sums(out).filter((r) => r[0] === 'a'),
        [
          ['a', 0, 10, 'final', 10],
          ['a', 10, 20, 'final', 10],
          ['a', 20, 30, 'final', 10],
          ['a', 30, 40, 'final', 10],
        ],
      );
      assert.equal(sums(out).filter((r) => r[0] === 'b').length, 6, 'the other input’s windows fire too');
    });

    it('a partition that leaves and comes back without saved state: its next records are counted, none late', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount });
      op.expectSources('t', ['0:t', '1:t'], 0);
      op.process(ev('a', 5, 1), 0, '0:t', 't');
      op.process(ev('b', 5, 1), 0, '1:t', 't');
      // Partition 1 is read elsewhere for a while; partition 0 moves the stream on alone.
      op.expectSources('t', ['0:t'], 1);
      op.dropKeys(['b']);
      op.process(ev('a', 45, 1), 2, '0:t', 't');
      assert.equal(op.stats().watermark, 45);
      // It comes back from the offset committed elsewhere, behind partition 0.
      op.expectSources('t', ['0:t', '1:t'], 3);
      op.process(ev('b', 15, 2), 4, '1:t', 't');
      op.process(ev('b', 25, 3), 4, '1:t', 't');
      assert.equal(op.stats().late, 0);
      op.process(ev('a', 60, 0), 5, '0:t', 't');
      op.process(ev('b', 60, 0), 5, '1:t', 't');
      assert.deepEqual(
        sums(out).filter((r) => r[0] === 'b'),
        [
          ['b', 10, 20, 'final', 2],
          ['b', 20, 30, 'final', 3],
        ],
      );
      assert.equal(op.stats().late, 0);
    });

    it('refuses keys of other settings or a damaged list and keeps its own state', () => {
      const a = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount });
      a.op.process(ev('k', 1, 1), 0);
      const other = recording({ window: { type: 'tumbling', size: 20 }, aggregate: sumCount });
      assert.throws(
        () => other.op.restoreKeys(a.op.snapshotKeys(['k'])),
        (e: unknown) => e instanceof ConfigError && e.field === 'snapshot',
      );
      const b = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount });
      b.op.process(ev('k', 2, 4), 0);
      const snap = JSON.parse(JSON.stringify(a.op.snapshotKeys(['k']))) as { keys: unknown[][] };
      snap.keys.push(['x', { damaged: true }, null]);
      assert.throws(() => b.op.restoreKeys(snap), ConfigError);
      b.op.process(ev('z', 30, 0), 0);
      assert.deepEqual(sums(b.out), [['k', 0, 10, 'final', 4]], 'the local k survived the refused restore');
      assert.equal(b.op.hasKey('x'), false);
    });
  });

  describe('errors', () => {
    const base = { window: { type: 'tumbling', size: 10 }, aggregate: sumCount, onEmit: () => undefined } as const;
    const bad: [string, Record<string, unknown>, string][] = [
      ['size', { window: { type: 'tumbling', size: 0 } }, 'size: must be a duration greater than 0 ms and at most 100000000000000 ms, got number 0'],
      [
        'slide',
        { window: { type: 'sliding', size: 10, slide: 20 } },
        'slide: must not be longer than the size (10ms); for gaps between windows use a tumbling window',
      ],
      ['offset', { window: { type: 'tumbling', size: 10, offset: 10 } }, 'offset: must be shorter than the size (10ms)'],
      [
        'offset',
        { window: { type: 'sliding', size: 10, slide: 5, offset: -1 } },
        'offset: must be a duration of 0 ms or more and at most 100000000000000 ms, got number -1',
      ],
      ['maxDuration', { window: { type: 'session', gap: 1000, maxDuration: 999 } }, 'maxDuration: must be at least the gap (1s), or empty for no limit'],
      ['gap', { window: { type: 'session', gap: -1 } }, 'gap: must be a duration greater than 0 ms and at most 100000000000000 ms, got number -1'],
      ['windowType', { window: { type: 'rolling', size: 1 } }, 'windowType: must be one of tumbling, sliding, session, global, got string "rolling"'],
      ['bounds', { bounds: '[start,end]' }, 'bounds: must be one of "[start,end)", "(start,end]", got string "[start,end]"'],
      ['lateData', { lateData: 'keep' }, 'lateData: must be one of "drop", "output", "update", "adjust", got string "keep"'],
      ['emit', { emit: 'sometimes' }, 'emit: must be one of "final", "update", "early", got string "sometimes"'],
      ['earlyEvery', { emit: 'early' }, 'earlyEvery: must be a duration greater than 0 when emit is "early"'],
      ['maxOutOfOrder', { maxOutOfOrder: -5 }, 'maxOutOfOrder: must be a duration of 0 ms or more and at most 100000000000000 ms, got number -5'],
      ['maxKeys', { maxKeys: 1.5 }, 'maxKeys: must be a whole number ≥ 1 (or unset for no limit), got number 1.5'],
      ['watermarkScope', { watermarkScope: 'device' }, 'watermarkScope: must be one of "stream", "key", got string "device"'],
      ['timeMode', { timeMode: 'wall' }, 'timeMode: must be one of "event", "processing", got string "wall"'],
      ['aggregate', { aggregate: {} }, 'aggregate: expected an AggregateFunction (createAccumulator, add, merge, result)'],
    ];
    for (const [field, patch, message] of bad) {
      it(`rejects a bad ${field} with a ConfigError saying what is allowed`, () => {
        assert.throws(
          () => new WindowOperator({ ...base, ...patch } as never),
          (e: unknown) => e instanceof ConfigError && e.field === field && e.message === message,
        );
      });
    }

    it('rejects an event without a usable time with an InputError and goes on', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount });
      assert.throws(
        () => op.process({ key: 'a', time: Number('x'), value: 1 }, 0),
        (e: unknown) => e instanceof InputError && e.property === 'time' && /got number NaN/.test(e.message),
      );
      op.process(ev('a', 1, 1), 0);
      op.flush(0);
      assert.equal(out.length, 1);
    });

    it('refuses a snapshot taken with other options or that is not one', () => {
      const a = new WindowOperator({ ...base });
      const b = new WindowOperator({ ...base, window: { type: 'tumbling', size: 20 } });
      assert.throws(
        () => b.restore(JSON.parse(JSON.stringify(a.snapshot()))),
        (e: unknown) => e instanceof ConfigError && e.field === 'snapshot' && /was taken with .*"size":10.*configured with .*"size":20/.test(e.message),
      );
      assert.throws(
        () => b.restore({ hello: 1 }),
        (e: unknown) => e instanceof ConfigError && e.message === 'snapshot: expected the state of a window operator, got undefined',
      );
    });
  });
});
