import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Prompt templates. A version is written once and never updated; a label
 * (`production`, `staging`, …) is the only thing that moves. Every row carries
 * its tenant so no query can read across tenants by forgetting a join.
 */
export class CreatePrompts1733200000000 implements MigrationInterface {
  name = 'CreatePrompts1733200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE prompts (
        tenant text NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, name)
      )`);
    // The primary key is what keeps two concurrent saves from taking the same number.
    await queryRunner.query(`
      CREATE TABLE prompt_versions (
        tenant text NOT NULL,
        prompt text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        messages jsonb NOT NULL,
        model text,
        parameters jsonb NOT NULL DEFAULT '{}'::jsonb,
        variables jsonb NOT NULL DEFAULT '{}'::jsonb,
        response_format jsonb,
        variants jsonb NOT NULL DEFAULT '[]'::jsonb,
        author text,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, prompt, version),
        FOREIGN KEY (tenant, prompt) REFERENCES prompts (tenant, name) ON DELETE CASCADE
      )`);
    // A label holds a split: [{version, weight}], a single version being a split of one at 100.
    await queryRunner.query(`
      CREATE TABLE prompt_labels (
        tenant text NOT NULL,
        prompt text NOT NULL,
        label text NOT NULL,
        split jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, prompt, label),
        FOREIGN KEY (tenant, prompt) REFERENCES prompts (tenant, name) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE prompt_labels');
    await queryRunner.query('DROP TABLE prompt_versions');
    await queryRunner.query('DROP TABLE prompts');
  }
}
