/**
 * The node configurations the fuzz harness deploys: every node type of the package that works
 * without a broker, in its main modes. For each, what the node must read from a single event
 * (and so must reject when it is unusable) and whether it keeps keyed state that `msg.reset`
 * addresses.
 */

/** One node configuration under test. */
export interface FuzzConfig {
  name: string;
  type: string;
  config: Record<string, unknown>;
  /** Output ports the node has. */
  ports: number;
  /** An event with an unusable time must be rejected (event-time windows, stream detection). */
  readsTime: boolean;
  /** An event with an object or array key must be rejected. */
  readsKey: boolean;
  /** An event whose value is not a finite number must be rejected. */
  readsNumber: boolean;
  /** Keeps state per key: `msg.reset` with an unusable topic must be an error, never "all keys". */
  keyed: boolean;
  /** Where the clean readings keep their value. */
  value: 'payload' | 'payload.temperature' | 'sim';
  /** The clean readings arrive as window messages (two readings each) rather than one by one. */
  cleanAs?: 'windows';
}

const windowed = { readsTime: true, readsKey: true, keyed: true };
const AGG_ALL = ['count', 'sum', 'avg', 'min', 'max', 'distinct', 'stddev', 'variance', 'median', 'first', 'last', 'range', 'rate']
  .map((op) => ({ op }))
  .concat([{ op: 'percentile', p: 95 } as { op: string; p?: number }]);

const win = (name: string, type: string, config: Record<string, unknown>, ports = 1): FuzzConfig => ({
  name,
  type,
  config,
  ports,
  ...windowed,
  readsNumber: false,
  value: 'payload',
});
const agg = (name: string, config: Record<string, unknown>, ports = 1): FuzzConfig => ({
  name,
  type: 'stream-aggregate',
  config,
  ports,
  ...windowed,
  readsNumber: true,
  value: 'payload',
});

const rule = (op: string, value?: unknown, value2?: unknown) => ({ property: 'payload', op, value, value2 });
const filter = (name: string, config: Record<string, unknown>, windowedFilter: boolean): FuzzConfig => ({
  name,
  type: 'stream-filter',
  config: { outputs: 2, ...config },
  ports: 2,
  readsTime: windowedFilter,
  readsKey: windowedFilter,
  readsNumber: false,
  keyed: windowedFilter,
  value: 'payload',
});

const detect = (name: string, config: Record<string, unknown>): FuzzConfig => ({
  name,
  type: 'stream-detect',
  config: { outputs: 2, ...config },
  ports: 2,
  readsTime: true,
  readsKey: true,
  readsNumber: true,
  keyed: true,
  value: 'payload',
});

