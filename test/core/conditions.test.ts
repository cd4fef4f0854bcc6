import { strict as assert } from 'assert';
import fc from 'fast-check';
import { ConfigError } from '../../src/core/errors';
import { compileRules, FilterRule, RULE_OPS } from '../../src/core/conditions';

const msg = (payload: unknown, extra: Record<string, unknown> = {}) => ({ topic: 't', payload, ...extra });

/** Compiles one rule and tests each payload. */
function passes(rule: FilterRule, payloads: unknown[]): boolean[] {
  const pred = compileRules([rule], 'all');
  return payloads.map((p) => pred(msg(p)));
}

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

describe('conditions: rule ops', () => {
  it('lists every op', () => {
    assert.deepEqual([...RULE_OPS], ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'contains', 'regex', 'exists', 'jsonata']);
  });

  it('eq compares numbers numerically when the rule value is numeric, never coercing input text', () => {
    assert.deepEqual(passes({ op: 'eq', value: 21.5 }, [21.5, 21.4, '21.5', null]), [true, false, false, false]);
    assert.deepEqual(passes({ op: 'eq', value: '21.5' }, [21.5, '21.5', '21.50', 21.50000001]), [true, true, false, false]);
  });

  it('eq on text, booleans, null and JSON values', () => {
    assert.deepEqual(passes({ op: 'eq', value: 'on' }, ['on', 'ON', undefined]), [true, false, false]);
    assert.deepEqual(passes({ op: 'eq', value: true }, [true, false, 'true', 1]), [true, false, false, false]);
    assert.deepEqual(passes({ op: 'eq', value: 'false' }, [false, true, 'false']), [true, false, true]);
    assert.deepEqual(passes({ op: 'eq', value: null }, [null, undefined, 0]), [true, false, false]);
    assert.deepEqual(passes({ op: 'eq', value: { a: [1, 2] } }, [{ a: [1, 2] }, { a: [2, 1] }, { a: [1, 2], b: 1 }]), [true, false, false]);
  });

  it('neq is the negation of eq, a missing property included', () => {
    assert.deepEqual(passes({ op: 'neq', value: 5 }, [5, 6, '5', undefined]), [false, true, true, true]);
    assert.deepEqual(passes({ op: 'neq', value: 'idle' }, ['idle', 'busy']), [false, true]);
    assert.deepEqual(passes({ op: 'neq', value: 'true' }, [true, false]), [false, true]);
  });

  it('gt, gte, lt, lte compare numbers; other input fails the rule', () => {
    const values = [29, 30, 31, '31', null, undefined, NaN, [31]];
    assert.deepEqual(passes({ op: 'gt', value: 30 }, values), [false, false, true, false, false, false, false, false]);
    assert.deepEqual(passes({ op: 'gte', value: '30' }, values), [false, true, true, false, false, false, false, false]);
    assert.deepEqual(passes({ op: 'lt', value: 30 }, values), [true, false, false, false, false, false, false, false]);
    assert.deepEqual(passes({ op: 'lte', value: 30 }, values), [true, true, false, false, false, false, false, false]);
    assert.deepEqual(passes({ op: 'lt', value: -1.5e3 }, [-1501, -1500]), [true, false]);
  });

  it('a text rule value compares text in code-point order (ISO times)', () => {
    assert.deepEqual(passes({ op: 'gte', value: '2024-06-01' }, ['2024-06-01T00:00:00Z', '2024-05-31T23:59:59Z', 20240601]), [true, false, false]);
  });

  it('between is inclusive at both ends and accepts the ends either way round', () => {
    const values = [9.99, 10, 15, 20, 20.01, '15'];
    assert.deepEqual(passes({ op: 'between', value: 10, value2: 20 }, values), [false, true, true, true, false, false]);
    assert.deepEqual(passes({ op: 'between', value: '20', value2: '10' }, values), [false, true, true, true, false, false]);
    assert.deepEqual(passes({ op: 'between', value: 'b', value2: 'd' }, ['a', 'b', 'c', 'd', 'e']), [false, true, true, true, false]);
  });

  it('contains finds substrings in text and elements in arrays', () => {
    assert.deepEqual(passes({ op: 'contains', value: 'err' }, ['an error', 'ok', ['err'], ['an error'], 5]), [true, false, true, false, false]);
    assert.deepEqual(passes({ op: 'contains', value: '3' }, [[1, 2, 3], [1, 2], 'x3y', '3', 3]), [true, false, true, true, false]);
    assert.deepEqual(passes({ op: 'contains', value: true }, [[false, true], [false], 'true']), [true, false, true]);
  });

  it('regex accepts a bare pattern with flags in value2, or a /literal/flags', () => {
    assert.deepEqual(passes({ op: 'regex', value: '^temp' }, ['temp-1', 'Temp-1', 'xtemp', 12]), [true, false, false, false]);
    assert.deepEqual(passes({ op: 'regex', value: '^temp', value2: 'i' }, ['Temp-1']), [true]);
    assert.deepEqual(passes({ op: 'regex', value: '/^TEMP-\\d+$/i' }, ['temp-12', 'temp-x']), [true, false]);
    assert.deepEqual(passes({ op: 'regex', value: '^4\\d$' }, [42, 420, true, null]), [true, false, false, false]);
  });

  it('regex with the g flag gives the same answer every time', () => {
    const pred = compileRules([{ op: 'regex', value: '/a/g' }], 'all');
    assert.deepEqual([pred(msg('a')), pred(msg('a')), pred(msg('a'))], [true, true, true]);
  });

  it('exists is true when the property is present and not undefined', () => {
    const pred = compileRules([{ op: 'exists', property: 'payload.alarm' }], 'all');
    assert.deepEqual(
      [pred(msg({ alarm: false })), pred(msg({ alarm: null })), pred(msg({})), pred(msg({ alarm: undefined })), pred(msg(null)), pred(msg(3))],
      [true, true, false, false, false, false],
    );
  });

  it('reads nested properties and any message property', () => {
    const pred = compileRules([{ property: 'payload.readings[1].v', op: 'gt', value: 5 }], 'all');
    assert.equal(pred(msg({ readings: [{ v: 1 }, { v: 6 }] })), true);
    assert.equal(pred(msg({ readings: [{ v: 9 }] })), false);
    assert.equal(compileRules([{ property: 'msg.topic', op: 'eq', value: 't' }], 'all')(msg(1)), true);
  });

  it('accepts familiar spellings of the ops', () => {
    assert.deepEqual(passes({ op: '>=', value: 3 }, [2, 3]), [false, true]);
    assert.deepEqual(passes({ op: '!=', value: 3 }, [2, 3]), [true, false]);
    assert.deepEqual(passes({ op: 'btwn', value: 1, value2: 2 }, [0, 1]), [false, true]);
    assert.deepEqual(passes({ op: 'GT', value: 1 }, [0, 2]), [false, true]);
  });
});

