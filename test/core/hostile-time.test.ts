// Times, durations and saved state that a broken sensor, a wrong unit or a damaged store can
// deliver: none may stall the operator, poison every key's windows, or restore half a state.
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { ConfigError, InputError } from '../../src/core/errors';
import { parseEventTime } from '../../src/core/event-time';
import { parseDuration } from '../../src/core/duration';
import { MAX_EVENT_TIME } from '../../src/core/time-range';
import { alignedStart } from '../../src/core/assigners/floor-mod';
import { isDue } from '../../src/core/engines/engine';
import { WindowSpec } from '../../src/core/types';
import { ev, maxOf, recording, sumCount, windows } from './window-test-kit';

const T0 = 1767268800000; // 2026-01-01T12:00:00Z

const WINDOW_SPECS: [string, WindowSpec][] = [
  ['tumbling', { type: 'tumbling', size: 10_000 }],
  ['hopping', { type: 'sliding', size: 10_000, slide: 1000 }],
  ['hopping 100 ms', { type: 'sliding', size: 10_000, slide: 100 }],
  ['per-event sliding', { type: 'sliding', size: 10_000, slide: 'event' }],
  ['session', { type: 'session', gap: 5000, maxDuration: 60_000 }],
  ['count', { type: 'global', count: 3 }],
];

