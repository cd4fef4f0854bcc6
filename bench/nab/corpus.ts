/**
 * Reads a NAB data folder: `<category>/<file>.csv` (timestamp,value) and the labelled windows in
 * combined_windows.json next to them.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { WindowLimits } from './scoring';

/** One NAB data file with its labelled windows. */
export interface NabFile {
  /** `<category>/<file>.csv`. */
  name: string;
  category: string;
  file: string;
  rawTimestamps: string[];
  timestamps: number[];
  values: number[];
  windows: WindowLimits[];
}

/** NAB timestamps ('2014-04-10 07:15:00' or with '.000000') as ms, read as UTC. */
export function parseNabTime(text: string): number {
  const t = Date.parse(
    text
      .trim()
      .replace(' ', 'T')
      .replace(/(\.\d{3})\d*$/, '$1') + 'Z',
  );
  if (Number.isNaN(t)) throw new Error(`unreadable NAB timestamp ${JSON.stringify(text)}`);
  return t;
}

/** Loads every CSV one folder below `dir`, sorted by name, with windows from combined_windows.json. */
export function loadCorpus(dir: string): NabFile[] {
  const labelsPath = path.join(dir, 'combined_windows.json');
  if (!fs.existsSync(labelsPath)) throw new Error(`no combined_windows.json in ${dir}`);
  const labels = JSON.parse(fs.readFileSync(labelsPath, 'utf8')) as Record<string, [string, string][]>;
  const files: NabFile[] = [];
  for (const category of fs.readdirSync(dir).sort()) {
    const catDir = path.join(dir, category);
    if (!fs.statSync(catDir).isDirectory()) continue;
    for (const file of fs.readdirSync(catDir).sort()) {
      if (!file.endsWith('.csv')) continue;
      const name = `${category}/${file}`;
      const lines = fs
        .readFileSync(path.join(catDir, file), 'utf8')
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '');
      const rawTimestamps: string[] = [];
      const values: number[] = [];
      for (const line of lines.slice(1)) {
        const comma = line.indexOf(',');
        rawTimestamps.push(line.slice(0, comma));
        values.push(Number(line.slice(comma + 1)));
      }
      const windows = (labels[name] ?? []).map(([a, b]) => [parseNabTime(a), parseNabTime(b)] as const);
      files.push({ name, category, file, rawTimestamps, timestamps: rawTimestamps.map(parseNabTime), values, windows });
    }
  }
  return files;
}
