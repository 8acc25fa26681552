import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When a batch ran out of its completion window; the index finds the batches whose window has passed. */
export class RecordBatchExpiry1733100000000 implements MigrationInterface {
  name = 'RecordBatchExpiry1733100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE batches ADD COLUMN expired_at timestamptz');
    await queryRunner.query("CREATE INDEX batches_due ON batches (expires_at) WHERE status = 'in_progress'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX batches_due');
    await queryRunner.query('ALTER TABLE batches DROP COLUMN expired_at');
  }
}
