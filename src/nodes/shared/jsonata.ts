import { ConfigError, toError } from '../../core/errors';
import { RedAPI, RedNode } from './red';

/** An evaluator for one JSONata expression; resolves to the expression's value, rejects with an Error (see toError). */
export type JSONataEvaluator = (input: object) => Promise<unknown>;

/**
 * Prepares a JSONata expression with Node-RED's own JSONata (so $flowContext, $env, … work as in
 * the Change and Switch nodes). Node-RED 4 evaluates asynchronously only, hence the promise.
 * Throws ConfigError naming `field` when the expression does not parse.
 */
export function compileJSONata(RED: RedAPI, node: RedNode, expression: string, field: string): JSONataEvaluator {
  let prepared: object;
  try {
    prepared = RED.util.prepareJSONataExpression(expression, node);
  } catch (err) {
    throw new ConfigError(field, `"${expression}" is not a valid JSONata expression (${toError(err).message})`);
  }
  return (input) =>
    new Promise((resolve, reject) => {
      try {
        RED.util.evaluateJSONataExpression(prepared, input, (err, value) => (err ? reject(toError(err)) : resolve(value)));
      } catch (err) {
        // Thrown rather than passed to the callback: still an Error with JSONata's reason.
        reject(toError(err));
      }
    });
}
