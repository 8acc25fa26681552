import { createHash } from 'node:crypto';
import { type ChatCompletionRequest, type CompletionUsage, type ResolvedRoute, responseCacheKey } from '@switchyard/contracts';
import { defineScript, runScript } from '@switchyard/queue';
import type { Redis } from 'ioredis';

export type CachePolicy = 'deterministic' | 'always' | 'never';

/** A cached answer: the completion JSON exactly as the worker wrote it, and where it came from. */
export interface CachedAnswer {
  body: string;
  provider: string;
  model: string;
  usage: CompletionUsage;
}

// Read and count the hit in one round trip.
const LOOKUP = `
local entry = redis.call('HMGET', KEYS[1], 'b', 'p', 'm', 'u')
if not entry[1] then return false end
redis.call('HINCRBY', KEYS[1], 'hits', 1)
return entry
`;

const LOOKUP_COMMAND = 'switchyardCacheLookup';
const STORE_COMMAND = 'switchyardCacheStore';

const STORE = `
redis.call('HSET', KEYS[1], 'b', ARGV[1], 'p', ARGV[2], 'm', ARGV[3], 'u', ARGV[4], 'hits', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

/** Fields that change who asked or how the answer is delivered, never what it says. */
const NOT_PART_OF_THE_ANSWER = new Set(['user', 'metadata', 'store', 'stream', 'stream_options', 'service_tier']);

/** JSON with object keys sorted at every level, so equal requests give equal text whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonical(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Answers in Redis keyed by the SHA-256 of the normalised request: the
 * tenant, the resolved route (provider and its model id, so an alias and its
 * name share entries) and every parameter that shapes the answer, keys
 * sorted. One tenant never reads another's entries.
 */
export class ResponseCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {
    defineScript(redis, LOOKUP_COMMAND, LOOKUP, 1);
    defineScript(redis, STORE_COMMAND, STORE, 1);
  }

  /** Whether this request's answer may be cached: only a repeatable one, unless the route says otherwise. */
  cacheable(request: ChatCompletionRequest, policy: CachePolicy): boolean {
    if (this.ttlSeconds === 0 || policy === 'never' || request.stream === true) return false;
    // Several choices at a temperature above 0 differ by design; a seed or temperature 0 makes them repeatable.
    return policy === 'always' || request.temperature === 0 || (request.seed !== undefined && request.seed !== null);
  }

  keyOf(tenant: string, route: ResolvedRoute, request: ChatCompletionRequest): string {
    const shaping = Object.fromEntries(Object.entries(request).filter(([field]) => field !== 'model' && !NOT_PART_OF_THE_ANSWER.has(field)));
    const digest = createHash('sha256')
      .update(canonical({ tenant, provider: route.provider, model: route.model, request: shaping }))
      .digest('hex');
    return responseCacheKey(this.prefix, digest);
  }

  async lookup(key: string): Promise<CachedAnswer | undefined> {
    const entry = (await runScript(this.redis, LOOKUP_COMMAND, LOOKUP, 1, [key])) as (string | null)[] | null;
    if (!Array.isArray(entry)) return undefined;
    const [body, provider, model, usage] = entry;
    if (body == null || provider == null || model == null) return undefined;
    return {
      body,
      provider,
      model,
      usage: usage == null ? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } : (JSON.parse(usage) as CompletionUsage),
    };
  }

  async store(key: string, answer: CachedAnswer): Promise<void> {
    await runScript(this.redis, STORE_COMMAND, STORE, 1, [
      key,
      answer.body,
      answer.provider,
      answer.model,
      JSON.stringify(answer.usage),
      String(this.ttlSeconds * 1000),
    ]);
  }
}
