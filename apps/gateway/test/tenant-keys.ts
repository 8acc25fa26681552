import { expect } from 'vitest';
import type { Platform } from './platform-harness';

/** The platform's gateway started with `SWITCHYARD_ADMIN_KEY: adminKey`, for the admin API. */
export interface AdminApi {
  platform: Platform;
  adminKey: string;
}

function adminPost({ platform, adminKey }: AdminApi, path: string, body: unknown): Promise<Response> {
  return fetch(`${platform.gateway.url}/admin${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A tenant of the test's own, so its keys' limits and usage are the test's alone. */
export async function createTenant(admin: AdminApi, tenant: { id: string; name: string }): Promise<void> {
  expect((await adminPost(admin, '/tenants', tenant)).status).toBe(201);
}

/** A fresh key of the tenant with these limits (`requestsPerMinute`, `tokensPerMinute`, `budgetUsdPerDay`, …). */
export async function keyWithLimits(admin: AdminApi, tenantId: string, limits: Record<string, number>): Promise<{ id: string; key: string }> {
  const response = await adminPost(admin, `/tenants/${tenantId}/keys`, { name: 'limited', limits });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; key: string };
}
