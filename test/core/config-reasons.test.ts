import { strict as assert } from 'assert';
import { CONFIG_REASONS, ConfigReason, reasonText } from '../../src/core/config-reasons';
import { parseDuration } from '../../src/core/duration';
import { ConfigError } from '../../src/core/errors';
import { parseTimes } from '../../src/core/sequence/pattern';

describe('setting reasons by code', () => {
  it('a ConfigError made from a code carries it with its parameters, and its message is the English text', () => {
    const err = ConfigError.of('size', 'durationExpected', { forms: 'a duration', got: 'string "soon"' });
    assert.equal(err.message, 'size: expected a duration, got string "soon"');
    assert.equal(err.code, 'durationExpected');
    assert.deepEqual(err.params, { forms: 'a duration', got: 'string "soon"' });
  });

  it("the core's own checks say why by code: the duration parser, repeat counts", () => {
    assert.throws(
      () => parseDuration('soon', 'gap'),
      (e: unknown) => e instanceof ConfigError && e.code === 'durationExpected' && e.message === `gap: ${reasonText('durationExpected', e.params)}`,
    );
    assert.throws(
      () => parseTimes('{0}', 'steps[0].times'),
      (e: unknown) => e instanceof ConfigError && e.code === 'repeatRange' && e.params.got === 'string "{0}"',
    );
  });

  it('a reason moved under its list entry keeps its code and parameters', () => {
    const inner = ConfigError.of('times', 'repeatForm', { got: 'string "*"' });
    const outer = inner.within('steps[2]');
    assert.equal(outer.field, 'steps[2].times');
    assert.equal(outer.message, 'steps[2].times: must be empty (once), +, {n}, {n,} or {n,m}, got string "*"');
    assert.equal(outer.code, 'repeatForm');
    assert.deepEqual(outer.params, inner.params);
  });

  it('a ConfigError written out without a code has none', () => {
    assert.equal(new ConfigError('x', 'is odd').code, '');
  });

  it('every placeholder of every reason is a __name__, and a missing parameter stays visible', () => {
    for (const code of Object.keys(CONFIG_REASONS) as ConfigReason[]) assert.doesNotMatch(CONFIG_REASONS[code].replace(/__\w+__/g, ''), /__/, code);
    assert.equal(reasonText('numberRange', { min: 1 }), 'must be a number from 1 to __max__, got __got__');
  });
});
