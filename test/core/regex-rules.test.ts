/**
 * regex rules on untrusted payloads: time linear in the input (no catastrophic backtracking),
 * the same answers as JavaScript's RegExp wherever both engines accept the pattern, and a clear
 * deploy-time error for what a linear-time engine cannot run.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { compileRules } from '../../src/core/conditions';
import { unsupportedRegexSyntax } from '../../src/core/conditions/regex';

const rule = (value: string, value2?: string) => compileRules<{ payload: unknown }>([{ op: 'regex', value, value2 }], 'all');

describe('regex rules', () => {
  it('answer a pathological pattern on a large hostile payload (backtracking engines take exponential time on it)', () => {
    // (a+)+$ against "aaa…a!" backtracks 2^n ways in JavaScript's engine: 30 characters took seconds.
    const pred = rule('(a+)+$');
    assert.equal(pred({ payload: 'a'.repeat(100_000) + '!' }), false);
    assert.equal(pred({ payload: 'a'.repeat(100_000) }), true);
    const nested = rule('^(\\w+\\s?)*$');
    assert.equal(nested({ payload: 'word '.repeat(20_000) + '!' }), false);
  });

  it('give the same answers as JavaScript for patterns both engines accept, with flags i, m and s', () => {
    const patterns: Array<[string, string]> = [
      ['^temp', ''],
      ['^temp', 'i'],
      ['-\\d+$', ''],
      ['^b$', 'm'],
      ['^b$', ''],
      ['a.b', 's'],
      ['a.b', ''],
      ['(ab|a)c', ''],
      ['[^\\s,]+,\\d{2,3}', ''],
      ['\\bab\\b', 'i'],
      ['x*', ''],
      ['(?<k>a)b', ''],
      ['[a-c]{2}$', 'im'],
    ];
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'B', 'x', ' ', '\n', ',', '-', '1', '2', 't', 'e', 'm', 'p', 'T'), maxLength: 24 });
    const compiled = patterns.map(([pattern, flags]) => ({ pattern, flags, pred: rule(pattern, flags), native: new RegExp(pattern, flags) }));
    fc.assert(
      fc.property(fc.constantFrom(...compiled), text, ({ pattern, flags, pred, native }, s) => {
        assert.equal(pred({ payload: s }), native.test(s), `/${pattern}/${flags} on ${JSON.stringify(s)}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuse backreferences and lookaround at deploy, naming the construct and what is allowed', () => {
    const cases: Array<[string, RegExp]> = [
      ['(a)\\1', /rules\[0\]\.value: the backreference \\1 cannot be used: regex rules run on a linear-time engine/],
      ['(?<n>a)\\k<n>', /the named backreference \\k<n> cannot be used/],
      ['temp(?=-\\d)', /the lookahead \(\?=…\) cannot be used/],
      ['temp(?!-\\d)', /the lookahead \(\?!…\) cannot be used/],
      ['(?<=x)temp', /the lookbehind \(\?<=…\) cannot be used/],
      ['/(?<!x)temp/i', /the lookbehind \(\?<!…\) cannot be used.*without lookahead or lookbehind/],
    ];
    for (const [pattern, message] of cases) assert.throws(() => rule(pattern), message, pattern);
    // Escaped or inside a class these are plain characters.
    assert.equal(unsupportedRegexSyntax('\\(?=x'), undefined);
    assert.equal(unsupportedRegexSyntax('[(?=]\\\\1'), undefined);
    assert.equal(rule('[(?=]')({ payload: '=' }), true);
  });
});
