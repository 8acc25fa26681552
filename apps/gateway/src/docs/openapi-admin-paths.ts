import {
  adminKeyListQuerySchema,
  adminRequestQuerySchema,
  adminRequestsQuerySchema,
  adminUsageQuerySchema,
  adminUsageSeriesQuerySchema,
  modelBenchmarkListQuerySchema,
} from '@switchyard/contracts';
import { admin, answer, body, errors, open, pathParameter, queryParameters } from './openapi-schemas';

/** The admin API's paths (tenants, keys, every tenant's usage), behind the admin key. */
export function adminPaths(): Record<string, unknown> {
  return {
    '/admin/tenants': {
      post: {
        operationId: 'createTenant',
        summary: 'Admin: create a tenant',
        security: admin,
        requestBody: body('TenantCreateRequest'),
        responses: { 201: answer('The tenant', 'Tenant'), ...errors(400, 401, 403, 409) },
      },
      get: {
        operationId: 'listTenants',
        summary: 'Admin: every tenant',
        security: admin,
        responses: { 200: answer('The tenants', 'TenantList'), ...errors(401, 403) },
      },
    },
    '/admin/tenants/{tenant}/keys': {
      parameters: [pathParameter('tenant', 'The tenant id.')],
      post: {
        operationId: 'createKey',
        summary: 'Admin: a new API key of the tenant; the answer is the only one that shows the key',
        security: admin,
        requestBody: body('KeyCreateRequest'),
        responses: { 201: answer('The key, with its secret', 'CreatedApiKey'), ...errors(400, 401, 403, 404) },
      },
      get: {
        operationId: 'listKeys',
        summary: "Admin: the tenant's keys (never their secrets)",
        security: admin,
        responses: { 200: answer('The keys', 'ApiKeyList'), ...errors(401, 403, 404) },
      },
    },
    '/admin/keys': {
      get: {
        operationId: 'adminListKeys',
        summary: "Admin: every tenant's keys (or one tenant's), newest first, each with what it used in its limits' current windows",
        security: admin,
        parameters: queryParameters(adminKeyListQuerySchema),
        responses: { 200: answer('The keys and their use', 'ApiKeyWithUsageList'), ...errors(400, 401, 403, 404) },
      },
    },
    '/admin/keys/{id}': {
      parameters: [pathParameter('id', 'The key id.')],
      patch: {
        operationId: 'changeKey',
        summary: "Admin: replace a key's limits, on every gateway at once",
        security: admin,
        requestBody: body('KeyChangeRequest'),
        responses: { 200: answer('The key', 'ApiKey'), ...errors(400, 401, 403, 404) },
      },
      delete: {
        operationId: 'revokeKey',
        summary: 'Admin: revoke a key, on every gateway at once',
        security: admin,
        responses: { 200: answer('The key, revoked', 'RevokedApiKey'), ...errors(401, 403, 404) },
      },
    },
    '/admin/usage': {
      get: {
        operationId: 'adminUsage',
        summary: 'Admin: /v1/usage across tenants',
        security: admin,
        parameters: queryParameters(adminUsageQuerySchema),
        responses: { 200: { description: 'Totals' }, ...errors(400, 401, 403) },
      },
    },
    '/admin/usage/series': {
      get: {
        operationId: 'adminUsageSeries',
        summary: 'Admin: /v1/usage/series for one tenant, or all of them',
        security: admin,
        parameters: queryParameters(adminUsageSeriesQuerySchema),
        responses: { 200: answer('The series', 'UsageSeries'), ...errors(400, 401, 403) },
      },
    },
    '/admin/providers': {
      get: {
        operationId: 'adminListProviders',
        summary: "Admin: each configured provider now: its models' circuits, its limits' use, a local server's listed models",
        security: admin,
        responses: { 200: answer('The providers', 'ProviderStatusList'), ...errors(401, 403) },
      },
    },
    '/admin/local': {
      get: {
        operationId: 'adminListLocalResources',
        summary:
          "Admin: each local provider's loaded models, their memory, slots, throughput and the node's GPUs, as its worker last gathered them (every ~5 s)",
        security: admin,
        responses: { 200: answer('The local providers', 'LocalProviderStateList'), ...errors(401, 403) },
      },
    },
    ...localModelCommandPaths(),
    '/admin/model-benchmarks': {
      get: {
        operationId: 'adminListModelBenchmarks',
        summary: 'Admin: runs of the model benchmark suites, newest first',
        security: admin,
        parameters: queryParameters(modelBenchmarkListQuerySchema),
        responses: { 200: answer('The runs', 'ModelBenchmarkRunList'), ...errors(400, 401, 403) },
      },
    },
    '/admin/requests': {
      get: {
        operationId: 'adminListRequests',
        summary: 'Admin: /v1/requests across tenants',
        security: admin,
        parameters: queryParameters(adminRequestsQuerySchema),
        responses: { 200: { description: 'A page of requests' }, ...errors(400, 401, 403) },
      },
    },
    '/admin/requests/{id}': {
      parameters: [pathParameter('id', 'The job id or request id.')],
      get: {
        operationId: 'adminGetRequest',
        summary: "Admin: any tenant's request",
        security: admin,
        parameters: queryParameters(adminRequestQuerySchema),
        responses: { 200: { description: 'The request' }, ...errors(401, 403, 404) },
      },
    },
    '/admin/queues/session': {
      post: {
        operationId: 'openQueuesBoard',
        summary:
          'Admin: trade the admin key for the queues board session cookie (HttpOnly, SameSite=Strict, 8 h). The board itself (/admin/queues, a web page) takes the cookie or the admin key as a bearer header.',
        security: open,
        requestBody: body('QueuesBoardSessionRequest'),
        responses: { 204: { description: 'Signed in: the answer sets the cookie' }, ...errors(400, 401, 403) },
      },
    },
  };
}

/** Load and unload, carried out by the provider's worker; a load past the provider's memory budget is refused (409) or evicts (evict: lru). */
function localModelCommandPaths(): Record<string, unknown> {
  const path = (action: 'load' | 'unload') => ({
    parameters: [pathParameter('provider', 'A local provider of the routing file.'), pathParameter('model', "The server's model name, URL-encoded.")],
    post: {
      operationId: action === 'load' ? 'adminLoadLocalModel' : 'adminUnloadLocalModel',
      summary: action === 'load' ? 'Admin: load a model on a local provider, within its memory budget' : 'Admin: unload a model from a local provider',
      security: admin,
      responses: {
        200: answer('What the worker did', 'LocalModelCommandResult'),
        ...errors(400, 401, 403, 404, ...(action === 'load' ? ([409] as const) : []), 504),
      },
    },
  });
  return { '/admin/local/{provider}/models/{model}/load': path('load'), '/admin/local/{provider}/models/{model}/unload': path('unload') };
}
