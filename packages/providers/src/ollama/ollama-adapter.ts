import type { ChatCompletion } from '@switchyard/contracts';
import { Ollama } from 'ollama';
import { deadlineSignal } from '../deadline-signal';
import { createNodeHttpFetch } from '../http/node-http-fetch';
import type { GenerateParams, ProviderAdapter, ProviderCapabilities } from '../provider-adapter';
import { fromOllamaResponse } from './from-ollama-response';
import { mapOllamaError } from './map-ollama-error';
import { toOllamaRequest } from './to-ollama-request';

export const OLLAMA_DEFAULT_HOST = 'http://127.0.0.1:11434';

export interface OllamaAdapterSettings {
  provider: string;
  /** The server's address, without `/api` or `/v1`. */
  host?: string;
  timeoutMs?: number;
}

const CAPABILITIES: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: true };

/** Ollama's native API through the `ollama` package. */
export class OllamaAdapter implements ProviderAdapter {
  readonly provider: string;
  readonly capabilities = CAPABILITIES;
  private readonly host: string;
  private readonly timeoutMs: number;
  private readonly fetch = createNodeHttpFetch();

  constructor(settings: OllamaAdapterSettings) {
    this.provider = settings.provider;
    this.host = settings.host ?? OLLAMA_DEFAULT_HOST;
    this.timeoutMs = settings.timeoutMs ?? 120_000;
  }

  /** What the server has pulled (`/api/tags`). */
  async listModels(): Promise<string[]> {
    const client = new Ollama({ host: this.host, fetch: this.fetch });
    try {
      return (await client.list()).models.map((model) => model.name);
    } catch (error) {
      throw mapOllamaError(this.provider, error, false);
    }
  }

  async generate(params: GenerateParams): Promise<ChatCompletion> {
    const { signal, timedOut } = deadlineSignal(this.timeoutMs, params.signal);
    // The package's own abort() cancels every request of a client; a client per call
    // (it only holds its settings) gives each job its own cancellation.
    const client = new Ollama({ host: this.host, fetch: ((input, init) => this.fetch(input, { ...init, signal })) as typeof fetch });
    try {
      return fromOllamaResponse(await client.chat(toOllamaRequest(params)));
    } catch (error) {
      throw mapOllamaError(this.provider, error, timedOut());
    }
  }
}
