import { z } from 'zod';
import { listLimitSchema } from './query-parameters';

/** The one endpoint a batch line may call. */
export const BATCH_ENDPOINT = '/v1/chat/completions';

/** PostgreSQL text cannot hold NUL: refused here rather than failing at the database. */
export const nulFree = (text: z.ZodString) => text.refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

/** `POST /v1/batches`, as OpenAI's Batch API takes it. */
export const batchCreateSchema = z
  .object({
    input_file_id: z.string().min(1).max(128),
    endpoint: z.literal(BATCH_ENDPOINT, { error: `Only ${BATCH_ENDPOINT} is supported.` }),
    completion_window: z.literal('24h', { error: 'Only "24h" is supported.' }),
    metadata: z.record(nulFree(z.string().max(64)), nulFree(z.string().max(512))).nullish(),
  })
  .strict();

export type BatchCreateRequest = z.infer<typeof batchCreateSchema>;

/** `GET /v1/batches`: newest first. */
export const batchListQuerySchema = z.object({
  limit: listLimitSchema(20, 100),
  after: z.string({ error: 'after must be a batch id.' }).optional().describe("A previous page's last batch id."),
});

export type BatchListQuery = z.infer<typeof batchListQuerySchema>;

export const BATCH_STATUSES = ['validating', 'failed', 'in_progress', 'finalizing', 'completed', 'expired', 'cancelling', 'cancelled'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** A line of the input file that cannot run, and why. */
export const batchLineErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  line: z.number().int().describe('1-based, as editors count.'),
  param: z.string().nullable(),
});

export type BatchLineError = z.infer<typeof batchLineErrorSchema>;

const unixSeconds = z.number().int();

/** The OpenAI batch object `GET /v1/batches/{id}` answers. */
export const batchSchema = z.object({
  id: z.string(),
  object: z.literal('batch'),
  endpoint: z.string(),
  errors: z.object({ object: z.literal('list'), data: z.array(batchLineErrorSchema) }).nullable(),
  input_file_id: z.string(),
  completion_window: z.string(),
  status: z.enum(BATCH_STATUSES),
  output_file_id: z.string().nullable(),
  error_file_id: z.string().nullable(),
  created_at: unixSeconds,
  in_progress_at: unixSeconds.nullable(),
  expires_at: unixSeconds,
  finalizing_at: unixSeconds.nullable(),
  completed_at: unixSeconds.nullable(),
  failed_at: unixSeconds.nullable(),
  expired_at: unixSeconds.nullable(),
  cancelling_at: unixSeconds.nullable(),
  cancelled_at: unixSeconds.nullable(),
  request_counts: z.object({ total: z.number().int(), completed: z.number().int(), failed: z.number().int() }),
  metadata: z.record(z.string(), z.string()).nullable(),
});

export type BatchView = z.infer<typeof batchSchema>;

/** `GET /v1/batches`: a page of batches. */
export const batchListSchema = z.object({
  object: z.literal('list'),
  data: z.array(batchSchema),
  has_more: z.boolean(),
  first_id: z.string().nullable(),
  last_id: z.string().nullable().describe('Pass as `after` for the next page.'),
});

export type BatchList = z.infer<typeof batchListSchema>;
