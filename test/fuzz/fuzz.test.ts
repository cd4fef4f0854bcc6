import { strict as assert } from 'assert';
import { runFuzz } from './fuzz-runner';

// The fuzz harness with a fixed seed and a budget that fits the suite; `npm run fuzz` runs longer.
// Every node runs in a child process with a watchdog, so a frozen node fails this test instead of
// hanging the run.
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const BUDGET_MS = 50000;

describe('fuzz: hostile messages against every node type', function () {
  this.timeout(BUDGET_MS + 60000);

  it(`never freeze, crash, leak errors or pollution, nor change the clean stream's results (seed ${SEED})`, async () => {
    const summary = await runFuzz({ seed: SEED, runs: RUNS, budgetMs: BUDGET_MS, shrinkMs: 15000, stallMs: 3000, workers: 2, freezesPerConfig: 2 });
    console.log(
      summary.text
        .split('\n')
        .map((l) => `      ${l}`)
        .join('\n'),
    );
    assert.ok(summary.ran > 0, 'no case ran');
    assert.equal(summary.groups.length, 0, `${summary.groups.length} distinct failures (summary above)`);
  });
});
