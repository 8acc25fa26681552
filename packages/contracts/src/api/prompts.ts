import { z } from 'zod';

/** A template message: `content` is Mustache text filled from the variables when the prompt is used. */
export const promptMessageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'developer', 'tool']),
    content: z.string(),
    name: z.string().min(1).optional(),
  })
  .strict();

const jsonObject = z.record(z.string(), z.unknown());

/** Another template or other parameters for when the request is routed to `model` (a model or an alias). */
export const promptVariantSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(promptMessageSchema).min(1).optional(),
    parameters: jsonObject.optional(),
  })
  .strict();

/** What a version holds, as `POST /v1/prompts` and a file of the prompts folder write it. */
const promptVersionFields = {
  messages: z
    .array(promptMessageSchema, { error: (issue) => (issue.input === undefined ? "missing required field 'messages'" : 'messages must be a list of messages') })
    .min(1, 'a prompt version needs at least one message'),
  model: z.string().min(1).nullable().optional().describe('The model used when the request names none.'),
  parameters: jsonObject.optional().describe('Default request parameters (temperature, max_tokens, …); the request overrides them.'),
  variables: jsonObject.optional().describe('A JSON Schema (type object) declaring every variable the templates use.'),
  response_format: jsonObject.nullable().optional(),
  variants: z.array(promptVariantSchema).optional(),
  author: z.string().max(256).nullable().optional(),
  note: z.string().max(4096).nullable().optional(),
  labels: z.array(z.string()).optional().describe('Labels moved to the new version (`production`, `staging`, …).'),
};

/** `POST /v1/prompts`: every call adds a version; versions are never changed. */
export const promptCreateSchema = z.object({ name: z.string().min(1), ...promptVersionFields }).strict();

export type PromptCreateRequest = z.infer<typeof promptCreateSchema>;

/** One file of the prompts folder: the fields of `POST /v1/prompts`; `name` defaults to the file's name and `labels` to `[production]`. */
export const promptFileSchema = z.object({ name: z.string().min(1).optional(), ...promptVersionFields }).strict();

export type PromptFile = z.infer<typeof promptFileSchema>;

const versionNumber = z.number().int().positive();

/** One arm of a split: `weight` percent of callers get `version`. */
export const splitArmSchema = z.object({ version: versionNumber, weight: z.number().min(0).max(100) }).strict();

/** `PUT /v1/prompts/{name}/labels/{label}`: one version, or a split of versions whose weights add up to 100. */
export const promptLabelSetSchema = z
  .object({ version: versionNumber.optional(), split: z.array(splitArmSchema).min(1).optional() })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.version === undefined) === (body.split === undefined)) {
      ctx.addIssue({ code: 'custom', path: body.version === undefined ? ['version'] : ['split'], message: "give either 'version' or 'split', not both" });
    }
  });

export type PromptLabelSetRequest = z.infer<typeof promptLabelSetSchema>;

/** `POST /v1/prompts/{name}/render`: fills a version's template without calling a model. */
export const promptRenderRequestSchema = z
  .object({
    version: versionNumber.optional().describe('This version; without it, the label’s.'),
    label: z.string().min(1).optional().describe('The label to follow; `production` (else the latest version) when neither is given.'),
    variables: jsonObject.optional(),
    model: z.string().min(1).optional().describe('The model the request would be routed to: picks its variant.'),
    user: z.string().min(1).optional().describe("Who the request is for: a split label gives the same user the same version. Defaults to the API key's id."),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.version !== undefined && body.label !== undefined)
      ctx.addIssue({ code: 'custom', path: ['label'], message: "give 'version' or 'label', not both" });
  });

export type PromptRenderRequest = z.infer<typeof promptRenderRequestSchema>;

const unixSeconds = z.number().int().describe('Unix seconds.');
const source = z.enum(['api', 'repo']).describe('`repo`: from the prompts folder, shared by every tenant and read-only; `api`: your own.');
const split = z.array(z.object({ version: z.number().int(), weight: z.number() }));
const labelMap = z.record(z.string(), split).describe('Each label with its split; a label on one version is a split of one at 100.');

export const promptVersionSchema = z.object({
  object: z.literal('prompt.version'),
  name: z.string(),
  version: z.number().int(),
  messages: z.array(promptMessageSchema),
  model: z.string().nullable(),
  parameters: jsonObject,
  variables: jsonObject,
  response_format: jsonObject.nullable(),
  variants: z.array(promptVariantSchema),
  author: z.string().nullable(),
  note: z.string().nullable(),
  created_at: unixSeconds,
});

export type PromptVersionObject = z.infer<typeof promptVersionSchema>;

export const promptSummarySchema = z.object({
  object: z.literal('prompt'),
  name: z.string(),
  latest_version: z.number().int(),
  labels: labelMap,
  created_at: unixSeconds,
  source,
});

export type PromptSummaryObject = z.infer<typeof promptSummarySchema>;

/** `GET /v1/prompts`: your prompts and the prompts folder's, yours first where a name is in both. */
export const promptListSchema = z.object({ object: z.literal('list'), data: z.array(promptSummarySchema) });

export type PromptList = z.infer<typeof promptListSchema>;

/** `GET /v1/prompts/{name}`: every version, oldest first, and every label. */
export const promptDetailSchema = promptSummarySchema.extend({ versions: z.array(promptVersionSchema) });

export type PromptDetailObject = z.infer<typeof promptDetailSchema>;

export const promptLabelSchema = z.object({
  object: z.literal('prompt.label'),
  name: z.string().describe("The prompt's name."),
  label: z.string(),
  split,
  updated_at: unixSeconds,
});

export type PromptLabelObject = z.infer<typeof promptLabelSchema>;

export const promptRenderSchema = z.object({
  object: z.literal('prompt.render'),
  name: z.string(),
  version: z.number().int(),
  label: z.string().nullable().describe('The label that chose the version; null when a version was named or none was labelled.'),
  messages: z.array(promptMessageSchema),
  model: z.string().nullable(),
  parameters: jsonObject,
  response_format: jsonObject.nullable(),
  variant: z.string().nullable().describe('The model whose variant was used; null for the base template.'),
});

export type PromptRender = z.infer<typeof promptRenderSchema>;
