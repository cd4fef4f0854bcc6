/**
 * Reading Node-RED's console log in tests: which warnings and errors concern this package.
 */
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const pkg = require(path.join(root, 'package.json'));

export interface LogEntry {
  level: string;
  text: string;
}

/** What marks a log entry as being about the package: its name, its node types, its directory. */
export interface PackageNames {
  module: string;
  types: string[];
  dir: string;
}

export const PACKAGE: PackageNames = { module: pkg.name, types: Object.keys(pkg['node-red'].nodes), dir: root };

/** Splits Node-RED's console log into entries; lines without a timestamp continue the entry before. */
export function logEntries(log: string): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const line of log.split('\n')) {
    const m = /^\d{1,2} \w{3} \d\d:\d\d:\d\d - \[(\w+)\] ?(.*)$/.exec(line);
    if (m) entries.push({ level: m[1], text: m[2] });
    else if (entries.length) entries[entries.length - 1].text += '\n' + line;
  }
  return entries;
}

/** The warnings and errors in `log` that name the package, one of its node types or its files. */
export function packageProblems(log: string, names: PackageNames = PACKAGE): string[] {
  const words = [names.module, ...names.types];
  // The package's own files, not its dependencies (Node-RED itself may run from its node_modules).
  const ownFile = new RegExp(`${names.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\/](?!node_modules[\\/])`);
  return logEntries(log)
    .filter((e) => (e.level === 'warn' || e.level === 'error') && (words.some((w) => e.text.includes(w)) || ownFile.test(e.text)))
    .map((e) => `[${e.level}] ${e.text}`);
}
