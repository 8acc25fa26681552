import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLlmRequests1732300000000 implements MigrationInterface {
  name = 'CreateLlmRequests1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE llm_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id text NOT NULL,
        job_id text NOT NULL,
        key_id text,
        tenant text NOT NULL,
        user_id text,
        provider text NOT NULL,
        model text NOT NULL,
        public_model text NOT NULL,
        prompt_tokens integer NOT NULL DEFAULT 0,
        completion_tokens integer NOT NULL DEFAULT 0,
        total_tokens integer NOT NULL DEFAULT 0,
        cost_usd numeric(14, 8),
        latency_ms integer NOT NULL,
        upstream_latency_ms integer,
        queue_wait_ms integer,
        status text NOT NULL CHECK (status IN ('succeeded', 'failed', 'expired', 'cancelled')),
        error_code text,
        cache_hit boolean NOT NULL DEFAULT false,
        attempts smallint NOT NULL DEFAULT 1,
        prompt_version text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per job even when a stalled job runs twice: inserts skip conflicts on job_id.
    await queryRunner.query('CREATE UNIQUE INDEX llm_requests_job_id_key ON llm_requests (job_id)');
    await queryRunner.query('CREATE INDEX llm_requests_request_id_idx ON llm_requests (request_id)');
    await queryRunner.query('CREATE INDEX llm_requests_created_at_idx ON llm_requests (created_at)');
    await queryRunner.query('CREATE INDEX llm_requests_tenant_created_at_idx ON llm_requests (tenant, created_at)');
    await queryRunner.query('CREATE INDEX llm_requests_user_created_at_idx ON llm_requests (user_id, created_at) WHERE user_id IS NOT NULL');
    await queryRunner.query('CREATE INDEX llm_requests_key_created_at_idx ON llm_requests (key_id, created_at)');
    await queryRunner.query('CREATE INDEX llm_requests_provider_created_at_idx ON llm_requests (provider, created_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE llm_requests');
  }
}
