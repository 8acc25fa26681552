import { stat } from 'node:fs/promises';
import type { LlamaRuntime } from './llama-runtime';
import { SequenceSlots } from './sequence-slots';

type Lib = LlamaRuntime['lib'];
export type LlamaModel = Awaited<ReturnType<LlamaRuntime['llama']['loadModel']>>;
export type LlamaContext = Awaited<ReturnType<LlamaModel['createContext']>>;
export type LlamaContextSequence = ReturnType<LlamaContext['getSequence']>;
export type ChatWrapper = InstanceType<Lib['ChatMLChatWrapper']> | ReturnType<Lib['resolveChatWrapper']>;

export interface LoadModelOptions {
  /** The model as the config names it (a path or an `hf:` reference). */
  reference: string;
  path: string;
  threads: number;
  contextSize: number;
  concurrency: number;
}

/** One loaded model, as `/admin/local` reports it. */
export interface EmbeddedModelState {
  model: string;
  path: string;
  fileBytes: number;
  /** What node-llama-cpp counts for the weights in memory. */
  modelBytes: number;
  /** The KV cache and buffers of its context. */
  contextBytes: number;
  contextSize: number;
  threads: number;
  slots: number;
  busySlots: number;
  loadMs: number;
  loadedAt: string;
  chatTemplate: string;
}

/**
 * A model, its one context with a sequence per concurrent request, and the
 * chat template it came with. Generations in flight register their abort
 * controller so unloading stops them before it frees the memory under them.
 */
export class LoadedModel {
  readonly generations = new Set<AbortController>();

  private constructor(
    readonly options: LoadModelOptions,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    readonly chatWrapper: NonNullable<ChatWrapper>,
    readonly slots: SequenceSlots<LlamaContextSequence>,
    private readonly fileBytes: number,
    private readonly loadMs: number,
    private readonly loadedAt: Date,
  ) {}

  static async load(runtime: LlamaRuntime, options: LoadModelOptions): Promise<LoadedModel> {
    const started = performance.now();
    const { size: fileBytes } = await stat(options.path);
    const model = await runtime.llama.loadModel({ modelPath: options.path });
    try {
      const contextSize = Math.min(options.contextSize, model.trainContextSize);
      const context = await model.createContext({ contextSize, sequences: options.concurrency, threads: options.threads });
      const sequences = Array.from({ length: options.concurrency }, () => context.getSequence());
      // The template in the GGUF decides the prompt format; a file without one gets a plain transcript.
      const chatWrapper = runtime.lib.resolveChatWrapper(model) ?? new runtime.lib.GeneralChatWrapper();
      return new LoadedModel(
        { ...options, contextSize: context.contextSize },
        model,
        context,
        chatWrapper,
        new SequenceSlots(sequences),
        fileBytes,
        Math.round(performance.now() - started),
        new Date(),
      );
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  state(): EmbeddedModelState {
    const { reference, path, threads, contextSize, concurrency } = this.options;
    return {
      model: reference,
      path,
      fileBytes: this.fileBytes,
      modelBytes: this.model.size,
      contextBytes: this.context.stateSize,
      contextSize,
      threads,
      slots: concurrency,
      busySlots: concurrency - this.slots.available,
      loadMs: this.loadMs,
      loadedAt: this.loadedAt.toISOString(),
      chatTemplate: this.chatWrapper.wrapperName,
    };
  }

  /** Stops what it is generating, then frees its context and weights. */
  async dispose(): Promise<void> {
    for (const generation of this.generations) generation.abort(new DOMException('The model was unloaded.', 'AbortError'));
    await this.context.dispose();
    await this.model.dispose();
  }
}
