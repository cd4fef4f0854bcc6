/**
 * Message catalogs as written in nodes/locales/<lang>/<type>.json: a node's own entries over the
 * shared ones it names in "$include" (fragments/<name>.json). The build writes each catalog merged
 * (scripts/copy-editor-files.js), and the runtime's English fallback reads them the same way.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Catalog entries: texts, nested by key segment. */
export interface Entries {
  [key: string]: string | string[] | Entries;
}

/** A deep merge of catalog entries: `over` wins where both have a text. */
export function mergeEntries(base: Entries, over: Entries): Entries {
  const out: Entries = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isEntries(v) && isEntries(b) ? mergeEntries(b, v) : v;
  }
  return out;
}

function isEntries(v: unknown): v is Entries {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A catalog with the fragments each type names merged under its own entries; throws naming `file` when one is missing. */
export function expandCatalog(catalog: Record<string, Entries>, fragmentDir: string, file: string): Record<string, Entries> {
  const out: Record<string, Entries> = {};
  for (const [type, entries] of Object.entries(catalog)) {
    const { $include, ...own } = entries;
    let merged: Entries = {};
    for (const name of (Array.isArray($include) ? $include : []) as string[]) {
      const fragment = path.join(fragmentDir, `${name}.json`);
      if (!fs.existsSync(fragment)) throw new Error(`${file}: no catalog fragment "${name}" (looked for ${fragment})`);
      merged = mergeEntries(merged, JSON.parse(fs.readFileSync(fragment, 'utf8')) as Entries);
    }
    out[type] = mergeEntries(merged, own);
  }
  return out;
}
