/** The filter node's rule vocabulary: what a rule says and what it compiles to. */

/** The comparisons a filter rule can make. */
export type RuleOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'between' | 'contains' | 'regex' | 'exists' | 'jsonata';

/** Every rule op, in the order the editor lists them. */
export const RULE_OPS: readonly RuleOp[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'contains', 'regex', 'exists', 'jsonata'];

/** The rule ops a sequence step can use: every filter op but jsonata, whose evaluation is asynchronous. */
export const SEQUENCE_RULE_OPS: readonly RuleOp[] = RULE_OPS.filter((op) => op !== 'jsonata');

/** One entry of the filter node's `rules` setting. */
export interface FilterRule {
  /** Path into the input record; default `payload`. */
  property?: string;
  op: RuleOp | string;
  value?: unknown;
  /** Upper end for between; flags for regex. */
  value2?: unknown;
}

/** A compiled rule or rule set: true when the input passes. */
export type Predicate<IN = unknown> = (input: IN) => boolean;

/** A compiled test of one property value. */
export type ValueTest = (value: unknown) => boolean;
