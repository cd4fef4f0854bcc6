import { strict as assert } from 'assert';
import { InputError, toError } from '../../src/core/errors';

describe('toError', () => {
  it('keeps an Error as it is', () => {
    const e = new InputError('msg.payload', 'bad');
    assert.equal(toError(e), e);
  });

  it('reads a JSONata error object: message, code, position and token, in the text and as properties', () => {
    const e = toError({ code: 'T2009', position: 9, token: '>', message: 'The values either side of operator ">" must be of the same data type' });
    assert.ok(e instanceof Error);
    assert.equal(e.message, 'The values either side of operator ">" must be of the same data type (T2009 at position 9 near ">")');
    assert.deepEqual([(e as unknown as Record<string, unknown>).code, (e as unknown as Record<string, unknown>).position], ['T2009', 9]);
  });

  it('never says [object Object], whatever was thrown', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const hostile = {
      toString: () => {
        throw new Error('no');
      },
    };
    for (const thrown of [{}, { detail: 1 }, cyclic, 'text', 42, null, undefined, Symbol('s'), hostile, Object.create(null)]) {
      const e = toError(thrown);
      assert.ok(e instanceof Error);
      assert.ok(e.message.length > 0);
      assert.doesNotMatch(e.message, /\[object Object\]/);
    }
    assert.equal(toError('text').message, 'text');
    assert.equal(toError({ detail: 1 }).message, '{"detail":1}');
  });
});
