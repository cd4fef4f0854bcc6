import { strict as assert } from 'assert';
import { CombinedPartitionState } from '../../src/core/combined-partition-state';
import { KeyedDetector } from '../../src/core/detectors/keyed-detector';
import { KeyedPartitionState } from '../../src/core/keyed-partition-state';

const T0 = 1_700_000_000_000;
const json = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** Two per-key states of different kinds, as one node's windows and detector are. */
function node() {
  const spikes = new KeyedDetector({ pattern: 'spike', options: { history: 10, minHistory: 3 } });
  const trends = new KeyedDetector({ pattern: 'trend', options: { history: 10 } });
  return { spikes, trends, both: new CombinedPartitionState([() => spikes, () => trends]) };
}

function feed(n: ReturnType<typeof node>, keys: string[], from: number, to: number): void {
  for (let i = from; i < to; i++) {
    for (const key of keys) {
      n.spikes.update(key, T0 + i * 1000, 20 + (i % 4));
      if (key !== 'only-spikes') n.trends.update(key, T0 + i * 1000, i);
    }
  }
}

describe('combined partition state', () => {
  it("saves every part's keys in one form and restores them all elsewhere", () => {
    const a = node();
    feed(a, ['x', 'y', 'only-spikes'], 0, 8);
    const saved = json(a.both.snapshotKeys(['x', 'only-spikes', 'none']));
    assert.equal(saved.kind, 'combined-keys');
    const b = node();
    assert.deepEqual(b.both.restoreKeys(saved).sort(), ['only-spikes', 'x']);
    assert.equal(b.both.hasKey('only-spikes'), true);
    assert.equal(b.trends.hasKey('only-spikes'), false, 'a part gets only the keys it had');
    assert.deepEqual(json(b.both.snapshotKeys(['x', 'only-spikes'])), saved);
    b.both.dropKeys(['x']);
    assert.equal(b.spikes.hasKey('x') || b.trends.hasKey('x'), false);
  });

  it('all or nothing: when a later part refuses its keys, the parts before it get their previous state back', () => {
    const a = node();
    feed(a, ['x'], 0, 8);
    const saved = json(a.both.snapshotKeys(['x']));
    (saved.parts[1] as { keys: Array<{ alert: unknown }> }).keys[0].alert = 'open';
    const b = node();
    feed(b, ['x'], 100, 103);
    const before = JSON.stringify(b.both.snapshotKeys(['x']));
    assert.throws(() => b.both.restoreKeys(saved), /key "x" alert: expected an object/);
    assert.equal(JSON.stringify(b.both.snapshotKeys(['x'])), before);
    assert.throws(() => b.both.restoreKeys({ ...saved, parts: [saved.parts[0]] }), /parts: expected a list of 2/);
  });

  it("restores the first part's own form (saved before the parts went together) into that part", () => {
    const a = node();
    feed(a, ['x'], 0, 8);
    const b = node();
    assert.deepEqual(b.both.restoreKeys(json(a.spikes.snapshotKeys(['x']))), ['x']);
    assert.equal(b.spikes.hasKey('x'), true);
    assert.equal(b.trends.hasKey('x'), false);
  });

  it('passes watermark calls to the parts that keep a watermark', () => {
    const calls: unknown[] = [];
    const clocked: KeyedPartitionState = {
      hasKey: () => false,
      snapshotKeys: () => ({ kind: 'x', keys: [] }),
      restoreKeys: () => [],
      dropKeys: () => undefined,
      holdBack: (to) => calls.push(['holdBack', to]),
      expectSources: (group, sources, now) => calls.push(['expect', group, sources, now]),
    };
    const both = new CombinedPartitionState([() => clocked, () => new KeyedDetector()]);
    both.holdBack(5);
    both.expectSources('t', ['0:t'], 7);
    assert.deepEqual(calls, [
      ['holdBack', 5],
      ['expect', 't', ['0:t'], 7],
    ]);
  });
});
