/**
 * Starts kafka-flow-process.ts as a child process (a Node-RED runtime of its own) and follows
 * what it prints: when it is ready and how many records reached its flow.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';

export interface FlowSettings {
  brokers: string;
  topic: string;
  groupId: string;
  size: string;
  maxInFlight?: number;
  /** The flow finishes no record it reads (so the reader never commits nor checkpoints). */
  holdInput?: boolean;
  /** The stateful node: a tumbling count (default), an interval join, a detect node or one with its own windows (see kafka-flow-process.ts). */
  stage?: 'aggregate' | 'join' | 'detect' | 'detect-window';
  /** Says it is ready this long (ms) before it deploys and joins the group: a process slow to join. */
  lateJoinMs?: number;
  /** The join tells its sides apart by the record's topic (…-left, …-right) rather than payload.side. */
  sideByTopic?: boolean;
}

/** A running instance. */
export interface FlowInstance {
  readonly proc: ChildProcess;
  /** Records that reached the instance's flow, as last reported. */
  seen(): number;
  /** Resolves once the flow is deployed. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code or signal when the process ends. */
  readonly exited: Promise<string>;
  /** What the process wrote to stderr (for failure messages). */
  stderr(): string;
  /** The window results the instance wrote, in order. */
  readonly results: { topic?: unknown; window: Record<string, unknown>; join?: Record<string, unknown>; payload: Record<string, unknown> }[];
  /** When the last result arrived (Date.now()), 0 before the first. */
  lastResultAt(): number;
  /** Restores of window state the instance logged. */
  readonly restores: { keys: number; partitions: number; ms: number }[];
}

const root = path.join(__dirname, '..', '..');

/** Starts one instance; it joins the consumer group as soon as it is ready. */
export function startFlowInstance(settings: FlowSettings): FlowInstance {
  // STREAM_FLOW_NODE_ARGS: extra node options for every instance (e.g. --cpu-prof), to profile one.
  const extra = (process.env.STREAM_FLOW_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...extra, '-r', 'ts-node/register/transpile-only', path.join(__dirname, 'kafka-flow-process.ts')], {
    cwd: root,
    env: {
      ...process.env,
      TS_NODE_TRANSPILE_ONLY: 'true',
      TS_NODE_PROJECT: path.join(root, 'tsconfig.json'),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      STREAM_FLOW: JSON.stringify(settings),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = 0;
  let err = '';
  const restores: { keys: number; partitions: number; ms: number }[] = [];
  const results: FlowInstance['results'] = [];
  let lastResultAt = 0;
  let buf = '';
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  proc.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const o = JSON.parse(line) as { ready?: boolean; seen?: number; restored?: { keys: number; partitions: number; ms: number } };
        if (o.ready) readyResolve();
        if (o.restored) restores.push(o.restored);
        const r = (o as { result?: FlowInstance['results'][number] }).result;
        if (r) {
          results.push(r);
          lastResultAt = Date.now();
        }
        if (typeof (o as { log?: unknown }).log === 'string' && process.env.STREAM_FLOW_LOG)
          process.stderr.write(`[${proc.pid}] ${(o as { log: string }).log}\n`);
        if (typeof o.seen === 'number') seen = o.seen;
      } catch {
        // Not one of ours (a log line): ignore.
      }
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<string>((resolve) => {
    proc.on('exit', (code, signal) => {
      readyReject(new Error(`instance ended before it was ready (${signal ?? code}): ${err}`));
      resolve(String(signal ?? code));
    });
  });
  return { proc, seen: () => seen, ready, exited, stderr: () => err, restores, results, lastResultAt: () => lastResultAt };
}
