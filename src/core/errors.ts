import { ConfigReason, ReasonParams, reasonText } from './config-reasons';
import { InputReason, inputReasonText } from './input-reasons';

/**
 * A setting that cannot be used; names the field and says what is allowed. Made with `of`, it also
 * carries the reason's code and parameters (config-reasons.ts), which the node layer translates.
 */
export class ConfigError extends Error {
  constructor(
    public readonly field: string,
    message: string,
    /** The reason's code in CONFIG_REASONS; '' when the reason is written out here only. */
    public readonly code: ConfigReason | '' = '',
    public readonly params: ReasonParams = {},
  ) {
    super(`${field}: ${message}`);
    this.name = 'ConfigError';
  }

  /** A ConfigError of `field` whose reason is CONFIG_REASONS[code] with `params`. */
  static of(field: string, code: ConfigReason, params: ReasonParams = {}): ConfigError {
    return new ConfigError(field, reasonText(code, params), code, params);
  }

  /** The same reason for a field inside another (`steps[1]` + `times` → `steps[1].times`). */
  within(prefix: string): ConfigError {
    return new ConfigError(`${prefix}.${this.field}`, this.message.slice(this.field.length + 2), this.code, this.params);
  }
}

/**
 * Saved state (a context store's snapshot or a changelog record) that cannot be restored: a
 * ConfigError of the field "snapshot" whose reason names the part and what was found. Made only
 * from a code (config-reasons.ts), so the node layer says it in the user's language; `inner` is
 * the error a reason quotes as __reason__, said the same way when it has a code too.
 */
export class SnapshotError extends ConfigError {
  private constructor(
    code: ConfigReason,
    params: ReasonParams,
    readonly inner: Error | undefined,
  ) {
    super('snapshot', reasonText(code, params), code, params);
    this.name = 'SnapshotError';
  }

  /** A SnapshotError whose reason is CONFIG_REASONS[code] with `params`. */
  static because(code: ConfigReason, params: ReasonParams = {}): SnapshotError {
    return new SnapshotError(code, params, undefined);
  }

  /** A SnapshotError quoting `inner` (any thrown value) as the reason's __reason__. */
  static quoting(code: ConfigReason, params: ReasonParams, inner: unknown): SnapshotError {
    const error = toError(inner);
    return new SnapshotError(code, { ...params, reason: error.message }, error);
  }
}

/**
 * A message that cannot be used (no number, unparseable time, bad key); the flow goes on. Made
 * with `of`, it carries the reason's code and parameters (input-reasons.ts), which the node layer
 * translates; its message is the English text.
 */
export class InputError extends Error {
  constructor(
    public readonly property: string,
    message: string,
    /** The reason's code in INPUT_REASONS; '' when the reason is written out here only. */
    public readonly code: InputReason | '' = '',
    public readonly params: ReasonParams = {},
  ) {
    super(message);
    this.name = 'InputError';
  }

  /** An InputError about `property` whose reason is INPUT_REASONS[code] with `params`. */
  static of(property: string, code: InputReason, params: ReasonParams = {}): InputError {
    return new InputError(property, inputReasonText(code, params), code, params);
  }

  /** The same reason for the property read under `prefix` (`payload.t` under `msg` → `msg.payload.t`). */
  under(prefix: string): InputError {
    const property = `${prefix}.${this.property}`;
    if (!this.code) return new InputError(property, `${prefix}.${this.message}`);
    return InputError.of(property, this.code, 'label' in this.params ? { ...this.params, label: `${prefix}.${this.params.label}` } : this.params);
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

/**
 * Any thrown value as an Error with a readable message. JSONata throws plain objects
 * ({ code, position, token, message }), which String() renders as "[object Object]"; their
 * message keeps the code, position and token, and so do the Error's own properties.
 */
export function toError(err: unknown): Error {
  if (err instanceof Error) return err;
  if (err !== null && typeof err === 'object') {
    const o = err as { message?: unknown; code?: unknown; position?: unknown; token?: unknown };
    const where: string[] = [];
    if (typeof o.code === 'string' || typeof o.code === 'number') where.push(String(o.code));
    if (typeof o.position === 'number') where.push(`at position ${o.position}`);
    if (o.token !== undefined && o.token !== null && typeof o.token !== 'object') where.push(`near ${JSON.stringify(String(o.token))}`);
    const text = typeof o.message === 'string' && o.message !== '' ? o.message : safeJSON(err);
    const details: Record<string, unknown> = {};
    for (const k of ['code', 'position', 'token'] as const) if (o[k] !== undefined) details[k] = o[k];
    return Object.assign(new Error(where.length ? `${text} (${where.join(' ')})` : text), details);
  }
  return new Error(err === undefined ? 'unknown error (undefined thrown)' : safeString(err));
}

function safeJSON(value: object): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined || text === '{}' ? 'unknown error (an object without a message)' : text.length > 200 ? text.slice(0, 200) + '…' : text;
  } catch {
    return 'unknown error (an object without a message)';
  }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'unknown error';
  }
}
