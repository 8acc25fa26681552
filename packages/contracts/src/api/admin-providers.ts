import { z } from 'zod';

/** A provider limit in its current window; null when the provider has no such limit. */
const windowUse = z.object({ limit: z.number().int(), used: z.number().int() }).nullable();

/** `GET /admin/providers`: each configured provider, its models' circuits, its limits' use and a local server's listed models. */
export const providerStatusSchema = z.object({
  provider: z.string(),
  kind: z.string(),
  models: z.array(
    z.object({
      model: z.string().describe("The provider's own model id (circuits are kept per provider and model)."),
      circuit: z.enum(['closed', 'open', 'half_open']),
      recent_failures: z.number().int().describe("Failures counted in the circuit breaker's current window."),
    }),
  ),
  limits: z.object({
    rpm: windowUse.describe('Requests in the current limiter window, scaled to a minute when the window is not one.'),
    tpm: windowUse,
  }),
  local: z
    .object({ models: z.array(z.string()), at: z.number().int().describe('Unix milliseconds of the listing.') })
    .nullable()
    .describe('What a local server last listed (its workers publish it); null for other providers or before the first listing.'),
});

export type ProviderStatus = z.infer<typeof providerStatusSchema>;

export const providerStatusListSchema = z.object({ object: z.literal('list'), data: z.array(providerStatusSchema) });

export type ProviderStatusList = z.infer<typeof providerStatusListSchema>;
