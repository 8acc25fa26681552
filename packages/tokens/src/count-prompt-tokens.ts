import type { ChatCompletionRequest, ChatMessage } from '@switchyard/contracts';
import { TextCounter } from './text-counter';
import { PROXY_ENCODING, type TokenizerName, tokenizerForModel } from './tokenizer-for-model';
import { formatToolDefinitions } from './tool-definitions';

/**
 * OpenAI's chat accounting (the cookbook's `num_tokens_from_messages`, with
 * the tool terms of openai-chat-tokens as gpt-tokenizer keeps them): each
 * message is `<|start|>{role}<|message|>{content}<|end|>`, 3 tokens beyond
 * its role and content; a name adds 1; the reply is primed with 3 more.
 */
const PER_MESSAGE = 3;
const PER_NAME = 1;
const REPLY_PRIMING = 3;
/** A tool call in an assistant message: its name, its arguments and this. */
const PER_TOOL_CALL = 3;
/** Legacy `function` role messages come out 2 tokens shorter. */
const FUNCTION_ROLE_DISCOUNT = 2;
/** Tool definitions: the rendered namespace and this; 4 fewer when a system message carries them. */
const TOOL_DEFINITIONS = 9;
const TOOLS_WITH_SYSTEM = -4;
const TOOL_CHOICE_NONE = 1;
const TOOL_CHOICE_NAMED = 4;

export interface PromptTokenCount {
  tokens: number;
  /** The encoding used; `approximate` for models whose own tokenizer is not shipped here. */
  tokenizer: TokenizerName;
}

/** Counts the tokens of one piece of text. */
interface Counter {
  count(text: string): number;
}

/**
 * With no tokenizer loaded: four ASCII characters a token (English), and a
 * token for every other character, since Chinese, Japanese and Korean run
 * near one token a character and an estimate must not fall far below.
 */
const BY_CHARACTERS: Counter = {
  count(text) {
    let ascii = 0;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 128) ascii++;
    return Math.ceil(ascii / 4) + (text.length - ascii);
  },
};

/** Text of a string or of the text parts of a content array; images, audio and files are not counted. */
function contentTokens(content: ChatMessage['content'], text: Counter): number {
  if (typeof content === 'string') return text.count(content);
  if (!Array.isArray(content)) return 0;
  let tokens = 0;
  for (const part of content) {
    if (part.type === 'text') tokens += text.count(part.text);
    else if (part.type === 'refusal') tokens += text.count(part.refusal);
  }
  return tokens;
}

function messageTokens(message: ChatMessage, text: Counter, padSystem: boolean): number {
  let tokens = PER_MESSAGE + text.count(message.role);
  // With tools, the system message is followed by a newline before the definitions.
  if (padSystem && typeof message.content === 'string' && message.content !== '' && !message.content.endsWith('\n')) {
    tokens += text.count(`${message.content}\n`);
  } else {
    tokens += contentTokens(message.content, text);
  }
  if ('name' in message && message.name) tokens += text.count(message.name) + PER_NAME;
  if (message.role === 'assistant') {
    if (message.refusal) tokens += text.count(message.refusal);
    for (const call of message.tool_calls ?? []) tokens += text.count(call.function.name) + text.count(call.function.arguments) + PER_TOOL_CALL;
    if (message.function_call) tokens += text.count(message.function_call.name) + text.count(message.function_call.arguments) + PER_TOOL_CALL;
  }
  if (message.role === 'function') tokens -= FUNCTION_ROLE_DISCOUNT;
  return tokens;
}

/**
 * The prompt tokens a chat completion request will use on `model` (the
 * provider's model id): exact for OpenAI's encodings up to the chat format's
 * fixed overheads, which OpenAI does not publish and may change; an
 * approximation for other models (see `TokenizerName`). The provider's own
 * count, when it reports one, is always the better figure.
 */
export function countPromptTokens(request: ChatCompletionRequest, model: string): PromptTokenCount {
  const tokenizer = tokenizerForModel(model);
  return { tokens: promptTokens(request, new TextCounter(tokenizer === 'approximate' ? PROXY_ENCODING : tokenizer)), tokenizer };
}

/**
 * The same accounting by characters, with no tokenizer (see BY_CHARACTERS): for an
 * up-front charge that the real usage corrects (per-key token and budget
 * limits), where loading an encoding (0.1-0.5 s, up to ~90 MB) into every
 * gateway would cost more than the precision is worth. OpenAI estimates its
 * own rate limits from characters too.
 */
export function approximatePromptTokens(request: ChatCompletionRequest): number {
  return promptTokens(request, BY_CHARACTERS);
}

function promptTokens(request: ChatCompletionRequest, text: Counter): number {
  const tools = request.tools ?? [];
  let paddedSystem = false;
  let tokens = REPLY_PRIMING;
  for (const message of request.messages) {
    const pad = tools.length > 0 && !paddedSystem && message.role === 'system';
    if (pad) paddedSystem = true;
    tokens += messageTokens(message, text, pad);
  }
  if (tools.length > 0) {
    tokens += text.count(formatToolDefinitions(tools)) + TOOL_DEFINITIONS;
    if (request.messages.some((message) => message.role === 'system')) tokens += TOOLS_WITH_SYSTEM;
  }
  const choice = request.tool_choice;
  if (choice === 'none') tokens += TOOL_CHOICE_NONE;
  else if (typeof choice === 'object') tokens += text.count(choice.function.name) + TOOL_CHOICE_NAMED;
  return Math.max(0, tokens);
}
