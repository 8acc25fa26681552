import { type CompletionUsage, type SessionStatus, sessionKeys, sessionTurnStreamKey } from '@switchyard/contracts';
import { type Redis, runScript } from '@switchyard/queue';
import type { SessionRepository, SessionRow } from '../store/session-repository';
import type { StoredTurn } from '../window/cut-window';
import { BEGIN_SCRIPT, COMMIT_SCRIPT, ENTER_SCRIPT, RELEASE_SCRIPT, SEED_SCRIPT } from './session-scripts';

/** What a turn needs from its session's settings, cached with the window. */
export interface SessionSettings {
  model: string;
  system: string | null;
  maxMessages: number | null;
  maxTokens: number | null;
}

export type Entry = { kind: 'ok'; ticket: number; model: string } | { kind: 'busy' } | { kind: 'ended'; status: SessionStatus } | { kind: 'gone' };

/** A turn as the cache keeps it: what the window needs, and what the history shows before PostgreSQL has it. */
export interface CachedTurn extends StoredTurn {
  usage: CompletionUsage;
  requestId: string;
  /** Epoch ms it was written. */
  at: number;
}

/**
 * A turn may go: the session's settings and its window's turns, all of them
 * (`complete`) or only those after the one the caller said it holds.
 */
export type Begin =
  | { kind: 'go'; settings: SessionSettings; windowStart: number; turns: CachedTurn[]; complete: boolean }
  | { kind: 'wait' }
  | { kind: 'done' };

/** What committing a turn did: its number (0: the ticket was served already; -1: no cached state) and who heard the reply (-1: none sent). */
export interface Committed {
  turn: number;
  heard: number;
}

/**
 * Tickets of the turns of a session that have not ended yet may be taken
 * again after a Redis loss: counting on from this far past the last written
 * ticket keeps new turns clear of them.
 */
const SEED_TICKET_GAP = 1000;
/** The cache outlives the idle TTL by this much, so an expired session still answers from it. */
const KEEP_PAST_TTL_MS = 3600_000;

export interface SessionStateOptions {
  /** How long a turn may hold its session before the next one goes anyway (a dead caller, a lost job). */
  leaseMs: number;
}

/**
 * A session's turn order and cached window in Redis: each step of a turn is
 * one script, so one round trip. PostgreSQL holds the durable copy; a state
 * that is missing (evicted, Redis restarted without its data) is rebuilt
 * from it.
 */
