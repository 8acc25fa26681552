import type { ChatCompletionRequest } from '@switchyard/contracts';

type Tools = NonNullable<ChatCompletionRequest['tools']>;

/**
 * For servers that cannot force one named function (llama.cpp reads only
 * `auto`/`none`/`required`; Ollama has no tool_choice): the tools narrowed
 * to the named one, so that "call a tool" can only mean calling it. Undefined
 * when the request names no function.
 */
export function narrowedToForcedTool(request: ChatCompletionRequest): Tools | undefined {
  const choice = request.tool_choice;
  if (choice === undefined || typeof choice === 'string' || request.tools === undefined) return undefined;
  return request.tools.filter((tool) => tool.function.name === choice.function.name);
}
