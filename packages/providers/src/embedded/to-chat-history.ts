import type { ChatMessage } from '@switchyard/contracts';

/** node-llama-cpp's chat history items, as far as the adapter writes them. */
export type ChatHistoryItem = { type: 'system'; text: string } | { type: 'user'; text: string } | { type: 'model'; response: string[] };

function textOf(content: ChatMessage['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : part.type === 'refusal' ? part.refusal : '')).join('');
}

/**
 * OpenAI messages as the history the model's chat template renders, ending
 * with the empty model turn to be generated. Developer messages are system
 * messages; tool results are user turns, since a template without tools
 * has no other place for them. Throws for images and audio, which a text
 * model cannot read.
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message) => {
    if (message.role === 'user' && Array.isArray(message.content) && message.content.some((part) => part.type !== 'text')) {
      throw new Error('embedded models read text only');
    }
    switch (message.role) {
      case 'system':
      case 'developer':
        return { type: 'system', text: textOf(message.content) };
      case 'assistant':
        return { type: 'model', response: [textOf(message.content)] };
      default:
        return { type: 'user', text: textOf(message.content) };
    }
  });
  history.push({ type: 'model', response: [] });
  return history;
}
