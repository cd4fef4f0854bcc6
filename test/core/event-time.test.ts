import { strict as assert } from 'assert';
import { InputError } from '../../src/core/errors';
import { parseEventTime } from '../../src/core/event-time';

describe('parseEventTime', () => {
  it('takes ms numbers as they are, including pre-1970 times', () => {
    assert.equal(parseEventTime(1_700_000_000_000, 'timestamp'), 1_700_000_000_000);
    assert.equal(parseEventTime(-86_400_000, 'timestamp'), -86_400_000);
    assert.equal(parseEventTime(0, 'timestamp'), 0);
  });

  it('reads numeric strings as ms', () => {
    assert.equal(parseEventTime('1700000000000', 'timestamp'), 1_700_000_000_000);
    assert.equal(parseEventTime(' -5 ', 'timestamp'), -5);
  });

  it('reads ISO-8601 strings with and without zone', () => {
    assert.equal(parseEventTime('2024-01-02T03:04:05.678Z', 'timestamp'), Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    assert.equal(parseEventTime('2024-01-02T03:04:05+01:00', 'timestamp'), Date.UTC(2024, 0, 2, 2, 4, 5));
    assert.equal(parseEventTime('1969-12-31T23:59:59Z', 'timestamp'), -1000);
    assert.equal(parseEventTime('2024-01-02', 'timestamp'), Date.UTC(2024, 0, 2));
  });

  it('rejects an invalid Date', () => {
    assert.throws(
      () => parseEventTime(new Date(NaN), 'timestamp'),
      (e: unknown) => e instanceof InputError && /got object$/.test(e.message),
    );
  });

  it('reads Dates', () => {
    assert.equal(parseEventTime(new Date(Date.UTC(2020, 5, 1)), 'timestamp'), Date.UTC(2020, 5, 1));
  });

  const bad: [unknown, string][] = [
    ['yesterday', 'string "yesterday"'],
    ['Tue, 02 Jan 2024 03:04:05 GMT', 'string "Tue, 02 Jan 2024 03:04:05 GMT"'],
    ['2024-13-45T99:00:00Z', 'string "2024-13-45T99:00:00Z"'],
    [null, 'null'],
    [undefined, 'undefined'],
    [{ t: 1 }, 'object'],
    [[1], 'array'],
    [true, 'boolean'],
    [NaN, 'number NaN'],
    [Infinity, 'number Infinity'],
  ];
  for (const [value, described] of bad) {
    it(`rejects ${described} with an InputError naming the property and the type`, () => {
      assert.throws(
        () => parseEventTime(value, 'payload.ts'),
        (e: unknown) =>
          e instanceof InputError &&
          e.property === 'payload.ts' &&
          e.message === `payload.ts: expected an event time (ms since the epoch, an ISO-8601 string or a Date), got ${described}`,
      );
    });
  }
});
