// Node types the tests go through one by one.

/** The window and processor nodes: the ones that map messages to events and window them. */
export const WINDOWING_TYPES = [
  'stream-tumbling-window',
  'stream-sliding-window',
  'stream-session-window',
  'stream-global-window',
  'stream-aggregate',
  'stream-filter',
  'stream-detect',
];