describe('hostile event times', () => {
  describe('the range every window computation is exact in', () => {
    // Each of these made a hopping window step `s += slide` with `s + slide === s`: an endless loop.
    const extreme = [1e20, -1.7976931348623157e308, 1.7e18, Number.MAX_VALUE, -1e17];
    for (const [name, window] of WINDOW_SPECS) {
      it(`${name}: an event time beyond the range of a date is an InputError, and the stream goes on`, () => {
        const { op, out } = recording({ window, aggregate: sumCount });
        op.process(ev('s1', T0, 1), T0);
        for (const t of extreme) {
          assert.throws(
            () => op.process(ev('s2', t, 2), T0),
            (e: unknown) => e instanceof InputError && /outside the range of a date/.test(e.message),
          );
        }
        op.process(ev('s1', T0 + 1, 1), T0);
        op.flush(T0);
        assert.ok(windows(out).length > 0);
        for (const [, start, end] of windows(out)) assert.ok(Number.isFinite(start) && Number.isFinite(end));
        assert.ok(Number.isInteger(op.stats().openWindows));
      });

      it(`${name}: times at the very edge of the range fire exact windows with a whole open-window count`, () => {
        const { op, out } = recording({ window, aggregate: sumCount });
        op.process(ev('a', -MAX_EVENT_TIME, 1), 0);
        assert.ok(Number.isInteger(op.stats().openWindows));
        op.process(ev('b', MAX_EVENT_TIME, 1), 0);
        assert.ok(Number.isInteger(op.stats().openWindows));
        op.flush(0);
        assert.equal(op.stats().openWindows, 0);
        const total = windows(out).reduce((n, [, , , , r]) => n + (r as { count: number }).count, 0);
        assert.ok(total >= 2, 'both events were windowed');
      });
    }

    it('names the likely unit of a far-off epoch number', () => {
      assert.throws(() => parseEventTime(1767268800000000000, 'msg.ts'), /outside the range of a date.*looks like nanoseconds/);
      assert.throws(() => parseEventTime('1e20', 'msg.ts'), /expected an event time/);
      assert.throws(() => parseEventTime(new Date(NaN), 'msg.ts'), /expected an event time/);
      assert.equal(parseEventTime(MAX_EVENT_TIME, 'msg.ts'), MAX_EVENT_TIME);
    });

    it('finds the first open hopping window in closed form, as the old step-by-step walk did within the range', () => {
      // The walk this replaced, kept here as the specification it must match.
      const walk = (w: number, size: number, slide: number, offset: number, dueAtEqual: boolean): number => {
        let s = alignedStart(w - size, slide, offset, false);
        while (isDue(s + size, w, dueAtEqual)) s += slide;
        return s;
      };
      const closed = (w: number, size: number, slide: number, offset: number, dueAtEqual: boolean): number =>
        alignedStart(w - size, slide, offset, !dueAtEqual) + slide;
      fc.assert(
        fc.property(
          fc.integer({ min: -MAX_EVENT_TIME + 1e13, max: MAX_EVENT_TIME - 1e13 }),
          fc.integer({ min: 1, max: 1000 }),
          fc.integer({ min: 1, max: 50 }),
          fc.boolean(),
          fc.nat(),
          (w, slide, hops, dueAtEqual, off) => {
            const size = slide * hops;
            const offset = off % slide;
            assert.equal(closed(w, size, slide, offset, dueAtEqual), walk(w, size, slide, offset, dueAtEqual));
          },
        ),
        { numRuns: 2000, seed: 12 },
      );
    });
  });

  describe('durations', () => {
    it('refuses durations beyond about 3,000 years and hopping windows with more than 100,000 windows per event', () => {
      assert.throws(() => parseDuration('1e20', 'size'), ConfigError);
      assert.throws(() => parseDuration(2e14, 'size'), /at most 100000000000000 ms/);
      assert.throws(
        () => recording({ window: { type: 'sliding', size: 86_400_000, slide: 1 }, aggregate: sumCount }),
        (e: unknown) => e instanceof ConfigError && e.field === 'slide' && /slide "event"/.test(e.message),
      );
    });
  });

  describe('zone-less ISO strings', () => {
    let tz: string | undefined;
    beforeEach(() => (tz = process.env.TZ));
    afterEach(() => {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    });

    it('read as UTC whatever zone the host is in', () => {
      for (const zone of ['Asia/Kolkata', 'America/New_York', 'UTC']) {
        process.env.TZ = zone;
        assert.equal(parseEventTime('2026-01-01T00:00:05', 't'), Date.UTC(2026, 0, 1, 0, 0, 5), zone);
        assert.equal(parseEventTime('2026-01-01 00:00:05.250', 't'), Date.UTC(2026, 0, 1, 0, 0, 5, 250), zone);
        assert.equal(parseEventTime('2026-01-01', 't'), Date.UTC(2026, 0, 1), zone);
        assert.equal(parseEventTime('2026-01-01T00:00:05+02:00', 't'), Date.UTC(2025, 11, 31, 22, 0, 5), zone);
      }
    });
  });

  describe('maxFutureSkew: one broken clock cannot close every key’s windows', () => {
    const HOUR = 3_600_000;

    it('rejects an event far ahead of the clock with the reason, counts it, and leaves the watermark alone', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: 60_000 }, aggregate: sumCount, maxFutureSkew: HOUR });
      op.process(ev('s1', T0, 1), T0);
      op.process(ev('s2', T0 + 10, 1), T0);
      const year2100 = Date.UTC(2100, 0, 1);
      assert.throws(
        () => op.process(ev('s3', year2100, 1), T0),
        (e: unknown) => e instanceof InputError && /2100-01-01T00:00:00.000Z is 73 years ahead of the clock \(maxFutureSkew 1 hour\)/.test(e.message),
      );
      assert.throws(() => op.process(ev('s3', T0 * 1000, 1), T0), /looks like microseconds/);
      assert.equal(op.stats().ahead, 2);
      assert.equal(op.stats().watermark, T0 + 10);
      // Later readings of every key are on time, not late.
      op.process(ev('s1', T0 + 20, 1), T0 + 20);
      op.process(ev('s2', T0 + 30, 1), T0 + 30);
      assert.equal(op.stats().late, 0);
      assert.equal(out.length, 0);
      op.process(ev('s1', T0 + 60_000, 1), T0 + 60_000);
      assert.deepEqual(
        windows(out).map(([k, , , , r]) => [k, (r as { count: number }).count]),
        [
          ['s1', 2],
          ['s2', 2],
        ],
      );
    });

    it('clamps instead when asked: the event counts, at the clock plus the limit', () => {
      const { op, out } = recording({ window: { type: 'tumbling', size: HOUR }, aggregate: sumCount, maxFutureSkew: 60_000, futureData: 'clamp' });
      op.process(ev('s1', Date.UTC(2100, 0, 1), 5), T0);
      assert.equal(op.stats().ahead, 1);
      assert.equal(op.stats().maxEventTime, T0 + 60_000);
      op.flush(T0);
      assert.deepEqual(
        windows(out).map(([, s, , , r]) => [s, (r as { sum: number }).sum]),
        [[Math.floor((T0 + 60_000) / HOUR) * HOUR, 5]],
      );
    });

    it('reads a fresh clock before rejecting, since the `now` it was given may be stale', () => {
      let clock = T0;
      const { op } = recording({ window: { type: 'tumbling', size: 60_000 }, aggregate: sumCount, maxFutureSkew: HOUR, clock: () => clock });
      clock = T0 + 5 * HOUR;
      op.process(ev('s1', T0 + 4 * HOUR, 1), T0);
      assert.equal(op.stats().ahead, 0);
      assert.throws(() => op.process(ev('s1', T0 + 7 * HOUR, 1), T0), /2 hours ahead of the clock/);
    });

    it('is off by default in the core and for count windows', () => {
      const { op } = recording({ window: { type: 'tumbling', size: 10 }, aggregate: sumCount });
      op.process(ev('a', MAX_EVENT_TIME, 1), 0);
      const count = recording({ window: { type: 'global', count: 2 }, aggregate: sumCount, maxFutureSkew: 0 });
      count.op.process(ev('a', MAX_EVENT_TIME, 1), 0);
      assert.equal(op.stats().ahead + count.op.stats().ahead, 0);
    });
  });

  describe('flush releases memory at once', () => {
    it('tumbling windows of many keys leave no timers behind after msg.flush', () => {
      const { op } = recording({ window: { type: 'tumbling', size: 60_000 }, aggregate: sumCount });
      for (let k = 0; k < 1000; k++) op.process(ev(`k${k}`, T0 + k, 1), 0);
      op.flush(0);
      const scope = (op as unknown as { scope: { timers: { size: number } } }).scope;
      assert.equal(scope.timers.size, 0);
      assert.deepEqual([op.stats().keys, op.stats().openWindows], [0, 0]);
    });
  });
});

