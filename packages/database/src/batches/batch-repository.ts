import type { DataSource } from 'typeorm';

export type BatchRowStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** One row of `batches`, as stored. Times are Dates; null where the batch has not got there. */
export interface BatchRow {
  id: string;
  tenant: string;
  status: BatchRowStatus;
  endpoint: string;
  inputFileId: string;
  outputFileId: string | null;
  errorFileId: string | null;
  completionWindow: string;
  total: number;
  completed: number;
  failed: number;
  errors: unknown[] | null;
  metadata: Record<string, string> | null;
  createdAt: Date;
  inProgressAt: Date | null;
  finalizingAt: Date | null;
  completedAt: Date | null;
  failedAt: Date | null;
  cancellingAt: Date | null;
  cancelledAt: Date | null;
  expiresAt: Date;
  /** Set when the window passed: the batch is being (or was) stopped as `expired`. */
  expiredAt: Date | null;
}

const COLUMNS: Record<keyof BatchRow, string> = {
  id: 'id',
  tenant: 'tenant',
  status: 'status',
  endpoint: 'endpoint',
  inputFileId: 'input_file_id',
  outputFileId: 'output_file_id',
  errorFileId: 'error_file_id',
  completionWindow: 'completion_window',
  total: 'total',
  completed: 'completed',
  failed: 'failed',
  errors: 'errors',
  metadata: 'metadata',
  createdAt: 'created_at',
  inProgressAt: 'in_progress_at',
  finalizingAt: 'finalizing_at',
  completedAt: 'completed_at',
  failedAt: 'failed_at',
  cancellingAt: 'cancelling_at',
  cancelledAt: 'cancelled_at',
  expiresAt: 'expires_at',
  expiredAt: 'expired_at',
};
const JSON_COLUMNS = new Set<keyof BatchRow>(['errors', 'metadata']);
const SELECT = Object.entries(COLUMNS)
  .map(([field, column]) => `${column} AS "${field}"`)
  .join(', ');

/** The only code that reads or writes `batches`. Another tenant's batch is as absent as one that never was. */
export class BatchRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(row: Omit<BatchRow, 'createdAt'>): Promise<BatchRow> {
    const fields = Object.keys(row) as (keyof BatchRow)[];
    const values = fields.map((field) =>
      JSON_COLUMNS.has(field) && row[field as keyof typeof row] !== null ? JSON.stringify(row[field as keyof typeof row]) : row[field as keyof typeof row],
    );
    const [inserted] = (await this.dataSource.query(
      `INSERT INTO batches (${fields.map((field) => COLUMNS[field]).join(', ')}) VALUES (${fields.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${SELECT}`,
      values,
    )) as BatchRow[];
    return inserted as BatchRow;
  }

  async get(id: string, tenant: string): Promise<BatchRow | undefined> {
    const [row] = (await this.dataSource.query(`SELECT ${SELECT} FROM batches WHERE id = $1 AND tenant = $2`, [id, tenant])) as BatchRow[];
    return row;
  }

  /** Changes a tenant's batch only while it is in one of `from`: the state machine's guard against two writers. */
  async transition(id: string, tenant: string, from: readonly BatchRowStatus[], changes: Partial<BatchRow>): Promise<BatchRow | undefined> {
    const fields = Object.keys(changes) as (keyof BatchRow)[];
    const values = fields.map((field) => (JSON_COLUMNS.has(field) && changes[field] !== null ? JSON.stringify(changes[field]) : changes[field]));
    const [rows] = (await this.dataSource.query(
      `UPDATE batches SET ${fields.map((field, i) => `${COLUMNS[field]} = $${i + 4}`).join(', ')} WHERE id = $1 AND tenant = $2 AND status = ANY($3) RETURNING ${SELECT}`,
      [id, tenant, from, ...values],
    )) as [BatchRow[], number];
    return rows[0];
  }

  /** Batches still running past their window (any tenant), oldest first. */
  async due(now: Date, limit: number, after?: { expiresAt: Date; id: string }): Promise<{ id: string; tenant: string; expiresAt: Date }[]> {
    const page = after === undefined ? '' : 'AND (expires_at, id) > ($3, $4)';
    return (await this.dataSource.query(
      `SELECT id, tenant, expires_at AS "expiresAt" FROM batches WHERE status = 'in_progress' AND expires_at <= $1 ${page} ORDER BY expires_at, id LIMIT $2`,
      after === undefined ? [now, limit] : [now, limit, after.expiresAt, after.id],
    )) as { id: string; tenant: string; expiresAt: Date }[];
  }

  async list(tenant: string, options: { limit: number; after?: string }): Promise<BatchRow[]> {
    if (options.after === undefined) {
      return (await this.dataSource.query(`SELECT ${SELECT} FROM batches WHERE tenant = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [
        tenant,
        options.limit,
      ])) as BatchRow[];
    }
    return (await this.dataSource.query(
      `SELECT ${SELECT} FROM batches WHERE tenant = $1 AND (created_at, id) < (SELECT created_at, id FROM batches WHERE id = $3 AND tenant = $1) ORDER BY created_at DESC, id DESC LIMIT $2`,
      [tenant, options.limit, options.after],
    )) as BatchRow[];
  }
}
