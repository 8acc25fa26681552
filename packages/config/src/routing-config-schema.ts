import { isValidProviderName, MAX_STRUCTURED_REASKS, PROVIDER_KINDS } from '@switchyard/contracts';
import { z } from 'zod';

const providerSchema = z
  .object({
    kind: z.enum(PROVIDER_KINDS),
    baseUrl: z.url().optional().describe('API base URL, including /v1 for OpenAI-style hosts.'),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the NAME of an environment variable, not a key')
      .optional()
      .describe('Environment variable holding the API key. The key itself never goes in this file.'),
    timeoutMs: z.number().int().positive().default(60_000),
    /**
     * Local servers only: let callers name any model the server has as
     * `<provider>/<model>` (listed by GET /v1/models). Off by default, since
     * it lets every key load any model the server holds.
     */
    directModels: z.boolean().default(false),
    /** TGI only: use its native `/generate` with a ChatML prompt instead of its Messages API. */
    nativeGenerate: z.boolean().optional(),
    /** Ollama only: how long the server keeps a model loaded after a call (`"10m"`, seconds, `-1` for ever, `0` to unload at once). */
    keepAlive: z.union([z.string().regex(/^-?\d+(\.\d+)?(ms|s|m|h)?$/, 'a duration such as "10m", "90s" or "-1"'), z.number().int()]).optional(),
    /** Ollama and embedded only: models each worker loads when it starts, so the first request does not wait for the load. */
    preload: z.array(z.string().min(1)).default([]),
    /** Local kinds only: memory the provider's loaded models may hold together; a load past it is refused (or evicts, see `evict`). */
    memoryBudgetBytes: z.number().int().positive().optional(),
    /** Local kinds only: `lru` unloads the least recently used models to make room under `memoryBudgetBytes` instead of refusing. */
    evict: z.literal('lru').optional(),
    /** Embedded only: where `hf:` models are downloaded to; `SWITCHYARD_MODELS_DIR`, else `~/.cache/switchyard/models`. */
    modelsDir: z.string().min(1).optional(),
    /** Embedded only: CPU threads per model. Unset: min(2, available cores - 1), at least 1, since threads past the free cores spin instead of working. */
    threads: z.number().int().positive().max(256).optional(),
    /** Embedded only: tokens of context each request gets (prompt and answer). Unset: 4096, or less if the model was trained on less. */
    contextSize: z.number().int().min(64).max(1_048_576).optional(),
    /**
     * Embedded only: requests each model decodes at once (its context's sequences).
     * The worker takes at most this many jobs of the provider's queue at a time; the rest wait in the queue.
     */
    concurrency: z.number().int().positive().max(64).optional(),
    /** Embedded only: run on a GPU build of llama.cpp (`auto`, `cuda`, `vulkan`, `metal`), which must be installed; default the CPU. */
    gpu: z.union([z.literal(false), z.enum(['auto', 'cuda', 'vulkan', 'metal'])]).optional(),
    /** A provider whose key variable is unset is skipped unless it needs no key. */
    requiresKey: z.boolean().default(true),
    /**
     * The provider's own limits, held across every worker process (the queue's
     * BullMQ limiter lives in Redis): over them, jobs wait in the queue instead
     * of failing. e.g. Gemini free tier 15 RPM, Groq 30 RPM.
     */
    limits: z
      .object({
        requestsPerMinute: z.number().int().positive().optional(),
        tokensPerMinute: z.number().int().positive().optional(),
        requestsPerDay: z.number().int().positive().optional(),
        /** The window the per-minute limit is counted over; shorter windows smooth bursts. */
        windowMs: z.number().int().positive().default(60_000),
      })
      .strict()
      .refine((limits) => limits.requestsPerMinute === undefined || (limits.requestsPerMinute * limits.windowMs) / 60_000 >= 1, {
        message: 'requestsPerMinute over windowMs allows less than one request per window; lengthen windowMs',
        path: ['windowMs'],
      })
      .optional(),
    /** Per provider+model: this many failures within the window open the circuit for the cool-down. */
    circuitBreaker: z
      .object({
        failureThreshold: z.number().int().min(1).default(5),
        windowMs: z.number().int().positive().default(30_000),
        coolDownMs: z.number().int().positive().default(30_000),
        refreshMs: z.number().int().positive().default(1_000),
      })
      .strict()
      .default({ failureThreshold: 5, windowMs: 30_000, coolDownMs: 30_000, refreshMs: 1_000 }),
    /** Lets `${SOME_FLAG:-false}` switch a keyless provider (a local server) on from the environment. */
    enabled: z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean()).default(true),
  })
  .strict();

/** US dollars per million tokens, as providers publish them; over a million is taken for a typo. */
const perMillion = z.number().nonnegative().max(1_000_000);

