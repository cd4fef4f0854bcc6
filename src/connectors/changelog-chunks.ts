/**
 * Changelog records of any size in a topic whose record batches are limited (`max.message.bytes`:
 * 16 MiB for the changelog topics this package creates, 1 MB by a broker's default). A node's
 * state per partition grows with its keys — an anomaly detector keeps about 200 kB per key — so
 * one checkpoint can exceed any fixed limit. A write therefore goes out in sends of at most
 * SEND_BUDGET bytes, and a value longer than CHUNK_CHARS is split into chunk records under keys
 * of their own; the key's own record (its head) names them and is written after them, so a
 * reader never finds a head whose chunks were not written. The chunks a head replaces are
 * deleted (tombstones) after it.
 */

/** One record to send: a null value deletes its key (a tombstone). */
export interface ChangelogRecord {
  key: string;
  value: string | null;
}

/** The chunks a head names: their id and how many there are. */
export interface ChunkSet {
  id: string;
  count: number;
}

/** Largest value (UTF-16 code units) written as one record; longer ones are chunked. */
export const CHUNK_CHARS = 1024 * 1024;
/**
 * Most bytes of keys and values in one send: one record batch, well under the 16 MiB the
 * changelog topic allows even before compression (a chunk of CHUNK_CHARS is at most 3 MiB).
 */
export const SEND_BUDGET = 4 * 1024 * 1024;

// JSON never starts with NUL, and changelog keys (partition ids) never contain it.
const HEAD = '\u0000chunks:';
const SEP = '\u0000';

/** The key of chunk `i` of set `id` of `key`. */
function chunkKey(key: string, id: string, i: number): string {
  return `${key}${SEP}${id}${SEP}${i}`;
}

/** The keys of every chunk of a set. */
export function chunkKeys(key: string, set: ChunkSet): string[] {
  return Array.from({ length: set.count }, (_, i) => chunkKey(key, set.id, i));
}

/** Cuts `value` into pieces of at most `size` code units, never between the halves of a surrogate pair. */
export function cutValue(value: string, size = CHUNK_CHARS): string[] {
  const out: string[] = [];
  let from = 0;
  // Bounded: every round moves `from` on by at least size - 1 ≥ 1 code units.
  while (from < value.length) {
    let to = Math.min(value.length, from + size);
    const code = value.charCodeAt(to - 1);
    if (to < value.length && code >= 0xd800 && code <= 0xdbff && to - 1 > from) to--;
    out.push(value.slice(from, to));
    from = to;
  }
  return out;
}

/** A planned write: the sends in order, and for each key written the send holding its head. */
export interface WritePlan {
  sends: ChangelogRecord[][];
  /** Per key written: its new chunk set (undefined when written whole) and the index of the send with its head. */
  heads: Map<string, { set: ChunkSet | undefined; send: number }>;
  /** Per key written: the chunk set its head replaces (its chunks are deleted after the heads). */
  replaced: Map<string, ChunkSet>;
  /** The unnamed chunk keys the write deletes. */
  orphans: readonly string[];
}

/**
 * Plans a write of `records`: new chunks first, then the heads and whole records in their order,
 * then tombstones for the chunks they replace (`current`) and for `orphans` (chunk keys no head
 * names), packed into sends of at most `budget` bytes in that order.
 */
