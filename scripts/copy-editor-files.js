#!/usr/bin/env node
// Node-RED looks for <type>.html, locales/ and icons/ next to each node's .js file, so the build
// copies the editor side (nodes/, icons/) beside the compiled adapters in dist/nodes/.
//
// Help text that several nodes share is written once, in nodes/locales/<lang>/fragments/<name>.html;
// a help file names it on a line of its own as <!-- include: name -->, and the copy carries the
// fragment in its place. A fragment may include others (settings-details lists the sections the
// windowed nodes share). Message catalogs share entries the same way: <type>.json lists the
// fragments/<name>.json it takes in "$include". The fragments themselves stay out of dist/, so
// Node-RED never sees them.
'use strict';
const fs = require('fs');
const path = require('path');
const root = path.join(__dirname, '..');
const target = path.join(root, 'dist', 'nodes');
// The catalog merge is the runtime's own (its English fallback reads catalogs the same way); tsc runs first.
const { expandCatalog } = require('../dist/nodes/shared/catalog.js');
const INCLUDE = /^[ \t]*<!-- include: ([\w-]+) -->[ \t]*$/gm;

/** The help text with every include line replaced by its fragment (a missing or circular one stops the build). */
function expandIncludes(text, fragmentDir, file, within = []) {
  return text.replace(INCLUDE, (line, name) => {
    if (within.includes(name)) throw new Error(`${file}: help fragment "${name}" includes itself (${[...within, name].join(' > ')})`);
    const fragment = path.join(fragmentDir, `${name}.html`);
    if (!fs.existsSync(fragment)) throw new Error(`${file}: no help fragment "${name}" (looked for ${fragment})`);
    return expandIncludes(fs.readFileSync(fragment, 'utf8').replace(/\n$/, ''), fragmentDir, fragment, [...within, name]);
  });
}

/** Copies nodes/ and icons/ into dist/nodes/, help and catalogs with their includes expanded. */
function copyEditorFiles() {
  fs.mkdirSync(target, { recursive: true });
  fs.cpSync(path.join(root, 'nodes'), target, {
    recursive: true,
    filter: (src) => path.basename(src) !== 'fragments',
  });
  const locales = path.join(root, 'nodes', 'locales');
  if (fs.existsSync(locales)) {
    for (const lang of fs.readdirSync(locales)) {
      const fragmentDir = path.join(locales, lang, 'fragments');
      for (const file of fs.readdirSync(path.join(locales, lang)).filter((f) => f.endsWith('.html'))) {
        const source = path.join(locales, lang, file);
        fs.writeFileSync(path.join(target, 'locales', lang, file), expandIncludes(fs.readFileSync(source, 'utf8'), fragmentDir, source));
      }
      for (const file of fs.readdirSync(path.join(locales, lang)).filter((f) => f.endsWith('.json'))) {
        const source = path.join(locales, lang, file);
        const catalog = expandCatalog(JSON.parse(fs.readFileSync(source, 'utf8')), fragmentDir, source);
        fs.writeFileSync(path.join(target, 'locales', lang, file), JSON.stringify(catalog, null, 2) + '\n');
      }
    }
  }
  if (fs.existsSync(path.join(root, 'icons'))) {
    fs.cpSync(path.join(root, 'icons'), path.join(target, 'icons'), { recursive: true });
  }
}

module.exports = { expandIncludes, copyEditorFiles };
if (require.main === module) copyEditorFiles();
