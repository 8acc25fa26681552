import { SwitchyardError } from '@switchyard/contracts';
import { createDataSource, type DataSource } from '@switchyard/database';
import { afterAll, beforeAll } from 'vitest';
import { PromptStore, REPO_PROMPTS_SCOPE } from './store/prompt-store';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard_test';

/** A suite's connection to the test database and its store; both are set once the suite's `beforeAll` has run. */
export interface PromptDatabase {
  dataSource: DataSource;
  prompts: PromptStore;
}

/**
 * Opens the test database for the calling `describe` and, after it, deletes
 * the prompts of `tenants` (names of their own per run, so rows left by
 * earlier runs never show up) and the prompts folder's named `${repoPrefix}-…`.
 */
export function usePromptDatabase(tenants: string[], options: { repoPrefix?: string; poolSize?: number } = {}): PromptDatabase {
  const database = {} as PromptDatabase;
  beforeAll(async () => {
    database.dataSource = createDataSource(DATABASE_URL, { poolSize: options.poolSize ?? 4 });
    await database.dataSource.initialize();
    database.prompts = new PromptStore(database.dataSource);
  });
  afterAll(async () => {
    const repoNames = options.repoPrefix === undefined ? null : `${options.repoPrefix}-%`;
    await database.dataSource?.query('DELETE FROM prompts WHERE tenant = ANY($1) OR (tenant = $2 AND name LIKE $3)', [tenants, REPO_PROMPTS_SCOPE, repoNames]);
    await database.dataSource?.destroy();
  });
  return database;
}

/** The typed error `run` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(run: () => Promise<unknown>): Promise<SwitchyardError> {
  try {
    await run();
  } catch (error) {
    if (SwitchyardError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}
