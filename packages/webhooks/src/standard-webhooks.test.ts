import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, isValidWebhookSecret, signWebhook, verifyWebhook, WebhookSecretError, WebhookVerificationError } from './standard-webhooks';

// The signing vector of the Standard Webhooks reference library's own tests.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

function failureOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return (error as WebhookVerificationError).reason;
  }
}

describe('signWebhook', () => {
  it('matches the reference implementation’s known vector', () => {
    const headers = signWebhook({ id: VECTOR.id, timestamp: VECTOR.timestamp, body: VECTOR.body, secret: VECTOR.secret });
    expect(headers).toEqual({ 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature });
  });

  it('is accepted by the standardwebhooks package, and accepts what it signs', () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: 'job.succeeded', data: { id: 'job_1', text: 'héllo ✓' } });
    const ours = signWebhook({ id: 'evt_1', body, secret });
    expect(new Webhook(secret).verify(body, { ...ours })).toEqual(JSON.parse(body));

    const now = new Date();
    const theirs = {
      'webhook-id': 'evt_2',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign('evt_2', now, body),
    };
    expect(verifyWebhook(theirs, body, secret)).toEqual(JSON.parse(body));
  });
});

describe('verifyWebhook', () => {
  const secret = generateWebhookSecret();
  const body = '{"type":"job.failed"}';
  const signed = signWebhook({ id: 'evt_1', body, secret });

  it('returns the parsed event, from any header casing, string or Buffer body', () => {
    expect(verifyWebhook(signed, body, secret)).toEqual({ type: 'job.failed' });
    const upper = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toUpperCase(), value]));
    expect(verifyWebhook(upper, Buffer.from(body), secret)).toEqual({ type: 'job.failed' });
    expect(verifyWebhook(new Headers({ ...signed }), body, secret)).toEqual({ type: 'job.failed' });
  });

  it('accepts any matching signature among several (secret rotation)', () => {
    const rotated = { ...signed, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} v2,abc ${signed['webhook-signature']}` };
    expect(verifyWebhook(rotated, body, secret)).toEqual({ type: 'job.failed' });
  });

  it('refuses a tampered body, a wrong secret, a changed id', () => {
    expect(failureOf(() => verifyWebhook(signed, '{"type":"job.succeeded"}', secret))).toBe('invalid_signature');
    expect(failureOf(() => verifyWebhook(signed, body, generateWebhookSecret()))).toBe('invalid_signature');
    expect(failureOf(() => verifyWebhook({ ...signed, 'webhook-id': 'evt_2' }, body, secret))).toBe('invalid_signature');
    expect(failureOf(() => verifyWebhook({ ...signed, 'webhook-signature': 'v1,' }, body, secret))).toBe('invalid_signature');
  });

  it('refuses a stale or future timestamp, outside the tolerance', () => {
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 360;
    const stale = signWebhook({ id: 'evt_1', body, secret, timestamp: sixMinutesAgo });
    expect(failureOf(() => verifyWebhook(stale, body, secret))).toBe('timestamp_too_old');
    expect(verifyWebhook(stale, body, secret, { toleranceSeconds: 600 })).toEqual({ type: 'job.failed' });
    const future = signWebhook({ id: 'evt_1', body, secret, timestamp: sixMinutesAgo + 720 });
    expect(failureOf(() => verifyWebhook(future, body, secret))).toBe('timestamp_too_new');
  });

  it('refuses missing headers and a timestamp that is not unix seconds', () => {
    expect(failureOf(() => verifyWebhook({ 'webhook-id': 'evt_1' }, body, secret))).toBe('missing_headers');
    expect(failureOf(() => verifyWebhook({ ...signed, 'webhook-timestamp': '12e3' }, body, secret))).toBe('invalid_timestamp');
  });
});

describe('webhook secrets', () => {
  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secret).not.toBe(generateWebhookSecret());
  });

  it('refuses secrets that are not base64, rather than signing with a silently different key', () => {
    expect(isValidWebhookSecret(VECTOR.secret)).toBe(true);
    expect(isValidWebhookSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe(true);
    for (const bad of ['', 'whsec_', 'whsec_not base64!', 'hunter2']) expect(isValidWebhookSecret(bad)).toBe(false);
    expect(() => signWebhook({ id: 'e', body: '{}', secret: 'whsec_%%%' })).toThrow(WebhookSecretError);
  });
});
