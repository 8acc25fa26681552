import { parseRetryAfter, type WebhookDelivery } from '@switchyard/contracts';
import { SafeRequestError, type SafeRequestOptions, safePost } from './safe-request';
import { signWebhook } from './standard-webhooks';

export const WEBHOOK_USER_AGENT = 'Switchyard-Webhooks/1';

/**
 * What one POST came to. Every non-2xx answer is retried, 4xx included (a
 * receiver mid-deploy or rotating its secret answers 404 or 401 for a while),
 * except 410 Gone: the receiver says the endpoint is gone for good. A refused
 * destination or an unusable URL fails the same way every time, so it is not
 * retried either.
 */
export type AttemptOutcome =
  | { result: 'delivered'; status: number; host: string; durationMs: number }
  | { result: 'retryable' | 'permanent'; status?: number; error: string; host: string; durationMs: number; retryAfterMs?: number; detail?: string };

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

export async function attemptDelivery(delivery: WebhookDelivery, secret: string, options: SafeRequestOptions): Promise<AttemptOutcome> {
  const started = Date.now();
  const headers = {
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
    ...signWebhook({ id: delivery.eventId, body: delivery.body, secret }),
  };
  try {
    const response = await safePost(delivery.url, delivery.body, headers, options);
    const durationMs = Date.now() - started;
    const { status, host } = response;
    if (status >= 200 && status < 300) return { result: 'delivered', status, host, durationMs };
    if (status === 410) return { result: 'permanent', status, host, durationMs, error: 'the receiver answered 410 Gone' };
    const retryAfter = status === 429 || status === 503 ? parseRetryAfter(firstHeader(response.headers['retry-after']), Date.now()) : undefined;
    return {
      result: 'retryable',
      status,
      host,
      durationMs,
      error: `the receiver answered HTTP ${status}`,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    };
  } catch (error) {
    const durationMs = Date.now() - started;
    const host = hostOf(delivery.url);
    if (!(error instanceof SafeRequestError)) throw error;
    const permanent = error.kind === 'refused' || error.kind === 'invalid_url';
    return {
      result: permanent ? 'permanent' : 'retryable',
      host,
      durationMs,
      error: error.message,
      ...(error.detail === undefined ? {} : { detail: error.detail }),
    };
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
