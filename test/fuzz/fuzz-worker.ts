/**
 * The fuzz harness's child process: runs fuzz cases in a real Node-RED runtime
 * (node-red-node-test-helper), one at a time, on request from the parent over IPC.
 *
 * Per case it deploys two nodes of the same configuration: `a` gets the whole sequence (clean,
 * shared and hostile messages), `b` only the clean and shared ones. It then checks that every
 * message completed exactly once (Node-RED's onComplete hook), that what must be refused was
 * refused with a readable error, that no rejection or exception escaped, that no prototype was
 * polluted, that `a`'s results on the clean keys equal `b`'s, and that the heap stays bounded.
 *
 * "Equal" is exact (same result messages in the same order, _msgid aside): hostile readings a node
 * may accept carry keys of their own and times no later than the latest clean one, so they change
 * no clean result. When the results differ and `a` accepted a reading more than a day ahead of the
 * clock, a third node gets `a`'s sequence without those readings: if it then matches `b`, the
 * failure is "poison" (the reading moved every key's watermark), otherwise "interference".
 *
 * Before each message it appends "<case> <node> <item>" to the progress file with a synchronous
 * write: a message that never returns (an endless loop) leaves its line as the last one, and the
 * parent, which sees the file stop growing, kills this process and knows the culprit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CLEAN_KEYS, Msg, Prepared, buildCase, prepare } from './fuzz-case';
import { FUZZ_CONFIGS, FuzzConfig } from './fuzz-configs';
import type { CaseRequest, CaseResult, Failure } from './fuzz-protocol';
import { WINDOWING_TYPES } from '../support/node-types';

// The helper ships no types.
const helper = require('node-red-node-test-helper');
helper.init(require.resolve('node-red'));
// The runtime's own hook registry: onComplete fires for every done() of a node.
const hooks = require('@node-red/util').hooks;

// The node files: the built ones when the runner found them up to date (they load in a fraction
// of the time, which counts when a frozen process has to be replaced), else the sources.
const nodesDir = process.env.FUZZ_NODES_DIR || path.join(__dirname, '..', '..', 'src', 'nodes');
const NODES = [...WINDOWING_TYPES, 'stream-sensor-sim'].map((name) => require(path.join(nodesDir, name)));

const COMPLETION_WAIT_MS = 2000;
const HEAP_BOUND = 96 * 1024 * 1024;
const progressFd = fs.openSync(process.argv[2], 'a');
const progress = (line: string): void => {
  fs.writeSync(progressFd, line + '\n');
};

const gc = (globalThis as { gc?: () => void }).gc;
let heapBaseline: number | undefined;
let casesRun = 0;

// Escaped errors are attributed to the message being handled when they surface.
let escaped: Failure[] = [];
let current = -1;
/** An error's name and message; JSONata rejects with plain objects ({ code, message, position }). */
function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  if (e && typeof e === 'object') {
    const o = e as { code?: unknown; message?: unknown; position?: unknown };
    if (o.code !== undefined || o.message !== undefined)
      return `${o.code ?? ''} ${o.message ?? ''}${o.position !== undefined ? ` at ${o.position}` : ''} (a plain object, not an Error)`.trim();
  }
  return String(e);
}
process.on('unhandledRejection', (reason) => escaped.push({ kind: 'unhandled-rejection', detail: errorText(reason), index: current }));
process.on('uncaughtException', (err) => escaped.push({ kind: 'uncaught-exception', detail: errorText(err), index: current }));

const PROTOTYPES: Array<[string, object]> = [
  ['Object', Object.prototype],
  ['Array', Array.prototype],
  ['Function', Function.prototype],
  ['String', String.prototype],
];
const pristine = new Map(PROTOTYPES.map(([name, proto]) => [name, Object.getOwnPropertyNames(proto).sort().join(',')]));

function pollution(): string | undefined {
  for (const [name, proto] of PROTOTYPES) {
    const names = Object.getOwnPropertyNames(proto).sort().join(',');
    if (names !== pristine.get(name))
      return `${name}.prototype now has ${Object.getOwnPropertyNames(proto)
        .filter((n) => !pristine.get(name)!.split(',').includes(n))
        .join(', ')}`;
  }
  const probe = {} as Msg;
  if (probe.polluted !== undefined) return `({}).polluted is ${String(probe.polluted)}`;
  return undefined;
}

