import { runMigrations } from './connection/run-migrations';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard';

runMigrations(databaseUrl).then(
  (applied) => {
    process.stdout.write(`${JSON.stringify({ msg: 'migrations applied', applied })}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${JSON.stringify({ msg: 'migration failed', error: (error as Error).message })}\n`);
    process.exitCode = 1;
  },
);
