import { describe, expect, it } from 'vitest';
import { clusterKeySlot } from './cluster-key-slot';
import * as keys from './redis-keys';

type Namer = { [K in keyof typeof keys]: (typeof keys)[K] extends (...args: never[]) => unknown ? K : never }[keyof typeof keys];

/**
 * Names of every family in the module, as the platform writes them. Typed
 * over the module's exports, so a family added there fails to compile here
 * until it is listed. BullMQ adds the queue name and its own parts after
 * the queue prefixes.
 */
const EVERY_FAMILY: Record<Exclude<Namer, 'llmQueueName' | 'deploymentKeyPattern'>, (prefix: string) => string[]> = {
  llmQueuePrefix: (prefix) => [`${keys.llmQueuePrefix(prefix)}:${keys.llmQueueName('openai')}:wait`],
  llmQueueKey: (prefix) => ['wait', 'prioritized', 'events', 'job_1', 'job_1:lock'].map((part) => `${keys.llmQueueKey(prefix, 'openai')}:${part}`),
  webhookQueuePrefix: (prefix) => [`${keys.webhookQueuePrefix(prefix)}:${keys.WEBHOOK_QUEUE}:evt_job_1_succeeded`],
  replyChannel: (prefix) => [keys.replyChannel(prefix, 'gateway-1')],
  cancelChannel: (prefix) => [keys.cancelChannel(prefix)],
  keysChangedChannel: (prefix) => [keys.keysChangedChannel(prefix)],
  unheardReplyKey: (prefix) => [keys.unheardReplyKey(prefix, 'req_1')],
  usageStreamKey: (prefix) => [keys.usageStreamKey(prefix)],
  asyncJobIndexKey: (prefix) => [keys.asyncJobIndexKey(prefix, 'acme')],
  idempotencyKey: (prefix) => [keys.idempotencyKey(prefix, 'acme', 'a'.repeat(64))],
  cancelRecordKey: (prefix) => [keys.cancelRecordKey(prefix, 'job_1')],
  batchKeys: (prefix) => Object.values(keys.batchKeys(prefix, 'batch_1')),
  batchStoppedKey: (prefix) => [keys.batchStoppedKey(prefix, 'batch_1')],
  responseCacheKey: (prefix) => [keys.responseCacheKey(prefix, 'b'.repeat(64))],
  keyLimitKey: (prefix) => (['rpm', 'rpd', 'tpm', 'usd-day', 'usd-month'] as const).map((counter) => keys.keyLimitKey(prefix, 'key-1', counter, 29_000_000)),
  providerBudgetKey: (prefix) => [keys.providerBudgetKey(prefix, 'openai', 'tpm', 29_000_000), keys.providerBudgetKey(prefix, 'openai', 'rpd', '2026-01-31')],
  circuitKeys: (prefix) => Object.values(keys.circuitKeys(prefix, 'openai', 'gpt-4o')),
  modelInventoryKey: (prefix) => [keys.modelInventoryKey(prefix, 'local')],
  localResourcesKey: (prefix) => [keys.localResourcesKey(prefix, 'local')],
  localControlChannel: (prefix) => [keys.localControlChannel(prefix, 'local')],
  localControlReplyKey: (prefix) => [keys.localControlReplyKey(prefix, 'cmd-1')],
  sessionKeys: (prefix) => Object.values(keys.sessionKeys(prefix, 'sess_1')),
  sessionTurnStreamKey: (prefix) => [keys.sessionTurnStreamKey(prefix)],
};

const everyName = (prefix: string) => Object.values(EVERY_FAMILY).flatMap((names) => names(prefix));

describe('Redis keys', () => {
  it.each(['sy', '{sy}', 'prod{sy-3f9a}'])('starts every key and channel of prefix %s with it, so SCAN MATCH finds them all', (prefix) => {
    const pattern = keys.deploymentKeyPattern(prefix);
    expect(pattern).toBe(`${prefix}:*`);
    for (const name of everyName(prefix)) expect(name.startsWith(`${prefix}:`), name).toBe(true);
  });

  it.each([
    ['{sy}', 'sy'],
    ['{sy-3f9a}', 'sy-3f9a'],
    ['prod{sy}', 'sy'],
  ])('puts every key of prefix %s in the one cluster slot of its hash tag', (prefix, tag) => {
    const slots = new Set(everyName(prefix).map(clusterKeySlot));
    expect([...slots]).toStrictEqual([clusterKeySlot(tag)]);
  });

  it("keeps an API key's limit counters in one slot under a plain prefix too, as the limiter's script needs", () => {
    const counters = EVERY_FAMILY.keyLimitKey('sy');
    expect(new Set(counters.map(clusterKeySlot)).size).toBe(1);
    expect(new Set(EVERY_FAMILY.sessionKeys('sy').map(clusterKeySlot)).size).toBe(1);
    // Other families are spread over slots without a hash tag: a cluster needs the `{…}` prefix.
    expect(new Set(everyName('sy').map(clusterKeySlot)).size).toBeGreaterThan(1);
  });

  it('keeps the key names deployments already have in Redis', () => {
    expect(keys.llmQueueKey('sy', 'openai')).toBe('sy:llm:openai');
    expect(keys.webhookQueuePrefix('sy')).toBe('sy:wh');
    expect(keys.batchKeys('sy', 'batch_1')).toStrictEqual({ progress: 'sy:batch:batch_1', lines: 'sy:batch:batch_1:lines', jobs: 'sy:batch:batch_1:jobs' });
    expect(keys.batchStoppedKey('sy', 'batch_1')).toBe('sy:batch:batch_1:stopped');
    expect(keys.keyLimitKey('sy', 'key-1', 'usd-month', '202601')).toBe('sy:limits:{key-1}:usd-month:202601');
    expect(keys.circuitKeys('sy', 'openai', 'gpt-4o')).toStrictEqual({
      failures: 'sy:circuit:openai:gpt-4o:failures',
      open: 'sy:circuit:openai:gpt-4o:open',
      halfOpen: 'sy:circuit:openai:gpt-4o:half-open',
      probe: 'sy:circuit:openai:gpt-4o:probe',
    });
  });
});
