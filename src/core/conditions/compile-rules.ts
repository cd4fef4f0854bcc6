/**
 * The filter node's rule compiler, regex rules on the RE2 engine (regex.ts): linear-time matching,
 * so no pattern a flow carries can stall the runtime.
 */
import { regexTest } from './regex';
import { CompileRules, ruleCompiler } from './rule-compiler';

export type { CompileRulesOptions, RuleFactory } from './rule-compiler';

/**
 * Compiles filter rules into one predicate: `all` passes when every rule does, `any` when one
 * does (so no rules pass everything under all and nothing under any). Throws ConfigError naming
 * the rule field (`rules[1].value: invalid regular expression …`) and what is allowed.
 */
export const compileRules: CompileRules = ruleCompiler(regexTest);
