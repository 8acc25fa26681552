import { EntitySchema } from 'typeorm';
import type { LlmRequestRecord } from './llm-request-record';

/**
 * An EntitySchema rather than decorators: the mapping is plain data, needs no
 * reflect-metadata, and loads the same under any TypeScript transpiler.
 */
export const LlmRequestEntity = new EntitySchema<LlmRequestRecord>({
  name: 'LlmRequest',
  tableName: 'llm_requests',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    requestId: { name: 'request_id', type: 'text' },
    jobId: { name: 'job_id', type: 'text' },
    keyId: { name: 'key_id', type: 'text', nullable: true },
    tenant: { type: 'text' },
    userId: { name: 'user_id', type: 'text', nullable: true },
    provider: { type: 'text', nullable: true },
    model: { type: 'text', nullable: true },
    publicModel: { name: 'public_model', type: 'text', nullable: true },
    promptTokens: { name: 'prompt_tokens', type: 'int' },
    completionTokens: { name: 'completion_tokens', type: 'int' },
    totalTokens: { name: 'total_tokens', type: 'int' },
    costUsd: { name: 'cost_usd', type: 'numeric', precision: 14, scale: 8, nullable: true },
    latencyMs: { name: 'latency_ms', type: 'int' },
    upstreamLatencyMs: { name: 'upstream_latency_ms', type: 'int', nullable: true },
    queueWaitMs: { name: 'queue_wait_ms', type: 'int', nullable: true },
    status: { type: 'text' },
    errorCode: { name: 'error_code', type: 'text', nullable: true },
    cacheHit: { name: 'cache_hit', type: 'boolean', default: false },
    attempts: { type: 'smallint', default: 1 },
    promptName: { name: 'prompt_name', type: 'text', nullable: true },
    promptVersion: { name: 'prompt_version', type: 'text', nullable: true },
    promptVariant: { name: 'prompt_variant', type: 'text', nullable: true },
    structuredMode: { name: 'structured_mode', type: 'text', nullable: true },
    structuredRepairs: { name: 'structured_repairs', type: 'smallint', nullable: true },
    structuredValid: { name: 'structured_valid', type: 'boolean', nullable: true },
    sessionId: { name: 'session_id', type: 'text', nullable: true },
    streamed: { type: 'boolean', default: false },
    firstTokenMs: { name: 'first_token_ms', type: 'int', nullable: true },
    routeAttempts: { name: 'route_attempts', type: 'jsonb', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
  },
});
