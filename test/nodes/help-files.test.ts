import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// Help shown in the editor's sidebar: built from nodes/locales/<lang>/<type>.html, where shared
// sections are include lines that the build replaces with nodes/locales/<lang>/fragments/<name>.html
// (a fragment may include others).
const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const TYPES = Object.keys(pkg['node-red'].nodes) as string[];
const SOURCE = path.join(root, 'nodes', 'locales', 'en-US');
const BUILT = path.join(root, 'dist', 'nodes', 'locales', 'en-US');
const FRAGMENTS = path.join(SOURCE, 'fragments');

const { expandIncludes } = require(path.join(root, 'scripts', 'copy-editor-files.js')) as {
  expandIncludes: (text: string, dir: string, file: string) => string;
};
const MARKER = /<!--\s*include:/;
const includesOf = (text: string) => [...text.matchAll(/^[ \t]*<!-- include: ([\w-]+) -->[ \t]*$/gm)].map((m) => m[1]);

// Node-RED's help style names Inputs only for a node with an input port and Outputs only for one
// with output ports; config nodes have neither. Every other type has both.
const PORTS: Record<string, { inputs: boolean; outputs: boolean }> = {
  'stream-mqtt-broker': { inputs: false, outputs: false },
  'stream-kafka-broker': { inputs: false, outputs: false },
  'stream-mqtt-in': { inputs: false, outputs: true },
  'stream-mqtt-out': { inputs: true, outputs: false },
  'stream-kafka-out': { inputs: true, outputs: false },
};

describe('help files', () => {
  before(function () {
    assert.ok(fs.existsSync(BUILT), 'dist/ is built (npm test builds it first; or npm run build)');
  });

  for (const type of TYPES) {
    it(`${type}: built help has a summary and the help-style sections`, () => {
      const file = path.join(BUILT, `${type}.html`);
      assert.ok(fs.existsSync(file), `${file} exists`);
      const html = fs.readFileSync(file, 'utf8');
      assert.match(html, new RegExp(`^<script type="text/html" data-help-name="${type}">\\s*<p>\\S`), 'opens with the help script and a summary paragraph');
      assert.match(html, /<\/script>\s*$/);
      const ports = PORTS[type] ?? { inputs: true, outputs: true };
      const sections = [...html.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
      const expected = [...(ports.inputs ? ['Inputs'] : []), ...(ports.outputs ? ['Outputs'] : []), 'Details'];
      assert.deepEqual(
        sections.filter((s) => s !== 'Example' && s !== 'References'),
        expected,
        'sections in help-style order',
      );
      const summary = /<p>([\s\S]*?)<\/p>/
        .exec(html)![1]
        .replace(/<[^>]+>/g, '')
        .trim();
      assert.ok(summary.length >= 20, `summary says what the node does: "${summary}"`);
    });
  }

  it('leaves no include line in the built help, and no fragment where Node-RED looks for help', () => {
    const left = fs.readdirSync(BUILT).filter((f) => f.endsWith('.html') && MARKER.test(fs.readFileSync(path.join(BUILT, f), 'utf8')));
    assert.deepEqual(left, []);
    assert.equal(fs.existsSync(path.join(BUILT, 'fragments')), false, 'fragments are not copied into dist');
  });

  it('builds each help file as its source with the fragments in place (dist is current)', () => {
    for (const f of fs.readdirSync(SOURCE).filter((n) => n.endsWith('.html'))) {
      const source = path.join(SOURCE, f);
      assert.equal(fs.readFileSync(path.join(BUILT, f), 'utf8'), expandIncludes(fs.readFileSync(source, 'utf8'), FRAGMENTS, source), f);
    }
  });

  it('uses every fragment, and names only fragments that exist', () => {
    const fragments = fs
      .readdirSync(FRAGMENTS)
      .filter((n) => n.endsWith('.html'))
      .map((n) => n.replace(/\.html$/, ''));
    // Used: named by a help file, or by a fragment that is itself used.
    const used = new Set<string>();
    const visit = (names: string[]) => {
      for (const n of names) {
        if (used.has(n)) continue;
        used.add(n);
        if (fragments.includes(n)) visit(includesOf(fs.readFileSync(path.join(FRAGMENTS, `${n}.html`), 'utf8')));
      }
    };
    visit(
      fs
        .readdirSync(SOURCE)
        .filter((n) => n.endsWith('.html'))
        .flatMap((f) => includesOf(fs.readFileSync(path.join(SOURCE, f), 'utf8'))),
    );
    assert.deepEqual(
      fragments.filter((n) => !used.has(n)),
      [],
      'unused fragments',
    );
    assert.deepEqual(
      [...used].filter((n) => !fragments.includes(n)),
      [],
      'includes without a fragment',
    );
  });

  it('expands an include line with its fragment and stops the build on a missing one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'help-fragments-'));
    try {
      fs.writeFileSync(path.join(dir, 'part.html'), '<p>shared</p>\n');
      assert.equal(
        expandIncludes('<h3>Details</h3>\n<!-- include: part -->\n<h3>Example</h3>', dir, 'x.html'),
        '<h3>Details</h3>\n<p>shared</p>\n<h3>Example</h3>',
      );
      assert.throws(() => expandIncludes('<!-- include: nowhere -->', dir, 'x.html'), /x\.html: no help fragment "nowhere"/);
      fs.writeFileSync(path.join(dir, 'outer.html'), '<h4>A</h4>\n<!-- include: part -->\n');
      assert.equal(expandIncludes('<!-- include: outer -->', dir, 'x.html'), '<h4>A</h4>\n<p>shared</p>');
      fs.writeFileSync(path.join(dir, 'loop.html'), '<!-- include: loop -->\n');
      assert.throws(() => expandIncludes('<!-- include: loop -->', dir, 'x.html'), /includes itself \(loop > loop\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
