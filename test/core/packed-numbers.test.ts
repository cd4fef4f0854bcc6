// Packed lists of numbers in saved state: any finite doubles come back bit for bit, the text is
// the base64 any other encoder gives, a list saved before packing still reads, and nothing else
// is taken: a damaged or hostile text is refused with a SnapshotError, before decoding when too long.
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { packNumbers, snapPackedNumbers } from '../../src/core/packed-numbers';
import { SnapshotError } from '../../src/core/errors';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

describe('packed numbers', () => {
  it('any finite doubles come back bit for bit (-0 included), as the base64 of their little-endian bytes', () => {
    fc.assert(
      fc.property(fc.array(finite, { maxLength: 40 }), (xs) => {
        const packed = packNumbers(Float64Array.from(xs));
        const bytes = Buffer.alloc(xs.length * 8);
        xs.forEach((x, i) => bytes.writeDoubleLE(x, i * 8));
        assert.equal(packed, bytes.toString('base64'));
        const back = snapPackedNumbers(packed, 40, 'values');
        assert.equal(back.length, xs.length);
        back.forEach((v, i) => assert.ok(Object.is(v, xs[i]), `number ${i}: ${v} for ${xs[i]}`));
      }),
      { numRuns: 300 },
    );
  });

  it('packs a ring from any head: its values in arrival order, wrapping past the end', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 20 }), fc.nat(), fc.nat(), (xs, h, c) => {
        const data = Float64Array.from(xs);
        const head = h % xs.length;
        const count = c % (xs.length + 1);
        const inOrder = Array.from({ length: count }, (_, i) => xs[(head + i) % xs.length]);
        assert.deepEqual(snapPackedNumbers(packNumbers(data, head, count), count, 'ring'), inOrder);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a list of numbers as state saved before packing did, and refuses one with anything else in it', () => {
    assert.deepEqual(snapPackedNumbers([1.5, -2, 0], 3, 'values'), [1.5, -2, 0]);
    assert.throws(() => snapPackedNumbers([1, null], 3, 'values'), SnapshotError);
    assert.throws(() => snapPackedNumbers([1, 2, 3, 4], 3, 'values'), /at most 3/);
  });

  it('refuses more numbers than the list may hold, non-finite numbers, and text that is not whole base64 doubles', () => {
    const pack = (xs: number[]) => packNumbers(Float64Array.from(xs));
    assert.throws(() => snapPackedNumbers(pack([1, 2, 3]), 2, 'ring values'), /ring values: .*more than 2 packed numbers/);
    assert.throws(() => snapPackedNumbers(pack([1, Infinity]), 2, 'ring values'), /number 1 is Infinity/);
    assert.throws(() => snapPackedNumbers(pack([NaN]), 2, 'ring values'), /number 0 is NaN/);
    for (const bad of ['AAA', 'AAAA', '!!!!AAAAAAA=', 'AAAAAAAAAA=A', 'AAAAAAAAAAé=', 'AAAA AAAAAA=']) {
      assert.throws(() => snapPackedNumbers(bad, 2, 'ring values'), SnapshotError, bad);
    }
    // A text of millions of characters is refused by its length alone.
    assert.throws(() => snapPackedNumbers('A'.repeat(4_000_000), 10, 'ring values'), /more than 10 packed numbers/);
  });

  it('any text at all is either read as at most the allowed finite numbers or refused with a SnapshotError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 48 })), (text) => {
        try {
          const xs = snapPackedNumbers(text, 4, 'values');
          assert.ok(xs.length <= 4 && xs.every(Number.isFinite));
        } catch (err) {
          assert.ok(err instanceof SnapshotError, String(err));
        }
      }),
      { numRuns: 500 },
    );
  });
});
