/** A configuration problem found at start; the message names the file and the key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
