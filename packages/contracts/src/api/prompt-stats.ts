import { z } from 'zod';

const DAY_MS = 24 * 3600 * 1000;
const MAX_RANGE_MS = 366 * DAY_MS;
const UNIX_SECONDS = /^\d{1,12}(\.\d+)?$/;

/** An instant as unix seconds (`1733300000`) or ISO 8601 (`2026-03-01T00:00:00Z`). */
function instant(name: string, description: string) {
  const error = `${name} must be unix seconds or an ISO 8601 date or time.`;
  return z
    .string({ error })
    .transform((value, context) => {
      const date = UNIX_SECONDS.test(value) ? new Date(Number(value) * 1000) : new Date(value);
      if (Number.isNaN(date.getTime())) context.addIssue({ code: 'custom', message: error });
      return date;
    })
    .optional()
    .describe(description);
}

/** `GET /v1/prompts/{name}/stats`: the prompt's requests over [from, to), by version. */
export const promptStatsQuerySchema = z
  .object({
    // to before from: the default from is counted back from to.
    to: instant('to', 'Unix seconds or ISO 8601; the first instant not counted (default: now).'),
    from: instant('from', 'Unix seconds or ISO 8601; the first instant counted (default: 7 days before to).'),
    label: z
      .string({ error: 'label must be a short string.' })
      .min(1, { error: 'label must be a short string.' })
      .max(64, { error: 'label must be a short string.' })
      .refine((value) => !value.includes('\u0000'), { error: 'label must be a short string.' })
      .optional()
      .describe('Only feedback with this label counts in `feedback`.'),
  })
  .transform(({ from, to, label }) => {
    const end = to ?? new Date();
    return { from: from ?? new Date(end.getTime() - 7 * DAY_MS), to: end, label: label ?? null };
  })
  .refine(({ from, to }) => from < to && to.getTime() - from.getTime() <= MAX_RANGE_MS, {
    error: 'from must be before to, at most 366 days apart.',
    path: ['from'],
  });

export type PromptStatsQuery = z.infer<typeof promptStatsQuerySchema>;

const rate = z.number().nullable().describe('A share from 0 to 1; null when there was nothing to count.');

/** One prompt version's requests in the range. */
export const promptVersionStatsSchema = z.object({
  version: z.number().int().nullable().describe('The prompt version; null for requests that recorded the prompt but no version.'),
  requests: z.number().int().describe('Every request rendered from this version, whatever its status.'),
  errors: z.number().int().describe('Requests that failed or expired (as `/v1/usage` counts errors).'),
  error_rate: z.number().describe('errors / requests.'),
  latency_ms: z
    .object({ p50: z.number().nullable(), p95: z.number().nullable() })
    .describe('Percentiles (interpolated) of the latency of succeeded requests; null with none.'),
  tokens: z.object({
    prompt: z.number().int(),
    completion: z.number().int(),
    total: z.number().int(),
    mean_total: z.number().describe('total / requests.'),
  }),
  cost_usd: z.number(),
  structured: z.object({
    requests: z.number().int().describe('Requests that asked for a JSON schema answer.'),
    valid_rate: rate.describe('Answers valid against the schema / answers checked.'),
    repair_rate: rate.describe('Structured requests that took at least one repair or re-ask / structured requests.'),
  }),
  feedback: z.object({
    count: z.number().int().describe("Feedback on this version's requests (every one counts, several per request included)."),
    scored: z.number().int().describe('Of it, feedback with a score.'),
    mean_score: z.number().nullable(),
  }),
});

export type PromptVersionStats = z.infer<typeof promptVersionStatsSchema>;

const significanceSchema = (test: string) =>
  z.object({
    difference: z.number().nullable().describe('version − baseline; null when a side has nothing to compare.'),
    p_value: z.number().nullable().describe('Two-sided; null when the test is undefined (too few observations, or no variation on either side).'),
    significant: z.boolean().describe('p_value below `significance_level`.'),
    test: z.literal(test),
  });

/** One version against the baseline. */
export const promptVersionComparisonSchema = z.object({
  baseline: z.number().int(),
  version: z.number().int(),
  error_rate: significanceSchema('two-proportion z-test'),
  structured_valid_rate: significanceSchema('two-proportion z-test'),
  feedback: significanceSchema("Welch's t-test").describe('Mean score.'),
});

export type PromptVersionComparison = z.infer<typeof promptVersionComparisonSchema>;

/** `GET /v1/prompts/{name}/stats`. */
export const promptStatsSchema = z.object({
  object: z.literal('prompt.stats'),
  name: z.string(),
  from: z.string().describe('ISO 8601; the first instant counted.'),
  to: z.string().describe('ISO 8601; the first instant not counted.'),
  label: z.string().nullable().describe('The feedback label counted, or null for every label.'),
  significance_level: z.number(),
  versions: z.array(promptVersionStatsSchema).describe('Oldest version first.'),
  baseline: z.number().int().nullable().describe('The version with the most requests (the lower on a tie), which the others are compared with.'),
  comparisons: z.array(promptVersionComparisonSchema),
});

export type PromptStats = z.infer<typeof promptStatsSchema>;
