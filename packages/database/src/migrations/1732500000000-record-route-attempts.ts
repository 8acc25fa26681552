import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Which providers a request tried before its last one, and why each was left. */
export class RecordRouteAttempts1732500000000 implements MigrationInterface {
  name = 'RecordRouteAttempts1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE llm_requests ADD COLUMN route_attempts jsonb');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE llm_requests DROP COLUMN route_attempts');
  }
}
