/**
 * The OpenAPI document's schemas, converted from the zod schemas in contracts
 * that validate requests and describe answers.
 */
import {
  apiKeyListSchema,
  apiKeySchema,
  apiKeyWithUsageListSchema,
  asyncJobRequestSchema,
  asyncJobViewSchema,
  batchCreateSchema,
  batchListSchema,
  batchSchema,
  callerSchema,
  chatCompletionRequestSchema,
  chatCompletionSchema,
  createdApiKeySchema,
  createSessionRequestSchema,
  deletedFileSchema,
  feedbackCreateSchema,
  feedbackSchema,
  fileListSchema,
  fileSchema,
  fileUploadFormSchema,
  jobListSchema,
  keyChangeSchema,
  keyCreateSchema,
  localModelCommandResultSchema,
  localProviderStateListSchema,
  modelBenchmarkRunListSchema,
  modelListSchema,
  openAIErrorBodySchema,
  promptCreateSchema,
  promptDetailSchema,
  promptedAsyncJobRequestSchema,
  promptedChatRequestSchema,
  promptLabelSchema,
  promptLabelSetSchema,
  promptListSchema,
  promptRenderRequestSchema,
  promptRenderSchema,
  promptStatsSchema,
  promptVersionSchema,
  providerStatusListSchema,
  queuesBoardSessionSchema,
  redeliverySchema,
  revokedApiKeySchema,
  sessionListSchema,
  sessionMessageRequestSchema,
  sessionObjectSchema,
  sessionWithHistorySchema,
  taskListSchema,
  taskResultSchema,
  taskRunRequestSchema,
  tenantCreateSchema,
  tenantListSchema,
  tenantSchema,
  usageSeriesSchema,
} from '@switchyard/contracts';
import { z } from 'zod';

/** What the API takes (requests are read as their `input`) and what it answers (`output`), by component name. */
export const REQUEST_SCHEMAS = {
  // OpenAI's body, or one that names a stored prompt (model and messages may then come from it).
  ChatCompletionRequest: z.union([chatCompletionRequestSchema, promptedChatRequestSchema]),
  AsyncJobRequest: z.union([asyncJobRequestSchema, promptedAsyncJobRequestSchema]),
  BatchCreateRequest: batchCreateSchema,
  FileUploadForm: fileUploadFormSchema,
  TenantCreateRequest: tenantCreateSchema,
  QueuesBoardSessionRequest: queuesBoardSessionSchema,
  KeyCreateRequest: keyCreateSchema,
  KeyChangeRequest: keyChangeSchema,
  FeedbackCreateRequest: feedbackCreateSchema,
  PromptCreateRequest: promptCreateSchema,
  PromptLabelSetRequest: promptLabelSetSchema,
  PromptRenderRequest: promptRenderRequestSchema,
  TaskRunRequest: taskRunRequestSchema,
  SessionCreateRequest: createSessionRequestSchema,
  SessionMessageRequest: sessionMessageRequestSchema,
};
export const RESPONSE_SCHEMAS = {
  ChatCompletion: chatCompletionSchema,
  ModelList: modelListSchema,
  Job: asyncJobViewSchema,
  JobList: jobListSchema,
  Batch: batchSchema,
  BatchList: batchListSchema,
  File: fileSchema,
  FileList: fileListSchema,
  DeletedFile: deletedFileSchema,
  Redelivery: redeliverySchema,
  Tenant: tenantSchema,
  TenantList: tenantListSchema,
  ApiKey: apiKeySchema,
  CreatedApiKey: createdApiKeySchema,
  ApiKeyList: apiKeyListSchema,
  RevokedApiKey: revokedApiKeySchema,
  ApiKeyWithUsageList: apiKeyWithUsageListSchema,
  ProviderStatusList: providerStatusListSchema,
  LocalProviderStateList: localProviderStateListSchema,
  LocalModelCommandResult: localModelCommandResultSchema,
  ModelBenchmarkRunList: modelBenchmarkRunListSchema,
  UsageSeries: usageSeriesSchema,
  Caller: callerSchema,
  Feedback: feedbackSchema,
  PromptStats: promptStatsSchema,
  PromptVersion: promptVersionSchema,
  Prompt: promptDetailSchema,
  PromptList: promptListSchema,
  PromptLabel: promptLabelSchema,
  PromptRender: promptRenderSchema,
  TaskList: taskListSchema,
  TaskResult: taskResultSchema,
  Session: sessionObjectSchema,
  SessionWithHistory: sessionWithHistorySchema,
  SessionList: sessionListSchema,
  Error: openAIErrorBodySchema,
};

export const COMPONENTS = '#/components/schemas/';

/**
 * OpenAPI 3.1's schema objects are JSON Schema 2020-12, what zod writes.
 * Only `.strict()` objects are closed: zod closes every object it describes
 * as output, but an answer may gain fields (a job's `status_url`, a
 * provider's extras), which a client must not reject.
 */
function jsonSchemaOptions(io: 'input' | 'output') {
  return {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    io,
    override: ({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodType; jsonSchema: z.core.JSONSchema.BaseSchema }) => {
      const def = zodSchema._zod.def;
      if (def.type === 'object' && (def as z.core.$ZodObjectDef).catchall === undefined) delete jsonSchema.additionalProperties;
    },
  } as const;
}

/** The document's dialect and place are its own: a schema's `$schema` and `$id` go. */
function bare({ $schema: _dialect, $id: _id, ...rest }: z.core.JSONSchema.BaseSchema): Record<string, unknown> {
  return rest;
}

/** Components, each once: a schema inside another that is a component itself is a `$ref` to it (a list to its items). */
export function components(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: converted } = z.toJSONSchema(registry, { ...jsonSchemaOptions(io), uri: (id) => `${COMPONENTS}${id}` });
  return Object.fromEntries(Object.entries(converted).map(([id, schema]) => [id, bare(schema)]));
}

/** A query string's parameters, each with its schema as a caller writes it and its description. */
export function queryParameters(schema: z.ZodType): Record<string, unknown>[] {
  // A query whose parameters are checked together (a date range) is an object piped into that check.
  let object = schema;
  while (object instanceof z.ZodPipe) object = object.in as z.ZodType;
  if (!(object instanceof z.ZodObject)) throw new TypeError('A query schema is an object of parameters.');
  return Object.entries(object.shape as Record<string, z.ZodType>).map(([name, parameter]) => {
    const { description, ...rest } = bare(z.toJSONSchema(parameter, jsonSchemaOptions('input')));
    return { name, in: 'query', required: false, schema: rest, ...(description === undefined ? {} : { description }) };
  });
}

export const ref = (name: string) => ({ $ref: `${COMPONENTS}${name}` });
export const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
export const body = (name: string) => ({ required: true, content: json(name) });
export const answer = (description: string, name: string) => ({ description, content: json(name) });

/** Every error answer is the one OpenAI-style body, described once in components. */
export function errors(...statuses: number[]): Record<string, unknown> {
  return Object.fromEntries(statuses.map((status) => [String(status), { $ref: '#/components/responses/Error' }]));
}

export const pathParameter = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
export const admin = [{ adminKey: [] }];
export const open: never[] = [];
