import type OpenAI from 'openai';
import { createNodeHttpFetch } from '../http/node-http-fetch';
import { OpenAIAdapter } from '../openai/openai-adapter';
import type { GenerateParams, ProviderCapabilities } from '../provider-adapter';
import { toLlamaCppRequest } from './to-llamacpp-request';

export const LLAMACPP_DEFAULT_HOST = 'http://127.0.0.1:8080';

export interface LlamaCppAdapterSettings {
  provider: string;
  /** llama-server's address, without `/v1`. */
  host?: string;
  /** Only when the server runs with `--api-key`. */
  apiKey?: string;
  timeoutMs?: number;
}

/** What llama-server says about itself; `ok` is false while it is still loading the model or cannot be reached. */
export interface LlamaCppHealth {
  ok: boolean;
  /** The context each slot has, from `/props`. */
  contextLength?: number;
  /** How many requests it decodes at once (`--parallel`), from `/props`. */
  slots?: number;
}

// Vision needs a multimodal projector (--mmproj), which most deployments do not load.
const CAPABILITIES: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: false };

/**
 * llama.cpp's `llama-server`: chat goes through its OpenAI-compatible
 * endpoint; what sets it apart is the server's own status endpoints.
 */
export class LlamaCppAdapter extends OpenAIAdapter {
  override readonly capabilities = CAPABILITIES;
  private readonly host: string;
  private readonly apiKey: string | undefined;
  private readonly healthTimeoutMs: number;
  private readonly fetch = createNodeHttpFetch({ maxSockets: 4 });

  constructor(settings: LlamaCppAdapterSettings) {
    const host = (settings.host ?? LLAMACPP_DEFAULT_HOST).replace(/\/+$/, '');
    super({ provider: settings.provider, baseUrl: `${host}/v1`, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs });
    this.host = host;
    this.apiKey = settings.apiKey;
    // A health probe should fail fast, whatever a long generation is allowed.
    this.healthTimeoutMs = Math.min(settings.timeoutMs ?? 5_000, 5_000);
  }

  protected override requestBody(params: GenerateParams): OpenAI.ChatCompletionCreateParamsNonStreaming {
    return toLlamaCppRequest(params);
  }

  /**
   * `/health` decides `ok`; `/props` only adds detail, so a server that hides
   * it (older builds, or `--api-key` without the key) is still healthy. Never
   * throws: an unreachable server is simply not ok.
   */
  async health(): Promise<LlamaCppHealth> {
    const health = await this.get('/health');
    if (health === undefined || !health.ok) return { ok: false };
    const props = await this.get('/props');
    if (props === undefined || !props.ok) return { ok: true };
    return { ok: true, ...readProps(props.body) };
  }

  private async get(path: string): Promise<{ ok: boolean; body: unknown } | undefined> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.apiKey !== undefined) headers.authorization = `Bearer ${this.apiKey}`;
    try {
      const response = await this.fetch(`${this.host}${path}`, { headers, signal: AbortSignal.timeout(this.healthTimeoutMs) });
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { ok: response.ok, body };
    } catch {
      return undefined;
    }
  }
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function readProps(body: unknown): Omit<LlamaCppHealth, 'ok'> {
  if (body === null || typeof body !== 'object') return {};
  const fields = body as { default_generation_settings?: { n_ctx?: unknown }; n_ctx?: unknown; total_slots?: unknown };
  // Builds before the /props rework put n_ctx at the top level.
  const contextLength = positiveInteger(fields.default_generation_settings?.n_ctx) ?? positiveInteger(fields.n_ctx);
  const slots = positiveInteger(fields.total_slots);
  return { ...(contextLength === undefined ? {} : { contextLength }), ...(slots === undefined ? {} : { slots }) };
}
