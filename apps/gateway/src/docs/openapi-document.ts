import {
  batchListQuerySchema,
  deadLetterListQuerySchema,
  fileListQuerySchema,
  jobListQuerySchema,
  MAX_STRUCTURED_REASKS,
  promptStatsQuerySchema,
  requestsQuerySchema,
  usageQuerySchema,
  usageSeriesQuerySchema,
} from '@switchyard/contracts';
import { REASKS_HEADER } from '../request/structured-request';
import { adminPaths } from './openapi-admin-paths';
import { promptPaths } from './openapi-prompt-paths';
import { answer, body, components, errors, json, open, pathParameter, queryParameters, REQUEST_SCHEMAS, RESPONSE_SCHEMAS, ref } from './openapi-schemas';
import { sessionPaths } from './openapi-session-paths';
import { taskPaths } from './openapi-task-paths';

/** `x-switchyard-structured-reasks`, taken by every route that runs a chat request (chat completions, jobs). */
const REASKS_PARAMETER = {
  name: REASKS_HEADER,
  in: 'header',
  required: false,
  schema: { type: 'integer', minimum: 0, maximum: MAX_STRUCTURED_REASKS },
  description:
    "With a JSON response_format: times an answer that breaks the schema is re-asked per route (the model's config decides otherwise, 2 by default).",
};

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard',
      version,
      description: "OpenAI-compatible LLM gateway. Every request becomes a job on its provider's queue.",
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key of a tenant. The admin key with the header `x-switchyard-tenant: <tenant>` acts for that tenant, without limits or charges, on every GET and on cancelling a job or a batch and redelivering a dead letter; anything else is a 403 `admin_read_only`, an unknown tenant a 404.',
        },
        adminKey: { type: 'http', scheme: 'bearer', description: 'The admin key (SWITCHYARD_ADMIN_KEY).' },
      },
      schemas: { ...components(REQUEST_SCHEMAS, 'input'), ...components(RESPONSE_SCHEMAS, 'output') },
      responses: {
        Error: { description: 'OpenAI-style error', content: json('Error') },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/chat/completions': {
        post: {
          operationId: 'createChatCompletion',
          summary: 'Create a chat completion',
          parameters: [
            {
              name: 'x-request-id',
              in: 'header',
              required: false,
              schema: { type: 'string' },
              description: 'Your id for this request; echoed back and recorded.',
            },
            {
              name: 'x-switchyard-timeout-ms',
              in: 'header',
              required: false,
              schema: { type: 'integer' },
              description: 'Wait at most this long (capped by the configured limit).',
            },
            REASKS_PARAMETER,
            {
              name: 'x-switchyard-session-id',
              in: 'header',
              required: false,
              schema: { type: 'string' },
              description: "With `prompt`: keeps a session on one version of a label's split (else `user`, else the API key does).",
            },
          ],
          requestBody: body('ChatCompletionRequest'),
          responses: {
            200: {
              description: 'The completion, or with `stream: true` its chunks as server-sent events',
              headers: {
                'x-switchyard-structured': {
                  description: 'With a JSON response_format: how it was asked for (native, tool or instructions).',
                  schema: { type: 'string', enum: ['native', 'tool', 'instructions'] },
                },
                'x-switchyard-repairs': {
                  description: 'With a JSON response_format, not streamed: syntax repairs plus re-asks the valid answer took.',
                  schema: { type: 'integer' },
                },
              },
              content: { ...json('ChatCompletion'), 'text/event-stream': { schema: { type: 'string' } } },
            },
            // 422: no route gave an answer valid against the response_format's schema (structured_output_invalid).
            ...errors(400, 401, 402, 404, 413, 415, 422, 429, 502, 503, 504),
          },
        },
      },
      '/v1/jobs': {
        post: {
          operationId: 'createJob',
          summary: 'Run a chat completion as a job: 202 at once, answered at its status URL or through a signed webhook',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string' },
              description: 'The same key and body within 24 h return the same job.',
            },
            REASKS_PARAMETER,
          ],
          requestBody: body('AsyncJobRequest'),
          responses: {
            202: {
              description: 'Accepted: the job, queued (or the earlier job of the same Idempotency-Key)',
              content: {
                'application/json': {
                  schema: { allOf: [ref('Job'), { type: 'object', required: ['status_url'], properties: { status_url: { type: 'string' } } }] },
                },
              },
            },
            ...errors(400, 401, 402, 404, 409, 413, 429, 503),
          },
        },
        get: {
          operationId: 'listJobs',
          summary: "Your tenant's jobs, newest first",
          parameters: queryParameters(jobListQuerySchema),
          responses: { 200: answer('A page of jobs', 'JobList'), ...errors(400, 401, 404) },
        },
      },
      '/v1/jobs/{id}': {
        parameters: [pathParameter('id', 'The job id `POST /v1/jobs` answered with.')],
        get: {
          operationId: 'getJob',
          summary: 'A job: status, attempts, providers tried, result or error',
          responses: { 200: answer('The job', 'Job'), ...errors(401, 404) },
        },
        delete: {
          operationId: 'cancelJob',
          summary: 'Cancel a job (a running one is aborted upstream)',
          responses: { 200: answer('The job, cancelled (or as it ended, if it ended first)', 'Job'), ...errors(401, 404) },
        },
      },
      '/v1/batches': {
        post: {
          operationId: 'createBatch',
          summary: "Start a batch (OpenAI's Batch API) from an uploaded JSONL file",
          requestBody: body('BatchCreateRequest'),
          responses: { 200: answer('The batch', 'Batch'), ...errors(400, 401, 402, 404, 429) },
        },
        get: {
          operationId: 'listBatches',
          summary: "Your tenant's batches",
          parameters: queryParameters(batchListQuerySchema),
          responses: { 200: answer('A page of batches', 'BatchList'), ...errors(400, 401) },
        },
      },
      '/v1/batches/{id}': {
        parameters: [pathParameter('id', 'The batch id.')],
        get: { operationId: 'getBatch', summary: 'A batch and its progress', responses: { 200: answer('The batch', 'Batch'), ...errors(401, 404) } },
      },
      '/v1/batches/{id}/cancel': {
        parameters: [pathParameter('id', 'The batch id.')],
        post: { operationId: 'cancelBatch', summary: 'Cancel a batch', responses: { 200: answer('The batch, cancelling', 'Batch'), ...errors(401, 404) } },
      },
      '/v1/files': {
        post: {
          operationId: 'uploadFile',
          summary: 'Upload a file (multipart, purpose batch)',
          requestBody: { required: true, content: { 'multipart/form-data': { schema: ref('FileUploadForm') } } },
          responses: { 200: answer('The file', 'File'), ...errors(400, 401, 413, 415) },
        },
        get: {
          operationId: 'listFiles',
          summary: "Your tenant's files",
          parameters: queryParameters(fileListQuerySchema),
          responses: { 200: answer('A page of files', 'FileList'), ...errors(400, 401) },
        },
      },
      '/v1/files/{id}': {
        parameters: [pathParameter('id', 'The file id.')],
        get: { operationId: 'getFile', summary: 'A file object', responses: { 200: answer('The file', 'File'), ...errors(401, 404) } },
        delete: { operationId: 'deleteFile', summary: 'Delete a file', responses: { 200: answer('The file, deleted', 'DeletedFile'), ...errors(401, 404) } },
      },
      '/v1/files/{id}/content': {
        parameters: [pathParameter('id', 'The file id.')],
        get: { operationId: 'getFileContent', summary: "A file's bytes", responses: { 200: { description: 'The content' }, ...errors(401, 404) } },
      },
      '/v1/estimate': {
        post: {
          operationId: 'estimate',
          summary: 'Token count and cost of a chat completion request, before running it',
          requestBody: body('ChatCompletionRequest'),
          responses: { 200: { description: 'The estimate' }, ...errors(400, 401, 404) },
        },
      },
      '/v1/usage': {
        get: {
          operationId: 'usage',
          summary: 'Totals over [start, end) grouped by day, provider, model, key, user or tenant',
          parameters: queryParameters(usageQuerySchema),
          responses: { 200: { description: 'Totals' }, ...errors(400, 401) },
        },
      },
      '/v1/usage/series': {
        get: {
          operationId: 'usageSeries',
          summary:
            'Usage over time by UTC hour or day (from hourly rollups): requests, errors, cache hits, tokens, cost, average and p50/p95 latency; points only where there were requests',
          parameters: queryParameters(usageSeriesQuerySchema),
          responses: { 200: answer('The series', 'UsageSeries'), ...errors(400, 401, 404) },
        },
      },
      '/v1/me': {
        get: {
          operationId: 'getCaller',
          summary: 'Whose key this is: its tenant, id, name and limits',
          responses: { 200: answer('The caller', 'Caller'), ...errors(401, 404) },
        },
      },
      '/v1/requests': {
        get: {
          operationId: 'listRequests',
          summary: 'Requests newest first',
          parameters: queryParameters(requestsQuerySchema),
          responses: { 200: { description: 'A page of requests' }, ...errors(400, 401) },
        },
      },
      '/v1/requests/{id}': {
        parameters: [pathParameter('id', 'The job id (`x-switchyard-job-id`) or your `x-request-id`.')],
        get: {
          operationId: 'getRequest',
          summary: "One request's usage row: every request, sync or async, has one once it ends",
          responses: { 200: { description: 'The request' }, ...errors(401, 404) },
        },
      },
      '/v1/feedback': {
        post: {
          operationId: 'createFeedback',
          summary: "Record how a request turned out (a score, a label or both): it counts in its prompt version's stats",
          requestBody: body('FeedbackCreateRequest'),
          responses: { 201: answer('The feedback, stored', 'Feedback'), ...errors(400, 401, 413, 415) },
        },
      },
      '/v1/prompts/{name}/stats': {
        parameters: [pathParameter('name', 'The prompt name.')],
        get: {
          operationId: 'getPromptStats',
          summary:
            "A prompt's versions side by side over [from, to): requests, error rate, latency, tokens, cost, schema-valid and repair rates, mean feedback; each version against the baseline with p-values (two-proportion z-test for rates, Welch's t-test for mean scores)",
          parameters: queryParameters(promptStatsQuerySchema),
          responses: { 200: answer('The stats', 'PromptStats'), ...errors(400, 401, 404) },
        },
      },
      '/v1/webhooks/dead-letters': {
        get: {
          operationId: 'listDeadLetters',
          summary: 'Webhook events given up on, with every attempt',
          parameters: queryParameters(deadLetterListQuerySchema),
          responses: { 200: { description: 'A page of dead letters' }, ...errors(400, 401) },
        },
      },
      '/v1/webhooks/dead-letters/{event}/redeliver': {
        parameters: [pathParameter('event', 'The dead letter’s event id (its `webhook-id`).')],
        post: {
          operationId: 'redeliverDeadLetter',
          summary: 'Send a dead letter again, under the same webhook-id, signed afresh',
          responses: { 202: answer('Queued for delivery', 'Redelivery'), ...errors(400, 401, 404) },
        },
      },
      ...promptPaths(),
      ...taskPaths(),
      ...sessionPaths(),
      '/v1/models': {
        get: {
          operationId: 'listModels',
          summary: 'List the models and aliases you can use',
          responses: { 200: answer('Models', 'ModelList'), ...errors(401) },
        },
      },
      ...adminPaths(),
      '/healthz': { get: { operationId: 'liveness', summary: 'Liveness', security: open, responses: { 200: { description: 'Alive' } } } },
      '/readyz': {
        get: {
          operationId: 'readiness',
          summary: 'Readiness: Redis and PostgreSQL reachable',
          security: open,
          responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics',
          security: open,
          responses: { 200: { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
    },
  };
}
