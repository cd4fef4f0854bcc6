/**
 * The slice of the Node-RED runtime API the adapters use. Node-RED ships no TypeScript types of
 * its own, and depending on @types/node-red would pin an outdated shape, so we declare exactly
 * what we call.
 */

/** A Node-RED message: any object; `_msgid` is set by the runtime. */
export interface NodeMessage {
  _msgid?: string;
  topic?: unknown;
  payload?: unknown;
  [key: string]: unknown;
}

/** `send` as passed to an input handler: one message, or one entry per output port. */
export type SendFn = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null | undefined>) => void;

/** `done` as passed to an input handler: no argument on success, the error otherwise. */
export type DoneFn = (err?: Error) => void;

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export interface ContextStore {
  get(key: string, store: string | undefined, cb: (err: Error | null | undefined, value: unknown) => void): void;
  set(key: string, value: unknown, store: string | undefined, cb: (err?: Error | null) => void): void;
}

/** A running node instance (the `this` of a node constructor). */
export interface RedNode {
  id: string;
  /** The node type; names the message catalog its runtime text comes from. */
  type: string;
  name?: string;
  on(event: 'input', listener: (msg: NodeMessage, send: SendFn, done: DoneFn) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  send(msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null | undefined>): void;
  status(status: NodeStatus | Record<string, never>): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(message: unknown): void;
  log(message: unknown): void;
  context(): ContextStore;
}

/** A node's constructor as Node-RED calls it: `this` is the new node, the argument its config. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each node declares its own config type
export type NodeConstructor = (this: any, config: any) => void;

/** A JSONata expression prepared by RED.util.prepareJSONataExpression. */
export type PreparedJSONata = object;

/** The RED object handed to a node module. */
export interface RedAPI {
  nodes: {
    createNode(node: object, config: object): void;
    registerType(type: string, constructor: NodeConstructor, options?: object): void;
  };
  util: {
    prepareJSONataExpression(expression: string, node: RedNode): PreparedJSONata;
    evaluateJSONataExpression(expr: PreparedJSONata, msg: object, callback: (err: Error | null, value: unknown) => void): void;
    cloneMessage<T>(msg: T): T;
    /** Reads a TypedInput value: `type` msg, flow, global, env, str, num, jsonata…; callback form for async stores. */
    evaluateNodeProperty(value: string, type: string, node: RedNode, msg: object, callback?: (err: Error | null, value: unknown) => void): unknown;
  };
  settings: Record<string, unknown>;
  /** Text of `key` in this node set's message catalog; Node-RED prefixes the namespace. Absent in some embeddings. */
  _?(key: string, params?: Record<string, unknown>): string;
}

/** Config fields every stream node has in its flow JSON. */
export interface BaseNodeConfig {
  id: string;
  type: string;
  name?: string;
  [key: string]: unknown;
}
