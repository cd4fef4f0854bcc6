'use strict';
// The spec reporter, plus one closing line "tests: N passed, N failed, N skipped" and the reason
// for every skipped (pending) test, so nothing is skipped silently.
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    runner.on(EVENT_TEST_PENDING, (test) => skipped.push(test.fullTitle()));
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      if (skipped.length) {
        console.log('Skipped tests (each says why in its title or in the log above):');
        for (const t of skipped) console.log('  - ' + t);
      }
      console.log(`tests: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`);
    });
  }
}
module.exports = SummaryReporter;
