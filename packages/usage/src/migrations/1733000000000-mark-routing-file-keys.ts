import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keys registered from a routing file remember which file (its absolute
 * path), so one taken out of that file can be revoked without touching the
 * keys of another deployment's file on the same database.
 */
export class MarkRoutingFileKeys1733000000000 implements MigrationInterface {
  name = 'MarkRoutingFileKeys1733000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE api_keys ADD COLUMN routing_file text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE api_keys DROP COLUMN routing_file');
  }
}
