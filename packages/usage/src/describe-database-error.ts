/**
 * What to log about a failed write: the database's code and message only. A
 * driver error also carries the statement's parameters, which for usage rows
 * means every request id and user id of the batch.
 */
export function describeDatabaseError(error: unknown): { code: unknown; error: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return { code, error: String(message ?? error).slice(0, 300) };
}
