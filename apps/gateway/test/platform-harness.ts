import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploymentKeyPattern } from '@switchyard/contracts';
import { createDataSource, type LlmRequestRecord, UsageRepository } from '@switchyard/database';
import type { Logger } from '@switchyard/observability';
import { createLogger } from '@switchyard/observability';
import { createRedis } from '@switchyard/queue';
import { type MockUpstream, startMockUpstream } from '@switchyard/testing';
import { type RunningWorker, startWorkerCloud } from '@switchyard/worker-cloud';
import { startWorkerLocal } from '@switchyard/worker-local';
import OpenAI from 'openai';
import { type RunningGateway, startGateway } from '../src/start-gateway';

export const TEST_API_KEY = 'sk-test-switchyard-0123456789';
/** A key of another tenant, for the tests that one tenant never sees another's data. */
export const OTHER_TENANT_KEY = 'sk-test-switchyard-globex-0001';

/** What `mock-echo` costs in the tests' routing config (USD per million tokens): round figures for the cost checks. */
export const MOCK_ECHO_PRICE = { inputPerMillion: 2.5, outputPerMillion: 10 };

/** The public name of the embedded model, when a platform has one. */
export const EMBEDDED_TEST_MODEL = 'tiny-embedded';

/** Public model names the tests use, each aimed at a mock behaviour. */
const TEST_MODELS: Record<string, string> = {
  'mock-echo': 'echo',
  'fails-500': 'echo@status=500',
  'bad-upstream-key': 'echo@status=401',
  hangs: 'echo@hang',
  malformed: 'echo@malformed',
  slow: 'echo@latency=600',
  'very-slow': 'echo@latency=3000',
  stalls: 'echo@latency=30000',
  'slow-stream': 'echo@tps=20',
  'breaks-stream': 'echo@break_after=2',
  // Priced like `mock-echo`, slow enough for a client to cut it mid-way. Prices and cache entries follow the
  // upstream model, so each of these has an upstream id of its own (the mock echoes whatever the base name).
  'priced-slow-stream': 'priced@tps=20',
  // The cache widened to every request, and closed to every request.
  'always-cached': 'always-cached',
  'never-cached': 'never-cached',
};

/** Per-model settings beyond the upstream model: `mock-echo` is also the `default` alias. */
const MODEL_EXTRAS: Record<string, string> = {
  'mock-echo': `\n    aliases: [default]\n    price: ${JSON.stringify(MOCK_ECHO_PRICE)}`,
  'priced-slow-stream': `\n    price: ${JSON.stringify(MOCK_ECHO_PRICE)}`,
  'always-cached': '\n    cache: always',
  'never-cached': '\n    cache: never',
};

/** Fallback chains: a second provider (`backup`, the same mock under another queue) behind the first. */
const CHAIN_MODELS: { name: string; provider: string; model: string; fallbacks?: string[] }[] = [
  { name: 'backup-echo', provider: 'backup', model: 'echo' },
  // On `backup`, so the queue pause its 429 causes holds up no other test's provider.
  { name: 'rate-limited', provider: 'backup', model: 'echo@status=429;retry_after=3' },
  { name: 'backup-fails', provider: 'backup', model: 'echo@status=503' },
  { name: 'chain-after-401', provider: 'mock', model: 'echo@status=401', fallbacks: ['backup-echo'] },
  { name: 'chain-after-500', provider: 'mock', model: 'echo@status=500', fallbacks: ['backup-echo'] },
  { name: 'chain-all-fail', provider: 'mock', model: 'echo@status=500', fallbacks: ['backup-fails'] },
  // On `fragile`, so the queue pause its 429 causes holds up no other test's provider.
  { name: 'chain-after-429', provider: 'fragile', model: 'echo@status=429;retry_after=4', fallbacks: ['backup-echo'] },
  { name: 'chain-bad-request', provider: 'mock', model: 'echo@status=400', fallbacks: ['backup-echo'] },
  // `fragile` is a mock of its own, so a test can break and mend it while the others stay healthy.
  { name: 'fragile-echo', provider: 'fragile', model: 'echo' },
  { name: 'fragile-chain', provider: 'fragile', model: 'echo', fallbacks: ['backup-echo'] },
  // The mock also speaks Ollama's native API; worker-local serves this provider.
  { name: 'local-echo', provider: 'local', model: 'echo' },
  // A llama.cpp server that is not up: its health check fails, so its jobs go to the fallback.
  { name: 'asleep-echo', provider: 'asleep', model: 'echo', fallbacks: ['backup-echo'] },
  // One model, two deployments.
  { name: 'spread-echo', provider: 'mock', model: 'echo' },
  { name: 'spread-echo', provider: 'backup', model: 'echo' },
];

