/**
 * bench:state — what one key's detector state costs to save and restore, per detect pattern.
 *
 * A node with a context store, and every node fed by a Kafka reader at each checkpoint, takes its
 * keys' state and turns it into text while the process does nothing else; on a restart or a
 * rebalance it parses and restores it. For each pattern at its default settings, one key after
 * READINGS readings (1 per minute of a daily cycle with noise), it prints the saved state's size
 * and the time per key to take it and turn it into text (snapshot + JSON.stringify) and to parse
 * and restore it, and, measured in the same run, the same state with its packed lists written as
 * JSON numbers (saved form 3, which this release still reads): that form's size, the time to turn
 * it into text and to parse and restore it. Times are medians of ROUNDS rounds of REPS repetitions.
 *
 *   npm run bench:state [-- --json]
 */
import { createDetector, PATTERNS, type Pattern } from '../src/core/detectors/detector';
import { snapPackedNumbers } from '../src/core/packed-numbers';

const JSON_OUT = process.argv.includes('--json');
const READINGS = 20000;
const ROUNDS = 7;
const REPS = 40;
// The fields that hold packed lists (see snapshot-schema.ts, version 4).
const PACKED_FIELDS = new Set(['values', 'levels', 'steps', 'seasonal', 'reference', 'history']);

function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** The same state with every packed list as a list of numbers (the saved form before packing). */
function asLists(x: unknown, key = ''): unknown {
  if (typeof x === 'string' && PACKED_FIELDS.has(key)) return snapPackedNumbers(x, Number.MAX_SAFE_INTEGER, key);
  if (Array.isArray(x)) return x.map((v) => asLists(v));
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, asLists(v, k)]));
  return x;
}

/** Median time of `fn` in ms per call. */
function timed(fn: () => void): number {
  const per: number[] = [];
  fn();
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < REPS; i++) fn();
    per.push(Number(process.hrtime.bigint() - t0) / 1e6 / REPS);
  }
  per.sort((a, b) => a - b);
  return per[Math.floor(per.length / 2)];
}

interface Row {
  pattern: Pattern;
  packedBytes: number;
  listBytes: number;
  takeAndTextMs: number;
  listTextMs: number;
  restoreMs: number;
  listRestoreMs: number;
}

function measure(pattern: Pattern): Row {
  const d = createDetector(pattern, {});
  const rnd = noise(7);
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < READINGS; i++) {
    const t = t0 + i * 60000;
    d.update(t, 20 + 3 * Math.sin((2 * Math.PI * i) / 1440) + rnd(), t);
  }
  const text = JSON.stringify(d.snapshot());
  const lists = asLists(JSON.parse(text));
  const listText = JSON.stringify(lists);
  // Both forms restore to the same detector.
  if (JSON.stringify(createDetector(pattern, {}, JSON.parse(listText)).snapshot()) !== text)
    throw new Error(`${pattern}: the list form restores to another state`);
  return {
    pattern,
    packedBytes: Buffer.byteLength(text),
    listBytes: Buffer.byteLength(listText),
    takeAndTextMs: timed(() => JSON.stringify(d.snapshot())),
    listTextMs: timed(() => JSON.stringify(lists)),
    restoreMs: timed(() => createDetector(pattern, {}, JSON.parse(text))),
    listRestoreMs: timed(() => createDetector(pattern, {}, JSON.parse(listText))),
  };
}

const rows = PATTERNS.map(measure);
if (JSON_OUT) {
  console.log(JSON.stringify({ readings: READINGS, rounds: ROUNDS, reps: REPS, node: process.version, rows }, null, 2));
} else {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  const ms = (n: number) => `${n.toFixed(3)} ms`;
  console.log(
    `saved state of one key after ${READINGS} readings, per pattern (default settings); times per key, median of ${ROUNDS} rounds of ${REPS}; Node ${process.version}`,
  );
  console.log(
    [
      'pattern'.padEnd(12),
      'packed'.padStart(10),
      'as lists'.padStart(10),
      'size ÷'.padStart(7),
      'take+text'.padStart(11),
      'lists: text'.padStart(12),
      'parse+restore'.padStart(14),
      'lists: parse+restore'.padStart(21),
    ].join(' '),
  );
  for (const r of rows) {
    console.log(
      [
        r.pattern.padEnd(12),
        kb(r.packedBytes).padStart(10),
        kb(r.listBytes).padStart(10),
        `${(r.packedBytes / r.listBytes).toFixed(2)}×`.padStart(7),
        ms(r.takeAndTextMs).padStart(11),
        ms(r.listTextMs).padStart(12),
        ms(r.restoreMs).padStart(14),
        ms(r.listRestoreMs).padStart(21),
      ].join(' '),
    );
  }
  console.log(
    'packed: this release\'s saved form (4); as lists: the same state with its packed lists as JSON numbers (form 3). take+text = snapshot() + JSON.stringify; "lists: text" = JSON.stringify of the list form alone (its snapshot not included).',
  );
}
