import { strict as assert } from 'assert';
import { roundResult, roundValue } from '../../src/core/round';

describe('round', () => {
  it('rounds finite numbers for reading and leaves everything else alone', () => {
    assert.equal(roundValue(22.777499999999996, 2), 22.78);
    assert.equal(roundValue(0.1 + 0.2, 2), 0.3);
    assert.equal(roundValue(-0.0001, 2), 0);
    assert.equal(roundValue(1234.5, 0), 1235);
    assert.equal(roundValue(1e21, 2), 1e21);
    for (const v of [null, 'x', NaN, Infinity, undefined]) assert.equal(roundValue(v, 2), v);
    assert.deepEqual(roundResult({ avg: 21.456, n: 3, last: 'a' }, 1), { avg: 21.5, n: 3, last: 'a' });
  });
});
