#!/usr/bin/env node
// Runs every mocha suite (or the files/folders given as arguments) and ends with one summary
// line, "tests: N passed, N failed, N skipped", that CI and people can read at a glance.
'use strict';
const path = require('path');
const fs = require('fs');
const Mocha = require('mocha');
const handles = require('../test/support/leftover-handles');

// Watch timers from the start, so a leftover one can say where it was set.
handles.watch();

process.env.TS_NODE_TRANSPILE_ONLY = 'true';
process.env.TS_NODE_PROJECT = path.join(__dirname, '..', 'tsconfig.json');
require('ts-node/register/transpile-only');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const grepIndex = args.indexOf('--grep');
const grep = grepIndex >= 0 ? args.splice(grepIndex, 2)[1] : undefined;
const targets = args.length ? args : ['test'];

function collect(target, out) {
  const full = path.resolve(root, target);
  const stat = fs.statSync(full);
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(full).sort()) collect(path.join(full, name), out);
  } else if (/\.test\.(ts|js)$/.test(full)) {
    out.push(full);
  }
  return out;
}

const mocha = new Mocha({
  timeout: 30000,
  reporter: path.join(__dirname, '..', 'test', 'support', 'summary-reporter.js'),
  grep,
});
// Root hooks (shared broker start/stop) load before any suite.
const rootHooks = path.join(root, 'test', 'support', 'root-hooks.ts');
const hooks = fs.existsSync(rootHooks) ? require(rootHooks).mochaHooks : undefined;
mocha.rootHooks({
  ...hooks,
  // A timer left behind names the test that started it, through any chain of callbacks.
  beforeEach() {
    handles.enterTest(this.currentTest.fullTitle());
  },
});
for (const file of targets.flatMap((t) => collect(t, []))) mocha.addFile(file);

mocha.run((failures) => {
  process.exitCode = failures ? 1 : 0;
  // No forced exit: the process ends when the suites have closed what they opened; anything left
  // (a broker, a runtime, a timer) fails the run and is named.
  handles.checkAtExit();
});
