import type { ChatRequest } from './chat-request';
import type { MockBehaviour } from './mock-behaviour';
import type { ChatMessageLike } from './openai-wire';
import { breaksValue, breakText, breakValue } from './schema-break';
import { sampleFromSchema } from './schema-sample';
import type { StructuredAsk } from './structured-ask';

/** What a structured request is answered with, before the token limit cuts it. */
export interface StructuredAnswer {
  text: string;
  /** Set when the text is the arguments of a call to this function rather than content. */
  toolName?: string;
}

const SEED_WORDS = 6;
const SEED_CHARS = 48;

/** A few words of the echo, so that the answers to different requests differ. */
export function seedOf(text: string): string {
  const words = text.trim().split(/\s+/).slice(0, SEED_WORDS).join(' ');
  return words.length > SEED_CHARS ? words.slice(0, SEED_CHARS).trimEnd() : words;
}

function assistantMessages(messages: readonly ChatMessageLike[]): number {
  let count = 0;
  for (const message of messages) if (message.role === 'assistant') count++;
  return count;
}

/** Schema-shaped JSON for `ask`, spoilt as the schema_break directives say. */
export function structuredAnswer(request: ChatRequest, ask: StructuredAsk, behaviour: MockBehaviour, echo: string): StructuredAnswer {
  const seed = seedOf(echo) || 'sample';
  let value = ask.schema === undefined ? { answer: seed } : sampleFromSchema(ask.schema, seed);
  const mode = behaviour.schemaBreak;
  const spoil = mode !== undefined && (behaviour.schemaBreakTimes === undefined || assistantMessages(request.messages) < behaviour.schemaBreakTimes);
  if (!spoil) return answer(JSON.stringify(value), ask);
  if (breaksValue(mode)) {
    value = breakValue(value, ask.schema, mode);
    return answer(JSON.stringify(value), ask);
  }
  const text = breakText(JSON.stringify(value), mode);
  return ask.tool !== undefined && !ask.tool.argumentsAsText ? { text } : answer(text, ask);
}

function answer(text: string, ask: StructuredAsk): StructuredAnswer {
  return ask.tool === undefined ? { text } : { text, toolName: ask.tool.name };
}
