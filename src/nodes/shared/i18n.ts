/**
 * Runtime text (statuses, warnings, errors) in the user's language, from the node's message catalog
 * through Node-RED's RED._, as the core nodes do. Where the runtime has no catalog for the key (an
 * embedding, or the test helper, whose RED._ answers with the key), the English catalog the package
 * ships answers instead, so a node never shows a raw key and English output is the same everywhere.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Entries, expandCatalog } from './catalog';
import { RedAPI } from './red';

const runtimes = new Map<string, RedAPI>();
const english = new Map<string, Entries>();

/** Lets node `type` speak through the runtime's RED._ (call it where the type is registered). */
export function useCatalog(RED: RedAPI, type: string): void {
  runtimes.set(type, RED);
}

/** The last text made of each catalog key: with whose RED._ and from which parameters. */
interface LastText {
  RED: RedAPI | undefined;
  params: Record<string, string | number>;
  text: string;
}

/**
 * One entry per catalog key (a fixed set). Status lines are rebuilt several times a second
 * from mostly unchanged counts, and a translation with a count costs the runtime's i18next far
 * more than comparing the parameters.
 */
const lastTexts = new Map<string, LastText>();

function sameParams(a: Record<string, string | number>, b: Record<string, string | number>): boolean {
  let n = 0;
  for (const name in a) {
    if (a[name] !== b[name]) return false;
    n++;
  }
  for (const name in b) if (--n < 0 || !(name in a)) return false;
  return true;
}

/** The text of `key` (e.g. "status.keys") in node `type`'s catalog, with __name__ placeholders filled from `params`. */
export function text(type: string, key: string, params: Record<string, string | number> = {}): string {
  const full = `${type}.${key}`;
  const RED = runtimes.get(type);
  const last = lastTexts.get(full);
  if (last !== undefined && last.RED === RED && sameParams(last.params, params)) return last.text;
  const made = translate(RED, type, key, full, params);
  lastTexts.set(full, { RED, params: { ...params }, text: made });
  return made;
}

function translate(RED: RedAPI | undefined, type: string, key: string, full: string, params: Record<string, string | number>): string {
  const translated = RED?._ ? RED._(full, params) : undefined;
  if (typeof translated === 'string' && translated !== full && translated !== key) return translated;
  const found = key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Entries)[k] : undefined), englishCatalog(type));
  if (typeof found !== 'string') return full;
  return found.replace(/__(\w+)__/g, (all, name: string) => (name in params ? String(params[name]) : all));
}

/** The text of a count: key `<key>One` when `count` is 1, else `<key>`, with __count__ and `params` filled. */
export function countText(type: string, key: string, count: number, params: Record<string, string | number> = {}): string {
  return text(type, count === 1 ? `${key}One` : key, { ...params, count });
}

/** The built English catalog beside the node files, or the source one (with its fragments) when running from source. */
function englishCatalog(type: string): Entries {
  let catalog = english.get(type);
  if (catalog) return catalog;
  catalog = {};
  for (const dir of [path.join(__dirname, '..', 'locales', 'en-US'), path.join(__dirname, '..', '..', '..', 'nodes', 'locales', 'en-US')]) {
    const file = path.join(dir, `${type}.json`);
    if (!fs.existsSync(file)) continue;
    const expanded = expandCatalog(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Entries>, path.join(dir, 'fragments'), file);
    catalog = (expanded[type] as Entries | undefined) ?? {};
    break;
  }
  english.set(type, catalog);
  return catalog;
}

/** Words under one group of a node's catalog (`<group>.<key>`): `say` plain, `sayCount` by count (see countText). */
export function wordsOf(
  type: string,
  group: string,
): { say(key: string, params?: Record<string, string | number>): string; sayCount(key: string, n: number, params?: Record<string, string | number>): string } {
  return {
    say: (key, params = {}) => text(type, `${group}.${key}`, params),
    sayCount: (key, n, params = {}) => countText(type, `${group}.${key}`, n, params),
  };
}
