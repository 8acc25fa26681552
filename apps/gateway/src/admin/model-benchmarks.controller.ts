import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { type ModelBenchmarkListQuery, type ModelBenchmarkRunList, modelBenchmarkListQuerySchema } from '@switchyard/contracts';
import type { ModelBenchmarkRepository } from '@switchyard/database';
import { MODEL_BENCHMARKS } from '../tokens';
import { QueryPipe } from '../validation/query.pipe';
import { AdminKeyGuard } from './admin-key.guard';

/** Runs of the model benchmark suites, newest first, as the benchmarking tool stored them. */
@Controller('admin/model-benchmarks')
@UseGuards(AdminKeyGuard)
export class ModelBenchmarksController {
  constructor(@Inject(MODEL_BENCHMARKS) private readonly runs: ModelBenchmarkRepository) {}

  @Get()
  async list(@Query(new QueryPipe(modelBenchmarkListQuerySchema)) query: ModelBenchmarkListQuery): Promise<ModelBenchmarkRunList> {
    const runs = await this.runs.list(query.limit);
    return {
      object: 'list',
      data: runs.map((run) => ({
        id: run.id,
        created_at: Math.floor(run.createdAt.getTime() / 1000),
        suite: run.suite,
        models: run.models,
        results: run.results,
      })),
    };
  }
}
