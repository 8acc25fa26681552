import { chatCompletionRequestSchema, chatCompletionSchema, modelListSchema } from '@switchyard/contracts';
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
            ...errors(400, 401, 404, 413, 415, 429, 502, 503, 504),
          },
        },
      },
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
