import { ConfigError } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_EVENT_AGE_MS, DEFAULT_RETRY_DELAYS_MS } from './retry-policy';
import { generateWebhookSecret } from './standard-webhooks';
import { deliverySettingsFromEnv, loadWebhookEnv } from './webhook-env';

describe('loadWebhookEnv', () => {
  it('defaults to public destinations only, the standard retry schedule and no platform secret', () => {
    const settings = deliverySettingsFromEnv(loadWebhookEnv({ WEBHOOK_SECRET: '', WEBHOOK_RETRY_DELAYS_MS: '', WEBHOOK_TIMEOUT_MS: '' }));
    expect(settings).toMatchObject({
      connectTimeoutMs: 5_000,
      timeoutMs: 15_000,
      retry: { delaysMs: DEFAULT_RETRY_DELAYS_MS, maxAgeMs: DEFAULT_MAX_EVENT_AGE_MS },
    });
    expect(settings.defaultSecret).toBeUndefined();
    expect(settings.policy.allowsAddress('127.0.0.1')).toBe(false);
  });

  it('reads the secret, the allowlist and the retry delays', () => {
    const secret = generateWebhookSecret();
    const settings = deliverySettingsFromEnv(
      loadWebhookEnv({ WEBHOOK_SECRET: secret, WEBHOOK_ALLOWLIST: '10.0.0.0/8, hooks.internal', WEBHOOK_RETRY_DELAYS_MS: '10, 20,30' }),
    );
    expect(settings.defaultSecret).toBe(secret);
    expect(settings.policy.allowsAddress('10.1.1.1')).toBe(true);
    expect(settings.policy.allowsHost('hooks.internal')).toBe(true);
    expect(settings.retry.delaysMs).toEqual([10, 20, 30]);
  });

  it('refuses a secret that is not whsec_, an unparseable allowlist or delays, naming the variable', () => {
    expect(() => loadWebhookEnv({ WEBHOOK_SECRET: 'hunter2' })).toThrow(/WEBHOOK_SECRET/);
    expect(() => loadWebhookEnv({ WEBHOOK_RETRY_DELAYS_MS: '5s,5m' })).toThrow(/WEBHOOK_RETRY_DELAYS_MS/);
    expect(() => deliverySettingsFromEnv(loadWebhookEnv({ WEBHOOK_ALLOWLIST: '10.0.0.0/40' }))).toThrow(ConfigError);
  });
});