describe('conditions: combining rules', () => {
  const rules: FilterRule[] = [
    { property: 'payload.t', op: 'gt', value: 30 },
    { property: 'topic', op: 'regex', value: '^hall' },
    { property: 'payload.ok', op: 'eq', value: true },
  ];
  const inputs = [
    { topic: 'hall/1', payload: { t: 31, ok: true } },
    { topic: 'hall/1', payload: { t: 29, ok: true } },
    { topic: 'yard', payload: { t: 10, ok: false } },
  ];

  it('all passes only when every rule does', () => {
    const pred = compileRules(rules, 'all');
    assert.deepEqual(inputs.map(pred), [true, false, false]);
    assert.deepEqual(inputs.map(compileRules(rules.slice(0, 2), 'all')), [true, false, false]);
  });

  it('any passes when one rule does', () => {
    const pred = compileRules(rules, 'any');
    assert.deepEqual(inputs.map(pred), [true, true, false]);
    assert.deepEqual(inputs.map(compileRules(rules.slice(0, 2), 'any')), [true, true, false]);
  });

  it('no rules: all passes everything, any nothing', () => {
    assert.equal(compileRules([], 'all')(inputs[0]), true);
    assert.equal(compileRules([], 'any')(inputs[0]), false);
  });

  it('combine defaults to all', () => {
    assert.deepEqual(inputs.map(compileRules(rules)), [true, false, false]);
  });

  it('custom factories supply jsonata and may add ops', () => {
    const seen: number[] = [];
    const pred = compileRules<{ payload: number }>(
      [
        { op: 'gt', value: 0 },
        { op: 'jsonata', value: 'payload % 2 = 0' },
      ],
      'all',
      {
        custom: {
          jsonata: (rule, index) => {
            seen.push(index);
            assert.equal(rule.value, 'payload % 2 = 0');
            return (input) => input.payload % 2 === 0;
          },
        },
      },
    );
    assert.deepEqual(seen, [1]);
    assert.deepEqual(
      [2, 3, -2].map((p) => pred({ payload: p })),
      [true, false, false],
    );
    assert.equal(compileRules([{ op: 'even' }], 'all', { custom: { even: () => () => true } })(1), true);
  });
});

