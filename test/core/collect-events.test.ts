import { strict as assert } from 'assert';
import { collectEvents } from '../../src/core/collect-events';
import { WindowOperator } from '../../src/core/window-operator';
import { Emission } from '../../src/core/types';

describe('collectEvents', () => {
  it('returns the window’s events sorted by event time, keeping id, type and metadata', () => {
    const agg = collectEvents();
    let acc = agg.createAccumulator();
    acc = agg.add(acc, { topic: 't', payload: 2, eventId: 'e2' }, 20);
    acc = agg.add(acc, { topic: 't', payload: 1, eventType: 'reading', metadata: { unit: 'C' } }, 10);
    acc = agg.add(acc, { payload: 3 }, 20);
    assert.deepEqual(agg.result(acc), [
      { timestamp: 10, topic: 't', payload: 1, eventType: 'reading', metadata: { unit: 'C' } },
      { timestamp: 20, topic: 't', payload: 2, eventId: 'e2' },
      { timestamp: 20, topic: undefined, payload: 3 },
    ]);
  });

  it('merges, and a result does not change when the window later changes', () => {
    const agg = collectEvents();
    const a = agg.add(agg.createAccumulator(), { payload: 'x' }, 5);
    const b = agg.add(agg.createAccumulator(), { payload: 'y' }, 1);
    const merged = agg.merge(a, b);
    const first = agg.result(merged);
    agg.add(merged, { payload: 'z' }, 3);
    assert.deepEqual(
      first.map((e) => e.payload),
      ['y', 'x'],
    );
    assert.deepEqual(
      agg.result(merged).map((e) => e.payload),
      ['y', 'z', 'x'],
    );
  });

  it('reads back its own snapshot and refuses a damaged one instead of restoring an empty window', () => {
    const agg = collectEvents();
    const acc = agg.add(agg.add(agg.createAccumulator(), { topic: 't', payload: 1, eventId: 'e1', metadata: { unit: 'C' } }, 10), { payload: 2 }, 20);
    const back = agg.fromJSON!(JSON.parse(JSON.stringify(agg.toJSON!(acc))));
    assert.deepEqual(agg.result(back), agg.result(acc));
    assert.throws(() => agg.fromJSON!({ events: [] }), /events must be an array, got object/);
    assert.throws(() => agg.fromJSON!([{ topic: 't', payload: 1 }]), /events\[0\]\.timestamp must be a finite number, got undefined/);
    assert.throws(() => agg.fromJSON!([7]), /events\[0\] must be an object, got number/);
  });

  it('round-trips through a JSON snapshot inside an operator', () => {
    const out: Emission<{ payload: unknown }, unknown>[] = [];
    const options = {
      window: { type: 'tumbling' as const, size: 10 },
      aggregate: collectEvents(),
      onEmit: (e: Emission<{ payload: unknown }, unknown>) => out.push(e),
    };
    const first = new WindowOperator(options);
    first.process({ key: 'k', time: 3, value: { topic: 'k', payload: { v: 1 } } }, 0);
    const second = new WindowOperator(options);
    second.restore(JSON.parse(JSON.stringify(first.snapshot())));
    second.process({ key: 'k', time: 1, value: { topic: 'k', payload: { v: 0 } } }, 0);
    second.flush(0);
    assert.equal(out.length, 1);
    assert.deepEqual(out[0].kind === 'window' && out[0].result, [
      { timestamp: 1, topic: 'k', payload: { v: 0 } },
      { timestamp: 3, topic: 'k', payload: { v: 1 } },
    ]);
  });
});
