import { ConfigError, toError } from '../../core/errors';
import { evaluateJSONata, prepareJSONata } from './jsonata';
import { RedAPI, RedNode } from './red';

/** Where a setting reads its value, as Node-RED's TypedInput names it. */
export type PropertyType = 'msg' | 'flow' | 'global' | 'env' | 'jsonata';

/** Every type a key or value may come from. */
export const SOURCE_TYPES: readonly PropertyType[] = ['msg', 'flow', 'global', 'env', 'jsonata'];

/**
 * Reads a non-msg property for one input (a message, or an element of a batch); calls `cb`
 * exactly once, synchronously where the source allows (env, memory context), later otherwise
 * (JSONata in Node-RED 4, file context stores).
 */
export type PropertySource = (input: object, cb: (err: Error | undefined, value: unknown) => void) => void;

/** The type setting beside a property (`keyPropertyType`…): empty means msg, as flows saved before it read. */
export function parsePropertyType(value: unknown, field: string, allowed: readonly PropertyType[]): PropertyType {
  if (value === undefined || value === null || value === '') return 'msg';
  if ((allowed as readonly unknown[]).includes(value)) return value as PropertyType;
  throw ConfigError.of(field, 'notOffered', { got: String(value), allowed: allowed.join(', ') });
}

/** How a property shows in errors and the status: `flow.limit`, `env.SITE`, `key expression`. */
export function sourceLabel(type: PropertyType, text: string, role: string): string {
  return type === 'jsonata' ? `${role} expression` : `${type}.${text}`;
}

/**
 * Compiles a flow, global, env or JSONata property. Flow and global read the node's context with
 * Node-RED's own rules (so `#:(store)::name` picks a context store, as in the Change node), env
 * reads the node's environment as Node-RED resolves it (flow, group, global, then the process),
 * and JSONata runs with the `$` bindings of Node-RED's core nodes ($flowContext, $env, …) on the
 * input. Throws ConfigError naming `field` for an empty name or an expression that does not parse.
 */
export function compilePropertySource(RED: RedAPI, node: RedNode, type: Exclude<PropertyType, 'msg'>, text: string, field: string): PropertySource {
  const value = text.trim();
  if (value === '') {
    throw type === 'jsonata'
      ? ConfigError.of(field, 'jsonataRequired')
      : type === 'env'
        ? ConfigError.of(field, 'envNameRequired')
        : ConfigError.of(field, 'contextNameRequired', { scope: type });
  }
  if (type === 'jsonata') {
    const prepared = prepareJSONata(RED, node, value, field);
    return (input, cb) => evaluateJSONata(RED, prepared, input, cb);
  }
  if (type === 'env') {
    return (input, cb) => {
      let result: unknown;
      try {
        result = RED.util.evaluateNodeProperty(value, 'env', node, input);
      } catch (err) {
        return cb(toError(err), undefined);
      }
      cb(undefined, result);
    };
  }
  return (input, cb) => {
    let called = false;
    const once = (err: Error | null | undefined, result: unknown): void => {
      if (called) return;
      called = true;
      cb(err ? toError(err) : undefined, result);
    };
    try {
      RED.util.evaluateNodeProperty(value, type, node, input, once);
    } catch (err) {
      once(toError(err), undefined);
    }
  };
}
