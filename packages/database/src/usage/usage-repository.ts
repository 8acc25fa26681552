import type { DataSource, Repository } from 'typeorm';
import { LlmRequestEntity } from './llm-request.entity';
import type { LlmRequestRecord } from './llm-request-record';

/** Column name, Postgres array type, and how to read it from a record, in insert order. */
const INSERT_COLUMNS: readonly [string, string, (row: LlmRequestRecord) => unknown][] = [
  ['request_id', 'text', (r) => r.requestId],
  ['job_id', 'text', (r) => r.jobId],
  ['key_id', 'text', (r) => r.keyId],
  ['tenant', 'text', (r) => r.tenant],
  ['user_id', 'text', (r) => r.userId],
  ['provider', 'text', (r) => r.provider],
  ['model', 'text', (r) => r.model],
  ['public_model', 'text', (r) => r.publicModel],
  ['prompt_tokens', 'int', (r) => r.promptTokens],
  ['completion_tokens', 'int', (r) => r.completionTokens],
  ['total_tokens', 'int', (r) => r.totalTokens],
  ['cost_usd', 'numeric', (r) => r.costUsd],
  ['latency_ms', 'int', (r) => r.latencyMs],
  ['upstream_latency_ms', 'int', (r) => r.upstreamLatencyMs],
  ['queue_wait_ms', 'int', (r) => r.queueWaitMs],
  ['status', 'text', (r) => r.status],
  ['error_code', 'text', (r) => r.errorCode],
  ['cache_hit', 'boolean', (r) => r.cacheHit],
  ['attempts', 'smallint', (r) => r.attempts],
  ['prompt_version', 'text', (r) => r.promptVersion],
  // Absent on rows queued by a producer that predates them: null, like a request without a prompt.
  ['prompt_name', 'text', (r) => r.promptName ?? null],
  ['prompt_variant', 'text', (r) => r.promptVariant ?? null],
  ['structured_mode', 'text', (r) => r.structuredMode ?? null],
  ['structured_repairs', 'smallint', (r) => r.structuredRepairs ?? null],
  ['structured_valid', 'boolean', (r) => r.structuredValid ?? null],
  ['session_id', 'text', (r) => r.sessionId ?? null],
  ['streamed', 'boolean', (r) => r.streamed],
  ['first_token_ms', 'int', (r) => r.firstTokenMs],
  ['route_attempts', 'jsonb', (r) => (r.routeAttempts === null ? null : JSON.stringify(r.routeAttempts))],
  // When the request ended, so a row written late (kept through a database outage) still falls in its own minute.
  ['created_at', 'timestamptz', (r) => r.createdAt ?? new Date()],
];

// One parameter per column however many rows: the statement is built once and
// a batch costs a few array pushes, so flushing never stalls a worker's event loop.
const INSERT_SQL =
  `INSERT INTO llm_requests (${INSERT_COLUMNS.map(([name]) => name).join(', ')}) ` +
  `SELECT * FROM unnest(${INSERT_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) ` +
  'ON CONFLICT (job_id) DO NOTHING';

/** The only code that reads or writes `llm_requests`. */
export class UsageRepository {
  private readonly repository: Repository<LlmRequestRecord>;

  constructor(private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(LlmRequestEntity);
  }

  /** One INSERT for the whole batch; a job already recorded (a stalled job run twice) is skipped. */
  async insertMany(records: readonly LlmRequestRecord[]): Promise<void> {
    if (records.length === 0) return;
    const columns = INSERT_COLUMNS.map(() => [] as unknown[]);
    for (const record of records) {
      for (let i = 0; i < INSERT_COLUMNS.length; i++) columns[i]?.push(INSERT_COLUMNS[i]?.[2](record));
    }
    await this.dataSource.query(INSERT_SQL, columns);
  }

  findByJobId(jobId: string): Promise<LlmRequestRecord | null> {
    return this.repository.findOneBy({ jobId });
  }

  findByRequestId(requestId: string): Promise<LlmRequestRecord[]> {
    return this.repository.find({ where: { requestId }, order: { createdAt: 'ASC' } });
  }
}
