import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signing and verification as the Standard Webhooks spec defines them
 * (https://www.standardwebhooks.com): an HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` keyed with the base64 part of a `whsec_`
 * secret. Only node:crypto, so receivers can use this file on its own
 * (`@switchyard/webhooks/standard-webhooks`) without the queue machinery.
 */

export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

const SECRET_PREFIX = 'whsec_';
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// A type, not an interface, so it passes where a plain header record is expected.
export type WebhookSignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** The secret is not `whsec_` followed by base64 (the prefix may be left out, as the spec's libraries allow). */
export class WebhookSecretError extends Error {
  override name = 'WebhookSecretError';
  constructor() {
    super('webhook secret must be "whsec_" followed by non-empty base64');
  }
}

export type WebhookVerificationFailure =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_signature'
  | 'invalid_body';

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookVerificationFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The HMAC key a secret stands for; throws WebhookSecretError for anything else. */
export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // Buffer's base64 decoder skips characters it does not know, so a typo would silently change the key.
  if (encoded.length === 0 || !BASE64.test(encoded)) throw new WebhookSecretError();
  return Buffer.from(encoded, 'base64');
}

export function isValidWebhookSecret(secret: string): boolean {
  try {
    webhookSecretKey(secret);
    return true;
  } catch {
    return false;
  }
}

/** A new random secret: 32 bytes, within the 24–64 the spec recommends. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

function digest(key: Buffer, id: string, timestamp: number, body: string | Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

export interface SignWebhookInput {
  id: string;
  /** Unix seconds; now when left out. Each attempt is signed afresh so receivers' tolerance checks pass on retries. */
  timestamp?: number;
  body: string;
  secret: string;
}

export function signWebhook({ id, timestamp = Math.floor(Date.now() / 1000), body, secret }: SignWebhookInput): WebhookSignatureHeaders {
  const signature = digest(webhookSecretKey(secret), id, timestamp, body).toString('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

/** Node's IncomingHttpHeaders, a fetch `Headers`, or any plain record. */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : value;
}

export interface VerifyWebhookOptions {
  /** How far the timestamp may be from now, either way; 5 minutes by default, as the spec suggests. */
  toleranceSeconds?: number;
  /** Unix seconds; for tests. */
  now?: number;
}

/**
 * Checks a received webhook and returns its parsed JSON body. `body` must be
 * the raw bytes as received: re-serialised JSON will not match the signature.
 */
export function verifyWebhook<T = unknown>(headers: HeaderSource, body: string | Buffer, secret: string, options: VerifyWebhookOptions = {}): T {
  const key = webhookSecretKey(secret);
  const id = header(headers, WEBHOOK_ID_HEADER);
  const timestampText = header(headers, WEBHOOK_TIMESTAMP_HEADER);
  const signatures = header(headers, WEBHOOK_SIGNATURE_HEADER);
  if (!id || !timestampText || !signatures) {
    throw new WebhookVerificationError('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are all required');
  }
  if (!/^\d{1,15}$/.test(timestampText)) throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not unix seconds');
  const timestamp = Number(timestampText);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  // Without this bound an intercepted request could be replayed forever.
  if (now - timestamp > tolerance) throw new WebhookVerificationError('timestamp_too_old', 'webhook-timestamp is too old');
  if (timestamp - now > tolerance) throw new WebhookVerificationError('timestamp_too_new', 'webhook-timestamp is in the future');

  const expected = digest(key, id, timestamp, body);
  // Several signatures are sent while a secret is rotated; any v1 match will do.
  const matched = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const candidate = Buffer.from(value, 'base64');
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
  if (!matched) throw new WebhookVerificationError('invalid_signature', 'no webhook-signature matches');

  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new WebhookVerificationError('invalid_body', 'the signed body is not JSON');
  }
}
