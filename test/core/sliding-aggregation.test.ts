import { strict as assert } from 'assert';
import fc from 'fast-check';
import { TwoStacksAggregator } from '../../src/core/two-stacks';
import { TimerHeap, Timed } from '../../src/core/timer-heap';
import { BucketTimers } from '../../src/core/bucket-timers';
import { maxOf, sumCount } from './window-test-kit';

describe('two-stacks sliding aggregation', () => {
  it('answers like a rescan after any sequence of pushes and pops', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -100, max: 100 }), fc.constant<'pop'>('pop')), { maxLength: 300 }), (ops) => {
        const max = new TwoStacksAggregator(maxOf);
        const sum = new TwoStacksAggregator(sumCount);
        const model: number[] = [];
        let time = 0;
        for (const op of ops) {
          if (op === 'pop') {
            max.pop();
            sum.pop();
            model.shift();
          } else {
            max.push(time, op);
            sum.push(time++, op);
            model.push(op);
          }
          assert.equal(max.size, model.length);
          assert.equal(max.result(), model.length ? Math.max(...model) : null);
          assert.deepEqual(sum.result(), { sum: model.reduce((a, b) => a + b, 0), count: model.length });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('does not rescan: each event is added at most twice however long the window', () => {
    let adds = 0;
    const counting = { ...maxOf, add: (acc: number, x: number, t: number) => (adds++, maxOf.add(acc, x, t)) };
    const w = new TwoStacksAggregator(counting);
    for (let i = 0; i < 10_000; i++) w.push(i, i % 97);
    for (let i = 10_000; i < 50_000; i++) {
      w.pop();
      w.push(i, i % 97);
      w.result();
    }
    assert.ok(adds <= 2 * 50_000, `${adds} adds for 50,000 events`);
  });
});

describe('timers', () => {
  const item = (start: number, seq: number): Timed => ({ timerAt: 0, heapIndex: -1, start, seq });

  it('TimerHeap pops by time, then start, then key order, and reschedules in place', () => {
    const heap = new TimerHeap<Timed>();
    const a = item(0, 2);
    const b = item(0, 1);
    const c = item(5, 0);
    const d = item(1, 0);
    heap.schedule(a, 10);
    heap.schedule(b, 10);
    heap.schedule(c, 30);
    heap.schedule(d, 20);
    heap.schedule(c, 5);
    heap.remove(d);
    heap.schedule(d, 10);
    assert.equal(heap.maxTime(), 10);
    const order: Timed[] = [];
    for (let x = heap.pop(); x !== undefined; x = heap.pop()) order.push(x);
    assert.deepEqual(order, [c, b, a, d]);
    assert.ok(order.every((x) => x.heapIndex === -1));
  });

  it('BucketTimers groups items by time and pops the earliest group first', () => {
    const timers = new BucketTimers<string>();
    for (const [item, time] of [['x', 30], ['y', 10], ['z', 30], ['w', 20], ['v', -5]] as const) timers.schedule(item, time);
    assert.equal(timers.maxTime(), 30);
    const groups: [number, string[]][] = [];
    while (timers.size > 0) {
      const time = timers.peekTime() as number;
      groups.push([time, timers.popGroup()]);
    }
    assert.deepEqual(groups, [[-5, ['v']], [10, ['y']], [20, ['w']], [30, ['x', 'z']]]);
  });
});
