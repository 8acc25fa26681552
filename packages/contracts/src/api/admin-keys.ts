import { z } from 'zod';
import { shortTextSchema } from './query-parameters';

const count = z
  .number()
  .int()
  .positive()
  .max(2 ** 31);
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

export type KeyCreateRequest = z.infer<typeof keyCreateSchema>;

/** `PATCH /admin/keys/{id}`. */
export const keyChangeSchema = z.object({ limits: keyLimitsSchema }).strict();

export type KeyChangeRequest = z.infer<typeof keyChangeSchema>;

const unixSeconds = z.number().int().describe('Unix seconds.');

/** An API key as the admin API shows it: never the key itself, except once, when it is made. */
export const apiKeySchema = z.object({
  id: z.string(),
  object: z.literal('api_key'),
  tenant: z.string(),
  name: z.string(),
  prefix: z.string().describe("The key's first characters, to tell keys apart; never enough to use it."),
  limits: keyLimitsSchema,
  created_at: unixSeconds,
  expires_at: unixSeconds.nullable(),
  revoked_at: unixSeconds.nullable(),
  routing_file: z.string().nullable().describe('The routing file that registered the key; null for a key the admin API made.'),
});

export type ApiKey = z.infer<typeof apiKeySchema>;

/** `POST /admin/tenants/{tenant}/keys`: the new key, with the one and only sight of its secret. */
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string().describe('The key itself: shown in this answer and never again.') });

export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

/** `GET /admin/tenants/{tenant}/keys`. */
export const apiKeyListSchema = z.object({ object: z.literal('list'), data: z.array(apiKeySchema) });

export type ApiKeyList = z.infer<typeof apiKeyListSchema>;

/** `DELETE /admin/keys/{id}`: the key, revoked; just its id when it was removed meanwhile. */
export const revokedApiKeySchema = z.union([apiKeySchema, z.object({ id: z.string(), revoked: z.literal(true) })]);

export type RevokedApiKey = z.infer<typeof revokedApiKeySchema>;

/** `GET /admin/keys`: every tenant's keys, or one tenant's; revoked keys only when asked for. */
export const adminKeyListQuerySchema = z.object({
  tenant: shortTextSchema('tenant').optional().describe('Only this tenant.'),
  include_revoked: z
    .enum(['true', 'false'], { error: 'include_revoked must be true or false.' })
    .default('false')
    .transform((value) => value === 'true')
    .describe('Also list revoked keys (default false).'),
});

export type AdminKeyListQuery = z.infer<typeof adminKeyListQuerySchema>;

/** What a key has used in its limits' current windows; null where the key has no such limit (nothing is counted then). */
export const keyUsageSchema = z.object({
  requests_this_minute: z.number().int().nullable(),
  tokens_this_minute: z.number().int().nullable(),
  spend_usd_today: z.number().nullable().describe('US dollars this UTC day, as the budget counts them (estimates settled with real costs).'),
  spend_usd_this_month: z.number().nullable(),
});

export type KeyUsage = z.infer<typeof keyUsageSchema>;

export const apiKeyWithUsageSchema = apiKeySchema.extend({ usage: keyUsageSchema });

export type ApiKeyWithUsage = z.infer<typeof apiKeyWithUsageSchema>;

/** `GET /admin/keys`: newest first. */
export const apiKeyWithUsageListSchema = z.object({ object: z.literal('list'), data: z.array(apiKeyWithUsageSchema) });

export type ApiKeyWithUsageList = z.infer<typeof apiKeyWithUsageListSchema>;
