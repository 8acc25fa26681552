import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants and their API keys. A key is stored only as its SHA-256; its first characters stay visible to tell keys apart. */
export class CreateTenantsAndKeys1732900000000 implements MigrationInterface {
  name = 'CreateTenantsAndKeys1732900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenants (
        id text PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants (id),
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        limits jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE api_keys');
    await queryRunner.query('DROP TABLE tenants');
  }
}
