import type OpenAI from 'openai';
import type { GenerateParams } from '../provider-adapter';

/**
 * The caller's request, aimed at the provider's model id. `metadata` labels
 * the request inside Switchyard and is not forwarded: OpenAI accepts it only
 * with `store`, and most compatible hosts refuse it.
 */
export function toOpenAIRequest({ model, request }: GenerateParams): OpenAI.ChatCompletionCreateParamsNonStreaming {
  const { stream: _stream, stream_options: _streamOptions, metadata, ...rest } = request;
  const body = { ...rest, model } as OpenAI.ChatCompletionCreateParamsNonStreaming;
  if (request.store === true && metadata) body.metadata = metadata;
  return body;
}
