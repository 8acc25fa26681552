import type { CompletionUsage, SessionStatus } from '@switchyard/contracts';
import type { DataSource } from '@switchyard/database';
import type { StoredTurn } from '../window/cut-window';

/** One row of `sessions`: its settings and where its window starts. */
export interface SessionRow {
  id: string;
  tenant: string;
  keyId: string | null;
  model: string;
  system: string | null;
  promptName: string | null;
  promptVersion: number | null;
  windowMaxMessages: number | null;
  windowMaxTokens: number | null;
  metadata: Record<string, string>;
  idleTtlSeconds: number;
  status: SessionStatus;
  turns: number;
  /** The ticket of the first turn the window holds (0: from the start). */
  windowStart: number;
  createdAt: Date;
  lastActiveAt: Date;
  endedAt: Date | null;
}

export type NewSession = Pick<
  SessionRow,
  'id' | 'tenant' | 'keyId' | 'model' | 'system' | 'promptName' | 'promptVersion' | 'windowMaxMessages' | 'windowMaxTokens' | 'metadata' | 'idleTtlSeconds'
>;

/** A stored turn as the history shows it. */
export interface HistoryTurn extends StoredTurn {
  usage: CompletionUsage;
  requestId: string;
  createdAt: Date;
}

/** A turn from the turn stream, on its way into `session_turns`. */
export interface WrittenTurn extends StoredTurn {
  sessionId: string;
  usage: CompletionUsage;
  requestId: string;
  at: number;
  windowStart: number;
}

const SESSION_COLUMNS = `id, tenant, key_id AS "keyId", model, system, prompt_name AS "promptName", prompt_version AS "promptVersion",
  window_max_messages AS "windowMaxMessages", window_max_tokens AS "windowMaxTokens", metadata, idle_ttl_seconds AS "idleTtlSeconds",
  status, turns, window_start AS "windowStart", created_at AS "createdAt", last_active_at AS "lastActiveAt", ended_at AS "endedAt"`;

const TURN_COLUMNS = 'ticket, turn, messages, tokens, usage, request_id AS "requestId", created_at AS "createdAt"';

/**
 * A session that is active in its row but idle past its TTL is expired for
 * every reader already; the retention sweep writes it down later.
 */
function withIdleExpiry(row: SessionRow, now: number): SessionRow {
  if (row.status !== 'active' || row.lastActiveAt.getTime() + row.idleTtlSeconds * 1000 > now) return row;
  return { ...row, status: 'expired', endedAt: new Date(row.lastActiveAt.getTime() + row.idleTtlSeconds * 1000) };
}

/**
 * JSON that PostgreSQL's jsonb takes: it refuses the NUL character, which a
 * turn's input or a model's answer may hold, and one refused turn would stop
 * the whole batch (and every later one) from being written. NUL is kept as
 * U+FFFD, the replacement character.
 */
function jsonbText(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? item.replaceAll('\u0000', '\uFFFD') : item));
}

/** Sessions and their turns in PostgreSQL: the durable copy. The turn path writes one statement per turn here. */
export class SessionRepository {
  constructor(private readonly database: DataSource) {}

  async create(session: NewSession): Promise<SessionRow> {
    const rows = (await this.database.query(
      `INSERT INTO sessions (id, tenant, key_id, model, system, prompt_name, prompt_version, window_max_messages, window_max_tokens, metadata, idle_ttl_seconds)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${SESSION_COLUMNS}`,
      [
        session.id,
        session.tenant,
        session.keyId,
        session.model,
        session.system,
        session.promptName,
        session.promptVersion,
        session.windowMaxMessages,
        session.windowMaxTokens,
        JSON.stringify(session.metadata),
        session.idleTtlSeconds,
      ],
    )) as SessionRow[];
    return rows[0] as SessionRow;
  }

  /** The session, if it exists and is this tenant's (another tenant's reads as missing). */
  async get(tenant: string, id: string, now = Date.now()): Promise<SessionRow | undefined> {
    const rows = (await this.database.query(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1 AND tenant = $2`, [id, tenant])) as SessionRow[];
    return rows[0] === undefined ? undefined : withIdleExpiry(rows[0], now);
  }

  /** The session whoever owns it: for a worker, which only ever has ids from jobs the gateway made. */
  async byId(id: string): Promise<SessionRow | undefined> {
    const rows = (await this.database.query(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`, [id])) as SessionRow[];
    return rows[0];
  }

  /** A tenant's sessions, newest first; `status` as readers see it (idle ones are expired). */
  async list(tenant: string, options: { status?: SessionStatus; limit: number; after?: string }, now = Date.now()): Promise<SessionRow[]> {
    const params: unknown[] = [tenant, options.limit];
    const where = ['tenant = $1'];
    if (options.after !== undefined) {
      params.push(options.after);
      where.push(`(created_at, id) < (SELECT created_at, id FROM sessions WHERE id = $${params.length} AND tenant = $1)`);
    }
    const idle = "(status = 'active' AND last_active_at + idle_ttl_seconds * interval '1 second' <= now())";
    if (options.status === 'active') where.push(`status = 'active' AND NOT ${idle}`);
    else if (options.status === 'expired') where.push(`(status = 'expired' OR ${idle})`);
    else if (options.status === 'ended') where.push("status = 'ended'");
    const rows = (await this.database.query(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    )) as SessionRow[];
    return rows.map((row) => withIdleExpiry(row, now));
  }