/** A stable text of a result message: _msgid left out, special numbers spelled out. */
function normalise(port: number, msg: Msg): string {
  const seen = new WeakSet<object>();
  return (
    `${port}:` +
    JSON.stringify(msg, function (this: unknown, k, v) {
      if (k === '_msgid') return undefined;
      if (typeof v === 'number' && !Number.isFinite(v)) return `#${v}`;
      if (Object.is(v, -0)) return '#-0';
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '#cycle';
        seen.add(v);
      }
      return v;
    })
  );
}

const isClean = (cfgSim: boolean, msg: Msg): boolean => cfgSim || (typeof msg.topic === 'string' && CLEAN_KEYS.includes(msg.topic));

interface Track {
  done: number;
  errors: string[];
  errorCalls: string[];
}

const immediate = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Fed {
  /** Result messages on the clean keys, normalised, per node id. */
  out: Record<string, string[]>;
  track: Map<object, Track>;
}

/** Deploys one node per entry of `fed` (same configuration), feeds each its messages, waits for done() and undeploys. */
async function deployAndFeed(reqId: number, cfg: FuzzConfig, fed: Record<string, Prepared[]>): Promise<Fed> {
  const ids = Object.keys(fed);
  const wires = (id: string) => Array.from({ length: cfg.ports }, (_, i) => [`${id}${i}`]);
  const flow: Msg[] = [{ id: 'f', type: 'tab' }];
  for (const id of ids) {
    flow.push({ ...cfg.config, id, type: cfg.type, z: 'f', name: '', wires: wires(id) });
    for (let i = 0; i < cfg.ports; i++) flow.push({ id: `${id}${i}`, type: 'helper', z: 'f' });
  }
  progress(`${reqId} load`);
  await helper.load(NODES, flow);
  progress(`${reqId} loaded`);

  const track = new Map<object, Track>();
  const rec = (msg: object): Track => {
    let t = track.get(msg);
    if (!t) track.set(msg, (t = { done: 0, errors: [], errorCalls: [] }));
    return t;
  };
  hooks.add('onComplete.fuzz', (ev: { msg: object; error?: unknown; node: { id: string } }) => {
    if (!ids.includes(ev.node.id)) return;
    const t = rec(ev.msg);
    t.done++;
    if (ev.error !== undefined && ev.error !== null) t.errors.push(ev.error instanceof Error ? ev.error.message : String(ev.error));
  });
  const out: Record<string, string[]> = {};
  for (const id of ids) {
    out[id] = [];
    const node = helper.getNode(id);
    // Node-RED reports a handler that threw (instead of calling done(err)) with node.error(err, msg).
    const error = node.error.bind(node);
    node.error = (err: unknown, msg?: object) => {
      if (msg && typeof msg === 'object') rec(msg).errorCalls.push(errorText(err));
      return error(err, msg);
    };
    for (let i = 0; i < cfg.ports; i++) {
      helper.getNode(`${id}${i}`).on('input', (m: Msg) => {
        if (isClean(cfg.value === 'sim', m)) out[id].push(normalise(i, m));
      });
    }
  }
  try {
    for (const id of ids) {
      const node = helper.getNode(id);
      for (const p of fed[id]) {
        current = p.index;
        progress(`${reqId} ${id} ${p.index}`);
        node.receive(p.msg);
        await immediate();
      }
    }
    current = -1;
    const all = ids.flatMap((id) => fed[id]);
    const finished = (): boolean => all.every((p) => (track.get(p.msg)?.done ?? 0) > 0 || (track.get(p.msg)?.errorCalls.length ?? 0) > 0);
    const deadline = Date.now() + COMPLETION_WAIT_MS;
    while (!finished() && Date.now() < deadline) {
      progress(`${reqId} wait`);
      await sleep(20);
    }
    for (let i = 0; i < 5; i++) await immediate();
  } finally {
    hooks.remove('onComplete.fuzz');
    await helper.unload();
    for (let i = 0; i < 3; i++) await immediate();
  }
  return { out, track };
}

const cut = (s: string | undefined): string => (s === undefined ? '(nothing)' : s.length > 300 ? s.slice(0, 300) + '…' : s);

/** Undefined when equal, else where the two result lists first differ. */
function difference(a: string[], b: string[]): string | undefined {
  if (a.join('\n') === b.join('\n')) return undefined;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `${a.length} results vs ${b.length} from a node fed the clean stream only; first difference at result ${i}: ${cut(a[i])} vs ${cut(b[i])}`;
}

