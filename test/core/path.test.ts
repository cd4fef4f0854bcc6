import { strict as assert } from 'assert';
import fc from 'fast-check';
import { ConfigError } from '../../src/core/errors';
import { compilePath, compileSetter, formatPath, parsePath } from '../../src/core/path';

describe('path: property paths', () => {
  const msg = { topic: 'a', payload: { temperature: 21.5, readings: [{ v: 1 }, { v: 2, tags: ['x', 'y'] }], 'a b': { 'c.d': 7 }, nil: null } };

  it('parses dots, indices and quoted keys', () => {
    assert.deepEqual(parsePath('payload'), ['payload']);
    assert.deepEqual(parsePath('payload.readings[1].tags[0]'), ['payload', 'readings', 1, 'tags', 0]);
    assert.deepEqual(parsePath(`payload["a b"]['c.d']`), ['payload', 'a b', 'c.d']);
    assert.deepEqual(parsePath('payload["say \\"hi\\""]'), ['payload', 'say "hi"']);
    assert.deepEqual(parsePath('msg.payload.x'), ['payload', 'x']);
    assert.deepEqual(parsePath(' payload.some-key '), ['payload', 'some-key']);
    assert.deepEqual(parsePath('[0][1]'), [0, 1]);
  });

  it('reads values at every depth, undefined where the path breaks', () => {
    const cases: Array<[string, unknown]> = [
      ['topic', 'a'],
      ['payload.temperature', 21.5],
      ['payload.readings[0].v', 1],
      ['payload.readings[1].tags[1]', 'y'],
      ['payload["a b"]["c.d"]', 7],
      ['payload.nil', null],
      ['payload.nil.x', undefined],
      ['payload.missing.x.y.z', undefined],
      ['payload.readings[5].v', undefined],
      ['nothing', undefined],
      ['payload.temperature.x', undefined],
    ];
    for (const [path, expected] of cases) assert.deepEqual(compilePath(path)(msg), expected, path);
    assert.equal(compilePath('payload')(null), undefined);
    assert.equal(compilePath('payload.x')(undefined), undefined);
    assert.equal(compilePath('a.b.c.d.e')({ a: { b: { c: { d: { e: 5 } } } } }), 5);
  });

  it('reads the common one-step properties (payload, topic, timestamp, value) and names like Object.prototype members alike', () => {
    const m = { payload: 1, topic: 't', timestamp: 5, value: 'v', constructor: 'c', toString: 's', __proto__x: 9 };
    for (const name of ['payload', 'topic', 'timestamp', 'value', 'constructor', 'toString', '__proto__x']) {
      assert.equal(compilePath(name)(m), (m as Record<string, unknown>)[name], name);
      assert.equal(compilePath(name)(null), undefined, name);
    }
    // A message without an own property of that name reads as undefined, not as an inherited member.
    assert.equal(compilePath('payload')({}), undefined);
  });

  it('rejects malformed paths with a ConfigError naming the field', () => {
    const bad = ['', '  ', 'payload..x', 'payload.', '.payload', 'payload[x]', 'payload[', 'payload["x]', 'payload[0]x', 'payload["x"', 'msg.'];
    for (const path of bad) {
      assert.throws(
        () => compilePath(path, 'valueProperty'),
        (err: unknown) => err instanceof ConfigError && err.field === 'valueProperty' && /^valueProperty: /.test(err.message),
        path,
      );
    }
    assert.throws(() => parsePath(5 as never, 'rules[0].property'), /^ConfigError: rules\[0\]\.property: a property path must be a string/);
  });

  it('formatPath is the inverse of parsePath', () => {
    const segment = fc.oneof(fc.nat(1000), fc.string({ minLength: 1, maxLength: 6 }));
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('msg', 'payload'), fc.string({ minLength: 1, maxLength: 6 })), fc.array(segment, { maxLength: 5 }), (head, rest) => {
        const segments = [head, ...rest];
        assert.deepEqual(parsePath(formatPath(segments)), segments);
      }),
    );
    assert.equal(formatPath(['payload', 'readings', 0, 'a b']), 'payload.readings[0]["a b"]');
  });

  it('writes at a path, creating the objects and arrays on the way, and reads back what it wrote', () => {
    const target: Record<string, unknown> = { topic: 'k', payload: { keep: 1 } };
    compileSetter('payload.stats')(target, { avg: 2 });
    compileSetter('msg.result["a b"][1]')(target, 'x');
    compileSetter('records')(target, [1]);
    const list = (target.result as Record<string, unknown[]>)['a b'];
    assert.ok(Array.isArray(list) && list.length === 2 && list[1] === 'x', 'an index makes an array');
    assert.deepEqual({ ...target, result: undefined }, { topic: 'k', payload: { keep: 1, stats: { avg: 2 } }, result: undefined, records: [1] });
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('a', 'b', 'payload'), fc.nat(3)), { minLength: 1, maxLength: 5 }), fc.anything(), (segments, value) => {
        const path = formatPath(segments);
        const out = {};
        compileSetter(path)(out, value);
        assert.deepEqual(compilePath(path)(out), value);
      }),
    );
  });

  it('refuses to write through a prototype', () => {
    for (const p of ['__proto__.polluted', 'payload.constructor.prototype.x', 'a["__proto__"]']) {
      assert.throws(
        () => compileSetter(p, 'outputProperty'),
        (e: unknown) => e instanceof ConfigError && e.field === 'outputProperty' && /cannot be written/.test(e.message),
        p,
      );
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
