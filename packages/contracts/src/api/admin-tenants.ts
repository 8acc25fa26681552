import { z } from 'zod';

/** `POST /admin/tenants`. */
export const tenantCreateSchema = z
  .object({ id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, "-" and "_"'), name: z.string().min(1).max(256) })
  .strict();

export type TenantCreateRequest = z.infer<typeof tenantCreateSchema>;

/** A tenant: whose keys, jobs, files and usage rows they are. */
export const tenantSchema = z.object({
  id: z.string(),
  object: z.literal('tenant'),
  name: z.string(),
  created_at: z.number().int().describe('Unix seconds.'),
});

export type Tenant = z.infer<typeof tenantSchema>;

/** `GET /admin/tenants`: every tenant, oldest first. */
export const tenantListSchema = z.object({ object: z.literal('list'), data: z.array(tenantSchema) });

export type TenantList = z.infer<typeof tenantListSchema>;
