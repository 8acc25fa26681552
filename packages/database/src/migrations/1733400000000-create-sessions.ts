import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions: conversations whose history Switchyard keeps. A turn (its input
 * and the assistant's answer) is one row, written once: the primary key
 * (session_id, ticket) makes a turn whose job ran twice land once. Usage
 * rows name the session their request was a turn of.
 */
export class CreateSessions1733400000000 implements MigrationInterface {
  name = 'CreateSessions1733400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        tenant text NOT NULL,
        key_id text,
        model text NOT NULL,
        system text,
        prompt_name text,
        prompt_version integer,
        window_max_messages integer CHECK (window_max_messages > 0),
        window_max_tokens integer CHECK (window_max_tokens > 0),
        metadata jsonb NOT NULL DEFAULT '{}',
        idle_ttl_seconds integer NOT NULL CHECK (idle_ttl_seconds > 0),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended', 'expired')),
        turns integer NOT NULL DEFAULT 0,
        window_start integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_active_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz
      )`);
    // A tenant's sessions, newest first, by status; the retention sweep's two questions.
    await queryRunner.query('CREATE INDEX sessions_tenant ON sessions (tenant, status, created_at DESC, id DESC)');
    await queryRunner.query("CREATE INDEX sessions_idle ON sessions (last_active_at) WHERE status = 'active'");
    await queryRunner.query("CREATE INDEX sessions_ended ON sessions (ended_at) WHERE status <> 'active'");
    await queryRunner.query(`
      CREATE TABLE session_turns (
        session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        ticket integer NOT NULL,
        turn integer NOT NULL,
        messages jsonb NOT NULL,
        tokens integer NOT NULL,
        usage jsonb NOT NULL,
        request_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, ticket)
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX session_turns_turn ON session_turns (session_id, turn)');
    await queryRunner.query('ALTER TABLE llm_requests ADD COLUMN session_id text');
    await queryRunner.query('CREATE INDEX llm_requests_session ON llm_requests (session_id) WHERE session_id IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX llm_requests_session');
    await queryRunner.query('ALTER TABLE llm_requests DROP COLUMN session_id');
    await queryRunner.query('DROP TABLE session_turns');
    await queryRunner.query('DROP TABLE sessions');
  }
}
