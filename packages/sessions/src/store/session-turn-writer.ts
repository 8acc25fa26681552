import { sessionTurnStreamKey } from '@switchyard/contracts';
import { PeriodicRound, type Redis } from '@switchyard/queue';
import type { CachedTurn } from '../state/session-state';
import type { SessionRepository, WrittenTurn } from './session-repository';

/** Entries read per statement: one `INSERT … unnest` writes them all. */
const BATCH = 500;

export interface SessionTurnWriterOptions {
  intervalMs: number;
  onError?: (error: unknown) => void;
}

/**
 * Moves committed turns from their Redis stream into PostgreSQL, in batches,
 * off the turn's path: a turn is committed by one Redis script (durable as
 * Redis is, AOF) and written here within `intervalMs`. Entries are deleted
 * only once written; several writers may read the same entries, and the
 * turn's primary key keeps each once.
 */
export class SessionTurnWriter {
  private readonly round: PeriodicRound;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly repository: SessionRepository,
    private readonly options: SessionTurnWriterOptions,
  ) {
    this.round = new PeriodicRound(async () => {
      await this.flush().catch((error: unknown) => this.options.onError?.(error));
    }, options.intervalMs);
  }

  start(): void {
    void this.round.start();
  }

  /** Stops the rounds and writes what is left. */
  async stop(): Promise<void> {
    await this.round.stop();
    await this.flush().catch((error: unknown) => this.options.onError?.(error));
  }

  /** Writes every entry now on the stream; returns how many. */
  async flush(): Promise<number> {
    const key = sessionTurnStreamKey(this.prefix);
    let written = 0;
    for (;;) {
      const entries = await this.redis.xrange(key, '-', '+', 'COUNT', BATCH);
      if (entries.length === 0) return written;
      const turns: WrittenTurn[] = entries.map(([, fields]) => {
        const field = (name: string) => fields[fields.indexOf(name) + 1] as string;
        const turn = JSON.parse(field('t')) as CachedTurn;
        return { ...turn, sessionId: field('s'), windowStart: Number(field('w')) };
      });
      await this.repository.writeTurns(turns);
      await this.redis.xdel(key, ...entries.map(([id]) => id));
      written += entries.length;
      if (entries.length < BATCH) return written;
    }
  }
}