describe('conditions: config errors name the rule field', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    [
      'bad regex',
      () =>
        compileRules(
          [
            { op: 'eq', value: 1 },
            { op: 'regex', value: '(' },
          ],
          'all',
        ),
      /^rules\[1\]\.value: invalid regular expression \/\(\/: Unterminated group$/,
    ],
    ['bad regex literal', () => compileRules([{ op: 'regex', value: '/[a/i' }], 'all'), /^rules\[0\]\.value: invalid regular expression \/\[a\/i: /],
    [
      'bad regex flags',
      () => compileRules([{ op: 'regex', value: 'a', value2: 'x' }], 'all'),
      /^rules\[0\]\.value2: invalid regular expression flags "x"; allowed: i m s u d v$/,
    ],
    ['regex without pattern', () => compileRules([{ op: 'regex' }], 'all'), /^rules\[0\]\.value: regex needs a pattern/],
    [
      'unknown op',
      () =>
        compileRules(
          [
            { op: 'eq', value: 1 },
            { op: 'like', value: 1 },
          ],
          'all',
        ),
      /^rules\[1\]\.op: unknown rule "like"; allowed: eq, neq, gt, gte, lt, lte, between, contains, regex, exists, jsonata$/,
    ],
    ['unknown op lists custom ops', () => compileRules([{ op: 'like' }], 'all', { custom: { even: () => () => true } }), /allowed: eq, .*, jsonata, even$/],
    ['op missing', () => compileRules([{} as FilterRule], 'all'), /^rules\[0\]\.op: unknown rule undefined/],
    ['prototype name as op', () => compileRules([{ op: 'constructor' }], 'all', { custom: {} }), /^rules\[0\]\.op: unknown rule "constructor"/],
    [
      'jsonata without a runtime',
      () => compileRules([{ op: 'jsonata', value: 'payload > 1' }], 'all'),
      /^rules\[0\]\.op: jsonata rules are evaluated by the filter node/,
    ],
    [
      'gt without value',
      () => compileRules([{ op: 'gt' }], 'all'),
      /^rules\[0\]\.value: gt needs a number \(or text to compare alphabetically\), got undefined$/,
    ],
    ['gt with an object', () => compileRules([{ op: 'gt', value: {} }], 'all'), /^rules\[0\]\.value: gt needs a number/],
    ['between without value2', () => compileRules([{ op: 'between', value: 1 }], 'all'), /^rules\[0\]\.value2: between needs a number/],
    [
      'between number and text',
      () => compileRules([{ op: 'between', value: 1, value2: 'z' }], 'all'),
      /^rules\[0\]\.value2: between needs two numbers or two texts/,
    ],
    ['eq without value', () => compileRules([{ op: 'eq' }], 'all'), /^rules\[0\]\.value: needs a value to compare with$/],
    ['eq with NaN', () => compileRules([{ op: 'eq', value: NaN }], 'all'), /^rules\[0\]\.value: number NaN cannot be compared/],
    ['contains without value', () => compileRules([{ op: 'contains', value: '' }], 'all'), /^rules\[0\]\.value: contains needs a value to look for$/],
    ['bad property path', () => compileRules([{ op: 'exists', property: 'payload[x]' }], 'all'), /^rules\[0\]\.property: invalid property path "payload\[x\]"/],
    ['property not text', () => compileRules([{ op: 'exists', property: 7 as never }], 'all'), /^rules\[0\]\.property: must be a property path/],
    ['rule not an object', () => compileRules([null as never], 'all'), /^rules\[0\]: must be an object/],
    ['rules not a list', () => compileRules({} as never, 'all'), /^rules: must be a list of rules, got object$/],
    ['bad combine', () => compileRules([], 'both' as never), /^combine: "both" is not allowed; use all or any$/],
  ];
  for (const [name, fn, pattern] of cases) {
    it(name, () => assert.match(configError(fn), pattern));
  }
});

describe('conditions: properties', () => {
  const input = fc.oneof(
    fc.double({ noNaN: false }),
    fc.integer({ min: -50, max: 50 }),
    fc.string({ maxLength: 4 }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  );
  const bound = fc.integer({ min: -50, max: 50 });

  it('between a and b is gte min(a, b) and lte max(a, b)', () => {
    fc.assert(
      fc.property(input, bound, bound, (x, a, b) => {
        const between = compileRules([{ op: 'between', value: a, value2: b }], 'all');
        const both = compileRules(
          [
            { op: 'gte', value: Math.min(a, b) },
            { op: 'lte', value: Math.max(a, b) },
          ],
          'all',
        );
        assert.equal(between(msg(x)), both(msg(x)));
      }),
    );
  });

  it('neq is exactly not eq, and gt is exactly lte negated for numbers', () => {
    fc.assert(
      fc.property(input, bound, (x, v) => {
        const m = msg(x);
        assert.equal(compileRules([{ op: 'neq', value: v }])(m), !compileRules([{ op: 'eq', value: v }])(m));
        if (typeof x === 'number' && !Number.isNaN(x)) {
          assert.equal(compileRules([{ op: 'gt', value: String(v) }])(m), !compileRules([{ op: 'lte', value: v }])(m));
        }
      }),
    );
  });

  it('all is every rule, any is some rule', () => {
    const rule = fc.oneof(
      bound.map((v) => ({ op: 'gt', value: v })),
      bound.map((v) => ({ op: 'eq', value: v })),
      fc.constant({ op: 'exists' }),
      fc.constant({ op: 'regex', value: '^-' }),
    );
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 5 }), input, (rules, x) => {
        const each = rules.map((r) => compileRules([r])(msg(x)));
        assert.equal(compileRules(rules, 'all')(msg(x)), each.every(Boolean));
        assert.equal(compileRules(rules, 'any')(msg(x)), each.some(Boolean));
      }),
    );
  });
});
