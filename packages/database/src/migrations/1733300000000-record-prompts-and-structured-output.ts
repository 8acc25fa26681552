import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a usage row says about the prompt a request was rendered from and the
 * structured answer it asked for, and the feedback callers send about a
 * request afterwards. Together they let one prompt version be compared with
 * another from the rows alone.
 */
export class RecordPromptsAndStructuredOutput1733300000000 implements MigrationInterface {
  name = 'RecordPromptsAndStructuredOutput1733300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // prompt_version (text) exists since the first migration; it holds the version number.
    await queryRunner.query(`
      ALTER TABLE llm_requests
        ADD COLUMN prompt_name text,
        ADD COLUMN prompt_variant text,
        ADD COLUMN structured_mode text CHECK (structured_mode IN ('native', 'tool', 'instructions')),
        ADD COLUMN structured_repairs smallint CHECK (structured_repairs >= 0),
        ADD COLUMN structured_valid boolean`);
    // A prompt's stats read its rows over a time range; rows without a prompt stay out of the index.
    await queryRunner.query('CREATE INDEX llm_requests_prompt ON llm_requests (tenant, prompt_name, created_at) WHERE prompt_name IS NOT NULL');
    await queryRunner.query(`
      CREATE TABLE feedback (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant text NOT NULL,
        request_id text NOT NULL,
        key_id text,
        score double precision,
        label text,
        comment text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (score IS NOT NULL OR label IS NOT NULL)
      )`);
    await queryRunner.query('CREATE INDEX feedback_request ON feedback (tenant, request_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE feedback');
    await queryRunner.query('DROP INDEX llm_requests_prompt');
    await queryRunner.query(
      'ALTER TABLE llm_requests DROP COLUMN prompt_name, DROP COLUMN prompt_variant, DROP COLUMN structured_mode, DROP COLUMN structured_repairs, DROP COLUMN structured_valid',
    );
  }
}
