import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Requests the gateway refuses before queueing them get a row too; they may have no provider or model. */
export class RecordRejectedRequests1732400000000 implements MigrationInterface {
  name = 'RecordRejectedRequests1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE llm_requests ALTER COLUMN provider DROP NOT NULL');
    await queryRunner.query('ALTER TABLE llm_requests ALTER COLUMN model DROP NOT NULL');
    await queryRunner.query('ALTER TABLE llm_requests ALTER COLUMN public_model DROP NOT NULL');
    await queryRunner.query('ALTER TABLE llm_requests DROP CONSTRAINT llm_requests_status_check');
    await queryRunner.query(
      "ALTER TABLE llm_requests ADD CONSTRAINT llm_requests_status_check CHECK (status IN ('succeeded', 'failed', 'expired', 'cancelled', 'rejected'))",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM llm_requests WHERE status = 'rejected' OR provider IS NULL OR model IS NULL OR public_model IS NULL");
    await queryRunner.query('ALTER TABLE llm_requests DROP CONSTRAINT llm_requests_status_check');
    await queryRunner.query(
      "ALTER TABLE llm_requests ADD CONSTRAINT llm_requests_status_check CHECK (status IN ('succeeded', 'failed', 'expired', 'cancelled'))",
    );
    await queryRunner.query('ALTER TABLE llm_requests ALTER COLUMN provider SET NOT NULL');
    await queryRunner.query('ALTER TABLE llm_requests ALTER COLUMN model SET NOT NULL');
    await queryRunner.query('ALTER TABLE llm_requests ALTER COLUMN public_model SET NOT NULL');
  }
}
