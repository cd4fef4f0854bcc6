/**
 * Node-RED flows for the integration tests: our connector nodes, stream-aggregate and the core
 * nodes they are wired with, loaded into node-red-node-test-helper; plus a collector and a
 * condition wait (the tests wait for messages from real brokers, never for a fixed time).
 */
import { until as poll } from '../support/poll';
import { helper } from '../support/node-red-helper';

const nodeModules = [
  require('../../src/nodes/stream-mqtt-broker'),
  require('../../src/nodes/stream-mqtt-in'),
  require('../../src/nodes/stream-mqtt-out'),
  require('../../src/nodes/stream-kafka-broker'),
  require('../../src/nodes/stream-kafka-in'),
  require('../../src/nodes/stream-kafka-out'),
  require('../../src/nodes/stream-aggregate'),
  require('@node-red/nodes/core/function/10-function.js'),
  require('@node-red/nodes/core/common/25-catch.js'),
  require('@node-red/nodes/core/common/24-complete.js'),
  require('@node-red/nodes/core/common/25-status.js'),
  require('@node-red/nodes/core/network/05-tls.js'),
];

export type Msg = Record<string, any>;
export type FlowNode = Record<string, unknown> & { id: string; type: string };

/** stream-aggregate `agg` over the readings' `payload.v`, a window every 3 readings of a key, results to `out`. */
export function aggregateEvery3(aggregations: Array<{ op: string }>): FlowNode {
  return { id: 'agg', type: 'stream-aggregate', windowType: 'global', count: '3', valueProperty: 'payload.v', aggregations, wires: [['out']] };
}

/** Deploys a flow (all nodes on tab "f"); credentials by node id. */
export async function deploy(nodes: FlowNode[], credentials: Record<string, unknown> = {}): Promise<void> {
  const flow = [{ id: 'f', type: 'tab' }, ...nodes.map((n) => (n.type.endsWith('-broker') || n.type === 'tls-config' ? n : { z: 'f', x: 0, y: 0, ...n }))];
  await helper.load(nodeModules, flow, credentials);
}

/** Stops the deployed flow (its nodes' close handlers run). */
export async function undeploy(): Promise<void> {
  await helper.unload();
}

/** Stops the flow's nodes as a redeploy does (their close handlers run), still recording what they log. */
export async function stopFlows(): Promise<void> {
  await helper._redNodes.stopFlows();
}

/** Errors the runtime logged for node `id` since the flow was deployed (node.error without a message lands here). */
export function loggedErrors(id: string): string[] {
  const spy = helper.log();
  return spy.args
    .map((a: any[]) => a[0])
    .filter((e: any) => e && e.level === spy.ERROR && e.id === id)
    .map((e: any) => String(e.msg));
}

/** Warnings the runtime logged for node `id` since the flow was deployed. */
export function loggedWarnings(id: string): string[] {
  const spy = helper.log();
  return spy.args
    .map((a: any[]) => a[0])
    .filter((e: any) => e && e.level === spy.WARN && e.id === id)
    .map((e: any) => String(e.msg));
}

export function getNode(id: string): any {
  return helper.getNode(id);
}

/** Every message that reaches helper node `id`, which completes each one (calls done()) like a well-behaved node. */
export function collect(id: string): Msg[] {
  const out: Msg[] = [];
  helper.getNode(id).on('input', (m: Msg, _send: unknown, done: () => void) => {
    out.push(m);
    done();
  });
  return out;
}

/** The latest status each node showed. */
export function watchStatus(ids: string[]): Map<string, Msg> {
  const last = new Map<string, Msg>();
  for (const id of ids) {
    const n = helper.getNode(id);
    const orig = n.status.bind(n);
    n.status = (s: Msg) => {
      last.set(id, s);
      return orig(s);
    };
  }
  return last;
}

/** test/support/poll's until() with the deadline first, as the broker tests write it. */
export function until(cond: () => boolean | Promise<boolean>, ms: number, what: string | (() => string)): Promise<void> {
  return poll(cond, what, ms);
}

/** For conditions that need a round trip to a broker to check. */
export const untilAsync = until;

/** A unique suffix so topics, groups and client ids never collide between tests or runs. */
export function unique(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
