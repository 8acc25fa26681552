/** Fields a version's parameters may not set: the caller's request decides them, and rendering drops them. */
const NOT_DEFAULTS: ReadonlySet<string> = new Set(['model', 'messages', 'prompt', 'stream', 'stream_options', 'user']);

/** A version's (or variant's) parameters as they are put into a rendered request. */
export function requestDefaults(parameters: Record<string, unknown>): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(parameters)) if (!NOT_DEFAULTS.has(field)) defaults[field] = value;
  return defaults;
}
