import { createDataSource, ModelBenchmarkRepository } from '@switchyard/database';
import type { BenchmarkRun } from '../run-benchmark';

/** Stores the run in `model_benchmark_runs`, where `GET /admin/model-benchmarks` lists it. */
export async function storeRun(databaseUrl: string, run: BenchmarkRun): Promise<void> {
  const dataSource = createDataSource(databaseUrl, { poolSize: 1 });
  await dataSource.initialize();
  try {
    await new ModelBenchmarkRepository(dataSource).insert({
      id: run.id,
      suite: run.suite,
      models: run.models,
      results: run.results as unknown as Record<string, unknown>,
      createdAt: new Date(run.created_at),
    });
  } finally {
    await dataSource.destroy();
  }
}