function writeConfig(
  mockUrl: string,
  fragileUrl: string,
  requestTimeoutMs: number,
  fragileLimits: string | undefined,
  upstreamTimeoutMs: number,
  gateway: Record<string, number> = {},
  embeddedModel?: string,
  extraProviders = '',
): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  const path = join(dir, 'switchyard.yaml');
  const models = [
    ...Object.entries(TEST_MODELS).map(([name, model]) => `  - name: ${name}\n    provider: mock\n    model: "${model}"${MODEL_EXTRAS[name] ?? ''}`),
    ...CHAIN_MODELS.map(
      (m) => `  - name: ${m.name}\n    provider: ${m.provider}\n    model: "${m.model}"${m.fallbacks ? `\n    fallbacks: [${m.fallbacks.join(', ')}]` : ''}`,
    ),
  ].join('\n');
  const provider = (name: string) =>
    `  ${name}:\n    kind: openai-compatible\n    baseUrl: ${mockUrl}/v1\n    requiresKey: false\n    timeoutMs: ${upstreamTimeoutMs}\n`;
  writeFileSync(
    path,
    `providers:\n${provider('mock')}${provider('backup')}` +
      `  fragile:\n    kind: openai-compatible\n    baseUrl: ${fragileUrl}/v1\n    requiresKey: false\n    timeoutMs: ${upstreamTimeoutMs}\n` +
      '    circuitBreaker: { failureThreshold: 2, windowMs: 10000, coolDownMs: 3000, refreshMs: 50 }\n' +
      (fragileLimits === undefined ? '' : `    limits: ${fragileLimits}\n`) +
      `  local:\n    kind: ollama\n    baseUrl: ${mockUrl}\n    requiresKey: false\n    timeoutMs: ${upstreamTimeoutMs}\n    directModels: true\n    keepAlive: 10m\n    preload: [echo]\n` +
      '  asleep:\n    kind: llamacpp\n    baseUrl: http://127.0.0.1:1\n    requiresKey: false\n    timeoutMs: 1000\n' +
      (embeddedModel === undefined
        ? ''
        : `  embedded:\n    kind: embedded\n    threads: 1\n    contextSize: 8192\n    concurrency: 2\n    timeoutMs: ${upstreamTimeoutMs}\n    preload: ["${embeddedModel}"]\n`) +
      extraProviders +
      `models:\n${models}\n` +
      (embeddedModel === undefined ? '' : `  - name: ${EMBEDDED_TEST_MODEL}\n    provider: embedded\n    model: "${embeddedModel}"\n`) +
      `auth:\n  keys:\n    - id: test-key\n      key: ${TEST_API_KEY}\n      tenant: acme\n    - id: other-key\n      key: ${OTHER_TENANT_KEY}\n      tenant: globex\n` +
      `gateway:\n${Object.entries({ requestTimeoutMs, maxBodyBytes: 65536, streamHeartbeatMs: 250, ...gateway })
        .map(([name, value]) => `  ${name}: ${value}\n`)
        .join('')}`,
  );
  return path;
}

