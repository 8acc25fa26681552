import type { BatchLineError, BatchView } from '@switchyard/contracts';
import type { BatchRow } from '@switchyard/database';
import { unixSeconds } from '@switchyard/queue';

export function batchView(row: BatchRow): BatchView {
  return {
    id: row.id,
    object: 'batch',
    endpoint: row.endpoint,
    errors: row.errors === null ? null : { object: 'list', data: row.errors as BatchLineError[] },
    input_file_id: row.inputFileId,
    completion_window: row.completionWindow,
    status: row.status,
    output_file_id: row.outputFileId,
    error_file_id: row.errorFileId,
    created_at: unixSeconds(row.createdAt) ?? 0,
    in_progress_at: unixSeconds(row.inProgressAt),
    expires_at: unixSeconds(row.expiresAt) ?? 0,
    finalizing_at: unixSeconds(row.finalizingAt),
    completed_at: unixSeconds(row.completedAt),
    failed_at: unixSeconds(row.failedAt),
    expired_at: unixSeconds(row.expiredAt),
    cancelling_at: unixSeconds(row.cancellingAt),
    cancelled_at: unixSeconds(row.cancelledAt),
    request_counts: { total: row.total, completed: row.completed, failed: row.failed },
    metadata: row.metadata,
  };
}
