import { ConfigError, toError } from '../../core/errors';
import { PreparedJSONata, RedAPI, RedNode } from './red';

/** An evaluator for one JSONata expression; resolves to the expression's value, rejects with an Error (see toError). */
export type JSONataEvaluator = (input: object) => Promise<unknown>;

/**
 * Prepares a JSONata expression with Node-RED's own JSONata (so $flowContext, $env, … work as in
 * the Change and Switch nodes). Throws ConfigError naming `field` when the expression does not parse.
 */
export function prepareJSONata(RED: RedAPI, node: RedNode, expression: string, field: string): PreparedJSONata {
  try {
    return RED.util.prepareJSONataExpression(expression, node);
  } catch (err) {
    throw ConfigError.of(field, 'jsonataInvalid', { expression, reason: toError(err).message });
  }
}

/** Evaluates a prepared expression against `input`; `cb` is called once, with JSONata's reason as an Error on failure. */
export function evaluateJSONata(RED: RedAPI, prepared: PreparedJSONata, input: object, cb: (err: Error | undefined, value: unknown) => void): void {
  let called = false;
  const once = (err: Error | undefined, value: unknown): void => {
    if (called) return;
    called = true;
    cb(err, value);
  };
  try {
    RED.util.evaluateJSONataExpression(prepared, input, (err, value) => (err ? once(toError(err), undefined) : once(undefined, value)));
  } catch (err) {
    // Thrown rather than passed to the callback: still an Error with JSONata's reason.
    once(toError(err), undefined);
  }
}

/**
 * compileJSONata: prepareJSONata and a promise per evaluation. Node-RED 4 evaluates
 * asynchronously only, hence the promise.
 */
export function compileJSONata(RED: RedAPI, node: RedNode, expression: string, field: string): JSONataEvaluator {
  const prepared = prepareJSONata(RED, node, expression, field);
  return (input) => new Promise((resolve, reject) => evaluateJSONata(RED, prepared, input, (err, value) => (err ? reject(err) : resolve(value))));
}
