import { strict as assert } from 'assert';
import { formatDuration, parseDuration } from '../../src/core/duration';
import { ConfigError } from '../../src/core/errors';

describe('parseDuration', () => {
  const cases: [unknown, number][] = [
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1.5s', 1500],
    ['2H', 7_200_000],
    [250, 250],
    ['250', 250],
    [' 42 ', 42],
  ];
  for (const [input, ms] of cases) {
    it(`reads ${JSON.stringify(input)} as ${ms} ms`, () => {
      assert.equal(parseDuration(input, 'size'), ms);
    });
  }

  it('accepts 0 only when allowed', () => {
    assert.equal(parseDuration('0', 'maxOutOfOrder', { allowZero: true }), 0);
    assert.equal(parseDuration(0, 'maxOutOfOrder', { allowZero: true }), 0);
    assert.throws(
      () => parseDuration(0, 'size'),
      (e: unknown) => e instanceof ConfigError && e.field === 'size' && /greater than 0/.test(e.message),
    );
  });

  it('names the field, the value and the allowed forms', () => {
    assert.throws(
      () => parseDuration('ten seconds', 'gap'),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.field === 'gap' &&
        e.message === 'gap: expected a duration like 500ms, 10s, 5m, 1h30m, 2d or a number of milliseconds, got string "ten seconds"',
    );
  });

  for (const bad of ['', '10x', '5 m s', 'm5', '1h-30m', null, undefined, {}, [], true, NaN, Infinity]) {
    it(`rejects ${typeof bad === 'number' || bad === undefined ? String(bad) : JSON.stringify(bad)}`, () => {
      assert.throws(
        () => parseDuration(bad, 'size'),
        (e: unknown) => e instanceof ConfigError && e.field === 'size',
      );
    });
  }

  it('rejects negative durations', () => {
    assert.throws(
      () => parseDuration(-5, 'slide'),
      (e: unknown) => e instanceof ConfigError && /must not be negative/.test(e.message),
    );
  });
});

describe('formatDuration', () => {
  it('formats compactly and round-trips through parseDuration', () => {
    for (const ms of [1, 500, 1000, 61_000, 5_400_000, 90_061_001]) {
      assert.equal(parseDuration(formatDuration(ms), 'x'), ms);
    }
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(500), '500ms');
  });

  it('keeps the largest units when asked to, shows the sign, and whole ms beyond a second', () => {
    assert.equal(formatDuration(90_061_001), '1d1h1m1s1ms');
    assert.equal(formatDuration(90_061_001, 2), '1d1h');
    assert.equal(formatDuration(-2000), '-2s');
    assert.equal(formatDuration(1500.4), '1s500ms');
    assert.equal(formatDuration(0.5), '0.5ms');
    assert.equal(formatDuration(0), '0ms');
    assert.equal(formatDuration(Infinity), 'Infinity');
  });
});
