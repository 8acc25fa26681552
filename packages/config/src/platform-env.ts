import { DEFAULT_KEY_PREFIX, keyPrefixProblem } from '@switchyard/contracts';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { flagFromEnv, intFromEnv, unsetIfEmpty } from './env-values';

/** Every environment variable the apps read, validated once at start. Empty means unset throughout. */
const platformEnvSchema = z.object({
  SWITCHYARD_CONFIG: z.string().default('switchyard.yaml'),
  /** The prompts folder (YAML prompts shared by every tenant); over the routing file's `prompts.dir`. Relative: to the working directory. */
  SWITCHYARD_PROMPTS_DIR: z.preprocess(unsetIfEmpty, z.string().optional()),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  DATABASE_URL: z.string().default('postgres://postgres:postgres@127.0.0.1:5432/switchyard'),
  /** Starts every Redis key and channel; a hash tag (`{sy}`) puts all of a deployment's keys in one Redis Cluster slot. */
  SWITCHYARD_KEY_PREFIX: z
    .string()
    .superRefine((prefix, context) => {
      const problem = keyPrefixProblem(prefix);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    })
    .default(DEFAULT_KEY_PREFIX),
  /** Loopback by default: the development key must not be reachable from the network. Containers set 0.0.0.0. */
  HOST: z.string().default('127.0.0.1'),
  PORT: intFromEnv(8080, { min: 0, max: 65_535 }),
  /**
   * Workers and the webhook dispatcher serve Prometheus metrics on HOST:METRICS_PORT (0: any free port).
   * Unset or empty: no endpoint (the gateway serves its own on /metrics). Off by default, since several
   * workers on one machine would otherwise contend for one port.
   */
  METRICS_PORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65_535).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CONCURRENCY: intFromEnv(64),
  /** Comma-separated provider names this worker consumes; empty means every provider it can serve. */
  WORKER_PROVIDERS: z.string().default(''),
  /**
   * How long a job lock lives without renewal (renewed every half of it). A
   * killed worker's job is run again after the lock expires plus at most one
   * stalled check: 6 s + 3 s, at most 9 s. An event loop blocked for more than
   * half the lock lets another worker take a live job.
   */
  WORKER_LOCK_MS: intFromEnv(6_000),
  WORKER_STALLED_CHECK_MS: intFromEnv(3_000),
  /** Times a job may lose its worker (crash, kill) and be run again before it is failed as `job_stalled`. */
  WORKER_MAX_STALLED: intFromEnv(2, { min: 0, max: 100 }),
  /**
   * Load the tokenizer encodings of the worker's models at start. Off: each
   * is loaded the first time a prompt is counted (an upstream that reports no
   * usage, a cancelled call, a session's window), which stalls that process
   * once for 0.1-0.2 s; an idle worker holds ~25 MB less without them.
   */
  WORKER_WARM_TOKENIZERS: flagFromEnv(false),
  /** Jobs a sync request makes are retried by BullMQ at most this many times in all. */
  JOB_ATTEMPTS: intFromEnv(1),
  USAGE_FLUSH_MS: intFromEnv(250),
  /** How long a gateway uses an API key it looked up before it asks PostgreSQL again (revocations arrive at once, through Redis). */
  KEY_CACHE_MS: intFromEnv(60_000),
  /** Bearer key of the admin API (`/admin/...`); unset turns the admin API off. */
  SWITCHYARD_ADMIN_KEY: z.preprocess(unsetIfEmpty, z.string().min(16, 'the admin key must be at least 16 characters').optional()),
  /** BullMQ attempts per route for async jobs (nobody waits on them, so retrying costs no caller time). */
  ASYNC_JOB_ATTEMPTS: intFromEnv(3),
  /** How long an async job, its result and its Idempotency-Key stay readable. */
  ASYNC_JOB_RETENTION_MS: intFromEnv(24 * 3600 * 1000),
  /** How often a gateway looks for batches past their 24 h window, to stop them as `expired`. */
  BATCH_EXPIRY_CHECK_MS: intFromEnv(60_000),
  /** How long ended and idle-expired sessions (settings and history) are kept before they are deleted. */
  SESSION_RETENTION_MS: intFromEnv(30 * 24 * 3600 * 1000),
  /** How often a gateway writes down idle sessions as expired and deletes those past their retention. */
  SESSION_SWEEP_MS: intFromEnv(60_000),
  /** How long one turn may hold its session before the next turn goes anyway (its caller and job lost). */
  SESSION_TURN_LEASE_MS: intFromEnv(10 * 60 * 1000),
  /** Gateway processes sharing the port (node:cluster); the gateway keeps no state of its own, so they are replicas. */
  GATEWAY_PROCESSES: intFromEnv(1, { max: 64 }),
  /**
   * The largest file `POST /v1/files` accepts; uploads are read as a stream,
   * so the JSON body limit never applies to them. PostgreSQL keeps a bytea
   * value of at most 1 GiB.
   */
  FILE_UPLOAD_MAX_BYTES: intFromEnv(100 * 1024 * 1024, { max: 1024 * 1024 * 1024 - 1 }),
});

export type PlatformEnv = z.infer<typeof platformEnvSchema>;

/** The environment read through `schema`; every variable at fault is named in one ConfigError. */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function loadPlatformEnv(env: NodeJS.ProcessEnv = process.env): PlatformEnv {
  return parseEnv(platformEnvSchema, env);
}
