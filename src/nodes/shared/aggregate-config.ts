/**
 * The aggregation settings of stream-aggregate's flow JSON, converted and checked as the node
 * reads them at deploy. Pure of Node-RED, so the editor's rules (editor-rules.ts) run the same checks.
 */
import { AggregationSet, compileAggregations } from '../../core/aggregates/compile-aggregations';
import { dedupAggregations } from '../../core/aggregates/dedup';
import { ConfigError } from '../../core/errors';
import type { AggregationSetting } from '../../core/types';
import { normaliseProperty } from './msg-property';

/** What stream-aggregate reads of its aggregations, output form, rounding and deduplication. */
export interface AggregateSettings {
  aggregations: AggregationSet<object>;
  /** `object`: `{ <name>: value, … }`; `value`: the one aggregation's bare value. */
  output: 'object' | 'value';
  /** Decimals results are rounded to; undefined = as computed. */
  round?: number;
}

/** The aggregation list from flow JSON, with property defaulting to the node's value property. */
function aggregationSpecs(aggregations: unknown, valueProperty: string): AggregationSetting[] {
  const list = aggregations === undefined ? [{ op: 'avg' }] : aggregations;
  if (!Array.isArray(list) || list.length === 0) throw ConfigError.of('aggregations', 'aggregationsRequired');
  return list.map((a: AggregationSetting) => {
    const spec: AggregationSetting = { ...a, property: normaliseProperty(a?.property, '') || valueProperty };
    if (spec.as === '' || spec.as === null) delete spec.as;
    if (spec.p === '' || spec.p === null || spec.p === undefined) delete spec.p;
    else spec.p = Number(spec.p);
    // compileAggregations checks every field of every spec and names the one at fault.
    return spec;
  });
}

/** Decimals results are rounded to; undefined = as computed. */
function roundSetting(value: unknown): number | undefined {
  if (value === undefined || value === null || String(value).trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 15) throw ConfigError.of('round', 'roundDecimals', { got: JSON.stringify(value) });
  return n;
}

/** Converts and checks aggregations, dedup, output and round; throws ConfigError naming the field. */
export function parseAggregateSettings(config: {
  valueProperty?: unknown;
  aggregations?: unknown;
  dedup?: unknown;
  output?: unknown;
  round?: unknown;
}): AggregateSettings {
  const valueProperty = normaliseProperty(config.valueProperty, 'payload');
  const compiled = compileAggregations<object>(aggregationSpecs(config.aggregations, valueProperty));
  // Empty: every event counts; else only the first event of each value of that property, per window.
  const dedup = normaliseProperty(config.dedup, '');
  const aggregations = dedup === '' ? compiled : dedupAggregations(compiled, dedup);
  const output = config.output === undefined || config.output === '' ? 'object' : config.output;
  if (output !== 'object' && output !== 'value') throw ConfigError.of('output', 'useEither', { got: String(output), a: 'object', b: 'value' });
  if (output === 'value' && aggregations.names.length !== 1) {
    throw ConfigError.of('output', 'valueNeedsOne', { count: aggregations.names.length });
  }
  return { aggregations, output, round: roundSetting(config.round) };
}