export class SessionState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly repository: SessionRepository,
    private readonly options: SessionStateOptions,
  ) {}

  /** Takes the session's next ticket for a turn; with `wait` false, only if no turn is running or waiting. */
  async enter(sessionId: string, tenant: string, wait: boolean): Promise<Entry> {
    for (let tries = 0; tries < 2; tries++) {
      const keys = sessionKeys(this.prefix, sessionId);
      const answer = (await runScript(this.redis, 'sessionEnter', ENTER_SCRIPT, 2, [
        keys.state,
        keys.skipped,
        tenant,
        wait ? 1 : 0,
        Date.now(),
        this.options.leaseMs,
      ])) as [string, ...(string | number)[]];
      switch (answer[0]) {
        case 'ok':
          return { kind: 'ok', ticket: Number(answer[1]), model: String(answer[2]) };
        case 'busy':
          return { kind: 'busy' };
        case 'gone':
          return { kind: 'gone' };
        case 'ended':
          return { kind: 'ended', status: String(answer[1]) as SessionStatus };
        default: {
          const row = await this.repository.byId(sessionId);
          if (row === undefined || row.tenant !== tenant) return { kind: 'gone' };
          await this.seed(row);
        }
      }
    }
    return { kind: 'gone' };
  }

  /**
   * A turn's job starts: its go (with the settings and the cached window, or
   * only its turns after `knownTicket`, the newest the caller holds), a wait
   * for the turns ahead, or `done`.
   */
  async begin(sessionId: string, ticket: number, knownTicket = 0): Promise<Begin> {
    for (let tries = 0; tries < 2; tries++) {
      const keys = sessionKeys(this.prefix, sessionId);
      const answer = (await runScript(this.redis, 'sessionBegin', BEGIN_SCRIPT, 3, [
        keys.state,
        keys.turns,
        keys.skipped,
        ticket,
        Date.now(),
        this.options.leaseMs,
        knownTicket,
      ])) as string[];
      const [kind, settings, start, turns, from] = answer;
      if (kind === 'go') {
        return {
          kind: 'go',
          settings: JSON.parse(settings as string) as SessionSettings,
          windowStart: Number(start),
          turns: JSON.parse(turns as string) as CachedTurn[],
          complete: from === 'all',
        };
      }
      if (kind === 'wait' || kind === 'done') return { kind };
      const row = await this.repository.byId(sessionId);
      if (row === undefined) return { kind: 'done' };
      await this.seed(row);
    }
    return { kind: 'wait' };
  }

  /**
   * The turn is answered: it gets its turn number, joins the cached window
   * and the stream PostgreSQL is written from, and the next ticket may go,
   * in one script. Returns the turn number (0: the ticket was served already).
   */
  async commit(sessionId: string, turn: Omit<CachedTurn, 'turn'>, windowStart: number, reply?: { channel: string; message: string }): Promise<Committed> {
    const keys = sessionKeys(this.prefix, sessionId);
    const fields = JSON.stringify({
      ticket: turn.ticket,
      messages: turn.messages,
      tokens: turn.tokens,
      usage: turn.usage,
      requestId: turn.requestId,
      at: turn.at,
    });
    const answer = (await runScript(this.redis, 'sessionCommit', COMMIT_SCRIPT, 4, [
      keys.state,
      keys.turns,
      keys.skipped,
      sessionTurnStreamKey(this.prefix),
      turn.ticket,
      fields.slice(1),
      windowStart,
      Date.now(),
      KEEP_PAST_TTL_MS,
      sessionId,
      ...(reply === undefined ? [] : [reply.channel, reply.message]),
    ])) as [number, number];
    return { turn: Number(answer[0]), heard: Number(answer[1]) };
  }

  /** The cached window's turns (those PostgreSQL may not have yet among them), oldest first. */
  async cachedTurns(sessionId: string): Promise<CachedTurn[]> {
    const turns = await this.redis.lrange(sessionKeys(this.prefix, sessionId).turns, 0, -1);
    return turns.map((turn) => JSON.parse(turn) as CachedTurn);
  }

  /** The turn ended without an answer: the history stays as it was and the next ticket may go. */
  async release(sessionId: string, ticket: number): Promise<void> {
    const keys = sessionKeys(this.prefix, sessionId);
    await runScript(this.redis, 'sessionRelease', RELEASE_SCRIPT, 2, [keys.state, keys.skipped, ticket, Date.now()]);
  }

  /** Marks a cached session ended (its row is already), so its next message is refused without a database read. */
  async markEnded(sessionId: string, status: SessionStatus): Promise<void> {
    const { state } = sessionKeys(this.prefix, sessionId);
    // Only a cached state is changed: HSET on a missing key would make a state with nothing else in it.
    await this.redis.eval("if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'status', ARGV[1]) end return 0", 1, state, status);
  }

  /** Forgets a session's cache (it was deleted). */
  async forget(sessionId: string): Promise<void> {
    const keys = sessionKeys(this.prefix, sessionId);
    await this.redis.del(keys.state, keys.turns, keys.skipped);
  }

  /** Rebuilds the cache from the session's row and the turns of its window. */
  private async seed(row: SessionRow): Promise<void> {
    await this.seedWith(row, await this.repository.windowTurns(row.id, row.windowStart), await this.repository.lastTicket(row.id));
  }

  private async seedWith(row: SessionRow, turns: CachedTurn[], last: number): Promise<void> {
    const ticket = last === 0 && row.turns === 0 ? 0 : last + SEED_TICKET_GAP;
    const settings: SessionSettings = { model: row.model, system: row.system, maxMessages: row.windowMaxMessages, maxTokens: row.windowMaxTokens };
    const keys = sessionKeys(this.prefix, row.id);
    const ttlMs = row.idleTtlSeconds * 1000;
    const fields: Record<string, string | number> = {
      tenant: row.tenant,
      status: row.status,
      model: row.model,
      settings: JSON.stringify(settings),
      ttl: ttlMs,
      last: row.lastActiveAt.getTime(),
      next: ticket,
      served: ticket,
      running: '',
      head: Date.now(),
      start: row.windowStart,
      turns: row.turns,
    };
    await runScript(this.redis, 'sessionSeed', SEED_SCRIPT, 2, [
      keys.state,
      keys.turns,
      ttlMs + KEEP_PAST_TTL_MS,
      ...Object.entries(fields).flat(),
      '--',
      ...turns.map((turn) => JSON.stringify(turn)),
    ]);
  }

  /** Caches a session just created, so its first message needs no database read. */
  async created(row: SessionRow): Promise<void> {
    await this.seedWith(row, [], 0);
  }
}
