import type { GoogleGenAI } from '@google/genai';
import type { ChatCompletion, ChatCompletionChunk } from '@switchyard/contracts';
import { deadlineSignal } from '../deadline-signal';
import { createNodeHttpFetch } from '../http/node-http-fetch';
import type { GenerateParams, ProviderAdapter, ProviderCapabilities } from '../provider-adapter';
import { upstreamEvents } from '../upstream-events';
import { fromGeminiResponse } from './from-gemini-response';
import { geminiStreamChunks } from './gemini-stream-chunks';
import { genai } from './genai-sdk';
import { mapGeminiError } from './map-gemini-error';
import { toGeminiRequest } from './to-gemini-request';

export interface GeminiAdapterSettings {
  provider: string;
  /** Google's API host by default; the SDK adds the API version. */
  baseUrl?: string;
  apiKey?: string;
  timeoutMs?: number;
}

const CAPABILITIES: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: true };

/** Gemini through `@google/genai` (the successor of `@google/generative-ai`). */
export class GeminiAdapter implements ProviderAdapter {
  readonly provider: string;
  readonly capabilities = CAPABILITIES;
  private readonly client: GoogleGenAI;
  private readonly timeoutMs: number;

  constructor(settings: GeminiAdapterSettings) {
    this.provider = settings.provider;
    this.timeoutMs = settings.timeoutMs ?? 60_000;
    this.client = new (genai().GoogleGenAI)({
      apiKey: settings.apiKey ?? 'not-needed',
      httpOptions: {
        ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
        // Retries are Switchyard's decision; the SDK would otherwise try five times.
        retryOptions: { attempts: 1 },
        fetch: createNodeHttpFetch(),
      },
    });
  }

  async generate(params: GenerateParams): Promise<ChatCompletion> {
    const { signal, timedOut } = deadlineSignal(this.timeoutMs, params.signal);
    // Built outside the try: a request we cannot map is the caller's error, not the provider's.
    const request = toGeminiRequest({ ...params, signal });
    try {
      const response = await this.client.models.generateContent(request);
      return fromGeminiResponse(this.provider, params.model, response);
    } catch (error) {
      throw mapGeminiError(this.provider, error, timedOut());
    }
  }

  /**
   * `timeoutMs` bounds the wait for the first response and between two, not
   * the whole answer. The SDK is given no timeout of its own: it would bound
   * the body too.
   */
  async *stream(params: GenerateParams): AsyncGenerator<ChatCompletionChunk> {
    // Built before the call: a request Gemini cannot take is the caller's error, not the provider's.
    const request = toGeminiRequest({ model: params.model, request: params.request });
    const responses = upstreamEvents({
      provider: this.provider,
      idleTimeoutMs: this.timeoutMs,
      signal: params.signal,
      open: (signal) => this.client.models.generateContentStream({ ...request, config: { ...request.config, abortSignal: signal } }),
      mapError: (error) => mapGeminiError(this.provider, error, false),
    });
    yield* geminiStreamChunks(this.provider, params.model, responses);
  }
}
