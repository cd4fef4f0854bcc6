/**
 * The rule settings of stream-filter's flow JSON, checked as the node reads them at deploy. Pure of
 * Node-RED, so the editor's rules (editor-rules.ts) run the same checks.
 */
import type { FilterRule } from '../../core/conditions/rule';
import { ConfigError } from '../../core/errors';

/** The rule list and how its verdicts combine; throws ConfigError naming the field. */
export function filterRuleList(config: { rules?: unknown; combine?: unknown }): { rules: FilterRule[]; combine: 'all' | 'any' } {
  const rules = config.rules;
  if (!Array.isArray(rules) || rules.length === 0) throw ConfigError.of('rules', 'rulesRequired');
  const combine = config.combine === undefined || config.combine === '' ? 'all' : config.combine;
  if (combine !== 'all' && combine !== 'any') throw ConfigError.of('combine', 'useEither', { got: String(combine), a: 'all', b: 'any' });
  return { rules: rules as FilterRule[], combine };
}

/** The expression of jsonata rule `i`; throws ConfigError when it has none. */
export function jsonataRuleExpression(rule: FilterRule, i: number): string {
  const expr = typeof rule.value === 'string' ? rule.value.trim() : '';
  if (!expr) throw ConfigError.of(`rules[${i}].value`, 'jsonataExpressionRequired');
  return expr;
}