/**
 * Without one, a model on a local server (ollama, llamacpp, vllm, tgi) costs
 * 0 and any other model's cost is unknown: its usage rows leave it null.
 */
const priceSchema = z
  .object({
    inputPerMillion: perMillion,
    outputPerMillion: perMillion,
    /** Prompt tokens the provider served from its prompt cache; billed at the input price when unset. */
    cachedInputPerMillion: perMillion.optional(),
  })
  .strict();

/**
 * `mode`: `auto` uses the provider's own schema field where it has one,
 * else a forced tool call, else instructions; `native`, `tool` and
 * `instructions` force one. `reasks`: times an answer that breaks the schema
 * is re-asked, with the errors quoted, before the route counts as failed.
 */
const structuredSchema = z
  .object({
    mode: z.enum(['auto', 'native', 'tool', 'instructions']).default('auto'),
    reasks: z.number().int().min(0).max(MAX_STRUCTURED_REASKS).default(2),
  })
  .strict();
export type StructuredSettings = z.infer<typeof structuredSchema>;

const modelSchema = z
  .object({
    name: z.string().min(1).max(256).describe('Public name callers send as "model".'),
    provider: z.string().min(1),
    model: z.string().min(1).describe("The provider's own model id."),
    aliases: z.array(z.string().min(1)).default([]),
    /**
     * Entries that share a `name` are deployments of one model (the same model
     * on several providers or hosts); requests are spread over them by weight.
     */
    weight: z.number().positive().default(1),
    /** Other model names tried in order when this one fails for good (non-retryable, retries spent, circuit open). */
    fallbacks: z.array(z.string().min(1)).max(8).default([]),
    /**
     * Which answers the response cache keeps: `deterministic` (temperature 0
     * or a seed; the default), `always`, or `never`.
     */
    cache: z.enum(['deterministic', 'always', 'never']).default('deterministic'),
    /** What this deployment charges; the cost recorded on its usage rows and quoted by POST /v1/estimate. */
    price: priceSchema.optional(),
    /** How requests with a JSON response_format are asked of this deployment and how often it is re-asked. */
    structured: structuredSchema.optional(),
  })
  .strict();

const apiKeySchema = z
  .object({
    id: z.string().min(1).max(64).describe('Stable, non-secret id recorded in usage rows.'),
    key: z.string().min(16, 'API keys must be at least 16 characters'),
    // Names starting with '@' are the platform's own scopes (the prompts folder's prompts are '@repo's).
    tenant: z
      .string()
      .min(1)
      .refine((tenant) => !tenant.startsWith('@'), "tenant names starting with '@' are reserved")
      .default('default'),
  })
  .strict();

const gatewaySchema = z
  .object({
    requestTimeoutMs: z.number().int().positive().default(120_000),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024),
    /** How long the response cache keeps an answer; 0 turns the cache off. */
    cacheTtlSeconds: z.number().int().min(0).default(3600),
    /** A comment line on a stream with nothing else to send for this long, so proxies keep it open. */
    streamHeartbeatMs: z.number().int().positive().default(15_000),
    /** Bytes a stream may have waiting for a slow client before the gateway ends it and cancels the job. */
    streamMaxBacklogBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** Time a connection has to send a request's headers once it opens or starts a request. */
    headersTimeoutMs: z.number().int().positive().default(30_000),
    /** Time to receive a whole request, body included (file uploads too). */
    receiveTimeoutMs: z.number().int().positive().default(300_000),
    /** How long a connection may sit idle between requests. */
    keepAliveTimeoutMs: z.number().int().positive().default(65_000),
    /**
     * A connection with no traffic either way for this long is closed. Unset: 30 s more than
     * `requestTimeoutMs`, so no wait for an answer is cut; streams send heartbeats meanwhile.
     */
    idleTimeoutMs: z.number().int().positive().optional(),
    /** Connections one gateway process holds open; one more is answered 503 and closed. */
    maxConnections: z.number().int().positive().default(10_000),
  })
  .strict()
  .superRefine((gateway, ctx) => {
    if (gateway.headersTimeoutMs > gateway.receiveTimeoutMs) {
      ctx.addIssue({ code: 'custom', path: ['headersTimeoutMs'], message: 'must not exceed receiveTimeoutMs' });
    }
    // Shorter, and a sync request waiting for its answer, or a stream between heartbeats, would be cut.
    if (gateway.idleTimeoutMs !== undefined && gateway.idleTimeoutMs <= Math.max(gateway.requestTimeoutMs, gateway.streamHeartbeatMs)) {
      ctx.addIssue({ code: 'custom', path: ['idleTimeoutMs'], message: 'must exceed requestTimeoutMs and streamHeartbeatMs' });
    }
  })
  .prefault({});

