/**
 * Readers for accumulator snapshots: restoring state from a context store must fail loudly with
 * a clear message rather than resume from a silently wrong accumulator.
 */

/** Reads a finite number from a snapshot field, or throws naming the field. */
export function readNumber(json: unknown, field: string): number {
  if (typeof json !== 'number' || !Number.isFinite(json)) {
    throw new TypeError(`accumulator snapshot: ${field} must be a finite number, got ${json === null ? 'null' : typeof json}`);
  }
  return json;
}

/** Reads a number where JSON null stands for an infinite sentinel (JSON cannot hold Infinity). */
export function readNumberOr(json: unknown, field: string, whenNull: number): number {
  return json === null ? whenNull : readNumber(json, field);
}

/** Reads a plain object from a snapshot, or throws naming what was expected. */
export function readObject(json: unknown, what: string): Record<string, unknown> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new TypeError(`accumulator snapshot: ${what} must be an object, got ${json === null ? 'null' : Array.isArray(json) ? 'array' : typeof json}`);
  }
  return json as Record<string, unknown>;
}

/** Reads an array from a snapshot, or throws naming the field. */
export function readArray(json: unknown, field: string): unknown[] {
  if (!Array.isArray(json)) throw new TypeError(`accumulator snapshot: ${field} must be an array, got ${json === null ? 'null' : typeof json}`);
  return json;
}

/** Writes a number that may be an infinite sentinel as JSON-safe (null for ±Infinity). */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
