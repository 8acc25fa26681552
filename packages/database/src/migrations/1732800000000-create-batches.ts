import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Batches (OpenAI's Batch API): one row each; their lines run as jobs and their progress lives in Redis until they end. */
export class CreateBatches1732800000000 implements MigrationInterface {
  name = 'CreateBatches1732800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE batches (
        id text PRIMARY KEY,
        tenant text NOT NULL,
        status text NOT NULL CHECK (status IN ('validating', 'failed', 'in_progress', 'finalizing', 'completed', 'expired', 'cancelling', 'cancelled')),
        endpoint text NOT NULL,
        input_file_id text NOT NULL,
        output_file_id text,
        error_file_id text,
        completion_window text NOT NULL,
        total integer NOT NULL DEFAULT 0,
        completed integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        errors jsonb,
        metadata jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        in_progress_at timestamptz,
        finalizing_at timestamptz,
        completed_at timestamptz,
        failed_at timestamptz,
        cancelling_at timestamptz,
        cancelled_at timestamptz,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX batches_tenant_created ON batches (tenant, created_at DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE batches');
  }
}
