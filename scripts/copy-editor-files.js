#!/usr/bin/env node
// Node-RED looks for <type>.html, locales/ and icons/ next to each node's .js file, so the build
// copies the editor side (nodes/, icons/) beside the compiled adapters in dist/nodes/.
'use strict';
const fs = require('fs');
const path = require('path');
const root = path.join(__dirname, '..');
const target = path.join(root, 'dist', 'nodes');
fs.mkdirSync(target, { recursive: true });
fs.cpSync(path.join(root, 'nodes'), target, { recursive: true });
if (fs.existsSync(path.join(root, 'icons'))) {
  fs.cpSync(path.join(root, 'icons'), path.join(target, 'icons'), { recursive: true });
}
