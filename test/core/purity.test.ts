import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

// The core must stay pure: time is injected, so tests run in virtual time and never sleep.
// src/core/tsconfig.json compiles the core without Node.js or DOM types (npm run typecheck), so a
// timer, fs or a socket fails to compile; this test adds what a compiler cannot see: the wall
// clock (Date.now is plain ECMAScript) and imports of the package's own adapters.
const FORBIDDEN_IMPORTS =
  /from\s+['"](node-red|mqtt|kafkajs|timers|timers\/promises|fs|net|http|child_process|events|(?:node:)[\w/]+|(?:\.\.\/)+(?:nodes|connectors|node-red)[^'"]*)['"]|require\(\s*['"](node-red|mqtt|kafkajs|timers)/;
const FORBIDDEN_CALLS = /\b(Date\.now\(|new Date\(\)|setTimeout\(|setInterval\(|setImmediate\(|performance\.now\(|process\.hrtime)/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('core purity', () => {
  const coreDir = path.join(__dirname, '..', '..', 'src', 'core');
  const files = sourceFiles(coreDir);

  it('has core source files to check', () => {
    assert.ok(files.length > 0);
  });

  for (const file of files) {
    const rel = path.relative(coreDir, file);
    it(`${rel} imports no runtime, broker client, timer or wall clock`, () => {
      const code = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      assert.doesNotMatch(code, FORBIDDEN_IMPORTS);
      assert.doesNotMatch(code, FORBIDDEN_CALLS);
    });
  }
});
