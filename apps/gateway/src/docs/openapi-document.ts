import { asyncJobRequestSchema, batchCreateSchema, chatCompletionRequestSchema, chatCompletionSchema, modelListSchema } from '@switchyard/contracts';
import { z } from 'zod';

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'param', 'code'],
      properties: {
        message: { type: 'string' },
        type: { type: 'string' },
        param: { type: ['string', 'null'] },
        code: { type: 'string' },
      },
    },
  },
};

function errors(...statuses: number[]): Record<string, unknown> {
  return Object.fromEntries(
    statuses.map((status) => [String(status), { description: 'OpenAI-style error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
  );
}

/** The OpenAPI document, generated from the same zod schemas that validate requests. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'openapi-3.0', unrepresentable: 'any' });
  return {
    openapi: '3.0.3',
    info: {
      title: 'Switchyard',
      version,
      description: 'OpenAI-compatible LLM gateway. Every request becomes a job on its provider\'s queue.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ChatCompletionRequest: schema(chatCompletionRequestSchema),
        ChatCompletion: schema(chatCompletionSchema),
        ModelList: schema(modelListSchema),
        AsyncJobRequest: schema(asyncJobRequestSchema),
        BatchCreateRequest: schema(batchCreateSchema),
        Error: errorBody,
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/chat/completions': {
        post: {
          summary: 'Create a chat completion',
          parameters: [
            { name: 'x-request-id', in: 'header', required: false, schema: { type: 'string' }, description: 'Your id for this request; echoed back and recorded.' },
            { name: 'x-switchyard-timeout-ms', in: 'header', required: false, schema: { type: 'integer' }, description: 'Wait at most this long (capped by the configured limit).' },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ChatCompletionRequest' } } } },
          responses: {
            200: { description: 'The completion', content: { 'application/json': { schema: { $ref: '#/components/schemas/ChatCompletion' } } } },
            ...errors(400, 401, 402, 404, 413, 415, 429, 502, 503, 504),
          },
        },
      },
      '/v1/jobs': {
        post: {
          summary: 'Run a chat completion as a job: 202 at once, answered at its status URL or through a signed webhook',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' }, description: 'The same key and body within 24 h return the same job.' }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/AsyncJobRequest' } } } },
          responses: { 202: { description: 'Accepted: the job, queued' }, ...errors(400, 401, 402, 404, 409, 429, 503) },
        },
        get: { summary: "Your tenant's jobs, newest first (limit, after, status)", responses: { 200: { description: 'A page of jobs' }, ...errors(400, 401) } },
      },
      '/v1/jobs/{id}': {
        get: { summary: 'A job: status, attempts, providers tried, result or error', responses: { 200: { description: 'The job' }, ...errors(401, 404) } },
        delete: { summary: 'Cancel a job (a running one is aborted upstream)', responses: { 200: { description: 'The job, cancelled' }, ...errors(401, 404) } },
      },
      '/v1/batches': {
        post: {
          summary: "Start a batch (OpenAI's Batch API) from an uploaded JSONL file",
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchCreateRequest' } } } },
          responses: { 200: { description: 'The batch' }, ...errors(400, 401, 402, 404, 429) },
        },
        get: { summary: "Your tenant's batches", responses: { 200: { description: 'A page of batches' }, ...errors(401) } },
      },
      '/v1/batches/{id}': { get: { summary: 'A batch and its progress', responses: { 200: { description: 'The batch' }, ...errors(401, 404) } } },
      '/v1/batches/{id}/cancel': { post: { summary: 'Cancel a batch', responses: { 200: { description: 'The batch, cancelling' }, ...errors(401, 404) } } },
      '/v1/files': {
        post: { summary: 'Upload a file (multipart, purpose batch)', responses: { 200: { description: 'The file' }, ...errors(400, 401, 413, 415) } },
        get: { summary: "Your tenant's files", responses: { 200: { description: 'A page of files' }, ...errors(400, 401) } },
      },
      '/v1/files/{id}/content': { get: { summary: "A file's bytes", responses: { 200: { description: 'The content' }, ...errors(401, 404) } } },
      '/v1/estimate': {
        post: {
          summary: 'Token count and cost of a chat completion request, before running it',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ChatCompletionRequest' } } } },
          responses: { 200: { description: 'The estimate' }, ...errors(400, 401, 404) },
        },
      },
      '/v1/usage': {
        get: { summary: 'Totals over [start, end) grouped by day, provider, model, key, user or tenant (group_by)', responses: { 200: { description: 'Totals' }, ...errors(400, 401) } },
      },
      '/v1/requests': { get: { summary: 'Requests newest first (limit, cursor, user, model, status)', responses: { 200: { description: 'A page of requests' }, ...errors(400, 401) } } },
      '/v1/requests/{id}': { get: { summary: "One request's usage row", responses: { 200: { description: 'The request' }, ...errors(401, 404) } } },
      '/admin/usage': { get: { summary: 'Admin: /v1/usage across tenants (tenant narrows to one)', responses: { 200: { description: 'Totals' }, ...errors(400, 401) } } },
      '/admin/requests': { get: { summary: 'Admin: /v1/requests across tenants (tenant narrows to one)', responses: { 200: { description: 'A page of requests' }, ...errors(400, 401) } } },
      '/admin/requests/{id}': { get: { summary: "Admin: any tenant's request", responses: { 200: { description: 'The request' }, ...errors(401, 404) } } },
      '/v1/webhooks/dead-letters': { get: { summary: 'Webhook events given up on, with every attempt', responses: { 200: { description: 'A page of dead letters' }, ...errors(400, 401) } } },
      '/v1/models': {
        get: {
          summary: 'List the models and aliases you can use',
          responses: { 200: { description: 'Models', content: { 'application/json': { schema: { $ref: '#/components/schemas/ModelList' } } } }, ...errors(401) },
        },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'Alive' } } } },
      '/readyz': { get: { summary: 'Readiness: Redis and PostgreSQL reachable', security: [], responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { 200: { description: 'Metrics' } } } },
    },
  };
}
