// Golden snapshot fixtures: state saved by every release of the saved form (test/fixtures/snapshots/v*)
// must restore into this release and go on exactly as the run that was never interrupted; and this
// release must still write its own fixtures byte for byte, so the saved form cannot change without a
// new version (and a migration from the old one).
import { strict as assert } from 'assert';
import fs from 'fs';
import path from 'path';
import { scenarios } from '../fixtures/snapshots/scenarios';
import { CURRENT, savers } from '../fixtures/snapshots/savers';

const root = path.join(__dirname, '..', 'fixtures', 'snapshots');
const versions = fs
  .readdirSync(root)
  .filter((d) => /^v\d+$/.test(d))
  .map((d) => Number(d.slice(1)))
  .sort((a, b) => a - b);
const all = scenarios();

/** Emissions per key in order: a restore keeps each key's order, not the interleaving of keys firing at one instant. */
function perKey(out: Array<[string, unknown]>): Record<string, unknown[]> {
  const by: Record<string, unknown[]> = {};
  for (const [key, e] of out) (by[key] ??= []).push(rounded(e));
  return by;
}

/**
 * Numbers to 12 significant digits: a sliding variance restored from its events sums them in
 * another order than the running one did (subtract-on-exit), which moves the last digits.
 */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(12)) : value;
  if (Array.isArray(value)) return value.map(rounded);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

describe('golden snapshot fixtures', () => {
  it('every version up to the current one has a fixture of every scenario', () => {
    assert.deepEqual(
      versions,
      Array.from({ length: CURRENT }, (_, i) => i + 1),
    );
    for (const v of versions) {
      const names = fs
        .readdirSync(path.join(root, `v${v}`))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''))
        .sort();
      // Scenarios added later have no fixture of older versions; none may vanish.
      for (const n of names)
        assert.ok(
          all.some((s) => s.name === n),
          `v${v}/${n}.json has no scenario`,
        );
      if (v === CURRENT) assert.deepEqual(names, all.map((s) => s.name).sort());
    }
    assert.ok(all.length >= 30, `${all.length} scenarios`);
  });

  for (const s of all) {
    describe(s.name, () => {
      // The uninterrupted run, and what it emitted by the time the state was saved.
      const whole = s.make(savers[CURRENT]);
      let before = 0;
      s.steps.forEach((step, i) => {
        if (i === s.cut) before = whole.out.length;
        whole.apply(step);
      });
      whole.finish();
      const after = whole.out.slice(before);

      for (const v of versions) {
        const file = path.join(root, `v${v}`, `${s.name}.json`);
        if (!fs.existsSync(file)) continue;
        it(`restores the v${v} fixture and goes on as the uninterrupted run`, () => {
          const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
          const resumed = s.make(savers[CURRENT]);
          resumed.load(saved);
          for (const step of s.steps.slice(s.cut)) resumed.apply(step);
          resumed.finish();
          assert.ok(after.length > 0, 'the run emits after the cut');
          if (s.exactFrom !== undefined && v < s.exactFrom && s.incidents) {
            const expected = s.incidents(after);
            assert.ok(expected.length > 0, 'the run raises an incident after the cut');
            assert.deepEqual(s.incidents(resumed.out), expected);
          } else {
            assert.deepEqual(perKey(resumed.out), perKey(after));
          }
        });
      }

      it('this release writes its own fixture unchanged (a new saved form needs a new version)', () => {
        const first = s.make(savers[CURRENT]);
        for (const step of s.steps.slice(0, s.cut)) first.apply(step);
        const file = path.join(root, `v${CURRENT}`, `${s.name}.json`);
        assert.deepEqual(JSON.parse(JSON.stringify(first.save())), JSON.parse(fs.readFileSync(file, 'utf8')));
      });
    });
  }
});