export const FUZZ_CONFIGS: FuzzConfig[] = [
  win('tumbling 10s', 'stream-tumbling-window', { size: '10s' }),
  win(
    'tumbling 10s, late port, lateness 5s, out-of-order 2s',
    'stream-tumbling-window',
    { size: '10s', lateData: 'output', outputs: 2, allowedLateness: '5s', maxOutOfOrder: '2s' },
    2,
  ),
  win('tumbling 10s, emit update, watermark per key', 'stream-tumbling-window', { size: '10s', emit: 'update', watermarkScope: 'key' }),
  win('sliding 10s/1s', 'stream-sliding-window', { size: '10s', slide: '1s' }),
  win('sliding 10s/5s, offset 1s, (start,end]', 'stream-sliding-window', { size: '10s', slide: '5s', offset: '1s', bounds: '(start,end]' }),
  win('sliding 10s per event', 'stream-sliding-window', { size: '10s', slide: 'event' }),
  win('session gap 5s', 'stream-session-window', { gap: '5s' }),
  win('session gap 5s, maxDuration 20s, lateness 2s', 'stream-session-window', { gap: '5s', maxDuration: '20s', allowedLateness: '2s' }),
  win('global every 5', 'stream-global-window', { count: 5 }),
  win('global every 5, overlap 2', 'stream-global-window', { count: 5, overlap: 2 }),
  win('global, flushed only', 'stream-global-window', {}),

  agg('aggregate every op, tumbling 10s', { windowType: 'tumbling', size: '10s', aggregations: AGG_ALL }),
  agg('aggregate avg+max, sliding 10s/1s', { windowType: 'sliding', size: '10s', slide: '1s', aggregations: [{ op: 'avg' }, { op: 'max' }] }),
  agg('aggregate avg+sum+stddev+max, sliding 30s per event', {
    windowType: 'sliding',
    size: '30s',
    slide: 'event',
    aggregations: [{ op: 'avg' }, { op: 'sum' }, { op: 'stddev' }, { op: 'max' }],
  }),
  agg('aggregate count+avg, session 5s', { windowType: 'session', gap: '5s', aggregations: [{ op: 'count' }, { op: 'avg' }] }),
  agg('aggregate sum, global every 5', { windowType: 'global', count: 5, aggregations: [{ op: 'sum' }] }),
  agg('aggregate avg+min, tumbling 10s, having avg > 30', {
    windowType: 'tumbling',
    size: '10s',
    aggregations: [{ op: 'avg' }, { op: 'min' }],
    having: 'avg > 30',
  }),
  agg('aggregate avg as value, hopping 10s/5s with having', {
    windowType: 'sliding',
    size: '10s',
    slide: '5s',
    aggregations: [{ op: 'avg', as: 'mean' }],
    having: 'mean > 10',
  }),
  agg(
    'aggregate max, tumbling 10s, late port',
    {
      windowType: 'tumbling',
      size: '10s',
      lateData: 'output',
      outputs: 2,
      aggregations: [{ op: 'max' }],
      output: 'value',
    },
    2,
  ),
  {
    ...agg('aggregate avg of payload.temperature, tumbling 10s', { windowType: 'tumbling', size: '10s', valueProperty: 'payload.temperature' }),
    value: 'payload.temperature',
  },
  // Without its own window the node takes window messages (and rejects single events).
  {
    ...agg('aggregate avg+p95, window messages only', { windowType: 'none', aggregations: [{ op: 'avg' }, { op: 'percentile', p: 95 }] }),
    keyed: false,
    cleanAs: 'windows',
  },

  filter('filter eq/neq/contains, any', { combine: 'any', rules: [rule('eq', '42'), rule('neq', '7'), rule('contains', '5')] }, false),
  filter('filter gt/gte/lt/lte, all', { combine: 'all', rules: [rule('gt', '10'), rule('gte', '11'), rule('lt', '90'), rule('lte', '89')] }, false),
  filter('filter between 20..80 and exists', { rules: [rule('between', '20', '80'), { property: 'topic', op: 'exists' }] }, false),
  filter('filter regex ^[0-9]+$ (flags i)', { rules: [rule('regex', '^[0-9]+(\\.5)?$', 'i')] }, false),
  // The pattern is the user's; the payload it meets is not.
  filter('filter regex (a+)+$ (nested quantifier)', { rules: [rule('regex', '(a+)+$')] }, false),
  filter('filter jsonata payload > 30', { rules: [rule('jsonata', 'payload > 30')] }, false),
  filter('filter jsonata with a gt rule, any', { combine: 'any', rules: [rule('gt', '80'), rule('jsonata', '$string(payload) ~> /1/')] }, false),
  filter('filter between, tumbling 10s', { windowType: 'tumbling', size: '10s', rules: [rule('between', '20', '80')] }, true),
  filter('filter jsonata, sliding 10s/1s', { windowType: 'sliding', size: '10s', slide: '1s', rules: [rule('jsonata', 'payload < 70')] }, true),
  filter('filter gt, session 5s', { windowType: 'session', gap: '5s', rules: [rule('gt', '50')] }, true),

  detect('detect anomaly, stream', { pattern: 'anomaly', minHistory: 5 }),
  detect('detect spike, stream', { pattern: 'spike', history: '20', minHistory: 5 }),
  detect('detect changepoint, stream', { pattern: 'changepoint', history: '30', minHistory: 5 }),
  detect('detect trend, stream', { pattern: 'trend', history: '1m', minHistory: 5 }),
  detect('detect seasonality, stream', { pattern: 'seasonality', minHistory: 5 }),
  detect('detect spike, window mode tumbling 10s', { pattern: 'spike', mode: 'window', windowType: 'tumbling', size: '10s', minHistory: 3 }),
  detect('detect anomaly, window mode sliding 10s/1s', { pattern: 'anomaly', mode: 'window', windowType: 'sliding', size: '10s', slide: '1s', minHistory: 3 }),
  // Window mode without an own window analyses window messages only.
  {
    ...detect('detect trend, window messages only', { pattern: 'trend', mode: 'window', minHistory: 3 }),
    readsTime: false,
    readsKey: false,
    readsNumber: false,
    keyed: true,
    cleanAs: 'windows',
  },

  {
    name: 'sensor-sim, tick control',
    type: 'stream-sensor-sim',
    config: { ids: 'c1,c2', interval: '1s', seed: 7, startTime: Date.UTC(2026, 0, 1), autoStart: false },
    ports: 1,
    readsTime: false,
    readsKey: false,
    readsNumber: false,
    keyed: false,
    value: 'sim',
  },
];