async function runCase(req: CaseRequest): Promise<CaseResult> {
  const started = Date.now();
  const cfg = FUZZ_CONFIGS[req.configIndex];
  const keep = req.keep ? new Set(req.keep) : undefined;
  // Each node gets its own messages, made fresh from the same tokens.
  const fresh = (which: 'all' | 'clean', only?: Set<number>) => prepare(buildCase(req.configIndex, req.caseSeed), which, only);
  const fed = { a: fresh('all', keep), b: fresh('clean', keep) };
  const failures: Failure[] = [];
  escaped = [];

  const { out, track } = await deployAndFeed(req.id, cfg, fed);
  for (const id of ['a', 'b'] as const) {
    for (const p of fed[id]) {
      const t = track.get(p.msg) ?? { done: 0, errors: [], errorCalls: [] };
      const at = { index: p.index, node: id, message: p.text };
      if (t.done === 0 && t.errorCalls.length)
        failures.push({ kind: 'threw', detail: `the handler threw instead of calling done(err): ${t.errorCalls[0]}`, ...at });
      else if (t.done === 0) failures.push({ kind: 'never-completed', detail: `done() not called within ${COMPLETION_WAIT_MS} ms`, ...at });
      else if (t.done > 1) failures.push({ kind: 'double-done', detail: `done() called ${t.done} times`, ...at });
      if (p.mustReject && t.done > 0 && t.errors.length === 0)
        failures.push({ kind: 'silent', detail: 'accepted without an error, but it cannot be used', ...at });
      for (const e of t.errors) {
        if (!e.trim() || /\[object \w+\]/.test(e)) failures.push({ kind: 'error-text', detail: `done(err) with the message ${JSON.stringify(e)}`, ...at });
      }
    }
  }

  const polluted = pollution();
  if (polluted) failures.push({ kind: 'pollution', detail: polluted });

  const diff = difference(out.a, out.b);
  if (diff) {
    // Readings far ahead of the clock that the node took (a batch counts: its good elements are taken).
    const future = fed.a.filter((p) => p.future && (track.get(p.msg)?.errors.length === 0 || p.msg.batch === true));
    let poison = false;
    let rest = diff;
    if (future.length) {
      // Without them, does the rest of the sequence give the clean stream's results?
      const without = new Set(fed.a.map((p) => p.index).filter((i) => !future.some((f) => f.index === i)));
      const again = await deployAndFeed(req.id, cfg, { c: fresh('all', without) });
      const d = difference(again.out.c, out.b);
      poison = d === undefined;
      rest = d ?? diff;
    }
    failures.push(
      poison
        ? {
            kind: 'poison',
            detail: `an accepted reading far ahead of the clock changed the clean keys' results: ${diff}`,
            index: future[0].index,
            message: future[0].text,
          }
        : { kind: 'interference', detail: `hostile messages changed the clean keys' results: ${rest}` },
    );
  }

  // A full collection costs more than the rest of a case: the heap is measured every 20th case.
  if (gc && casesRun++ % 20 === 0) {
    gc();
    const used = process.memoryUsage().heapUsed;
    if (heapBaseline === undefined) heapBaseline = used;
    else if (used - heapBaseline > HEAP_BOUND)
      failures.push({ kind: 'heap', detail: `heap grew by ${Math.round((used - heapBaseline) / 1048576)} MB over the run` });
  }

  failures.push(...escaped);
  escaped = [];
  progress(`${req.id} end`);
  return { id: req.id, failures, messages: fed.a.length + fed.b.length, hostile: fed.a.filter((p) => p.role === 'hostile').length, ms: Date.now() - started };
}

// One request at a time: the parent waits for each answer.
let chain = Promise.resolve();
process.on('message', (req: CaseRequest) => {
  chain = chain.then(async () => {
    let result: CaseResult;
    try {
      result = await runCase(req);
    } catch (err) {
      result = { id: req.id, failures: [{ kind: 'harness', detail: errorText(err) }], messages: 0, hostile: 0, ms: 0 };
    }
    process.send!(result);
  });
});
// A first case warms the runtime up (its first deploy is slow), so the watchdog's stall limit
// measures the nodes, not start-up.
runCase({ id: 0, configIndex: 0, caseSeed: 1 }).then(
  () => process.send!({ ready: true }),
  (err) => {
    console.error(err);
    process.exit(3);
  },
);
