import type { Content, FunctionDeclaration, GenerateContentConfig, GenerateContentParameters, Part, ToolConfig } from '@google/genai';
import { type ChatCompletionRequest, type ChatMessage, InvalidRequestError } from '@switchyard/contracts';
import type { GenerateParams } from '../provider-adapter';
import { genai } from './genai-sdk';
import { toGeminiSchema } from './to-gemini-schema';

const DATA_URL = /^data:([a-z]+\/[a-z0-9+.-]+);base64,(.+)$/i;

function textOf(content: ChatMessage['content']): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function userParts(message: Extract<ChatMessage, { role: 'user' }>, index: number): Part[] {
  if (typeof message.content === 'string') return [{ text: message.content }];
  return message.content.flatMap((part): Part[] => {
    if (part.type === 'text') return [{ text: part.text }];
    if (part.type === 'image_url') {
      const match = DATA_URL.exec(part.image_url.url);
      if (match?.[1] === undefined || match[2] === undefined) {
        throw new InvalidRequestError('This model accepts images as base64 data URLs only.', { param: `messages[${index}].content` });
      }
      return [{ inlineData: { mimeType: match[1], data: match[2] } }];
    }
    throw new InvalidRequestError(`Content parts of type '${part.type}' are not supported by this model.`, { param: `messages[${index}].content` });
  });
}

/**
 * OpenAI messages as Gemini contents: system and developer turns become the
 * system instruction, `assistant` is `model`, tool results are
 * `functionResponse` parts named after the call they answer.
 */
function toContents(messages: readonly ChatMessage[]): { contents: Content[]; system?: string } {
  const system: string[] = [];
  const contents: Content[] = [];
  const toolNames = new Map<string, string>();
  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(textOf(message.content));
        return;
      case 'user':
        contents.push({ role: 'user', parts: userParts(message, index) });
        return;
      case 'assistant': {
        const parts: Part[] = [];
        const text = textOf(message.content);
        if (text !== '') parts.push({ text });
        for (const call of message.tool_calls ?? []) {
          toolNames.set(call.id, call.function.name);
          parts.push({ functionCall: { name: call.function.name, args: JSON.parse(call.function.arguments || '{}') } });
        }
        contents.push({ role: 'model', parts: parts.length > 0 ? parts : [{ text: '' }] });
        return;
      }
      case 'tool':
        contents.push({
          role: 'user',
          parts: [{ functionResponse: { name: toolNames.get(message.tool_call_id) ?? message.tool_call_id, response: { content: textOf(message.content) } } }],
        });
        return;
      case 'function':
        contents.push({ role: 'user', parts: [{ functionResponse: { name: message.name, response: { content: message.content ?? '' } } }] });
        return;
    }
  });
  return system.length > 0 ? { contents, system: system.join('\n\n') } : { contents };
}

export function toGeminiRequest({ model, request, signal }: GenerateParams): GenerateContentParameters {
  const { contents, system } = toContents(request.messages);
  const config: GenerateContentConfig = {};
  if (system !== undefined) config.systemInstruction = system;
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  if (request.seed != null) config.seed = request.seed;
  if (request.n != null) config.candidateCount = request.n;
  if (request.presence_penalty != null) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) config.frequencyPenalty = request.frequency_penalty;
  const limit = request.max_completion_tokens ?? request.max_tokens;
  if (limit != null) config.maxOutputTokens = limit;
  if (request.stop != null) config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  Object.assign(config, responseFormatConfig(request.response_format));
  if (request.tools) {
    config.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.function.name,
          ...(tool.function.description ? { description: tool.function.description } : {}),
          ...toolParameters(tool.function.parameters),
        })),
      },
    ];
  }
  const toolConfig = toToolConfig(request);
  if (toolConfig !== undefined) config.toolConfig = toolConfig;
  if (signal) config.abortSignal = signal;
  return { model, contents, config };
}

/** `response_format` as Gemini's JSON mode, with the schema as `responseSchema` wherever its OpenAPI subset can say it (see to-gemini-schema). */
function responseFormatConfig(format: ChatCompletionRequest['response_format']): GenerateContentConfig {
  if (format === undefined || format.type === 'text') return {};
  const json = { responseMimeType: 'application/json' };
  const schema = format.type === 'json_schema' ? format.json_schema.schema : undefined;
  if (schema === undefined) return json;
  const converted = toGeminiSchema(schema);
  return converted !== undefined ? { ...json, responseSchema: converted } : { ...json, responseJsonSchema: schema };
}

/** OpenAI's `tool_choice` as Gemini's function calling mode; naming a function is ANY limited to that one. */
function toToolConfig(request: ChatCompletionRequest): ToolConfig | undefined {
  const choice = request.tool_choice;
  if (choice === undefined || request.tools === undefined) return undefined;
  const { FunctionCallingConfigMode } = genai();
  if (choice === 'auto') return { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } };
  if (choice === 'none') return { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } };
  if (choice === 'required') return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } };
  return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [choice.function.name] } };
}

/** A tool's parameters, converted as `responseSchema` is and for the same reason: the OpenAPI form works on every Gemini model. */
function toolParameters(parameters: Record<string, unknown> | undefined): Pick<FunctionDeclaration, 'parameters' | 'parametersJsonSchema'> {
  if (parameters === undefined) return {};
  const converted = toGeminiSchema(parameters);
  return converted !== undefined ? { parameters: converted } : { parametersJsonSchema: parameters };
}