export interface Platform {
  mock: MockUpstream;
  /** Upstream of the `fragile` provider, whose circuit opens after two failures. */
  fragile: MockUpstream;
  gateway: RunningGateway;
  worker: RunningWorker | undefined;
  env: NodeJS.ProcessEnv;
  client: OpenAI;
  usage: UsageRepository;
  /** Polls PostgreSQL until the job's usage row is written (rows are batched off the request path). */
  usageRow(jobId: string): Promise<LlmRequestRecord>;
  startWorker(): Promise<RunningWorker>;
  /** worker-local, for the providers that run on the operator's own machines. */
  startLocalWorker(): Promise<RunningWorker>;
  close(): Promise<void>;
}

/**
 * `upstreamTimeoutMs`: the mock providers' timeout. 5 s by default, so a busy machine's slow answers do not
 * time out; the tests of hanging upstreams lower it, load tests raise it.
 * `gateway`: settings of the routing file's `gateway:` section over the tests' own.
 * `logger`: the gateway's, for tests that read what it logged.
 */
export async function startPlatform(
  options: {
    worker?: boolean;
    requestTimeoutMs?: number;
    upstreamTimeoutMs?: number;
    env?: NodeJS.ProcessEnv;
    gateway?: Record<string, number>;
    logger?: Logger;
    /** A `.gguf` file: adds the `embedded` provider (run by worker-local) serving it as EMBEDDED_TEST_MODEL. */
    embeddedModel?: string;
    /** More entries of the routing file's `providers:` section (YAML, indented two spaces), given the mocks' URLs. */
    extraProviders?: (urls: { mock: string; fragile: string }) => string;
  } = {},
): Promise<Platform> {
  const mock = await startMockUpstream();
  const fragile = await startMockUpstream();
  // A test may name its own (a hash-tag prefix); either way the keys it leaves are deleted on close.
  const prefix = options.env?.SWITCHYARD_KEY_PREFIX ?? `sytest-${randomUUID().slice(0, 8)}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SWITCHYARD_CONFIG: writeConfig(
      mock.url,
      fragile.url,
      options.requestTimeoutMs ?? 10_000,
      options.env?.FRAGILE_LIMITS,
      options.upstreamTimeoutMs ?? 5000,
      options.gateway,
      options.embeddedModel,
      options.extraProviders?.({ mock: mock.url, fragile: fragile.url }),
    ),
    SWITCHYARD_KEY_PREFIX: prefix,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    USAGE_FLUSH_MS: '20',
    WORKER_CONCURRENCY: '16',
    ...options.env,
  };
  const gateway = await startGateway(env, options.logger);
  const workers: RunningWorker[] = [];
  const startWorker = async () => {
    const worker = await startWorkerCloud(env);
    workers.push(worker);
    return worker;
  };
  const startLocalWorker = async () => {
    const worker = await startWorkerLocal(env);
    workers.push(worker);
    return worker;
  };
  const worker = options.worker === false ? undefined : await startWorker();
  const dataSource = createDataSource(env.DATABASE_URL ?? '', { poolSize: 1 });
  await dataSource.initialize();
  const usage = new UsageRepository(dataSource);

  return {
    mock,
    fragile,
    gateway,
    worker,
    env,
    usage,
    client: new OpenAI({ apiKey: TEST_API_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 }),
    startWorker,
    startLocalWorker,
    async usageRow(jobId) {
      for (let i = 0; i < 100; i++) {
        const row = await usage.findByJobId(jobId);
        if (row !== null) return row;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no usage row for job ${jobId}`);
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await gateway.close();
      await mock.close();
      await fragile.close();
      await dataSource.destroy();
      const redis = createRedis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
        name: 'switchyard:test-cleanup',
        logger: createLogger({ service: 'test', level: 'silent' }),
      });
      const keys = await redis.keys(deploymentKeyPattern(prefix));
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

/** A raw POST, for the bad inputs an SDK would never send. */
export async function postChat(platform: Platform, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${platform.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', ...headers },
    body,
  });
}
