/**
 * The operator's key → key state table: a Map with a small direct-mapped cache in front.
 *
 * Why the cache: a message's key is a new string every time (it was just parsed from MQTT, Kafka
 * or JSON), so V8 has no hash cached for it and Map.get hashes the whole string on every event,
 * then compares it with the stored key anyway. The cache picks a slot from the length and two
 * characters, and a hit costs that plus one string comparison: about half the price of the
 * lookup for a stream that alternates between a few sensors. A miss (a collision or a new key)
 * falls back to the Map and takes the slot over. With many more active keys than slots nearly
 * every probe misses, and probing then only adds to the lookup: the table measures its hit rate
 * and, when fewer than half the probes hit, goes straight to the Map for a while before trying
 * again.
 */

const SLOTS = 64;
/** Probes per hit-rate check, and lookups that skip the cache after a poor check. */
const PROBE_ROUND = 4096;
const BYPASS_LOOKUPS = 65536;

/** The cache slot of `key`: its length and two of its characters, no loop over the string. */
function slotOf(key: string): number {
  const n = key.length;
  return n === 0 ? 0 : (n ^ (key.charCodeAt(n - 1) << 1) ^ (key.charCodeAt(n >> 1) << 3)) & (SLOTS - 1);
}

/** A key's state, as far as the table is concerned. */
export interface Keyed {
  readonly key: string;
}

/** Map-like table of key states with a cache of recently used ones. */
export class KeyTable<V extends Keyed> {
  private readonly map = new Map<string, V>();
  private readonly recent: (V | undefined)[] = new Array<V | undefined>(SLOTS).fill(undefined);
  private probes = 0;
  private hits = 0;
  /** Lookups left that go straight to the Map. */
  private bypass = 0;

  get size(): number {
    return this.map.size;
  }

  /** The state of `key`, or undefined. */
  get(key: string): V | undefined {
    if (this.bypass > 0) {
      this.bypass--;
      return this.map.get(key);
    }
    if (++this.probes === PROBE_ROUND) {
      if (this.hits * 2 < PROBE_ROUND) this.bypass = BYPASS_LOOKUPS;
      this.probes = this.hits = 0;
    }
    const slot = slotOf(key);
    const hit = this.recent[slot];
    if (hit !== undefined && hit.key === key) {
      this.hits++;
      return hit;
    }
    const found = this.map.get(key);
    if (found !== undefined) this.recent[slot] = found;
    return found;
  }

  set(key: string, value: V): void {
    this.map.set(key, value);
    const slot = slotOf(key);
    const cached = this.recent[slot];
    if (cached !== undefined && cached.key === key) this.recent[slot] = value;
  }

  delete(key: string): void {
    if (this.map.delete(key)) this.forgetRecent();
  }

  clear(): void {
    this.map.clear();
    this.forgetRecent();
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  // Deletes are rare (reset, forgetting empty keys); clearing every slot keeps get() simple.
  private forgetRecent(): void {
    this.recent.fill(undefined);
  }
}
