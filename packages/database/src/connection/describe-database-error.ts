/**
 * What to log about a failed write: the database's code and message only. A
 * driver error also carries the statement's parameters, which for usage rows
 * means every request id and user id of the batch.
 */
export function describeDatabaseError(error: unknown): { code: unknown; error: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return { code, error: String(message ?? error).slice(0, 300) };
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/**
 * The database did not answer (down, restarting, unreachable) as opposed to
 * refusing a statement: SQLSTATE classes 08 (connection) and 57P (shut
 * down, starting up), a socket error, or the driver's lost connection.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const cause = (error as { driverError?: unknown } | undefined)?.driverError ?? error;
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNREACHABLE.has(code) || /^(08|57P)/.test(code))) return true;
  return typeof message === 'string' && /^Connection terminated|connection timeout/i.test(message);
}
