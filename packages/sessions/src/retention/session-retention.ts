import type { SessionState } from '../state/session-state';
import type { SessionRepository } from '../store/session-repository';

/**
 * One round of session retention: sessions idle past their TTL are written
 * down as expired (readers already saw them so), and ended or expired ones
 * older than the retention are deleted with their history. Every gateway
 * runs it; the statements are idempotent, so rounds may overlap.
 */
export async function sweepSessions(repository: SessionRepository, state: SessionState, retentionMs: number): Promise<{ expired: number; deleted: number }> {
  const expired = await repository.expireIdle();
  for (const id of expired) await state.markEnded(id, 'expired');
  const deleted = await repository.deleteEndedBefore(retentionMs);
  // Their cached state goes too, so a message to one is a 404 like any unknown id.
  for (const id of deleted) await state.forget(id);
  return { expired: expired.length, deleted: deleted.length };
}
