import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Whether the answer was streamed, and how long its first token took from the request's arrival. */
export class RecordStreams1732600000000 implements MigrationInterface {
  name = 'RecordStreams1732600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE llm_requests ADD COLUMN streamed boolean NOT NULL DEFAULT false, ADD COLUMN first_token_ms integer');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE llm_requests DROP COLUMN streamed, DROP COLUMN first_token_ms');
  }
}
