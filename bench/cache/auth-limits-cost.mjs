// The gateway's per-request cost of auth and per-key limits, measured in
// process with the gateway's own code against the real Redis and PostgreSQL:
// the key lookup (a SHA-256 and a Map hit once cached), the request's
// estimate (parse, route, count the prompt: only for keys with token or budget
// limits), and the one Lua round trip over the five windows.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = createRequire(join(root, 'package.json'));
const { estimateCharge, KeyDirectory, KeyLimiter } = load('./packages/admission/dist/index.js');
const { createRedis } = load('./packages/queue/dist/index.js');
const { ApiKeyStore, createDataSource } = load('./packages/database/dist/index.js');
const { loadPlatformEnv, loadRoutingConfig, ModelCatalog } = load('./packages/config/dist/index.js');
const { parseChatCompletionRequest } = load('./packages/contracts/dist/index.js');
const { createLogger } = load('./packages/observability/dist/index.js');

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** `{ p50, p99 }` in ms of each named step, over `iterations` sequential requests. */
export async function measureAuthAndLimits({ configPath, prefix, iterations = 20_000 }) {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const database = createDataSource(process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard', { poolSize: 1 });
  await database.initialize();
  const logger = createLogger({ service: 'bench', level: 'warn' });
  const redis = createRedis(redisUrl, { name: 'switchyard:bench', logger });
  const subscriber = createRedis(redisUrl, { name: 'switchyard:bench:keys', logger });
  let record;
  try {
    const store = new ApiKeyStore(database);
    const tenant = `bench-${prefix}`.slice(0, 60);
    if ((await store.tenant(tenant)) === undefined) await store.createTenant(tenant, 'bench');
    const limits = { requestsPerMinute: 1e9, requestsPerDay: 1e9, tokensPerMinute: 1e9, budgetUsdPerDay: 1e6, budgetUsdPerMonth: 1e6 };
    const created = await store.createKey({ tenant, name: 'bench', limits });
    record = created.record;
    const { key } = created;
    // As the gateway caches keys: the default KEY_CACHE_MS unless the environment sets one.
    const directory = await KeyDirectory.start(store, subscriber, prefix, { logger, knownMs: loadPlatformEnv(process.env).KEY_CACHE_MS });
    const limiter = new KeyLimiter(redis, prefix);
    const catalog = new ModelCatalog(loadRoutingConfig(configPath, process.env), process.env);
    const body = { model: 'mock-echo', temperature: 0, messages: [{ role: 'user', content: 'What is the capital of France?' }] };
    // What the gateway does for a key with token or budget limits: validate and route the body (once;
    // the handler reuses both), then price the prompt and the completion's maximum.
    const estimateOf = (sent) => {
      const chat = parseChatCompletionRequest(sent);
      return estimateCharge(chat, catalog.priceOf(catalog.resolveChain(chat.model).route));
    };
    const steps = { auth: [], estimate: [], limits: [], total: [] };
    for (let i = 0; i < iterations + 1000; i++) {
      const t0 = performance.now();
      const identity = await directory.authenticate(key);
      const t1 = performance.now();
      const estimate = KeyLimiter.needsEstimate(identity.limits) ? estimateOf(body) : undefined;
      const t2 = performance.now();
      const decision = await limiter.take(identity.keyId, identity.limits, estimate);
      const t3 = performance.now();
      if (!decision.allowed) throw new Error(`refused: ${decision.refused}`);
      if (i < 1000) continue; // warm-up: JIT, first database lookup, script load
      steps.auth.push(t1 - t0);
      steps.estimate.push(t2 - t1);
      steps.limits.push(t3 - t2);
      steps.total.push(t3 - t0);
    }
    return Object.fromEntries(
      Object.entries(steps).map(([name, times]) => {
        times.sort((a, b) => a - b);
        return [name, { p50: percentile(times, 50), p99: percentile(times, 99) }];
      }),
    );
  } finally {
    if (record !== undefined) await new ApiKeyStore(database).revoke(record.id);
    await database.destroy();
    redis.disconnect();
    subscriber.disconnect();
  }
}
