// The test runner ends on its own when the suites closed what they opened, and otherwise fails
// naming each leftover (what it is, where it was set, which test started it).
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

const runner = path.join(__dirname, '..', '..', 'scripts', 'run-tests.js');

/** Runs the runner on one suite written to a temp dir; resolves with its exit code and output. */
function runSuite(source: string): Promise<{ code: number | null; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-'));
  const file = path.join(dir, 'suite.test.js');
  fs.writeFileSync(file, source);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, output });
    });
  });
}

describe('test runner: leftover handles', function () {
  this.timeout(30000);

  it('a suite that closes what it opens passes and the process ends by itself', async () => {
    const { code, output } = await runSuite(`
      const net = require('net');
      it('opens and closes', async () => {
        const server = net.createServer().listen(0, '127.0.0.1');
        await new Promise((r) => server.close(r));
        clearInterval(setInterval(() => {}, 1000));
      });`);
    assert.equal(code, 0, output);
    assert.match(output, /tests: 1 passed, 0 failed, 0 skipped/);
    assert.doesNotMatch(output, /leftover/);
  });

  it('a timer and a server left open fail the run, each named with where it came from', async () => {
    const { code, output } = await runSuite(`
      const net = require('net');
      it('leaves a poller', async () => {
        await new Promise((r) => setTimeout(r, 5));
        setTimeout(() => Promise.resolve().then(() => setInterval(function pollAgain() {}, 1000)), 1);
      });
      it('leaves a server', () => {
        net.createServer().listen(0, '127.0.0.1');
      });`);
    assert.equal(code, 1, output);
    assert.match(output, /tests: 2 passed, 0 failed, 0 skipped/);
    assert.match(output, /leftover handles: 2 still open/);
    assert.match(output, /server listening on 127\.0\.0\.1:\d+/);
    assert.match(output, /timer \(every 1000 ms, calls pollAgain\) set at .*suite\.test\.js:5:\d+\)?, started by the test "leaves a poller"/);
  });
});
