/** Strips an optional `msg.` prefix: flows written by hand often include it. */
export function normaliseProperty(value: unknown, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  const text = String(value).trim();
  return text.startsWith('msg.') ? text.slice(4) : text;
}
