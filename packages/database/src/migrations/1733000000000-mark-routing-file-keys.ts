import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keys registered from a routing file remember which file (its absolute
 * path): an operator can tell them from the admin API's keys, and find the
 * ones a file no longer holds, to revoke them through the admin API.
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
