import type { ChatCompletionRequest, ChatMessage } from '@switchyard/contracts';
import type { StructuredMode } from './structured-mode';
import { effectiveSchemaOf, type StructuredSpec } from './structured-spec';

/** The line after which an instructions-mode system message holds the schema; test upstreams look for exactly this. */
export const SCHEMA_MARKER = 'JSON Schema:';

/**
 * The request to send for `mode`. Native leaves it as it is: each adapter
 * turns `response_format` into its provider's field. Tool and instructions
 * drop `response_format`, since the provider would refuse or ignore it, and
 * ask for the JSON their own way.
 */
export function prepareStructuredRequest(request: ChatCompletionRequest, spec: StructuredSpec, mode: StructuredMode): ChatCompletionRequest {
  switch (mode) {
    case 'native':
      return request;
    case 'tool':
      return asForcedTool(request, spec);
    case 'instructions':
      return withInstructions(request, spec);
    default:
      return unknownMode(mode);
  }
}

/** A function name providers accept (`^[a-zA-Z0-9_-]{1,64}$`), made from the schema's name. */
export function toolNameOf(spec: StructuredSpec): string {
  const name = spec.name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return name.length > 0 ? name : 'structured_answer';
}

// The caller's own tools go: with the answer forced through one function,
// the model could never call them, and a provider may refuse the mix.
function asForcedTool(request: ChatCompletionRequest, spec: StructuredSpec): ChatCompletionRequest {
  const { response_format: _dropped, parallel_tool_calls: _parallel, ...rest } = request;
  const name = toolNameOf(spec);
  return {
    ...rest,
    tools: [
      {
        type: 'function',
        function: {
          name,
          description: 'Give your answer by calling this function; its arguments are the answer.',
          parameters: effectiveSchemaOf(spec),
        },
      },
    ],
    tool_choice: { type: 'function', function: { name } },
  };
}

function withInstructions(request: ChatCompletionRequest, spec: StructuredSpec): ChatCompletionRequest {
  const { response_format: _dropped, ...rest } = request;
  const instructions: ChatMessage = { role: 'system', content: instructionsFor(spec) };
  return { ...rest, messages: [...request.messages, instructions] };
}

/** The system message of instructions mode; it ends with the marker line and the schema, so the schema is the rest of the message. */
export function instructionsFor(spec: StructuredSpec): string {
  return [
    'Reply with one JSON value and nothing else: no prose before or after it, no Markdown code fences.',
    'The JSON must be valid against the JSON Schema below: every required property present, each value of the type the schema gives.',
    SCHEMA_MARKER,
    JSON.stringify(effectiveSchemaOf(spec)),
  ].join('\n');
}

function unknownMode(mode: never): never {
  throw new Error(`unknown structured output mode ${String(mode)}`);
}
