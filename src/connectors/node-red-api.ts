/**
 * The extra slice of the Node-RED runtime API the connector nodes use on top of the one the
 * processing nodes declare (config nodes, credentials, TLS config, messaging hooks).
 */
import { ConfigError } from '../core/errors';
import type { NodeConstructor, RedAPI, RedNode } from '../nodes/shared/red';
import type { HooksApi } from './handled-tracker';

/** A node with credentials (username/password) as Node-RED stores them outside the flow file. */
export interface CredentialNode extends RedNode {
  credentials?: { user?: string; password?: string };
  debug?(message: unknown): void;
}

/** Node-RED's `tls-config` node. */
export interface TlsConfigNode {
  valid?: boolean;
  verifyservercert?: boolean;
  addTLSOptions(opts: Record<string, unknown>): Record<string, unknown>;
}

/** RED with getNode, credentials registration and hooks. */
export interface ConnectorRedAPI extends RedAPI {
  nodes: RedAPI['nodes'] & {
    getNode(id: string): unknown;
    registerType(type: string, constructor: NodeConstructor, options?: { credentials?: Record<string, { type: string }> }): void;
  };
  hooks: HooksApi;
  util: RedAPI['util'] & { generateId(): string };
}

/**
 * Reads TLS options from a tls-config node; undefined when none is configured. Throws ConfigError
 * ('tls') when the chosen node is missing or could not read its files: connecting without its CA
 * would only end in a certificate error that hides the real cause.
 */
export function tlsOptionsFrom(RED: ConnectorRedAPI, tlsId: unknown): Record<string, unknown> | undefined {
  if (typeof tlsId !== 'string' || !tlsId || tlsId === '_ADD_') return undefined;
  const tls = RED.nodes.getNode(tlsId) as TlsConfigNode | null;
  if (!tls) throw ConfigError.of('tls', 'tlsMissing', { id: tlsId });
  if (tls.valid === false) throw ConfigError.of('tls', 'tlsUnreadable');
  const opts: Record<string, unknown> = {};
  tls.addTLSOptions(opts);
  return opts;
}

/** Parses an integer setting within bounds, or the default when empty; undefined when invalid. */
export function intSetting(value: unknown, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === null || value === '') return dflt;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < min || n > max) return undefined;
  return n;
}

/**
 * Node-RED's messaging hooks. RED.hooks is part of the node API since Node-RED 1.3; hosts that
 * build a reduced RED object (the node test helper) leave it out, and then the runtime's own
 * module is the same registry the message router triggers.
 */
export function hooksOf(RED: ConnectorRedAPI): HooksApi | undefined {
  if (RED.hooks) return RED.hooks;
  try {
    return require('@node-red/util').hooks as HooksApi;
  } catch {
    return undefined;
  }
}
