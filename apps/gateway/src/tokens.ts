/** Injection tokens for what the gateway is composed of; classes inject themselves. */
export const PLATFORM_ENV = Symbol('PLATFORM_ENV');
export const ROUTING_CONFIG = Symbol('ROUTING_CONFIG');
export const MODEL_CATALOG = Symbol('MODEL_CATALOG');
export const REDIS = Symbol('REDIS');
export const CHAT_JOBS = Symbol('CHAT_JOBS');
export const DATABASE = Symbol('DATABASE');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
export const USAGE = Symbol('USAGE');
export const ASYNC_JOBS = Symbol('ASYNC_JOBS');
export const WEBHOOK_QUEUE_TOKEN = Symbol('WEBHOOK_QUEUE');
/** The `FileRepository`: uploads, and the batch files that read and write them. */
export const FILES = Symbol('FILES');
/** The largest upload `POST /v1/files` accepts, in bytes. */
export const MAX_FILE_BYTES = Symbol('MAX_FILE_BYTES');
export const BATCHES = Symbol('BATCHES');
export const RESPONSE_CACHE = Symbol('RESPONSE_CACHE');
export const KEY_STORE = Symbol('KEY_STORE');
export const USAGE_QUERIES = Symbol('USAGE_QUERIES');
/** The `KeyLimiter`: a request that ends in the gateway gives back what its key was charged for it. */
export const KEY_LIMITS = Symbol('KEY_LIMITS');
/** The `CachedPromptResolver`: picks the stored prompt version a request renders; `invalidate` it when a label moves here. */
export const PROMPT_RESOLVER = Symbol('PROMPT_RESOLVER');
/** The `PromptStore`: versioned prompt templates of each tenant, and the prompts folder's. */
export const PROMPT_STORE = Symbol('PROMPT_STORE');
/** The session store (PostgreSQL) and each session's turn order and cached window (Redis). */
export const SESSIONS = Symbol('SESSIONS');
/** The `UsageSeriesQueries`: usage over time, read from the hourly rollups. */
export const USAGE_SERIES = Symbol('USAGE_SERIES');
/** The `ModelBenchmarkRepository`: runs of the model benchmark suites. */
export const MODEL_BENCHMARKS = Symbol('MODEL_BENCHMARKS');
