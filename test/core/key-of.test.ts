import { strict as assert } from 'assert';
import { keyOf } from '../../src/core/key-of';

describe('keyOf', () => {
  it('keys strings as they are and numbers and booleans as their text, so 7 and "7" are one key', () => {
    assert.equal(keyOf('pump-1'), 'pump-1');
    assert.equal(keyOf(''), '');
    assert.equal(keyOf(7), '7');
    assert.equal(keyOf(7), keyOf('7'));
    assert.equal(keyOf(true), 'true');
  });

  it('gives no key for anything else, for the caller to report', () => {
    for (const v of [undefined, null, {}, [], Symbol('x'), 1n, () => 1]) assert.equal(keyOf(v), undefined);
  });
});
