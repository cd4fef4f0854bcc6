import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

// Help that is true: a node's help names (in bold, as its dialog labels them) only settings its
// dialog shows, and lists only the output ports the node can have.
const root = path.join(__dirname, '..', '..');
const BUILT = path.join(root, 'dist', 'nodes', 'locales', 'en-US');

const { editorDefaults } = require(path.join(root, 'scripts', 'demo', 'build-examples.js')) as { editorDefaults(type: string): Record<string, unknown> };

// Fields a dialog keeps in its defaults (the shared library declares them) but never shows for this type.
const NEVER_SHOWN: Record<string, string[]> = {
  // Count windows have no watermark: the Time section stays hidden.
  'stream-global-window': ['maxOutOfOrder', 'watermarkScope', 'allowedLateness', 'lateData'],
};
// The most output ports each node can have.
const MAX_PORTS: Record<string, number> = {
  'stream-tumbling-window': 2,
  'stream-sliding-window': 2,
  'stream-session-window': 2,
  'stream-global-window': 1,
  'stream-aggregate': 2,
  'stream-filter': 3,
  'stream-detect': 2,
};

describe('help content', () => {
  before(function () {
    assert.ok(fs.existsSync(BUILT), 'dist/ is built (npm test builds it first; or npm run build)');
  });

  for (const type of Object.keys(MAX_PORTS)) {
    it(`${type}: names only settings its dialog shows and only ports it can have`, () => {
      const html = fs.readFileSync(path.join(BUILT, `${type}.html`), 'utf8');
      const labels = (JSON.parse(fs.readFileSync(path.join(BUILT, `${type}.json`), 'utf8'))[type].label ?? {}) as Record<string, string>;
      const has = new Set(Object.keys(editorDefaults(type)).filter((f) => !(NEVER_SHOWN[type] ?? []).includes(f)));
      const named = new Set([...html.matchAll(/<b>([^<]+)<\/b>/g)].map((m) => m[1]));
      // A label can be shared by a setting and a section heading ("Window", "Time"): a heading of the dialog counts too.
      const shown = new Set(
        Object.entries(labels)
          .filter(([f]) => has.has(f))
          .map(([, l]) => l),
      );
      const foreign = Object.entries(labels)
        .filter(([f, l]) => named.has(l) && !shown.has(l) && f in editorDefaults('stream-aggregate'))
        .map(([f, l]) => `${l} (${f})`);
      assert.deepEqual(foreign, [], 'settings named in the help that the dialog does not have');
      const ports = /<ol class="node-ports">([\s\S]*?)<\/ol>/.exec(html);
      const count = ports ? (ports[1].match(/^\s*<li>/gm) ?? []).length : 0;
      assert.ok(count >= 1 && count <= MAX_PORTS[type], `${count} output ports listed, at most ${MAX_PORTS[type]}`);
    });
  }

  // Own text: the characters of nodes/locales/en-US/<type>.html as written, markup and include lines counted,
  // the shared fragments those lines name not counted (each is written, and read, once for all nodes).
  it("keeps each node's own help within 2,500 characters", () => {
    const SOURCE = path.join(root, 'nodes', 'locales', 'en-US');
    const types = Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))['node-red'].nodes) as string[];
    const long = types
      .map((type) => ({ type, length: fs.readFileSync(path.join(SOURCE, `${type}.html`), 'utf8').length }))
      .filter(({ length }) => length > 2500)
      .map(({ type, length }) => `${type}: ${length}`);
    assert.deepEqual(long, [], 'help longer than 2,500 characters of its own');
  });

  it('points only to README sections that exist', () => {
    const headings = new Set([...fs.readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1].trim()));
    const pointers = fs
      .readdirSync(BUILT)
      .filter((f) => f.endsWith('.html'))
      .flatMap((f) => [...fs.readFileSync(path.join(BUILT, f), 'utf8').matchAll(/README, <i>([^<]+)<\/i>/g)].map((m) => ({ f, section: m[1] })));
    assert.ok(pointers.length >= 3, 'detect, kafka in and sequence point to their reference');
    assert.deepEqual(
      pointers.filter(({ section }) => !headings.has(section)).map(({ f, section }) => `${f}: ${section}`),
      [],
    );
  });

  it('says windows are per key only where there is a window', () => {
    for (const type of ['stream-aggregate', 'stream-filter']) {
      const html = fs.readFileSync(path.join(BUILT, `${type}.html`), 'utf8');
      assert.doesNotMatch(html, /\): each key has its own windows/, type);
    }
  });
});
