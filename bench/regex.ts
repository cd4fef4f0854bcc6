/**
 * A filter regex rule on a hostile payload: the pathological pattern (a+)+$ against "aaa…a!"
 * with JavaScript's backtracking RegExp (what regex rules ran on before) and with the rule as
 * compiled now (RE2, linear time). Prints milliseconds per test; the backtracking figure doubles
 * with every character.
 * Run: npm run bench:regex
 */
import { compileRules } from '../src/core/conditions';

const PATTERN = '(a+)+$';

function time(f: () => boolean): { ms: number; result: boolean } {
  const t0 = performance.now();
  const result = f();
  return { ms: performance.now() - t0, result };
}

const rule = compileRules<{ payload: string }>([{ op: 'regex', value: PATTERN }], 'all');
const native = new RegExp(PATTERN);
console.log(`regex rule /${PATTERN}/ on "a"×n + "!" (ms per test; same result from both engines)`);
for (const n of [20, 22, 24, 26, 28]) {
  const text = 'a'.repeat(n) + '!';
  const before = time(() => native.test(text));
  const after = time(() => rule({ payload: text }));
  console.log(
    `n=${String(n).padStart(7)}  backtracking RegExp ${before.ms.toFixed(1).padStart(8)} ms   linear-time rule ${after.ms.toFixed(3).padStart(8)} ms   ${before.result === after.result ? 'same result' : 'DIFFERENT result'}`,
  );
}
for (const n of [1_000, 100_000, 1_000_000]) {
  const text = 'a'.repeat(n) + '!';
  const after = time(() => rule({ payload: text }));
  console.log(
    `n=${String(n).padStart(7)}  backtracking RegExp      (not run)   linear-time rule ${after.ms.toFixed(3).padStart(8)} ms   result ${after.result}`,
  );
}
