import type { DataSource } from 'typeorm';

/** One run of a model benchmark suite, as stored in `model_benchmark_runs`. */
export interface ModelBenchmarkRunRow {
  id: string;
  createdAt: Date;
  suite: string;
  models: unknown[];
  results: Record<string, unknown>;
}

/** The only code that reads or writes `model_benchmark_runs`. */
export class ModelBenchmarkRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first. */
  async list(limit: number): Promise<ModelBenchmarkRunRow[]> {
    return (await this.dataSource.query(
      'SELECT id, created_at AS "createdAt", suite, models, results FROM model_benchmark_runs ORDER BY created_at DESC, id DESC LIMIT $1',
      [limit],
    )) as ModelBenchmarkRunRow[];
  }

  async insert(run: { id: string; suite: string; models: unknown[]; results: Record<string, unknown>; createdAt?: Date }): Promise<void> {
    await this.dataSource.query('INSERT INTO model_benchmark_runs (id, suite, models, results, created_at) VALUES ($1, $2, $3, $4, $5)', [
      run.id,
      run.suite,
      JSON.stringify(run.models),
      JSON.stringify(run.results),
      run.createdAt ?? new Date(),
    ]);
  }
}
