/** Filter rules: compiled once into a predicate over input records. */
export { compileRules } from './compile-rules';
export type { CompileRulesOptions, RuleFactory } from './compile-rules';
export { RULE_OPS } from './rule';
export type { FilterRule, Predicate, RuleOp, ValueTest } from './rule';
export { ruleRegExp } from './regex';
export { numericValue, booleanValue, deepEqual } from './rule-value';
