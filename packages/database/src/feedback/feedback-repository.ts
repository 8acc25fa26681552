import type { DataSource } from 'typeorm';

export interface NewFeedback {
  tenant: string;
  keyId: string | null;
  requestId: string;
  score: number | null;
  label: string | null;
  comment: string | null;
}

export interface FeedbackRow {
  id: string;
  request_id: string;
  score: number | null;
  label: string | null;
  comment: string | null;
  /** Unix seconds. */
  created_at: number;
}

/**
 * The only code that writes `feedback`. A request id is stored as given and
 * not looked up: the request's usage row is written asynchronously, so it may
 * not exist yet when its answer's feedback arrives. The stats join the two
 * within the tenant, so an id of another tenant's request matches nothing.
 */
export class FeedbackRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(feedback: NewFeedback): Promise<FeedbackRow> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO feedback (tenant, key_id, request_id, score, label, comment) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, request_id, score, label, comment, extract(epoch FROM created_at)::bigint::float8 AS created_at`,
      [feedback.tenant, feedback.keyId, feedback.requestId, feedback.score, feedback.label, feedback.comment],
    )) as FeedbackRow[];
    return row as FeedbackRow;
  }
}
