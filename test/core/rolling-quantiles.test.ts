// RollingQuantiles.load restores in one sort what pushing the values one by one would build:
// the same ring, the same sorted order (down to the order of -0 and +0) and so the same answers,
// now and after more values.
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { RollingQuantiles } from '../../src/core/detectors/rolling-quantiles';

interface Inside {
  ring: Float64Array;
  sorted: Float64Array;
  head: number;
  size: number;
}

const inside = (q: RollingQuantiles) => q as unknown as Inside;
// Few distinct values, zeros of both signs among them: ties and sign order are what a sort could get wrong.
const value = fc.oneof(fc.constantFrom(0, -0, 1, -1, 2.5), fc.double({ noNaN: true, noDefaultInfinity: true }));

describe('RollingQuantiles', () => {
  it('load leaves exactly the state of pushing the values one by one, and goes on alike', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), fc.nat(8), fc.array(value, { maxLength: 30 }), (saved, spare, later) => {
        const capacity = Math.max(1, saved.length + spare);
        const pushed = new RollingQuantiles(capacity);
        for (const v of saved) pushed.push(v);
        const loaded = new RollingQuantiles(capacity);
        loaded.push(42); // something to replace
        loaded.load(saved, 'values');
        const [a, b] = [inside(pushed), inside(loaded)];
        assert.equal(b.size, a.size);
        assert.equal(b.head, a.head);
        for (let i = 0; i < a.size; i++) {
          assert.ok(Object.is(b.ring[i], a.ring[i]), `ring ${i}`);
          assert.ok(Object.is(b.sorted[i], a.sorted[i]), `sorted ${i}: ${b.sorted[i]} for ${a.sorted[i]}`);
        }
        for (const v of later) {
          pushed.push(v);
          loaded.push(v);
        }
        for (const p of [0, 0.1, 0.5, 0.9, 1]) assert.ok(Object.is(loaded.quantile(p), pushed.quantile(p)), `quantile ${p}`);
      }),
      { numRuns: 500 },
    );
  });
});
