import type { ChatCompletionChunk, ChatMessage } from '@switchyard/contracts';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/** A streamed answer put back together from its deltas: the text, and each tool call by its index. */
export class StreamedAnswer {
  private text = '';
  private sawText = false;
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();

  add(delta: Delta): void {
    if (typeof delta.content === 'string') {
      this.text += delta.content;
      this.sawText = true;
    }
    for (const piece of delta.tool_calls ?? []) {
      const call = this.calls.get(piece.index) ?? { id: '', name: '', arguments: '' };
      if (piece.id !== undefined) call.id = piece.id;
      if (piece.function?.name !== undefined) call.name += piece.function.name;
      if (piece.function?.arguments !== undefined) call.arguments += piece.function.arguments;
      this.calls.set(piece.index, call);
    }
  }

  message(): ChatMessage {
    const calls = [...this.calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
    return {
      role: 'assistant',
      content: this.sawText || calls.length === 0 ? this.text : null,
      ...(calls.length === 0
        ? {}
        : { tool_calls: calls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })) }),
    } as ChatMessage;
  }
}
