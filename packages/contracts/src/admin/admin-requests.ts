import { z } from 'zod';

const count = z.number().int().positive().max(2 ** 31);
// Dollars above a million a day are a typo, not a budget; the counters work in billionths.
const dollars = z.number().positive().max(1_000_000);

/** A key's own limits; each one left out does not apply. */
export const keyLimitsSchema = z
  .object({
    requestsPerMinute: count.optional(),
    requestsPerDay: count.optional(),
    tokensPerMinute: count.optional(),
    budgetUsdPerDay: dollars.optional(),
    budgetUsdPerMonth: dollars.optional(),
  })
  .strict();

/** `POST /admin/tenants`. */
export const tenantCreateSchema = z
  .object({ id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, "-" and "_"'), name: z.string().min(1).max(256) })
  .strict();

/** `POST /admin/tenants/{tenant}/keys`. */
export const keyCreateSchema = z
  .object({
    name: z.string().min(1).max(256),
    // Unix seconds, in the future and before the year 10000 (what PostgreSQL's timestamps hold).
    expires_at: z
      .number()
      .int()
      .max(253_402_300_799)
      .refine((at) => at * 1000 > Date.now(), 'must be in the future')
      .optional(),
    limits: keyLimitsSchema.optional(),
  })
  .strict();

/** `PATCH /admin/keys/{id}`. */
export const keyChangeSchema = z.object({ limits: keyLimitsSchema }).strict();
