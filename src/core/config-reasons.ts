/**
 * Why a setting is refused, by a stable code: the English text with __name__ placeholders, the
 * syntax of Node-RED's message catalogs. A ConfigError made from a code carries the code and its
 * parameters, so the node layer can say it in the user's language (the build puts these texts
 * into every English catalog as configError.<code>; other languages translate them there), while
 * its message stays this English text for logs and tests.
 */
export const CONFIG_REASONS = {
  durationExpected: 'expected __forms__, got __got__',
  durationNegative: 'must not be negative (__forms__), got __got__',
  durationTooLong: 'must be at most __max__ ms (about 3,000 years), got __got__',
  durationZero: 'must be greater than 0 (__forms__), got __got__',
  durationRequired: 'a duration is required, e.g. 500ms, 10s, 5m, 1h30m',
  durationLongerThanZero: 'must be longer than 0 (got __got__)',
  durationZeroOrMore: 'must be 0 or more (got __got__)',
  durationAtLeast: 'must be at least __min__ms (__forms__), got __got__',
  msRange: 'must be a duration of 0 ms or more and at most __max__ ms, got __got__',
  msSigned: 'must be a duration in ms of at most __max__, got __got__',
  limitOrEmpty: 'must be a whole number of at least 1, or empty for no limit (got __got__)',
  limitOrUnset: 'must be a whole number ≥ 1 (or unset for no limit), got __got__',
  keyLimit: 'must be a whole number from 1 to __max__, or empty for __default__ (got __got__)',
  notAllowed: '"__got__" is not allowed; use one of __allowed__',
  oneOf: 'must be one of __allowed__, got __got__',
  numberRange: 'must be a number from __min__ to __max__, got __got__',
  wholeRange: 'must be a whole number of __unit__ between __min__ and __max__, got __got__',
  wholeBetween: 'must be a whole number of __unit__ between __min__ and __max__',
  percentile: 'percentile needs p between 0 and 100 (e.g. 95), got __got__',
  repeatForm: 'must be empty (once), +, {n}, {n,} or {n,m}, got __got__',
  repeatRange: 'needs 1 ≤ n ≤ m ≤ 1000000, got __got__',
  windowSpecExpected: 'expected a window spec { type: tumbling | sliding | session | global, ... }',
  durationPositiveMs: 'must be a duration greater than 0 ms and at most __max__ ms, got __got__',
  wholeMsSizeSlide: 'size and slide must be whole milliseconds, got size __size__ and slide __slide__',
  slideLongerThanSize: 'must not be longer than the size (__size__); for gaps between windows use a tumbling window',
  tooManyWindows:
    'size ÷ slide is __ratio__: every event would belong to that many windows (at most __max__ allowed); use a longer slide, or slide "event" for a window that moves with every event',
  maxDurationBelowGap: 'must be at least the gap (__gap__), or empty for no limit',
  offsetNotShorter: 'must be shorter than the __period__ (__length__)',
  overlapNoCount: 'needs a count: windows without one have nothing to overlap',
  countWhole: 'must be a whole number of events ≥ 1, got __got__',
  overlapWhole: 'must be a whole number of 0 or more, got __got__',
  overlapWholeOrEmpty: 'must be a whole number of 0 or more (got __got__)',
  overlapBelowCount: 'must be smaller than the count (__count__)',
  earlyEveryPositive: 'must be a duration greater than 0 when emit is "early"',
  eitherOf: 'must be __a__ or __b__, got __got__',
  kafkaTopicName: '__got__ is not a Kafka topic name (letters, digits, . _ -)',
} as const;

/** The code of a reason in CONFIG_REASONS. */
export type ConfigReason = keyof typeof CONFIG_REASONS;

/** Parameters of a reason: the values its placeholders take. */
export type ReasonParams = Record<string, string | number>;

/** The English text of reason `code` with its placeholders filled from `params`. */
export function reasonText(code: ConfigReason, params: ReasonParams = {}): string {
  return CONFIG_REASONS[code].replace(/__(\w+)__/g, (all, name: string) => (name in params ? String(params[name]) : all));
}
