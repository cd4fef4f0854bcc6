// Message catalogs: each node's nodes/locales/<lang>/<type>.json holds its own entries and names
// the shared ones it takes ("$include": fragments/<name>.json); the build merges them so every built
// catalog is complete on its own.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

import { expandCatalog } from '../../src/nodes/shared/catalog';

const root = path.join(__dirname, '..', '..');
const SOURCE = path.join(root, 'nodes', 'locales', 'en-US');
const FRAGMENTS = path.join(SOURCE, 'fragments');
const BUILT = path.join(root, 'dist', 'nodes', 'locales', 'en-US');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

type Entries = { [k: string]: string | Entries };
const leaves = (o: Entries, prefix = ''): [string, string][] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : Array.isArray(v) ? [] : leaves(v, `${prefix}${k}.`)));
const read = (file: string): Entries => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('message catalogs', () => {
  for (const type of Object.keys(pkg['node-red'].nodes)) {
    it(`${type}: the built catalog is its own entries over the fragments it names`, () => {
      const source = read(path.join(SOURCE, `${type}.json`));
      assert.deepEqual(Object.keys(source), [type], 'one top-level key, the node type');
      assert.deepEqual(
        read(path.join(BUILT, `${type}.json`)),
        expandCatalog(source as Record<string, never>, FRAGMENTS, type),
        'dist is current (npm run build)',
      );
      // An own entry that says what an included fragment says is a copy: it belongs to the fragment only.
      const own = source[type] as Entries;
      const names = (own.$include ?? []) as unknown as string[];
      const shared = new Map(names.flatMap((n) => leaves(read(path.join(FRAGMENTS, `${n}.json`)))));
      const copies = leaves(own)
        .filter(([k, v]) => shared.get(k) === v)
        .map(([k]) => k);
      assert.deepEqual(copies, []);
    });
  }

  it('every fragment is used by at least two nodes', () => {
    const uses = new Map<string, number>();
    for (const type of Object.keys(pkg['node-red'].nodes)) {
      for (const n of ((read(path.join(SOURCE, `${type}.json`))[type] as Entries).$include ?? []) as unknown as string[]) uses.set(n, (uses.get(n) ?? 0) + 1);
    }
    for (const f of fs.readdirSync(FRAGMENTS).filter((n) => n.endsWith('.json')))
      assert.ok((uses.get(f.replace(/\.json$/, '')) ?? 0) >= 2, `${f} is used by ${uses.get(f.replace(/\.json$/, '')) ?? 0} node(s)`);
  });

  it('a missing fragment stops the build, naming the catalog', () => {
    assert.throws(() => expandCatalog({ 'stream-x': { $include: ['no-such'] } }, FRAGMENTS, 'stream-x.json'), /stream-x\.json: no catalog fragment "no-such"/);
  });
});