/** The prompts folder: YAML prompts the gateway stores at start, shared by every tenant. */
const promptsSchema = z
  .object({
    /** Relative: to the routing file's folder. Unset: `prompts` beside the routing file, if there is one. */
    dir: z.string().min(1).optional(),
  })
  .strict()
  .prefault({});

const EMBEDDED_ONLY = ['modelsDir', 'threads', 'contextSize', 'concurrency', 'gpu'] as const;

const routesShape = {
  providers: z.record(z.string().refine(isValidProviderName, 'provider names are lower-case letters, digits, "-" and "_"'), providerSchema),
  models: z.array(modelSchema).min(1, 'list at least one model'),
  gateway: gatewaySchema,
  prompts: promptsSchema,
};

type Routes = z.infer<z.ZodObject<typeof routesShape>>;

function checkRoutes(config: Routes, ctx: z.RefinementCtx): void {
  // A name or alias belongs to one model; entries sharing a `name` are deployments of that model.
  // A switched-off provider's models claim none, so the routing file can hand a name (`default`)
  // to whichever model an environment variable switches on.
  const owner = new Map<string, string>();
  config.models.forEach((model, index) => {
    if (!(model.provider in config.providers)) {
      ctx.addIssue({
        code: 'custom',
        path: ['models', index, 'provider'],
        message: `unknown provider '${model.provider}' (configured: ${Object.keys(config.providers).join(', ') || 'none'})`,
      });
    }
    if (config.providers[model.provider]?.enabled === false) return;
    for (const name of [model.name, ...model.aliases]) {
      const claimedBy = owner.get(name);
      if (claimedBy !== undefined && claimedBy !== model.name) {
        ctx.addIssue({ code: 'custom', path: ['models', index, 'name'], message: `'${name}' is already used by model '${claimedBy}'` });
      }
      owner.set(name, model.name);
    }
  });
  const names = new Set(config.models.flatMap((model) => [model.name, ...model.aliases]));
  config.models.forEach((model, index) => {
    model.fallbacks.forEach((fallback, position) => {
      if (!names.has(fallback)) {
        ctx.addIssue({ code: 'custom', path: ['models', index, 'fallbacks', position], message: `unknown model '${fallback}'` });
      } else if (fallback === model.name || model.aliases.includes(fallback)) {
        ctx.addIssue({ code: 'custom', path: ['models', index, 'fallbacks', position], message: 'a model cannot fall back to itself' });
      }
    });
  });
  for (const [name, provider] of Object.entries(config.providers)) {
    // Another server would ignore these silently; an operator who set them expects them to act.
    if (provider.kind !== 'ollama' && provider.keepAlive !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['providers', name, 'keepAlive'], message: 'only ollama providers take keepAlive' });
    }
    if (provider.kind !== 'ollama' && provider.kind !== 'embedded' && provider.preload.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['providers', name, 'preload'], message: 'only ollama and embedded providers take preload' });
    }
    if (provider.kind !== 'embedded') {
      for (const field of EMBEDDED_ONLY) {
        if (provider[field] !== undefined) ctx.addIssue({ code: 'custom', path: ['providers', name, field], message: `only embedded providers take ${field}` });
      }
    } else if (provider.directModels) {
      // Any caller could then make the worker load any file it can read.
      ctx.addIssue({ code: 'custom', path: ['providers', name, 'directModels'], message: 'embedded providers serve only the models the config names' });
    } else if (provider.baseUrl !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['providers', name, 'baseUrl'], message: 'an embedded provider runs in the worker and has no baseUrl' });
    }
  }
}

/**
 * The routing file as the workers and the direct client read it: providers
 * and models. The gateway's API keys (`auth`) are left out before the
 * environment is substituted, so these services need none of their variables.
 */
export const modelRoutingSchema = z.object(routesShape).strict().superRefine(checkRoutes);

/** The whole routing file, as the gateway reads it. */
export const routingConfigSchema = z
  .object({ ...routesShape, auth: z.object({ keys: z.array(apiKeySchema).min(1, 'configure at least one API key') }).strict() })
  .strict()
  .superRefine((config, ctx) => {
    checkRoutes(config, ctx);
    const keyIds = new Set<string>();
    config.auth.keys.forEach((key, index) => {
      if (keyIds.has(key.id)) {
        ctx.addIssue({ code: 'custom', path: ['auth', 'keys', index, 'id'], message: `duplicate key id '${key.id}'` });
      }
      keyIds.add(key.id);
    });
  });

export type ModelRouting = z.infer<typeof modelRoutingSchema>;
export type RoutingConfig = z.infer<typeof routingConfigSchema>;
export type ProviderConfig = RoutingConfig['providers'][string];
export type ModelConfig = RoutingConfig['models'][number];
export type ModelPrice = z.infer<typeof priceSchema>;
export type ApiKeyConfig = RoutingConfig['auth']['keys'][number];
