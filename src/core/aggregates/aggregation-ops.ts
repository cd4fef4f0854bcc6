/** The aggregations a user can pick; a module of its own so the editor's rules file carries the list without the aggregates. */
export type AggregationOp =
  | 'count'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'distinct'
  | 'stddev'
  | 'variance'
  | 'median'
  | 'percentile'
  | 'percentileDisc'
  | 'first'
  | 'last'
  | 'previous'
  | 'range'
  | 'rate';

/** Every aggregation op, in the order the editor lists them. */
export const AGGREGATION_OPS: readonly AggregationOp[] = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'distinct',
  'stddev',
  'variance',
  'median',
  'percentile',
  'percentileDisc',
  'first',
  'last',
  'previous',
  'range',
  'rate',
];
