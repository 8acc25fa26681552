import { z } from 'zod';

/** A listing's `limit`: a whole number from 1 to `max`, `fallback` when absent. */
export function listLimitSchema(fallback: number, max: number) {
  const error = `limit must be a whole number from 1 to ${max}.`;
  return z.coerce.number({ error }).int({ error }).min(1, { error }).max(max, { error }).default(fallback).describe(`Items on a page (at most ${max}).`);
}

/** A filter's text (`user=alice`): one value, short, without NUL (PostgreSQL text cannot hold it). */
export function shortTextSchema(name: string) {
  const error = `${name} must be a short string.`;
  return z
    .string({ error })
    .max(256, { error })
    .refine((value) => !value.includes('\u0000'), { error });
}

/** An optional instant given as ISO 8601 text (`2026-03-01`, `2026-03-01T12:00:00Z`), read as a Date. */
export function instantSchema(name: string, description: string) {
  const error = `${name} must be an ISO 8601 date or time.`;
  return z
    .string({ error })
    .refine((value) => !Number.isNaN(new Date(value).getTime()), { error })
    .transform((value) => new Date(value))
    .optional()
    .describe(description);
}
