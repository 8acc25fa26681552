const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Provider names become BullMQ queue names and parts of Redis keys, so they hold no ':', braces or spaces. */
export function isValidProviderName(name: string): boolean {
  return PROVIDER_NAME.test(name);
}
