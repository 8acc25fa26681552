import type { SessionObject, SessionTurnView } from '@switchyard/contracts';
import type { HistoryTurn, SessionRow } from '@switchyard/sessions';

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** A session's row as the API shows it. */
export function sessionObject(row: SessionRow): SessionObject {
  return {
    id: row.id,
    object: 'session',
    status: row.status,
    model: row.model,
    system: row.system,
    prompt: row.promptName === null || row.promptVersion === null ? null : { name: row.promptName, version: row.promptVersion },
    window: { max_messages: row.windowMaxMessages, max_tokens: row.windowMaxTokens },
    metadata: row.metadata,
    idle_ttl_seconds: row.idleTtlSeconds,
    turns: row.turns,
    created_at: seconds(row.createdAt),
    last_active_at: seconds(row.lastActiveAt),
    ended_at: row.endedAt === null ? null : seconds(row.endedAt),
  };
}

export function sessionTurnView(turn: HistoryTurn): SessionTurnView {
  return { turn: turn.turn, messages: turn.messages, usage: turn.usage, request_id: turn.requestId, created_at: seconds(turn.createdAt) };
}
