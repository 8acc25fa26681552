import type { KeyDirectory, KeyLimiter, ResponseCache } from '@switchyard/admission';
import type { AsyncJobs, BatchRunner } from '@switchyard/async-jobs';
import type { ModelCatalog, PlatformEnv, RoutingConfig } from '@switchyard/config';
import type { ApiKeyStore, DataSource, FileRepository } from '@switchyard/database';
import type { Logger } from '@switchyard/observability';
import type { CachedPromptResolver, PromptStore } from '@switchyard/prompts';
import type { ChatJobSubmitter, Redis, UsageStream } from '@switchyard/queue';
import type { WebhookQueue } from '@switchyard/webhooks';
import type { GatewayMetrics } from './metrics/gateway-metrics';
import type { GatewaySessions } from './sessions/sessions.service';

/** Everything the gateway's modules need, built once at start (see `start-gateway.ts`). */
export interface GatewayContext {
  env: PlatformEnv;
  config: RoutingConfig;
  catalog: ModelCatalog;
  keys: KeyDirectory;
  /** Per-key request, token and budget limits; services refund what a request did not use. */
  keyLimits: KeyLimiter;
  /** Tenants and keys in PostgreSQL, for the admin API. */
  keyStore: ApiKeyStore;
  redis: Redis;
  chatJobs: ChatJobSubmitter;
  asyncJobs: AsyncJobs;
  /** The dispatcher's queue: its dead letters are listed and redelivered through the API. */
  webhooks: WebhookQueue;
  database: DataSource;
  /** Rows for requests refused before they reached a queue (through Redis, like the workers' rows). */
  usage: UsageStream;
  /** Uploaded files (batch input) and the ones the gateway writes. */
  files: FileRepository;
  batches: BatchRunner;
  /** Prompt templates: each tenant's own and the prompts folder's, loaded at start. */
  prompts: PromptStore;
  responseCache: ResponseCache;
  /** Stored prompts as requests render them: versions cached, labels for a few seconds. */
  promptResolver: CachedPromptResolver;
  /** The largest upload accepted, from `FILE_UPLOAD_MAX_BYTES`. */
  maxFileBytes: number;
  /** Sessions: rows and history in PostgreSQL, turn order and the cached window in Redis. */
  sessions: GatewaySessions;
  logger: Logger;
  metrics: GatewayMetrics;
}
