import { z } from 'zod';

export const localModelSchema = z.object({
  model: z.string(),
  size_bytes: z.number().int().nullable().describe('The weights on disk, where the server says.'),
  ram_bytes: z.number().int().nullable(),
  vram_bytes: z.number().int().nullable(),
  loaded: z.literal(true),
  last_used_at: z.number().int().nullable().describe('Unix milliseconds of the last load or request this worker saw.'),
});

export const localGpuSchema = z.union([
  z.object({ utilization: z.number().describe('Percent.'), memory_used_bytes: z.number().int(), memory_total_bytes: z.number().int() }),
  z.literal('unknown'),
]);

/** `GET /admin/local`: what each local provider's worker last gathered (every ~5 s). */
export const localProviderStateSchema = z.object({
  provider: z.string(),
  kind: z.string(),
  at: z.number().int().describe('Unix milliseconds of the snapshot.'),
  models: z.array(localModelSchema),
  slots: z.object({ busy: z.number().int(), queued: z.number().int(), total: z.number().int() }).nullable(),
  tokens_per_second: z.number().nullable(),
  gpu: localGpuSchema,
});

export type LocalProviderState = z.infer<typeof localProviderStateSchema>;
export type LocalModelState = z.infer<typeof localModelSchema>;

export const localProviderStateListSchema = z.object({ object: z.literal('list'), data: z.array(localProviderStateSchema) });
export type LocalProviderStateList = z.infer<typeof localProviderStateListSchema>;

/** The answer to `POST /admin/local/{provider}/models/{model}/load|unload`. */
export const localModelCommandResultSchema = z.object({
  provider: z.string(),
  model: z.string(),
  action: z.enum(['load', 'unload']),
  loaded: z.boolean(),
  evicted: z.array(z.string()).describe('Models unloaded first to stay within the memory budget (evict: lru).'),
});
export type LocalModelCommandResult = z.infer<typeof localModelCommandResultSchema>;
