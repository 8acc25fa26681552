import type { ProviderKind } from '@switchyard/contracts';
import { EmbeddedAdapter } from './embedded/embedded-adapter';
import type { EmbeddedGpu, EmbeddedLog } from './embedded/embedded-settings';
import { GeminiAdapter } from './gemini/gemini-adapter';
import { GroqAdapter } from './groq/groq-adapter';
import { LlamaCppAdapter } from './llamacpp/llamacpp-adapter';
import { OllamaAdapter } from './ollama/ollama-adapter';
import { OpenAIAdapter } from './openai/openai-adapter';
import type { ProviderAdapter } from './provider-adapter';
import { TgiAdapter } from './tgi/tgi-adapter';

/** `vllm serve`'s default address. */
export const VLLM_DEFAULT_BASE_URL = 'http://127.0.0.1:8000/v1';

/** What an adapter needs to know about one configured provider; the routing config's entries fit it. */
export interface ProviderSettings {
  name: string;
  kind: ProviderKind;
  /** For ollama, llamacpp and tgi the server's address; for the other OpenAI-compatible kinds, up to and including `/v1`. */
  baseUrl?: string;
  apiKey?: string;
  timeoutMs?: number;
  /** tgi only: its native `/generate` instead of the Messages API. */
  nativeGenerate?: boolean;
  /** ollama only: how long the server keeps a model loaded after a call. */
  keepAlive?: string | number;
  /** embedded only: where `hf:` models are kept, CPU threads, context per request, requests at once, the binary to run on. */
  modelsDir?: string;
  threads?: number;
  contextSize?: number;
  concurrency?: number;
  gpu?: EmbeddedGpu;
  /** embedded only: where its downloads and loads are logged. */
  log?: EmbeddedLog;
}

/** Builds the adapter for one configured provider; a kind added to PROVIDER_KINDS without a case here does not compile. */
export function createProviderAdapter(settings: ProviderSettings): ProviderAdapter {
  const { kind } = settings;
  switch (kind) {
    case 'openai':
    case 'openai-compatible':
      return new OpenAIAdapter({
        provider: settings.name,
        baseUrl: settings.baseUrl,
        apiKey: settings.apiKey,
        timeoutMs: settings.timeoutMs,
      });
    // vLLM's server is the OpenAI API; without a base URL it must not fall back to OpenAI's own host.
    case 'vllm':
      return new OpenAIAdapter({
        provider: settings.name,
        baseUrl: settings.baseUrl ?? VLLM_DEFAULT_BASE_URL,
        apiKey: settings.apiKey,
        timeoutMs: settings.timeoutMs,
      });
    case 'groq':
      return new GroqAdapter({ provider: settings.name, baseUrl: settings.baseUrl, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs });
    case 'gemini':
      return new GeminiAdapter({ provider: settings.name, baseUrl: settings.baseUrl, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs });
    case 'ollama':
      return new OllamaAdapter({ provider: settings.name, host: settings.baseUrl, timeoutMs: settings.timeoutMs, keepAlive: settings.keepAlive });
    case 'llamacpp':
      return new LlamaCppAdapter({ provider: settings.name, host: settings.baseUrl, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs });
    case 'tgi':
      return new TgiAdapter({
        provider: settings.name,
        host: settings.baseUrl,
        apiKey: settings.apiKey,
        timeoutMs: settings.timeoutMs,
        nativeGenerate: settings.nativeGenerate,
      });
    case 'embedded':
      return new EmbeddedAdapter({
        provider: settings.name,
        modelsDir: settings.modelsDir,
        threads: settings.threads,
        contextSize: settings.contextSize,
        concurrency: settings.concurrency,
        gpu: settings.gpu,
        timeoutMs: settings.timeoutMs,
        log: settings.log,
      });
    default:
      return unknownKind(kind);
  }
}

function unknownKind(kind: never): never {
  throw new Error(`no adapter for provider kind ${String(kind)}`);
}
