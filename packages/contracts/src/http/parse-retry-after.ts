/** A fetch `Headers`, or the header object the provider SDKs put on their errors. */
export interface HeaderLookup {
  get(name: string): string | null;
}

const DELAY_SECONDS = /^-?\d+$/;

/**
 * Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from
 * `now`. The RFC allows whole seconds only, so a fraction, an exponent or hex
 * is unreadable rather than a number. A negative delay or a date already
 * past is 0: the server allows a retry at once. Empty or unreadable:
 * undefined, and the caller's own backoff decides.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  if (DELAY_SECONDS.test(text)) return Math.max(0, Number(text) * 1000);
  // Any other number (1.5, 1e3, 0x10) is not delay-seconds, and Date.parse would read some as dates.
  if (Number.isFinite(Number(text))) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * When an upstream allows the next try: OpenAI's `retry-after-ms` when it
 * sends one (finer than seconds), else `retry-after`. In ms, or undefined.
 */
export function retryAfterFromHeaders(headers: HeaderLookup | undefined, now = Date.now()): number | undefined {
  if (headers === undefined) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  return parseRetryAfter(headers.get('retry-after'), now);
}
