/**
 * Runs fuzz cases in child processes (fuzz-worker.ts) with a watchdog, so a message that freezes
 * a node (an endless synchronous loop cannot be interrupted in-process) or crashes the process
 * is found, named and survived: the child is killed with SIGKILL and a fresh one takes the next
 * case. Failures are grouped by kind and cause; the first case of each group is shrunk to a
 * small reproduction. Nothing here waits for longer than its budget.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FuzzCase, Item, buildCase, prepare } from './fuzz-case';
import { FUZZ_CONFIGS } from './fuzz-configs';
import type { CaseRequest, CaseResult, Failure } from './fuzz-protocol';

export interface FuzzOptions {
  seed: number;
  /** Cases to run (configurations in turn). */
  runs: number;
  /** No new case starts after this long (ms); the summary says how many ran. */
  budgetMs: number;
  /** Time left for shrinking failing cases (ms). */
  shrinkMs: number;
  /** A case whose progress file does not grow for this long is frozen (ms). */
  stallMs: number;
  workers: number;
  /** A configuration that froze this many times runs no further cases. */
  freezesPerConfig: number;
  /** Only the configurations whose name contains this text. */
  only?: string;
  log?: (line: string) => void;
}

export interface FailureGroup {
  signature: string;
  kind: Failure['kind'];
  cause: string;
  detail: string;
  configs: Map<string, number>;
  cases: number;
  first: { configIndex: number; caseSeed: number; failure: Failure };
  reproduction?: string;
}

export interface FuzzSummary {
  seed: number;
  planned: number;
  ran: number;
  skipped: number;
  configs: number;
  messages: number;
  hostile: number;
  ms: number;
  /** Child processes killed after freezing, and ones that died. */
  killed: number;
  died: number;
  failingCases: number;
  groups: FailureGroup[];
  text: string;
}

const WORKER = path.join(__dirname, 'fuzz-worker.ts');
const ROOT = path.join(__dirname, '..', '..');
const START_TIMEOUT_MS = 60000;

type Outcome = CaseResult | { id: number; failures: Failure[]; messages: number; hostile: number; ms: number; dead: true };

/**
 * dist/nodes when every source file under src/ is older than the build (npm test and npm run fuzz
 * build first), so a replaced process starts quickly; otherwise '' and the worker loads src/.
 */
function nodesDir(): string {
  const dist = path.join(ROOT, 'dist');
  if (!fs.existsSync(path.join(dist, 'nodes'))) return '';
  const built = fs.statSync(path.join(dist, 'nodes', 'stream-aggregate.js')).mtimeMs;
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const full = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
    }, 0);
  return newest(path.join(ROOT, 'src')) <= built ? path.join(dist, 'nodes') : '';
}

/** One child process running cases, watched for stalls and exits. */
class Worker {
  private child: ChildProcess | undefined;
  private readonly progressFile: string;
  private pending: { req: CaseRequest; resolve: (o: Outcome) => void; started: number } | undefined;
  private tail = '';
  private lastSize = 0;
  private lastGrowth = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Children killed because they froze, and children that died on their own. */
  killed = 0;
  died = 0;

  constructor(
    dir: string,
    n: number,
    private readonly stallMs: number,
  ) {
    this.progressFile = path.join(dir, `progress-${n}.log`);
  }

