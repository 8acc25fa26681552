import { runMigrations } from './packages/database/dist/index.js';

/**
 * Tests run against the real Redis and PostgreSQL that `npm test` made sure
 * are up, in a database of their own so they never touch `switchyard`.
 */
export default async function setup(): Promise<void> {
  process.env.DATABASE_URL ??= 'postgres://postgres:postgres@127.0.0.1:5432/switchyard_test';
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  await runMigrations(process.env.DATABASE_URL);
}