export function planWrite(
  records: readonly { key: string; value: string }[],
  current: ReadonlyMap<string, ChunkSet>,
  orphans: readonly string[],
  newId: () => string,
  chunkChars = CHUNK_CHARS,
  budget = SEND_BUDGET,
): WritePlan {
  const chunks: ChangelogRecord[] = [];
  const heads: ChangelogRecord[] = [];
  const sets = new Map<string, ChunkSet | undefined>();
  const replaced = new Map<string, ChunkSet>();
  for (const r of records) {
    let set: ChunkSet | undefined;
    if (r.value.length > chunkChars) {
      const pieces = cutValue(r.value, chunkChars);
      set = { id: newId(), count: pieces.length };
      pieces.forEach((p, i) => chunks.push({ key: chunkKey(r.key, set!.id, i), value: p }));
      heads.push({ key: r.key, value: `${HEAD}${set.id}:${set.count}` });
    } else {
      heads.push(r);
    }
    sets.set(r.key, set);
    const before = current.get(r.key);
    if (before) replaced.set(r.key, before);
  }
  const tombstones: ChangelogRecord[] = orphans.map((key) => ({ key, value: null }));
  for (const [key, set] of replaced) for (const k of chunkKeys(key, set)) tombstones.push({ key: k, value: null });

  const sends: ChangelogRecord[][] = [];
  const headSend = new Map<string, number>();
  let size = 0;
  for (const rec of [...chunks, ...heads, ...tombstones]) {
    const bytes = Buffer.byteLength(rec.key) + (rec.value === null ? 0 : Buffer.byteLength(rec.value));
    if (!sends.length || (size + bytes > budget && sends[sends.length - 1].length)) {
      sends.push([]);
      size = 0;
    }
    sends[sends.length - 1].push(rec);
    size += bytes;
    if (sets.has(rec.key)) headSend.set(rec.key, sends.length - 1);
  }
  const planned = new Map<string, { set: ChunkSet | undefined; send: number }>();
  for (const [key, set] of sets) planned.set(key, { set, send: headSend.get(key)! });
  return { sends, heads: planned, replaced, orphans };
}

/**
 * Notes in `sets` and `orphans` what a write left in the log when the sends up to `sent` (an
 * index into plan.sends, -1 for none) went out: a head written names its new chunks and leaves
 * the chunks it replaced unnamed unless their tombstones went out too; a head not written
 * leaves its new chunks (as far as they went out) unnamed.
 */
export function settleWrite(plan: WritePlan, sent: number, sets: Map<string, ChunkSet>, orphans: Set<string>): void {
  const complete = sent === plan.sends.length - 1;
  if (complete) for (const k of plan.orphans) orphans.delete(k);
  for (const [key, head] of plan.heads) {
    const written = head.send <= sent;
    const unnamed = written ? (complete ? undefined : plan.replaced.get(key)) : head.set;
    if (unnamed) for (const k of chunkKeys(key, unnamed)) orphans.add(k);
    if (!written) continue;
    if (head.set) sets.set(key, head.set);
    else sets.delete(key);
  }
}

/** What a changelog read found once its chunks are put back together. */
export interface AssembledLog {
  /** The latest value per key. */
  values: Map<string, string>;
  /** The chunk set each chunked key's head names. */
  sets: Map<string, ChunkSet>;
  /** Chunk keys no head names (left by a write that failed half-way, or replaced ones not yet deleted). */
  orphans: string[];
  /** Keys whose head names chunks that are missing: no value for them. */
  incomplete: string[];
}

/** Puts the chunked values of a changelog read back together (see the file comment). */
export function assembleLog(raw: ReadonlyMap<string, string>): AssembledLog {
  const values = new Map<string, string>();
  const sets = new Map<string, ChunkSet>();
  const incomplete: string[] = [];
  for (const [key, value] of raw) {
    if (key.includes(SEP)) continue;
    if (!value.startsWith(HEAD)) {
      values.set(key, value);
      continue;
    }
    const [id, count] = value.slice(HEAD.length).split(':');
    const n = Number(count);
    const set = { id, count: n };
    // A damaged head cannot name more chunks than the log holds records.
    const keys = Number.isSafeInteger(n) && n > 0 && n < raw.size && id ? chunkKeys(key, set) : [];
    if (!keys.length || !keys.every((k) => raw.has(k))) {
      incomplete.push(key);
      continue;
    }
    sets.set(key, set);
    values.set(key, keys.map((k) => raw.get(k)!).join(''));
  }
  const orphans: string[] = [];
  for (const key of raw.keys()) {
    if (!key.includes(SEP)) continue;
    const [owner, id] = key.split(SEP);
    if (sets.get(owner)?.id !== id) orphans.push(key);
  }
  return { values, sets, orphans, incomplete };
}
