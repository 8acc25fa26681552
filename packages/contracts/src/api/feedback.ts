import { z } from 'zod';

const noNul = (value: string) => !value.includes('\u0000');

/**
 * `POST /v1/feedback`: an outcome of a request, sent after its answer. The
 * score is on the caller's own scale (thumbs as -1/1, stars as 1..5, a grader's
 * 0..1); the prompt stats compare its means, so one prompt's feedback should
 * keep to one scale. A label names a kind of outcome (`accepted`, `wrong_tone`).
 */
export const feedbackCreateSchema = z
  .object({
    request_id: z
      .string({ error: 'request_id must be the id of a request: its x-request-id or x-switchyard-job-id.' })
      .min(1, { error: 'request_id must not be empty.' })
      .max(256, { error: 'request_id must be at most 256 characters.' })
      .refine(noNul, { error: 'request_id must not contain NUL characters.' })
      .describe("The request's `x-request-id` or `x-switchyard-job-id` (either names it, as at `/v1/requests/{id}`)."),
    score: z
      .number({ error: 'score must be a finite number.' })
      // Bounded so that a mean over many scores stays finite.
      .min(-1e9, { error: 'score must be between -1e9 and 1e9.' })
      .max(1e9, { error: 'score must be between -1e9 and 1e9.' })
      .optional()
      .describe("A number from -1e9 to 1e9 on the caller's scale (for example -1..1 or 1..5); the stats average it."),
    label: z
      .string({ error: 'label must be a string.' })
      .min(1, { error: 'label must not be empty.' })
      .max(64, { error: 'label must be at most 64 characters.' })
      .refine(noNul, { error: 'label must not contain NUL characters.' })
      .optional()
      .describe('A kind of outcome, at most 64 characters.'),
    comment: z
      .string({ error: 'comment must be a string.' })
      .max(2000, { error: 'comment must be at most 2000 characters.' })
      .refine(noNul, { error: 'comment must not contain NUL characters.' })
      .optional()
      .describe('Free text, at most 2000 characters.'),
  })
  .strict()
  .refine((body) => body.score !== undefined || body.label !== undefined, { error: 'Feedback needs a score, a label or both.', path: ['score'] });

export type FeedbackCreateRequest = z.infer<typeof feedbackCreateSchema>;

/** One stored feedback. A request may have several; each counts in its prompt version's stats. */
export const feedbackSchema = z.object({
  id: z.string(),
  object: z.literal('feedback'),
  request_id: z.string(),
  score: z.number().nullable(),
  label: z.string().nullable(),
  comment: z.string().nullable(),
  created_at: z.number().int().describe('Unix seconds.'),
});

export type Feedback = z.infer<typeof feedbackSchema>;