  /** A page of history, oldest first, after turn number `after`. */
  async history(sessionId: string, options: { after?: number; limit: number }): Promise<HistoryTurn[]> {
    return (await this.database.query(`SELECT ${TURN_COLUMNS} FROM session_turns WHERE session_id = $1 AND turn > $2 ORDER BY turn LIMIT $3`, [
      sessionId,
      options.after ?? 0,
      options.limit,
    ])) as HistoryTurn[];
  }

  /** The turns from the window's start: what a cold cache is rebuilt from. */
  async windowTurns(sessionId: string, fromTicket: number): Promise<(StoredTurn & { usage: CompletionUsage; requestId: string; at: number })[]> {
    const rows = (await this.database.query(`SELECT ${TURN_COLUMNS} FROM session_turns WHERE session_id = $1 AND ticket >= $2 ORDER BY ticket`, [
      sessionId,
      fromTicket,
    ])) as HistoryTurn[];
    return rows.map((row) => ({
      ticket: row.ticket,
      turn: row.turn,
      messages: row.messages,
      tokens: row.tokens,
      usage: row.usage,
      requestId: row.requestId,
      at: row.createdAt.getTime(),
    }));
  }

  /**
   * Writes turns from the turn stream, one statement for the batch: a turn
   * already written (its entry read twice) is skipped, and so is one whose
   * session was deleted meanwhile. Each session's count, window start and
   * last activity move forward, never back.
   */
  async writeTurns(turns: readonly WrittenTurn[]): Promise<void> {
    if (turns.length === 0) return;
    await this.database.query(
      `WITH batch AS (
         SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::jsonb[], $5::int[], $6::jsonb[], $7::text[], $8::timestamptz[], $9::int[])
           AS b(session_id, ticket, turn, messages, tokens, usage, request_id, created_at, window_start)
         WHERE EXISTS (SELECT 1 FROM sessions WHERE sessions.id = b.session_id)),
       written AS (
         INSERT INTO session_turns (session_id, ticket, turn, messages, tokens, usage, request_id, created_at)
         SELECT session_id, ticket, turn, messages, tokens, usage, request_id, created_at FROM batch
         ON CONFLICT DO NOTHING)
       UPDATE sessions SET turns = greatest(sessions.turns, moved.turns), window_start = greatest(sessions.window_start, moved.window_start),
         last_active_at = greatest(sessions.last_active_at, moved.at)
       FROM (SELECT session_id, max(turn) AS turns, max(window_start) AS window_start, max(created_at) AS at FROM batch GROUP BY session_id) moved
       WHERE sessions.id = moved.session_id`,
      [
        turns.map((t) => t.sessionId),
        turns.map((t) => t.ticket),
        turns.map((t) => t.turn),
        turns.map((t) => jsonbText(t.messages)),
        turns.map((t) => t.tokens),
        turns.map((t) => jsonbText(t.usage)),
        turns.map((t) => t.requestId),
        turns.map((t) => new Date(t.at).toISOString()),
        turns.map((t) => t.windowStart),
      ],
    );
  }

  /** The highest ticket with a turn: where a rebuilt ticket counter starts. */
  async lastTicket(sessionId: string): Promise<number> {
    const rows = (await this.database.query('SELECT coalesce(max(ticket), 0) AS last FROM session_turns WHERE session_id = $1', [sessionId])) as {
      last: number;
    }[];
    return Number(rows[0]?.last ?? 0);
  }

  /** A turn already written under this ticket (a job run again after its worker died after writing). */
  async turnOf(sessionId: string, ticket: number): Promise<HistoryTurn | undefined> {
    const rows = (await this.database.query(`SELECT ${TURN_COLUMNS} FROM session_turns WHERE session_id = $1 AND ticket = $2`, [
      sessionId,
      ticket,
    ])) as HistoryTurn[];
    return rows[0];
  }

  /** Ends an active session; returns it as it is now, or undefined if it is not this tenant's. */
  async end(tenant: string, id: string): Promise<SessionRow | undefined> {
    await this.database.query("UPDATE sessions SET status = 'ended', ended_at = now() WHERE id = $1 AND tenant = $2 AND status = 'active'", [id, tenant]);
    return this.get(tenant, id);
  }

  /** Writes down the expiry of sessions idle past their TTL; returns their ids. */
  async expireIdle(): Promise<string[]> {
    // An UPDATE or DELETE answers [rows, count] through TypeORM.
    const [rows] = (await this.database.query(
      `UPDATE sessions SET status = 'expired', ended_at = last_active_at + idle_ttl_seconds * interval '1 second'
       WHERE status = 'active' AND last_active_at + idle_ttl_seconds * interval '1 second' <= now() RETURNING id`,
    )) as [{ id: string }[], number];
    return rows.map((row) => row.id);
  }

  /** Deletes sessions ended or expired more than `retentionMs` ago, with their turns; returns their ids. */
  async deleteEndedBefore(retentionMs: number): Promise<string[]> {
    const [rows] = (await this.database.query(
      `DELETE FROM sessions WHERE status <> 'active' AND ended_at <= now() - $1 * interval '1 millisecond' RETURNING id`,
      [retentionMs],
    )) as [{ id: string }[], number];
    return rows.map((row) => row.id);
  }
}
