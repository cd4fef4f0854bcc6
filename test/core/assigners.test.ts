import { strict as assert } from 'assert';
import { alignedStart, floorMod, gcd, inWindow } from '../../src/core/assigners/floor-mod';
import { assignTumbling, tumblingWindowStart } from '../../src/core/assigners/tumbling';
import { assignHopping, hoppingPaneSize } from '../../src/core/assigners/hopping';
import { slidingEventWindow, slidingExitTime } from '../../src/core/assigners/sliding-event';
import { sessionFirstCut, sessionWindowOf, sessionsOverlap } from '../../src/core/assigners/session';
import { checkCountWindow, countWindowStep, opensCountWindow } from '../../src/core/assigners/global-count';
import { ConfigError } from '../../src/core/errors';

describe('window assigners', () => {
  describe('floor-mod arithmetic', () => {
    it('keeps the remainder in [0, n) for negative numbers', () => {
      assert.equal(floorMod(7, 5), 2);
      assert.equal(floorMod(-7, 5), 3);
      assert.equal(floorMod(-5, 5), 0);
      assert.equal(floorMod(0, 5), 0);
    });

    it('computes pane sizes with gcd', () => {
      assert.equal(gcd(10_000, 4_000), 2_000);
      assert.equal(gcd(7, 3), 1);
      assert.equal(hoppingPaneSize(60_000, 15_000), 15_000);
    });
  });

  describe('tumbling', () => {
    it('puts an event on a boundary into the window it starts with [start,end)', () => {
      assert.deepEqual(assignTumbling(10, 10), { start: 10, end: 20 });
      assert.deepEqual(assignTumbling(19.5, 10), { start: 10, end: 20 });
      assert.ok(inWindow(10, 10, 20, false));
      assert.ok(!inWindow(20, 10, 20, false));
    });

    it('puts an event on a boundary into the window it ends with (start,end]', () => {
      assert.deepEqual(assignTumbling(10, 10, 0, true), { start: 0, end: 10 });
      assert.deepEqual(assignTumbling(10.5, 10, 0, true), { start: 10, end: 20 });
      assert.ok(inWindow(10, 0, 10, true));
      assert.ok(!inWindow(0, 0, 10, true));
    });

    it('handles negative and pre-1970 times', () => {
      assert.deepEqual(assignTumbling(-1, 10), { start: -10, end: 0 });
      assert.deepEqual(assignTumbling(-10, 10), { start: -10, end: 0 });
      assert.deepEqual(assignTumbling(-10, 10, 0, true), { start: -20, end: -10 });
      const dayBefore1970 = Date.UTC(1969, 11, 31, 13, 0);
      assert.equal(tumblingWindowStart(dayBefore1970, 86_400_000), Date.UTC(1969, 11, 31));
    });

    it('shifts the grid by the offset', () => {
      assert.deepEqual(assignTumbling(4, 10, 5), { start: -5, end: 5 });
      assert.deepEqual(assignTumbling(5, 10, 5), { start: 5, end: 15 });
      assert.deepEqual(assignTumbling(5, 10, 5, true), { start: -5, end: 5 });
      assert.equal(alignedStart(-3, 10, 5, false), -5);
    });
  });

  describe('hopping', () => {
    it('lists every window that holds an event, earliest first', () => {
      assert.deepEqual(assignHopping(12, 10, 5), [
        { start: 5, end: 15 },
        { start: 10, end: 20 },
      ]);
      assert.deepEqual(assignHopping(10, 10, 5, 0, true), [
        { start: 0, end: 10 },
        { start: 5, end: 15 },
      ]);
      assert.deepEqual(assignHopping(-1, 10, 5), [
        { start: -10, end: 0 },
        { start: -5, end: 5 },
      ]);
    });

    it('gives no window to an event in the gap when slide > size', () => {
      assert.deepEqual(assignHopping(7, 5, 10), []);
      assert.deepEqual(assignHopping(3, 5, 10), [{ start: 0, end: 5 }]);
    });
  });

  describe('per-event sliding', () => {
    it('ends the window at the event, and an event leaves it size later', () => {
      assert.deepEqual(slidingEventWindow(100, 30), { start: 70, end: 100 });
      assert.equal(slidingExitTime(70, 30), 100);
    });
  });

  describe('session', () => {
    it('opens [t, t + gap)', () => {
      assert.deepEqual(sessionWindowOf(5, 10), { start: 5, end: 15 });
      assert.deepEqual(sessionWindowOf(-5, 10), { start: -5, end: 5 });
    });

    it('cuts a session first at the first multiple of maxDuration at least maxDuration after its start', () => {
      assert.equal(sessionFirstCut(13, 10), 30); // the check at 20 finds it 7 long: not yet
      assert.equal(sessionFirstCut(20, 10), 30);
      assert.equal(sessionFirstCut(19, 10), 30);
      assert.equal(sessionFirstCut(21, 10), 40);
      assert.equal(sessionFirstCut(-5, 10), 10);
      assert.equal(sessionFirstCut(-10, 10), 0);
    });

    it('merges overlapping sessions but not touching ones', () => {
      assert.ok(sessionsOverlap({ start: 0, end: 10 }, { start: 9, end: 20 }));
      assert.ok(!sessionsOverlap({ start: 0, end: 10 }, { start: 10, end: 20 }));
    });
  });

  describe('global count', () => {
    it('opens a window every count - overlap events', () => {
      assert.equal(countWindowStep(5, 2), 3);
      assert.deepEqual(
        [0, 1, 2, 3, 4, 5, 6].map((n) => opensCountWindow(n, 5, 2)),
        [true, false, false, true, false, false, true],
      );
    });

    it('rejects counts and overlaps that cannot work, saying what is allowed', () => {
      assert.throws(
        () => checkCountWindow(0, 0),
        (e: unknown) => e instanceof ConfigError && e.message === 'count: must be a whole number of events ≥ 1, got 0',
      );
      assert.throws(
        () => checkCountWindow(5, 5),
        (e: unknown) => e instanceof ConfigError && e.message === 'overlap: must be smaller than the count (5)',
      );
      assert.throws(
        () => checkCountWindow(undefined, 2),
        (e: unknown) => e instanceof ConfigError && e.field === 'overlap',
      );
      assert.doesNotThrow(() => checkCountWindow(5, 4));
      assert.doesNotThrow(() => checkCountWindow(undefined, undefined));
    });
  });
});
