import { type ChatMessage, InvalidRequestError } from '@switchyard/contracts';
import type { ChatRequest, Message, Options } from 'ollama';
import { narrowedToForcedTool } from '../forced-tool';
import type { GenerateParams } from '../provider-adapter';

const DATA_URL = /^data:image\/[a-z+.-]+;base64,(.+)$/i;

function textOf(content: ChatMessage['content']): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function imagesOf(message: ChatMessage, index: number): string[] | undefined {
  if (message.role !== 'user' || typeof message.content === 'string') return undefined;
  const images: string[] = [];
  for (const part of message.content) {
    if (part.type !== 'image_url') continue;
    const match = DATA_URL.exec(part.image_url.url);
    if (match?.[1] === undefined) {
      // Ollama takes image bytes only; fetching a URL on the caller's behalf is not ours to do.
      throw new InvalidRequestError('This model accepts images as base64 data URLs only.', { param: `messages[${index}].content` });
    }
    images.push(match[1]);
  }
  return images.length > 0 ? images : undefined;
}

function toMessage(message: ChatMessage, index: number): Message {
  const out: Message = { role: message.role === 'developer' ? 'system' : message.role, content: textOf(message.content) };
  const images = imagesOf(message, index);
  if (images) out.images = images;
  if (message.role === 'assistant' && message.tool_calls) {
    out.tool_calls = message.tool_calls.map((call) => ({ function: { name: call.function.name, arguments: JSON.parse(call.function.arguments || '{}') } }));
  }
  return out;
}

/**
 * The OpenAI request as Ollama's native `/api/chat` body: sampling settings
 * move into `options`; `response_format` becomes `format`, the schema itself
 * (Ollama turns it into a grammar) or `json` for JSON mode.
 */
export function toOllamaRequest({ model, request }: GenerateParams): ChatRequest & { stream: false } {
  const options: Partial<Options> = {};
  if (request.temperature != null) options.temperature = request.temperature;
  if (request.top_p != null) options.top_p = request.top_p;
  if (request.seed != null) options.seed = request.seed;
  if (request.presence_penalty != null) options.presence_penalty = request.presence_penalty;
  if (request.frequency_penalty != null) options.frequency_penalty = request.frequency_penalty;
  const limit = request.max_completion_tokens ?? request.max_tokens;
  if (limit != null) options.num_predict = limit;
  if (request.stop != null) options.stop = typeof request.stop === 'string' ? [request.stop] : request.stop;

  const body: ChatRequest & { stream: false } = { model, messages: request.messages.map(toMessage), stream: false, options };
  if (request.response_format?.type === 'json_object') body.format = 'json';
  if (request.response_format?.type === 'json_schema') body.format = request.response_format.json_schema.schema ?? 'json';
  // Ollama has no tool_choice: a named function is honoured as far as it can be, by offering only that one.
  const tools = narrowedToForcedTool(request) ?? request.tools;
  if (tools) body.tools = tools.map((tool) => ({ type: 'function', function: { ...tool.function, parameters: tool.function.parameters as never } }));
  return body;
}
