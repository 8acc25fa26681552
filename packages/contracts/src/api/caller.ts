import { z } from 'zod';
import { keyLimitsSchema } from './admin-keys';

/** `GET /v1/me`: whose key this is, and its limits. */
export const callerSchema = z.object({
  object: z.literal('caller'),
  tenant: z.string(),
  key_id: z.string().describe('The key\'s id; "admin" when the admin key acts for the tenant.'),
  key_name: z.string().nullable(),
  limits: keyLimitsSchema,
});

export type Caller = z.infer<typeof callerSchema>;
