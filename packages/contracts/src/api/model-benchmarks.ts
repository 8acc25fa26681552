import { z } from 'zod';
import { listLimitSchema } from './query-parameters';

/** `GET /admin/model-benchmarks`. */
export const modelBenchmarkListQuerySchema = z.object({ limit: listLimitSchema(50, 500) });

export type ModelBenchmarkListQuery = z.infer<typeof modelBenchmarkListQuerySchema>;

/** One run of a model benchmark suite: the models it compared and what it found, as the suite wrote them. */
export const modelBenchmarkRunSchema = z.object({
  id: z.string(),
  created_at: z.number().int().describe('Unix seconds.'),
  suite: z.string(),
  models: z.array(z.unknown()),
  results: z.record(z.string(), z.unknown()),
});

export type ModelBenchmarkRun = z.infer<typeof modelBenchmarkRunSchema>;

/** Newest first. */
export const modelBenchmarkRunListSchema = z.object({ object: z.literal('list'), data: z.array(modelBenchmarkRunSchema) });

export type ModelBenchmarkRunList = z.infer<typeof modelBenchmarkRunListSchema>;
