import { type ChatCompletion, type ChatCompletionChunk, ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import { deadlineSignal } from '../deadline-signal';
import { createNodeHttpFetch } from '../http/node-http-fetch';
import { sseData } from '../http/sse-data';
import { mapTransportError } from '../map-transport-error';
import type { GenerateParams, ProviderAdapter, ProviderCapabilities } from '../provider-adapter';
import { upstreamEvents } from '../upstream-events';
import { fromTgiResponse } from './from-tgi-response';
import { mapTgiStatusError } from './map-tgi-error';
import { toTgiGenerateRequest } from './tgi-generate-request';
import { TgiMessagesAdapter } from './tgi-messages-adapter';
import { tgiStreamChunks } from './tgi-stream-chunks';

export const TGI_DEFAULT_HOST = 'http://127.0.0.1:8080';

/** The model id TGI's documentation uses on its Messages API; TGI serves one model and ignores the id. */
export const TGI_MODEL_ID = 'tgi';

export interface TgiAdapterSettings {
  provider: string;
  /** The server's address, without `/v1`. */
  host?: string;
  /** A HuggingFace token, for Inference Endpoints; a bare TGI takes none. */
  apiKey?: string;
  timeoutMs?: number;
  /**
   * Use TGI's native `/generate` with a ChatML prompt instead of its Messages
   * API, for models without a chat template or TGI builds older than 1.4.
   */
  nativeGenerate?: boolean;
}

// TGI applies the model's chat template and grammar on its Messages API; whether tools work depends on that template.
// Both paths constrain output with a JSON Schema grammar (TGI's guided decoding).
const MESSAGES_CAPABILITIES: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: false };
const NATIVE_CAPABILITIES: ProviderCapabilities = { streaming: true, tools: false, jsonMode: true, jsonSchema: true, vision: false };

/** HuggingFace Text Generation Inference, through its Messages API or, when asked, its native `/generate`. */
export class TgiAdapter implements ProviderAdapter {
  readonly provider: string;
  readonly capabilities: ProviderCapabilities;
  private readonly host: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly messages: TgiMessagesAdapter | undefined;
  private readonly fetch: typeof fetch | undefined;

  constructor(settings: TgiAdapterSettings) {
    this.provider = settings.provider;
    this.host = (settings.host ?? TGI_DEFAULT_HOST).replace(/\/+$/, '');
    this.timeoutMs = settings.timeoutMs ?? 120_000;
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (settings.apiKey !== undefined) this.headers.authorization = `Bearer ${settings.apiKey}`;
    if (settings.nativeGenerate === true) {
      this.capabilities = NATIVE_CAPABILITIES;
      this.fetch = createNodeHttpFetch();
    } else {
      this.capabilities = MESSAGES_CAPABILITIES;
      this.messages = new TgiMessagesAdapter({ provider: settings.provider, baseUrl: `${this.host}/v1`, apiKey: settings.apiKey, timeoutMs: this.timeoutMs });
    }
  }

  generate(params: GenerateParams): Promise<ChatCompletion> {
    return this.messages !== undefined ? this.messages.generate(params) : this.generateNative(params);
  }

  /** `timeoutMs` bounds the wait for the first event and between two, not the whole answer. */
  stream(params: GenerateParams): AsyncIterable<ChatCompletionChunk> {
    return this.messages !== undefined ? this.messages.stream(params) : this.streamNative(params);
  }

  /** `/generate_stream`: the same body as `/generate`, less the prompt's token list, which TGI refuses to stream. */
  private async *streamNative(params: GenerateParams): AsyncGenerator<ChatCompletionChunk> {
    // Built before the call: a request the template cannot express is the caller's error, not the provider's.
    const request = toTgiGenerateRequest(params);
    const { decoder_input_details: _prefill, ...parameters } = request.parameters;
    const body = JSON.stringify({ ...request, parameters });
    const headers = { ...this.headers, accept: 'text/event-stream' };
    const send = this.fetch as typeof fetch;
    const events = upstreamEvents({
      provider: this.provider,
      idleTimeoutMs: this.timeoutMs,
      signal: params.signal,
      open: async (signal) => {
        const response = await send(`${this.host}/generate_stream`, { method: 'POST', headers, body, signal });
        if (!response.ok) throw mapTgiStatusError(this.provider, response.status, parseOrUndefined(await response.text()), response.headers);
        if (response.body === null) throw new ProviderError({ kind: ProviderErrorKind.Malformed, provider: this.provider, message: 'stream has no body' });
        return sseData(response.body);
      },
      mapError: (error) => mapTransportError(this.provider, error, false),
    });
    yield* tgiStreamChunks(this.provider, params.model, events, parameters.stop);
  }

  private async generateNative(params: GenerateParams): Promise<ChatCompletion> {
    // Built outside the try: a request the template cannot express is the caller's error, not the provider's.
    const body = toTgiGenerateRequest(params);
    const { signal, timedOut } = deadlineSignal(this.timeoutMs, params.signal);
    const send = this.fetch as typeof fetch;
    try {
      const response = await send(`${this.host}/generate`, { method: 'POST', headers: this.headers, body: JSON.stringify(body), signal });
      const text = await response.text();
      if (!response.ok) throw mapTgiStatusError(this.provider, response.status, parseOrUndefined(text), response.headers);
      return fromTgiResponse(this.provider, params.model, JSON.parse(text), body.parameters.stop);
    } catch (error) {
      throw mapTransportError(this.provider, error, timedOut());
    }
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
