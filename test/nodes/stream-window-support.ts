/**
 * Shared scaffolding for the window, aggregate and filter node tests: deploys a node under test
 * wired to collector nodes (one per output port) plus a Catch node, in a real Node-RED runtime.
 */
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { helper } from '../support/node-red-helper';
import tumbling = require('../../src/nodes/stream-tumbling-window');
import sliding = require('../../src/nodes/stream-sliding-window');
import session = require('../../src/nodes/stream-session-window');
import global = require('../../src/nodes/stream-global-window');
import aggregate = require('../../src/nodes/stream-aggregate');
import filter = require('../../src/nodes/stream-filter');
import join = require('../../src/nodes/stream-join');
import sequence = require('../../src/nodes/stream-sequence');

const catchNode = require('@node-red/nodes/core/common/25-catch.js');

export { helper };

export const NODES = [tumbling, sliding, session, global, aggregate, filter, join, sequence, catchNode];

export type Msg = Record<string, any>;

export interface Deployed {
  node: any;
  /** Messages per output port. */
  out: Msg[][];
  caught: Msg[];
  send(msg: Msg): void;
}

/** Deploys `type` with `config` (id 'n'), `ports` collectors and a Catch node on tab 'f'. */
export async function deploy(type: string, config: Record<string, unknown>, ports = 1, extra: object[] = []): Promise<Deployed> {
  const wires = Array.from({ length: ports }, (_, i) => [`out${i}`]);
  const flow = [
    { id: 'f', type: 'tab' },
    { id: 'n', type, z: 'f', wires, ...config },
    ...wires.map(([id]) => ({ id, type: 'helper', z: 'f' })),
    { id: 'catcher', type: 'catch', z: 'f', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f' },
    ...extra,
  ];
  await helper.load(NODES, flow);
  return attach(ports);
}

/** Collects from the current flow's collectors (after load or a simulated restart). */
export function attach(ports: number): Deployed {
  const out: Msg[][] = Array.from({ length: ports }, () => []);
  const caught: Msg[] = [];
  for (let i = 0; i < ports; i++) helper.getNode(`out${i}`).on('input', (m: Msg) => out[i].push(m));
  helper.getNode('caught').on('input', (m: Msg) => caught.push(m));
  const node = helper.getNode('n');
  return { node, out, caught, send: (msg) => node.receive(msg) };
}

/** Lets Node-RED deliver queued messages (it hands them on via setImmediate, which stays real). */
export async function settle(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

export { until } from '../support/poll';

/** Readings: one message per [topic, value, time]. */
export function events(list: Array<[string, unknown, number]>): Msg[] {
  return list.map(([topic, payload, timestamp]) => ({ topic, payload, timestamp }));
}

/** Payload values of a window message. */
export function values(msg: Msg): unknown[] {
  return (msg.payload as Msg[]).map((r) => r.payload);
}

/** A fresh temp dir for localfilesystem context stores. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'stream-ctx-'));
}

/** The last status the node set. */
export function lastStatus(node: any): Msg {
  const calls = node.status.getCalls();
  return calls.length ? calls[calls.length - 1].args[0] : {};
}

/**
 * The status text, refreshed now: a control message (msg.flush, which also fires the open
 * windows) refreshes the throttled status at once, so the test need not wait for its timer.
 */
export async function statusSoon(node: any): Promise<string> {
  node.receive({ flush: true });
  await settle();
  return lastStatus(node).text ?? '';
}

/**
 * Simulates a Node-RED restart with the context store configured in settings: stops the flows
 * (nodes save their state), closes and re-opens the context stores from disk with fresh in-memory
 * caches, then starts the same flows again with new node instances.
 */
export async function restart(ports: number): Promise<Deployed> {
  await helper._redNodes.stopFlows();
  await helper._context.close();
  helper._context.init(helper._settings);
  await helper._context.load();
  await helper._redNodes.startFlows();
  return attach(ports);
}

/** One line per window message, times in seconds after `t0`: "start..end firing [values]". */
export function fired(msgs: Msg[], t0: number): string[] {
  return msgs.map((m) => `${(m.window.start - t0) / 1000}..${(m.window.end - t0) / 1000} ${m.window.firing} ${JSON.stringify(values(m))}`);
}

/** A context store for helper.settings, see laterStore. */
export interface LaterStore {
  /** The store module: `contextStorage: { name: { module: store.module } }`. */
  module: () => object;
  /** While true, reads wait for release(). */
  hold: boolean;
  /** Answers the reads that waited, in order, and stops holding. */
  release(): void;
  /** How many reads wait. */
  waiting(): number;
}

/** A context store that answers a turn later, like a store backed by a database, or (hold) only when the test says so. */
export function laterStore(): LaterStore {
  const data = new Map<string, unknown>();
  const waiting: Array<() => void> = [];
  const store: LaterStore = {
    hold: false,
    release() {
      store.hold = false;
      for (const answer of waiting.splice(0)) answer();
    },
    waiting: () => waiting.length,
    module: () => ({
      open: () => Promise.resolve(),
      close: () => Promise.resolve(),
      get: (scope: string, key: string, cb: (err: null, v: unknown) => void) => {
        const answer = () => cb(null, data.get(`${scope}/${key}`));
        if (store.hold) waiting.push(answer);
        else setImmediate(answer);
      },
      set: (scope: string, key: string, value: unknown, cb: (err: null) => void) => {
        data.set(`${scope}/${key}`, JSON.parse(JSON.stringify(value)));
        setImmediate(() => cb(null));
      },
      keys: (_scope: string, cb: (err: null, v: string[]) => void) => cb(null, []),
      delete: () => Promise.resolve(),
      clean: () => Promise.resolve(),
    }),
  };
  return store;
}

/** Configures a file context store named 'file' in a fresh directory (see restart). */
export function useFileStore(): void {
  helper.settings({ contextStorage: { file: { module: 'localfilesystem', config: { dir: tempDir(), flushInterval: 30 } } } });
}

/** The window settings a processor's own windows are compared over, with the window node that builds the same windows. */
export const EQUIVALENCE_WINDOWS: Array<{ settings: Record<string, string>; windowNode: string }> = [
  { settings: { windowType: 'tumbling', size: '7s' }, windowNode: 'stream-tumbling-window' },
  { settings: { windowType: 'sliding', size: '9s', slide: '3s' }, windowNode: 'stream-sliding-window' },
  { settings: { windowType: 'session', gap: '4s' }, windowNode: 'stream-session-window' },
  { settings: { windowType: 'global', count: '5' }, windowNode: 'stream-global-window' },
];

/** Random streams of two keys, 700 ms apart and up to 3 s out of order, with values in [min, max]. */
export function jitteredStream(t0: number, min: number, max: number): fc.Arbitrary<Msg[]> {
  return fc
    .array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min, max }), fc.integer({ min: 0, max: 3000 })), { minLength: 1, maxLength: 40 })
    .map((steps) => steps.map(([key, v, jitter], i) => ({ topic: key, payload: v, timestamp: t0 + 700 * (i + 1) - jitter })));
}

/**
 * Runs a processor (`type` with `config`) on its own window, or behind the window node that builds
 * the same windows, over `input` then a flush; returns each output message described by `describe`, sorted.
 */
export async function ownOrChained(
  window: (typeof EQUIVALENCE_WINDOWS)[number],
  type: string,
  config: Record<string, unknown>,
  input: Msg[],
  chained: boolean,
  describe: (m: Msg) => unknown[],
): Promise<string[]> {
  const settings = { ...window.settings, maxOutOfOrder: '2s' };
  const d = chained
    ? await deploy(window.windowNode, { ...settings, wires: [['proc']] }, 1, [{ id: 'proc', type, z: 'f', windowType: 'none', ...config, wires: [['out0']] }])
    : await deploy(type, { ...settings, ...config });
  input.forEach((m) => d.send({ ...m }));
  d.send({ flush: true });
  await settle(12);
  await helper.unload();
  return d.out[0].map((m) => JSON.stringify(describe(m))).sort();
}