describe('corrupt or foreign snapshots', () => {
  const specs: [string, WindowSpec][] = WINDOW_SPECS.filter(([n]) => n !== 'hopping 100 ms');

  /** A valid snapshot of two keys for `window`, as JSON. */
  function goodSnapshot(window: WindowSpec): Record<string, unknown> {
    const { op } = recording({ window, aggregate: maxOf });
    op.process(ev('a', T0, 1), 0);
    op.process(ev('b', T0 + 1, 2), 0);
    op.process(ev('a', T0 + 2, 3), 0);
    return JSON.parse(JSON.stringify(op.snapshot()));
  }

  /** Damages the second key's state in the ways a store or a hand edit can. */
  const damages: [string, (snap: Record<string, unknown>) => void][] = [
    ['a string as the key state', (s) => ((s.keys as unknown[])[1] = 'xxxxxxx')],
    ['a string as a window list', (s) => mutateState(s, (st) => Object.keys(st).forEach((k) => k !== 'key' && (st[k] = 'xxxxxxx')))],
    ['a non-numeric window start', (s) => mutateState(s, (st) => replaceFirstNumber(st, 'x'))],
    ['a time of 1e300', (s) => mutateState(s, (st) => replaceFirstNumber(st, 1e300))],
    ['a key that is not a string', (s) => mutateState(s, (st) => (st.key = { evil: true }))],
    ['the same key twice', (s) => mutateState(s, (st) => (st.key = (s.keys as Record<string, unknown>[])[0].key))],
    ['a watermark of 1e300', (s) => ((s.watermark as Record<string, unknown>).value = 1e300)],
    ['a negative late count', (s) => (s.late = -3)],
  ];

  /** The second key's entry: its key, and its windows under named fields. */
  function mutateState(snap: Record<string, unknown>, fn: (state: Record<string, unknown>) => void): void {
    fn((snap.keys as Record<string, unknown>[])[1]);
  }

  /** Replaces the first number found in a nested state (depth first). */
  function replaceFirstNumber(state: unknown, by: unknown): boolean {
    if (Array.isArray(state) || (state && typeof state === 'object')) {
      const obj = state as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        if (typeof obj[k] === 'number') {
          obj[k] = by;
          return true;
        }
        if (replaceFirstNumber(obj[k], by)) return true;
      }
    }
    return false;
  }

  for (const [name, window] of specs) {
    for (const [damage, apply] of damages) {
      it(`${name}: ${damage} is refused whole, and the running state stays as it was`, () => {
        const snap = goodSnapshot(window);
        apply(snap);
        const { op, out } = recording({ window, aggregate: maxOf });
        op.process(ev('z', T0, 7), 0);
        const before = JSON.stringify(op.snapshot());
        assert.throws(
          () => op.restore(snap),
          (e: unknown) => e instanceof ConfigError && e.field === 'snapshot',
        );
        assert.equal(JSON.stringify(op.snapshot()), before);
        op.flush(0);
        assert.deepEqual([...new Set(windows(out).map(([k]) => k))], ['z']);
      });
    }

    it(`${name}: an intact snapshot still restores`, () => {
      const { op } = recording({ window, aggregate: maxOf });
      const good = goodSnapshot(window);
      op.restore(good);
      assert.deepEqual(JSON.parse(JSON.stringify(op.snapshot())), good);
    });
  }
});
