import { ConfigError } from '../../core/errors';

// `${NAME}` or `${NAME:-default}` filling a whole field. Node-RED replaces `${NAME}` itself when
// NAME is set and leaves the text as it is otherwise; it never knows the `:-default` form.
const ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?\}$/;

/**
 * A setting that may name an environment variable, shell style: `${MQTT_URL:-mqtt://localhost:1883}`
 * is MQTT_URL when it is set and not empty, else the default; `${MQTT_URL}` left over by Node-RED
 * (the variable is not set) is a ConfigError naming the variable. Anything else is returned as is.
 * `lookup` reads a variable as Node-RED does (flow, group and global environment, then the process).
 */
export function resolveEnvSetting(value: unknown, field: string, lookup: (name: string) => unknown): { value: unknown; from?: string } {
  if (typeof value !== 'string') return { value };
  const m = ENV_REFERENCE.exec(value.trim());
  if (!m) return { value };
  const [, name, fallback] = m;
  const found = lookup(name);
  if (typeof found === 'string' && found.trim() !== '') return { value: found.trim(), from: `environment variable ${name}` };
  if (fallback !== undefined && fallback.trim() !== '') return { value: fallback.trim(), from: `default (${name} is not set)` };
  throw ConfigError.of(field, 'envUnset', { name });
}
