import type { ChatMessage } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { cutWindow, type StoredTurn } from './cut-window';

const say = (ticket: number, tokens = 100): StoredTurn => ({
  ticket,
  turn: ticket,
  tokens,
  messages: [
    { role: 'user', content: `question ${ticket}` },
    { role: 'assistant', content: `answer ${ticket}` },
  ],
});

const callTool = (ticket: number, tokens = 100): StoredTurn => ({
  ticket,
  turn: ticket,
  tokens,
  messages: [
    { role: 'user', content: `look up ${ticket}` },
    { role: 'assistant', content: null, tool_calls: [{ id: `call_${ticket}`, type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
  ] as ChatMessage[],
});

const toolResult = (ticket: number, tokens = 100): StoredTurn => ({
  ticket,
  turn: ticket,
  tokens,
  messages: [
    { role: 'tool', tool_call_id: `call_${ticket - 1}`, content: 'found' },
    { role: 'assistant', content: `answer ${ticket}` },
  ],
});

const base = { fixedTokens: 50, inputMessages: 1, inputAnswersTools: false };

describe('cutWindow', () => {
  it('keeps the whole history while it fits', () => {
    const turns = [1, 2, 3].map((ticket) => say(ticket));
    expect(cutWindow({ ...base, turns, limits: { maxTokens: 1000 } })).toStrictEqual({ keepFrom: 0, tokens: 350, messages: 7 });
  });

  it('drops whole turns oldest first down to half the window when it overflows, so the start then stays put for several turns', () => {
    const turns = Array.from({ length: 10 }, (_, i) => say(i + 1));
    const cut = cutWindow({ ...base, turns, limits: { maxTokens: 1000 } });
    // 50 fixed + 100 a turn: at most 500 tokens is 4 turns.
    expect(cut.keepFrom).toBe(6);
    expect(cut.tokens).toBe(450);
    // The next turns reuse that start until the window is full again.
    const later = [...turns.slice(cut.keepFrom), say(11), say(12), say(13), say(14), say(15)];
    expect(cutWindow({ ...base, turns: later, limits: { maxTokens: 1000 } }).keepFrom).toBe(0);
  });

  it('counts messages too', () => {
    const turns = Array.from({ length: 6 }, (_, i) => say(i + 1, 1));
    const cut = cutWindow({ ...base, turns, limits: { maxMessages: 10 } });
    expect(cut.messages).toBeLessThanOrEqual(5);
    expect(cut.keepFrom).toBe(4);
  });

  it('never keeps a tool result without the call it answers', () => {
    const turns = [say(1), callTool(2), toolResult(3), say(4)];
    // Dropping down to 250 tokens would keep turns 3 and 4, which would orphan the result of turn 2's call.
    const cut = cutWindow({ ...base, turns, limits: { maxTokens: 400 } });
    expect(turns[cut.keepFrom]?.messages[0]?.role).not.toBe('tool');
    expect(cut.keepFrom).toBe(3);
  });

  it('keeps the last turn when the new input answers its tool calls', () => {
    const turns = [say(1), say(2), callTool(3, 300)];
    const cut = cutWindow({ ...base, inputAnswersTools: true, turns, limits: { maxTokens: 500 } });
    expect(cut.keepFrom).toBe(2);
    expect(cut.tokens).toBe(350);
  });

  it('refuses a turn whose system prompt and input alone pass the window, naming messages', () => {
    expect(() => cutWindow({ ...base, fixedTokens: 900, turns: [say(1)], limits: { maxTokens: 800 } })).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'messages' }),
    );
  });
});
