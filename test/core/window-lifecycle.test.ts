import { strict as assert } from 'assert';
import { countAggregate } from '../../src/core/aggregates/count';
import { earlyTrigger } from '../../src/core/triggers/early-trigger';
import { finalTrigger } from '../../src/core/triggers/final-trigger';
import type { Trigger, TriggerWindow } from '../../src/core/triggers/trigger';
import { updateTrigger } from '../../src/core/triggers/update-trigger';
import { Emission, LateDataPolicy } from '../../src/core/types';
import { WindowLifecycle } from '../../src/core/window-lifecycle';

function lifecycle(o: { trigger?: Trigger; lateData?: LateDataPolicy; allowedLateness?: number; maxEventsPerWindow?: number } = {}) {
  const emitted: Emission<unknown, number>[] = [];
  const life = new WindowLifecycle<unknown, { n: number }, number>({
    agg: countAggregate,
    type: 'tumbling',
    endInclusive: false,
    allowedLateness: o.allowedLateness ?? 0,
    lateData: o.lateData ?? 'drop',
    maxEventsPerWindow: o.maxEventsPerWindow ?? Infinity,
    trigger: o.trigger ?? finalTrigger,
    onEmit: (e) => emitted.push(e),
    onWindow: undefined,
  });
  return { life, emitted };
}

describe('triggers', () => {
  it('final fires on no element and no processing-time round', () => {
    const w: TriggerWindow = { state: 'open' };
    assert.equal(finalTrigger.onElement(w), 'continue');
    assert.equal(finalTrigger.onProcessingTime(w), 'continue');
    assert.equal(w.state, 'open');
  });

  it('update fires on every element, never on processing time', () => {
    const w: TriggerWindow = { state: 'open' };
    assert.equal(updateTrigger.onElement(w), 'fire');
    assert.equal(updateTrigger.onElement(w), 'fire');
    assert.equal(updateTrigger.onProcessingTime(w), 'continue');
    assert.equal(w.state, 'open');
  });

  it('early marks a window changed on elements and fires it once per round that follows a change', () => {
    const w: TriggerWindow = { state: 'open' };
    assert.equal(earlyTrigger.onProcessingTime(w), 'continue');
    assert.equal(earlyTrigger.onElement(w), 'continue');
    assert.equal(w.state, 'changed');
    assert.equal(earlyTrigger.onProcessingTime(w), 'fire');
    assert.equal(w.state, 'open');
    assert.equal(earlyTrigger.onProcessingTime(w), 'continue');
  });
});

describe('WindowLifecycle: the rules every window type shares', () => {
  it('asks the trigger about open windows and fires a kept window again as late', () => {
    const { life } = lifecycle({ trigger: updateTrigger });
    assert.equal(life.added({ state: 'open' }), 'update');
    assert.equal(life.added({ state: 'fired' }), 'late');
    assert.equal(lifecycle().life.added({ state: 'open' }), undefined);
    assert.equal(lifecycle().life.added({ state: 'fired' }), 'late');
  });

  it('never fires a fired window early', () => {
    const { life } = lifecycle({ trigger: earlyTrigger });
    assert.equal(life.early({ state: 'fired' }), false);
    assert.equal(life.early({ state: 'changed' }), true);
  });

  it('keeps fired windows only with lateData update and allowedLateness, until end + allowedLateness', () => {
    const kept = lifecycle({ lateData: 'update', allowedLateness: 10 }).life;
    assert.equal(kept.cleanupTime(100), 110);
    assert.equal(kept.isKept(100, 109, true), true);
    assert.equal(kept.isKept(100, 110, false), true);
    assert.equal(kept.isKept(100, 110, true), false);
    assert.equal(lifecycle({ lateData: 'output', allowedLateness: 10 }).life.isKept(100, 101, true), false);
    assert.equal(lifecycle({ lateData: 'update' }).life.isKept(100, 100, false), false);
  });

  it('fires a window: closes it and keeps it or purges it by the cleanup rule', () => {
    const { life } = lifecycle({ lateData: 'update', allowedLateness: 10 });
    life.opened(2);
    const a: TriggerWindow = { state: 'changed' };
    assert.equal(life.fire(a, 100, 100, true), true);
    assert.equal(a.state, 'fired');
    const b: TriggerWindow = { state: 'open' };
    assert.equal(life.fire(b, 100, 111, true), false);
    assert.equal(b.state, 'purged');
    assert.equal(life.openWindows, 0);
  });

  it('counts every late event once, and sends it by the policy unless a kept window takes it', () => {
    const event = { key: 'k', time: 5, value: 1 };
    const drop = lifecycle();
    assert.equal(drop.life.lateEvent(event, 0, 10, 20, false), false);
    assert.equal(drop.life.late, 1);
    assert.deepEqual(drop.emitted, []);

    const output = lifecycle({ lateData: 'output' });
    assert.equal(output.life.lateEvent(event, 0, 10, 20, false), false);
    assert.deepEqual(output.emitted, [{ kind: 'late', event, window: { start: 0, end: 10 }, watermark: 20 }]);

    const kept = lifecycle({ lateData: 'update', allowedLateness: 100 });
    assert.equal(kept.life.lateEvent(event, 0, 10, 20, true), true);
    assert.equal(kept.life.late, 1);
    assert.deepEqual(kept.emitted, []);

    const adjust = lifecycle({ lateData: 'adjust' });
    assert.equal(adjust.life.lateEvent(event, 0, 10, 20, false), false);
    assert.equal(adjust.life.retimeTo, 20);
    assert.equal(adjust.life.late, 1);
  });

  it('admits events up to maxEventsPerWindow and counts the ones it refuses', () => {
    const { life } = lifecycle({ maxEventsPerWindow: 2 });
    assert.equal(life.admits(0), true);
    assert.equal(life.admits(1), true);
    assert.equal(life.admits(2), false);
    assert.equal(life.dropped, 1);
  });
});
