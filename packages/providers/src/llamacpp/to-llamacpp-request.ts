import type OpenAI from 'openai';
import { narrowedToForcedTool } from '../forced-tool';
import { toOpenAIRequest } from '../openai/to-openai-request';
import type { GenerateParams } from '../provider-adapter';

/**
 * OpenAI's body, with `response_format` in the one shape every llama-server
 * build turns into a grammar: `{type: 'json_object', schema}`. Builds before
 * `json_schema` was understood refuse that type outright, and some later
 * ones mishandle it; the `json_object` form with a schema has been read the
 * same way throughout. JSON mode gets `{type: 'object'}` as its schema,
 * because older builds take a missing schema as "any JSON value", not an
 * object.
 *
 * llama-server reads `tool_choice` as a string only (a named function falls
 * back to `auto`), so a named function is sent as `required` with the tools
 * narrowed to that one.
 */
export function toLlamaCppRequest(params: GenerateParams): OpenAI.ChatCompletionCreateParamsNonStreaming {
  const body = withForcedTool(toOpenAIRequest(params), params);
  const format = params.request.response_format;
  if (format === undefined || format.type === 'text') return body;
  const schema = (format.type === 'json_schema' ? format.json_schema.schema : undefined) ?? { type: 'object' };
  return { ...body, response_format: { type: 'json_object', schema } as OpenAI.ResponseFormatJSONObject };
}

function withForcedTool(body: OpenAI.ChatCompletionCreateParamsNonStreaming, { request }: GenerateParams): OpenAI.ChatCompletionCreateParamsNonStreaming {
  const tools = narrowedToForcedTool(request);
  return tools === undefined ? body : { ...body, tools: tools as OpenAI.ChatCompletionTool[], tool_choice: 'required' };
}