  private async start(): Promise<ChildProcess> {
    fs.writeFileSync(this.progressFile, '');
    this.lastSize = 0;
    this.tail = '';
    const child = spawn(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', WORKER, this.progressFile], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // A zone west of UTC: a result that depends on the host's zone (a zone-less ISO time read as
      // local time) then differs from the clean stream's.
      env: {
        ...process.env,
        TZ: process.env.FUZZ_TZ ?? 'America/New_York',
        TS_NODE_TRANSPILE_ONLY: 'true',
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
        FUZZ_NODES_DIR: nodesDir(),
      },
    });
    const keep = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString()).slice(-4000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`fuzz worker did not start within ${START_TIMEOUT_MS / 1000} s:\n${this.tail}`));
      }, START_TIMEOUT_MS);
      child.once('message', () => {
        clearTimeout(t);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`fuzz worker exited with ${code} while starting:\n${this.tail}`));
      });
    });
    child.on('message', (m: CaseResult) => {
      const p = this.pending;
      if (!p || m.id !== p.req.id) return;
      this.pending = undefined;
      p.resolve(m);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const p = this.pending;
      if (!p) return;
      this.pending = undefined;
      this.died++;
      const line = this.lastLine();
      const index = Number(line.split(' ')[2]);
      p.resolve({
        id: p.req.id,
        messages: 0,
        hostile: 0,
        ms: Date.now() - p.started,
        dead: true,
        failures: [
          {
            kind: 'crash',
            detail: `the process exited (${signal ?? `code ${code}`}): ${this.tail.trim().split('\n').slice(-6).join(' | ')}`,
            index: Number.isFinite(index) ? index : undefined,
          },
        ],
      });
    });
    this.child = child;
    return child;
  }

  private lastLine(): string {
    const text = fs.readFileSync(this.progressFile, 'utf8').trimEnd();
    return text.slice(text.lastIndexOf('\n') + 1);
  }

  /** Runs one case; a stall past stallMs kills the child and reports a freeze. */
  async run(req: CaseRequest): Promise<Outcome> {
    const child = this.child ?? (await this.start());
    return new Promise<Outcome>((resolve) => {
      this.pending = { req, resolve, started: Date.now() };
      this.lastGrowth = Date.now();
      child.send(req);
      this.timer = setInterval(() => {
        const size = fs.statSync(this.progressFile).size;
        if (size !== this.lastSize) {
          this.lastSize = size;
          this.lastGrowth = Date.now();
          return;
        }
        if (Date.now() - this.lastGrowth < this.stallMs || !this.pending) return;
        const p = this.pending;
        this.pending = undefined;
        const line = this.lastLine();
        const [, node, item] = line.split(' ');
        const index = Number(item);
        child.kill('SIGKILL');
        this.child = undefined;
        this.killed++;
        p.resolve({
          id: req.id,
          messages: 0,
          hostile: 0,
          ms: Date.now() - p.started,
          dead: true,
          failures: [
            {
              kind: 'freeze',
              detail: `no progress for ${this.stallMs / 1000} s (${line.includes('wait') ? 'while waiting for done()' : `inside the handler of node ${node}`})`,
              index: Number.isFinite(index) ? index : undefined,
              node,
            },
          ],
        });
      }, 100);
    }).finally(() => {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
    });
  }

  /** Stops the child by its handle (SIGKILL: it may be frozen). */
  stop(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
    this.child = undefined;
  }
}

/** A 32-bit seed per case from the run's seed. */
export function caseSeedOf(seed: number, caseNo: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (caseNo + 1), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The message kind of an item; `fine` adds the token (which value froze a node matters). */
function describeItem(item: Item | undefined, fine: boolean): string {
  if (!item) return 'unknown message';
  if (item.role === 'clean') return 'sim' in item ? `clean "${item.sim}"` : 'clean reading';
  if (item.role === 'shared') return `flush (topic ${item.flush})`;
  const h = item.h;
  switch (h.kind) {
    case 'badTime':
    case 'extremeTime':
      return fine ? `${h.kind} ${h.time}` : h.kind;
    case 'badValue':
    case 'extremeValue':
      return fine ? `${h.kind} ${h.value}` : h.kind;
    case 'oddKey':
      return fine ? `${h.kind} ${h.key}` : h.kind;
    case 'reset':
      return ['object', 'array', 'nested'].includes(h.key) ? 'reset with an object or array topic' : `reset with topic ${h.key}`;
    case 'window':
      return `window message (${h.window})`;
    case 'pollute':
      return `prototype pollution attempt #${h.variant}`;
    case 'sim':
      return `control ${h.value}`;
    default:
      return h.kind;
  }
}

/** What makes two failures "the same": kind and cause (the message kind, or the error text). */
function causeOf(c: FuzzCase, f: Failure): string {
  switch (f.kind) {
    case 'unhandled-rejection':
    case 'uncaught-exception':
    case 'error-text':
    case 'crash':
    case 'harness':
      return f.detail.replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, '#').slice(0, 120);
    case 'pollution':
      return f.detail;
    case 'interference':
    case 'heap':
      return '';
    default: {
      const item = f.index === undefined ? undefined : c.items[f.index];
      return describeItem(item, f.kind !== 'silent' && f.kind !== 'poison');
    }
  }
}

