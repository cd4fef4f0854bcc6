// What `npm pack` ships is what users install: every node's code, editor file, help, locale and
// icon, the shared editor library and the examples, and the core's typed public API.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('npm package contents', function () {
  this.timeout(60000);
  let files: Set<string>;

  before(function () {
    // npm test builds first; packing again here would only repeat that build (prepack).
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    files = new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path));
  });

  it('builds before packing, so a pack from a fresh clone is never empty', () => {
    assert.match(pkg.scripts.prepack ?? '', /npm run build/);
  });

  for (const [type, file] of Object.entries(pkg['node-red'].nodes as Record<string, string>)) {
    it(`ships ${type}: code, editor, locale, help and icon beside it`, () => {
      const dir = path.posix.dirname(file);
      const expected = [file, `${dir}/${type}.html`, `${dir}/locales/en-US/${type}.json`, `${dir}/locales/en-US/${type}.html`];
      for (const f of expected) assert.ok(files.has(f), `${f} is not in the package`);
      const icon = fs.readFileSync(path.join(root, 'nodes', `${type}.html`), 'utf8').match(/icon:\s*['"]([\w.-]+\.svg)['"]/);
      if (icon) assert.ok(files.has(`${dir}/icons/${icon[1]}`), `icon ${icon[1]} of ${type} is not in the package`);
    });
  }

  it('ships every icon beside the node files, where Node-RED looks for it', () => {
    for (const f of fs.readdirSync(path.join(root, 'icons'))) assert.ok(files.has(`dist/nodes/icons/${f}`), f);
  });

  it('ships every example flow and the shared editor library', () => {
    for (const f of fs.readdirSync(path.join(root, 'examples'))) assert.ok(files.has(`examples/${f}`), f);
    for (const f of fs.readdirSync(path.join(root, 'resources'))) assert.ok(files.has(`resources/${f}`), f);
  });

  it('ships the core API with its types where main, types and exports point', () => {
    for (const f of [pkg.main, pkg.types, pkg.exports['.'].default.replace('./', ''), pkg.exports['.'].types.replace('./', '')]) assert.ok(files.has(f), f);
  });

  it('ships no tests, sources of the build, benchmarks or local state', () => {
    for (const f of files) assert.doesNotMatch(f, /^(test|src|bench|scripts|\.node-red-user|screenshots|node_modules)\//, f);
  });
});
