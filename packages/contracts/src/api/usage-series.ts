import { z } from 'zod';
import { instantSchema } from './query-parameters';
import { adminTenantFilter } from './usage';

/** What `GET /v1/usage/series` may split its series by. */
export const SERIES_GROUPINGS = ['model', 'provider', 'key', 'user'] as const;
export const SERIES_INTERVALS = ['hour', 'day'] as const;
/** Groups shown on their own; the rest are summed into one named `other`. */
export const MAX_SERIES_GROUPS = 20;

const HOUR_MS = 3600 * 1000;
const MAX_SERIES_RANGE_DAYS = 400;

// `to` before `from`: the default `from` is counted back from the `to` given.
const seriesFields = {
  to: instantSchema('to', 'ISO 8601; the first instant not counted (default: now).'),
  from: instantSchema('from', 'ISO 8601; counted from the start of its hour (default: 24 hours before to).'),
  interval: z
    .enum(SERIES_INTERVALS, { error: `interval must be one of: ${SERIES_INTERVALS.join(', ')}.` })
    .default('hour')
    .describe('One point per UTC hour or day.'),
  group_by: z
    .enum(SERIES_GROUPINGS, { error: `group_by must be one of: ${SERIES_GROUPINGS.join(', ')}.` })
    .optional()
    .describe(`A series per model, provider, key or user: the ${MAX_SERIES_GROUPS} with the most requests, the rest summed as "other".`),
};

function withDefaultRange<Query extends { from?: Date | undefined; to?: Date | undefined }>({ from, to, ...rest }: Query) {
  const end = to ?? new Date();
  return { ...rest, from: from ?? new Date(end.getTime() - 24 * HOUR_MS), to: end };
}

const inRange = ({ from, to }: { from: Date; to: Date }) => from < to && to.getTime() - from.getTime() <= MAX_SERIES_RANGE_DAYS * 24 * HOUR_MS;
const RANGE_ERROR = { error: `from must be before to, at most ${MAX_SERIES_RANGE_DAYS} days apart.`, path: ['from'] };

/** `GET /v1/usage/series`: usage over [from, to) by hour or day, from the hourly rollups. */
export const usageSeriesQuerySchema = z.object(seriesFields).transform(withDefaultRange).refine(inRange, RANGE_ERROR);
/** `GET /admin/usage/series`: the same, for one tenant or (without `tenant`) all of them. */
export const adminUsageSeriesQuerySchema = z
  .object({ ...adminTenantFilter, ...seriesFields })
  .transform(withDefaultRange)
  .refine(inRange, RANGE_ERROR);

export type UsageSeriesQuery = z.infer<typeof usageSeriesQuerySchema>;
export type AdminUsageSeriesQuery = z.infer<typeof adminUsageSeriesQuerySchema>;

const latency = z.number().int().nullable();

/** One hour's or day's figures. Latency percentiles are read from a log-scale histogram: within 19 % of the exact ones. */
export const usageSeriesPointSchema = z.object({
  t: z.string().describe('Start of the UTC hour or day, ISO 8601.'),
  requests: z.number().int(),
  errors: z.number().int().describe('Requests that ended failed or expired.'),
  cache_hits: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  cost_usd: z.number(),
  avg_latency_ms: latency,
  p50_latency_ms: latency,
  p95_latency_ms: latency,
});

/** `GET /v1/usage/series`: points only for hours (days) that had requests; a chart fills the gaps. */
export const usageSeriesSchema = z.object({
  object: z.literal('usage.series'),
  interval: z.enum(SERIES_INTERVALS),
  from: z.string(),
  to: z.string(),
  group_by: z.enum(SERIES_GROUPINGS).nullable(),
  series: z.array(
    z.object({
      group: z
        .string()
        .nullable()
        .describe('The group\'s value; null without group_by or for requests without one; "other" sums the groups past the first 20.'),
      points: z.array(usageSeriesPointSchema),
    }),
  ),
});

export type UsageSeries = z.infer<typeof usageSeriesSchema>;
export type UsageSeriesPoint = z.infer<typeof usageSeriesPointSchema>;
export type UsageSeriesGroup = (typeof SERIES_GROUPINGS)[number];
export type UsageSeriesInterval = (typeof SERIES_INTERVALS)[number];
