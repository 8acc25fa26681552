import type { ChatCompletionRequest, ChatMessage } from '@switchyard/contracts';
import { countPromptTokens } from '@switchyard/tokens';

let replyPrimingTokens: number | undefined;

/**
 * What every request carries beyond its messages: the reply priming of the chat format.
 * Counted at first use, not at import: counting loads a tokenizer encoding (15-35 MB of
 * heap), which the gateway and any process that never windows a session do without.
 */
function replyPriming(): number {
  replyPrimingTokens ??= countPromptTokens({ model: 'x', messages: [] }, 'x').tokens;
  return replyPrimingTokens;
}

/**
 * A turn's messages' tokens, with the model's tokenizer: the chat format's
 * accounting is per message, so a window's tokens are these summed plus
 * `fixedTokens`, the same figure as counting the whole request at once.
 */
export function turnTokens(messages: readonly ChatMessage[], model: string): number {
  return countPromptTokens({ model, messages: [...messages] }, model).tokens - replyPriming();
}

/** Tokens of what every call of a turn carries whatever the window: system prompt, new input, tool definitions, reply priming. */
export function fixedTokens(
  request: Pick<ChatCompletionRequest, 'tools' | 'tool_choice'>,
  system: readonly ChatMessage[],
  input: readonly ChatMessage[],
  model: string,
): number {
  return countPromptTokens(
    {
      model,
      messages: [...system, ...input],
      ...(request.tools === undefined ? {} : { tools: request.tools }),
      ...(request.tool_choice === undefined ? {} : { tool_choice: request.tool_choice }),
    },
    model,
  ).tokens;
}