function reproduce(c: FuzzCase, keep: number[]): string {
  const cfg = c.config;
  const set = new Set(keep);
  const a = prepare(c, 'all', set);
  const lines = [`${cfg.type} ${JSON.stringify(cfg.config)} (${cfg.name}), messages in order:`];
  for (const p of a) lines.push(`  ${p.role === 'hostile' ? '!' : ' '} ${p.text}`);
  return lines.join('\n');
}

/** Runs the fuzz cases and returns the summary (also as text). */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzSummary> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-fuzz-'));
  const workers = Array.from({ length: Math.max(1, opts.workers) }, (_, i) => new Worker(dir, i, opts.stallMs));
  const groups = new Map<string, FailureGroup>();
  const freezes = new Map<number, number>();
  let next = 0;
  let ran = 0;
  let skipped = 0;
  let messages = 0;
  let hostile = 0;
  let failingCases = 0;
  let nextId = 1;
  const chosen = FUZZ_CONFIGS.map((c, i) => (opts.only && !c.name.includes(opts.only) ? -1 : i)).filter((i) => i >= 0);
  if (chosen.length === 0) throw new Error(`no configuration's name contains "${opts.only}"`);

  const record = (configIndex: number, caseSeed: number, failures: Failure[]): void => {
    const c = buildCase(configIndex, caseSeed);
    const seen = new Set<string>();
    for (const f of failures) {
      const cause = causeOf(c, f);
      const signature = `${f.kind} | ${c.config.type} | ${cause}`;
      let g = groups.get(signature);
      if (!g) {
        g = { signature, kind: f.kind, cause, detail: f.detail, configs: new Map(), cases: 0, first: { configIndex, caseSeed, failure: f } };
        groups.set(signature, g);
        log(`  new failure: ${f.kind} in ${c.config.name}: ${cause || f.detail}`);
      }
      if (!seen.has(signature)) {
        seen.add(signature);
        g.cases++;
        g.configs.set(c.config.name, (g.configs.get(c.config.name) ?? 0) + 1);
      }
    }
  };

  const loop = async (w: Worker): Promise<void> => {
    while (next < opts.runs) {
      if (Date.now() - started > opts.budgetMs) return;
      const caseNo = next++;
      const configIndex = chosen[(caseNo + opts.seed) % chosen.length];
      if ((freezes.get(configIndex) ?? 0) >= opts.freezesPerConfig) {
        skipped++;
        continue;
      }
      const caseSeed = caseSeedOf(opts.seed, caseNo);
      const result = await w.run({ id: nextId++, configIndex, caseSeed });
      ran++;
      messages += result.messages;
      hostile += result.hostile;
      if (result.failures.length) {
        failingCases++;
        if (result.failures.some((f) => f.kind === 'freeze')) freezes.set(configIndex, (freezes.get(configIndex) ?? 0) + 1);
        record(configIndex, caseSeed, result.failures);
      }
    }
  };
  try {
    await Promise.all(workers.map(loop));
    const notRun = opts.runs - ran - skipped;

    // Shrink the first case of each group, while time is left.
    const shrinkUntil = Date.now() + opts.shrinkMs;
    for (const g of groups.values()) {
      const { configIndex, caseSeed, failure } = g.first;
      const c = buildCase(configIndex, caseSeed);
      const all = c.items.map((_, i) => i);
      const fails = async (keep: number[]): Promise<boolean> => {
        if (Date.now() > shrinkUntil) return false;
        const r = await workers[0].run({ id: nextId++, configIndex, caseSeed, keep });
        return r.failures.some((f) => `${f.kind} | ${c.config.type} | ${causeOf(c, f)}` === g.signature);
      };
      let keep = all;
      if (failure.index !== undefined && (g.kind === 'freeze' || g.kind === 'crash')) {
        // A freeze or crash costs a process: try the culprit alone, then after one clean reading.
        const culprit = failure.index;
        const firstClean = all.find((i) => c.items[i].role === 'clean' && i < culprit);
        const candidates = [[culprit], ...(firstClean === undefined ? [] : [[firstClean, culprit]]), all.filter((i) => i <= culprit)];
        for (const cand of candidates) {
          if (await fails(cand)) {
            keep = cand;
            break;
          }
        }
        // A longer prefix is shrunk further while time is left (each failing try costs a process).
        if (keep.length > 2) keep = await ddmin(keep, fails, 12);
      } else {
        keep = await ddmin(all, fails, 40);
      }
      g.reproduction = reproduce(c, keep);
    }

    const summary: FuzzSummary = {
      seed: opts.seed,
      planned: opts.runs,
      ran,
      skipped: skipped + notRun,
      configs: chosen.length,
      messages,
      hostile,
      ms: Date.now() - started,
      killed: workers.reduce((n, w) => n + w.killed, 0),
      died: workers.reduce((n, w) => n + w.died, 0),
      failingCases,
      groups: [...groups.values()],
      text: '',
    };
    summary.text = formatSummary(summary, notRun, skipped);
    return summary;
  } finally {
    for (const w of workers) w.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Delta debugging over item indices: a smaller list that still fails, in at most `maxTests` runs. */
async function ddmin(items: number[], fails: (keep: number[]) => Promise<boolean>, maxTests: number): Promise<number[]> {
  let current = items;
  let n = 2;
  let tests = 0;
  while (current.length >= 2 && tests < maxTests) {
    const size = Math.ceil(current.length / n);
    let reduced = false;
    for (let i = 0; i < n && tests < maxTests; i++) {
      const complement = current.filter((_, j) => j < i * size || j >= (i + 1) * size);
      if (complement.length === current.length || complement.length === 0) continue;
      tests++;
      if (await fails(complement)) {
        current = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(n * 2, current.length);
    }
  }
  return current;
}

function formatSummary(s: FuzzSummary, notRun: number, skippedFrozen: number): string {
  const lines = [
    `fuzz summary: seed ${s.seed}, ${s.ran} of ${s.planned} cases run over ${s.configs} node configurations, ` +
      `${s.messages} messages (${s.hostile} hostile), ${(s.ms / 1000).toFixed(1)} s; ` +
      `${s.killed} frozen process${s.killed === 1 ? '' : 'es'} killed, ${s.died} crashed`,
  ];
  if (skippedFrozen) lines.push(`  ${skippedFrozen} cases of configurations that had already frozen were not run`);
  if (notRun) lines.push(`  ${notRun} cases not run: the time budget was used up`);
  lines.push(`  ${s.failingCases} failing case${s.failingCases === 1 ? '' : 's'}, ${s.groups.length} distinct failure${s.groups.length === 1 ? '' : 's'}`);
  s.groups.forEach((g, i) => {
    const where = [...g.configs.entries()].map(([name, n]) => `${name} ×${n}`).join('; ');
    lines.push(`  ${i + 1}. ${g.kind}${g.cause ? ` — ${g.cause}` : ''} (${g.cases} case${g.cases === 1 ? '' : 's'}: ${where})`);
    lines.push(`     ${g.detail.length > 400 ? g.detail.slice(0, 400) + '…' : g.detail}`);
    if (g.first.failure.message) lines.push(`     message: ${g.first.failure.message}`);
    lines.push(`     replay: configIndex ${g.first.configIndex}, caseSeed ${g.first.caseSeed}`);
    if (g.reproduction)
      lines.push(
        g.reproduction
          .split('\n')
          .map((l) => `     ${l}`)
          .join('\n'),
      );
  });
  return lines.join('\n');
}
