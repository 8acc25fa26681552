import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@switchyard/contracts';
import { ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import type { GenerateParams, ProviderAdapter, ProviderCapabilities } from '../provider-adapter';
import { ChunkWriter, newCompletionId, usageOf } from '../stream-chunks';
import { upstreamEvents } from '../upstream-events';
import { type GenerationEvent, type LlamaGrammar, runGeneration } from './embedded-generation';
import {
  defaultModelsDir,
  defaultThreads,
  EMBEDDED_DEFAULT_CONTEXT_SIZE,
  type EmbeddedAdapterSettings,
  type EmbeddedLog,
  HF_DEFAULT_ENDPOINT,
  STDERR_LOG,
} from './embedded-settings';
import { type LlamaRuntime, loadLlamaRuntime } from './llama-runtime';
import { type EmbeddedModelState, LoadedModel } from './loaded-model';
import { downloadModel, verifyModelFile } from './model-download';
import { parseModelReference } from './model-reference';
import { toChatHistory } from './to-chat-history';

const CAPABILITIES: ProviderCapabilities = { streaming: true, tools: false, jsonMode: true, jsonSchema: true, vision: false };
const GRAMMAR_CACHE_SIZE = 32;

/** What an embedded provider holds, for `/admin/local`. */
export interface EmbeddedState {
  provider: string;
  /** Whether this process has loaded node-llama-cpp at all. */
  runtimeLoaded: boolean;
  buildType?: string;
  gpu?: string | false;
  models: EmbeddedModelState[];
  /** node-llama-cpp's view of accelerator memory (all zero on a CPU build). */
  vram?: { total: number; used: number; free: number };
  /** The worker process's resident memory. */
  rssBytes: number;
}

/**
 * Runs GGUF models inside the worker with node-llama-cpp: each model is
 * loaded once, on first use or `preload`, with a context of `concurrency`
 * sequences. node-llama-cpp itself is imported only when the first model
 * loads, so a process that never does pays nothing for it.
 */
export class EmbeddedAdapter implements ProviderAdapter {
  readonly provider: string;
  readonly capabilities = CAPABILITIES;
  readonly concurrency: number;
  private readonly threads: number;
  private readonly contextSize: number;
  private readonly timeoutMs: number;
  private readonly modelsDir: string;
  private readonly hfEndpoint: string;
  private readonly log: EmbeddedLog;
  private readonly models = new Map<string, Promise<LoadedModel>>();
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private runtime: LlamaRuntime | undefined;

  constructor(private readonly settings: EmbeddedAdapterSettings) {
    this.provider = settings.provider;
    this.threads = settings.threads ?? defaultThreads();
    this.contextSize = settings.contextSize ?? EMBEDDED_DEFAULT_CONTEXT_SIZE;
    this.concurrency = settings.concurrency ?? 1;
    this.timeoutMs = settings.timeoutMs ?? 60_000;
    this.modelsDir = settings.modelsDir ?? defaultModelsDir();
    this.hfEndpoint = settings.hfEndpoint ?? (process.env.SWITCHYARD_HF_ENDPOINT || HF_DEFAULT_ENDPOINT);
    this.log = settings.log ?? STDERR_LOG;
  }

  async generate(params: GenerateParams): Promise<ChatCompletion> {
    const id = newCompletionId();
    let content = '';
    let end: Extract<GenerationEvent, { type: 'end' }> | undefined;
    for await (const event of this.events(params)) {
      if (event.type === 'text') content += event.text;
      else end = event;
    }
    if (end === undefined) throw new ProviderError({ kind: ProviderErrorKind.Server, provider: this.provider, message: 'generation ended without a result' });
    return {
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: params.model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: end.finishReason, logprobs: null }],
      usage: usageOf(end.promptTokens, end.completionTokens),
    };
  }

  /** `timeoutMs` bounds the wait for the first token (a model load included) and between two. */
  async *stream(params: GenerateParams): AsyncGenerator<ChatCompletionChunk> {
    const writer = new ChunkWriter(newCompletionId(), params.model);
    for await (const event of this.events(params)) {
      if (event.type === 'text') {
        yield writer.delta(0, { content: event.text });
      } else {
        yield writer.delta(0, {}, event.finishReason);
        yield writer.usage(usageOf(event.promptTokens, event.completionTokens));
      }
    }
  }

  /**
   * A model load (a download, even) is not bound by `timeoutMs`, which is for
   * tokens; the caller's cancellation still ends the wait for it at once.
   */
  private async *events(params: GenerateParams): AsyncGenerator<GenerationEvent> {
    const loaded = await untilAborted(this.provider, this.load(params.model), params.signal);
    const grammar = await this.grammarFor(params.request);
    yield* upstreamEvents({
      provider: this.provider,
      idleTimeoutMs: this.timeoutMs,
      ...(params.signal === undefined ? {} : { signal: params.signal }),
      open: async (signal) =>
        runGeneration({ provider: this.provider, lib: (this.runtime as LlamaRuntime).lib, loaded, request: params.request, grammar, signal }),
      mapError: (error) =>
        new ProviderError({ kind: ProviderErrorKind.Server, provider: this.provider, message: (error as Error).message ?? 'generation failed', cause: error }),
    });
  }

  /** The prompt's tokens as the model's chat template renders it. */
  async countTokens(params: GenerateParams): Promise<number> {
    const loaded = await this.load(params.model);
    const history = toChatHistory(params.request.messages);
    return loaded.chatWrapper
      .generateContextState({ chatHistory: history as Parameters<typeof loaded.chatWrapper.generateContextState>[0]['chatHistory'] })
      .contextText.tokenize(loaded.model.tokenizer).length;
  }

  async health(): Promise<{ ok: boolean }> {
    return { ok: true };
  }

  async listModels(): Promise<string[]> {
    return [...this.models.keys()];
  }

  async preload(model: string): Promise<void> {
    await this.load(model);
  }

  /** Frees the model's context and weights; requests still generating on it fail (retryable) and the next one loads it again. */
  async unload(model: string): Promise<void> {
    const loading = this.models.get(model);
    if (loading === undefined) return;
    this.models.delete(model);
    const loaded = await loading.catch(() => undefined);
    await loaded?.dispose();
    this.log.info({ provider: this.provider, model }, 'embedded model unloaded');
  }

  async state(): Promise<EmbeddedState> {
    const settled = await Promise.all([...this.models.values()].map((loading) => loading.catch(() => undefined)));
    const models = settled.filter((loaded) => loaded !== undefined).map((loaded) => loaded.state());
    const base = { provider: this.provider, models, rssBytes: process.memoryUsage().rss };
    if (this.runtime === undefined) return { ...base, runtimeLoaded: false };
    const { llama } = this.runtime;
    const { total, used, free } = await llama.getVramState();
    return { ...base, runtimeLoaded: true, buildType: llama.buildType, gpu: llama.gpu, vram: { total, used, free } };
  }

  async close(): Promise<void> {
    await Promise.all([...this.models.keys()].map((model) => this.unload(model)));
  }

  /** The loaded model, loading it (and downloading an `hf:` file) on first use; concurrent callers share one load. */
  private load(model: string): Promise<LoadedModel> {
    let loading = this.models.get(model);
    if (loading === undefined) {
      loading = this.loadNow(model);
      this.models.set(model, loading);
      loading.catch(() => {
        if (this.models.get(model) === loading) this.models.delete(model);
      });
    }
    return loading;
  }

  private async loadNow(model: string): Promise<LoadedModel> {
    let reference: ReturnType<typeof parseModelReference>;
    try {
      reference = parseModelReference(model, this.modelsDir, this.hfEndpoint);
    } catch (error) {
      throw new ProviderError({ kind: ProviderErrorKind.NotFound, provider: this.provider, message: (error as Error).message, cause: error });
    }
    try {
      if (reference.kind === 'hf') {
        const token = this.settings.hfToken ?? process.env.HF_TOKEN;
        const fields = { provider: this.provider, model };
        const downloaded = await downloadModel({
          url: reference.url,
          path: reference.path,
          ...(token ? { token } : {}),
          onProgress: ({ receivedBytes, totalBytes, resumedFromBytes }) =>
            this.log.info({ ...fields, receivedBytes, totalBytes, resumedFromBytes }, 'downloading embedded model'),
        });
        if (downloaded.downloaded) this.log.info({ ...fields, bytes: downloaded.bytes, sha256: downloaded.sha256 }, 'embedded model downloaded');
      } else {
        await verifyModelFile(reference.path);
      }
      this.runtime ??= await loadLlamaRuntime(this.settings.gpu ?? false);
      const loaded = await LoadedModel.load(this.runtime, {
        reference: model,
        path: reference.path,
        threads: this.threads,
        contextSize: this.contextSize,
        concurrency: this.concurrency,
      });
      const { loadMs, contextSize, fileBytes } = loaded.state();
      this.log.info(
        { provider: this.provider, model, loadMs, contextSize, fileBytes, threads: this.threads, slots: this.concurrency },
        'embedded model loaded',
      );
      return loaded;
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ProviderError({
        kind: missing ? ProviderErrorKind.NotFound : ProviderErrorKind.Server,
        provider: this.provider,
        message: `could not load ${model}: ${(error as Error).message}`,
        cause: error,
      });
    }
  }

  /** A grammar for a JSON answer, built once per schema: building one costs more than a short answer. */
  private async grammarFor(request: ChatCompletionRequest): Promise<LlamaGrammar | undefined> {
    const format = request.response_format;
    if (format === undefined || format.type === 'text') return undefined;
    const { llama } = this.runtime as LlamaRuntime;
    const schema = format.type === 'json_schema' ? format.json_schema.schema : undefined;
    const key = schema === undefined ? 'json' : JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (grammar === undefined) {
      grammar = (
        schema === undefined ? llama.getGrammarFor('json') : llama.createGrammarForJsonSchema(schema as Parameters<typeof llama.createGrammarForJsonSchema>[0])
      ) as Promise<LlamaGrammar>;
      if (this.grammars.size >= GRAMMAR_CACHE_SIZE) this.grammars.delete(this.grammars.keys().next().value as string);
      this.grammars.set(key, grammar);
      grammar.catch(() => this.grammars.delete(key));
    }
    try {
      return await grammar;
    } catch (error) {
      throw new ProviderError({
        kind: ProviderErrorKind.BadRequest,
        provider: this.provider,
        message: `response_format: the schema cannot be turned into a grammar: ${(error as Error).message}`,
        cause: error,
      });
    }
  }
}

/** `work`, or a ProviderError as soon as `signal` fires; the work itself goes on (a load others may share). */
function untilAborted<T>(provider: string, work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  const aborted = () => new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: 'request aborted', cause: signal.reason });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
