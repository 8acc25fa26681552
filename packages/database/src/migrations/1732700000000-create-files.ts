import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files callers upload (batch input) and the gateway writes (batch output).
 * The bytes live in the row: files are capped well under bytea's 1 GB, and one
 * store keeps a file and its metadata consistent without a second system.
 */
export class CreateFiles1732700000000 implements MigrationInterface {
  name = 'CreateFiles1732700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE files (
        id text PRIMARY KEY,
        tenant text NOT NULL,
        purpose text NOT NULL,
        filename text NOT NULL,
        bytes integer NOT NULL,
        content bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Listing is always one tenant's files, newest first.
    await queryRunner.query('CREATE INDEX files_tenant_created_at_idx ON files (tenant, created_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE files');
  }
}
