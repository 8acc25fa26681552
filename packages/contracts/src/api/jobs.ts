import { z } from 'zod';
import { ASYNC_JOB_STATUSES, asyncJobViewSchema } from '../jobs/async-job';
import { listLimitSchema } from './query-parameters';

/** `GET /v1/jobs`: the tenant's jobs, newest first. */
export const jobListQuerySchema = z.object({
  limit: listLimitSchema(20, 100),
  status: z
    .enum(ASYNC_JOB_STATUSES, { error: `status must be one of: ${ASYNC_JOB_STATUSES.join(', ')}.` })
    .optional()
    .describe('Only jobs in this state.'),
  after: z.string({ error: 'after must be a job id.' }).optional().describe("A previous page's `last_id`."),
});

export type JobListQuery = z.infer<typeof jobListQuerySchema>;

/** A page of jobs. */
export const jobListSchema = z.object({
  object: z.literal('list'),
  data: z.array(asyncJobViewSchema),
  has_more: z.boolean(),
  last_id: z.string().nullable().describe('Pass as `after` for the next page.'),
});

export type JobList = z.infer<typeof jobListSchema>;
