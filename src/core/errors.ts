/** A setting that cannot be used; names the field and says what is allowed. */
export class ConfigError extends Error {
  constructor(public readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** A message that cannot be used (no number, unparseable time, bad key); the flow goes on. */
export class InputError extends Error {
  constructor(public readonly property: string, message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Describes a value's type for error messages: 'string "abc"', 'null', 'object'. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number') return `number ${value}`;
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
