import { type ChatCompletionRequest, type FinishReason, ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import { EventChannel } from './event-channel';
import type { LlamaRuntime } from './llama-runtime';
import type { LoadedModel } from './loaded-model';
import { toChatHistory } from './to-chat-history';

type Lib = LlamaRuntime['lib'];
export type LlamaGrammar = Awaited<ReturnType<LlamaRuntime['llama']['createGrammarForJsonSchema']>>;

export type GenerationEvent = { type: 'text'; text: string } | { type: 'end'; finishReason: FinishReason; promptTokens: number; completionTokens: number };

export interface GenerationOptions {
  provider: string;
  lib: Lib;
  loaded: LoadedModel;
  request: ChatCompletionRequest;
  grammar: LlamaGrammar | undefined;
  signal: AbortSignal;
}

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  maxTokens: 'length',
  eogToken: 'stop',
  stopGenerationTrigger: 'stop',
  customStopTrigger: 'stop',
};

function stopsOf(stop: ChatCompletionRequest['stop']): string[] {
  if (stop == null) return [];
  return (typeof stop === 'string' ? [stop] : stop).filter((text) => text !== '');
}

/**
 * One request on one of the model's sequences: text as it is decoded, then
 * how it ended with exact token counts (the prompt as the chat template
 * renders it, and every token sampled). The sequence is held from the first
 * event to the last; aborting `signal` stops the decoding loop between two
 * tokens.
 */
export function runGeneration(options: GenerationOptions): EventChannel<GenerationEvent> {
  const events = new EventChannel<GenerationEvent>();
  void generate(options, events).then(
    () => events.end(),
    (error: unknown) => events.fail(error),
  );
  return events;
}

async function generate({ provider, lib, loaded, request, grammar, signal }: GenerationOptions, events: EventChannel<GenerationEvent>): Promise<void> {
  const history = toChatHistoryOrThrow(provider, request);
  const sequence = await loaded.slots.acquire(signal);
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  loaded.generations.add(controller);
  const chat = new lib.LlamaChat({ contextSequence: sequence, chatWrapper: loaded.chatWrapper, autoDisposeSequence: false });
  try {
    const { contextText } = loaded.chatWrapper.generateContextState({ chatHistory: history });
    const promptTokens = contextText.tokenize(loaded.model.tokenizer).length;
    const room = loaded.options.contextSize - promptTokens;
    if (room < 1) {
      throw new ProviderError({
        kind: ProviderErrorKind.ContextTooLong,
        provider,
        message: `the prompt is ${promptTokens} tokens; the context holds ${loaded.options.contextSize}`,
      });
    }
    const asked = request.max_completion_tokens ?? request.max_tokens ?? room;
    let completionTokens = 0;
    const stops = stopsOf(request.stop);
    const response = await chat.generateResponse(history as Parameters<typeof chat.generateResponse>[0], {
      signal: controller.signal,
      stopOnAbortSignal: false,
      // As llama-server does: an answer longer than the context allows ends with `length`, not an error.
      maxTokens: Math.min(asked, room),
      // OpenAI's default; node-llama-cpp's own is greedy.
      temperature: request.temperature ?? 1,
      ...(request.top_p == null ? {} : { topP: request.top_p }),
      ...(request.seed == null ? {} : { seed: request.seed }),
      ...(grammar === undefined ? {} : { grammar }),
      ...(stops.length === 0 ? {} : { customStopTriggers: stops }),
      ...(request.presence_penalty || request.frequency_penalty
        ? { repeatPenalty: { presencePenalty: request.presence_penalty ?? 0, frequencyPenalty: request.frequency_penalty ?? 0 } }
        : {}),
      onToken: (tokens) => {
        completionTokens += tokens.length;
      },
      onTextChunk: (text) => {
        if (text !== '') events.push({ type: 'text', text });
      },
    });
    const finishReason = FINISH_REASONS[response.metadata.stopReason] ?? 'stop';
    events.push({ type: 'end', finishReason, promptTokens, completionTokens });
  } finally {
    signal.removeEventListener('abort', onAbort);
    loaded.generations.delete(controller);
    chat.dispose({ disposeSequence: false });
    loaded.slots.release(sequence);
  }
}

function toChatHistoryOrThrow(provider: string, request: ChatCompletionRequest) {
  if ((request.n ?? 1) > 1) throw new ProviderError({ kind: ProviderErrorKind.BadRequest, provider, message: 'embedded models answer one choice (n = 1)' });
  if ((request.tools?.length ?? 0) > 0) throw new ProviderError({ kind: ProviderErrorKind.BadRequest, provider, message: 'embedded models take no tools' });
  try {
    return toChatHistory(request.messages);
  } catch (error) {
    throw new ProviderError({ kind: ProviderErrorKind.BadRequest, provider, message: (error as Error).message, cause: error });
  }
}
