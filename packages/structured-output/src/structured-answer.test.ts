import type { ChatCompletion, ChatCompletionRequest } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { MAX_QUOTED_ANSWER_CHARS, reaskRequest } from './reask-request';
import { answerTextOf, withStructuredAnswer } from './structured-answer';

function completion(message: ChatCompletion['choices'][number]['message'], finish: 'stop' | 'tool_calls' = 'stop'): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'fast',
    choices: [{ index: 0, message, finish_reason: finish }],
    usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
  };
}

const toolAnswer = completion(
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'trip', arguments: '{"city":"Oslo"}' } }] },
  'tool_calls',
);

describe('answerTextOf', () => {
  it('is the content in native and instructions mode', () => {
    const answer = completion({ role: 'assistant', content: '{"city":"Oslo"}' });
    expect(answerTextOf(answer, 'native')).toBe('{"city":"Oslo"}');
    expect(answerTextOf(answer, 'instructions')).toBe('{"city":"Oslo"}');
  });

  it('is the forced call’s arguments in tool mode, or the content when the model did not call', () => {
    expect(answerTextOf(toolAnswer, 'tool')).toBe('{"city":"Oslo"}');
    expect(answerTextOf(completion({ role: 'assistant', content: '{"city":"Rome"}' }), 'tool')).toBe('{"city":"Rome"}');
  });

  it('is undefined when there is nothing to read', () => {
    expect(answerTextOf(completion({ role: 'assistant', content: null }), 'native')).toBeUndefined();
    expect(answerTextOf({ ...toolAnswer, choices: [] }, 'tool')).toBeUndefined();
  });
});

describe('withStructuredAnswer', () => {
  it('puts the checked text in the content and keeps the rest', () => {
    const answer = completion({ role: 'assistant', content: '```json\n{"city":"Oslo"}\n```' });
    const answered = withStructuredAnswer(answer, '{"city":"Oslo"}', 'native');
    expect(answered).toEqual({ ...answer, choices: [{ ...answer.choices[0], message: { role: 'assistant', content: '{"city":"Oslo"}' } }] });
  });

  it('turns a forced tool call into a plain stopped answer in tool mode', () => {
    const answered = withStructuredAnswer(toolAnswer, '{"city":"Oslo"}', 'tool');
    expect(answered.choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: '{"city":"Oslo"}' }, finish_reason: 'stop' });
    expect(answered.usage).toEqual(toolAnswer.usage);
  });
});

describe('reaskRequest', () => {
  const request: ChatCompletionRequest = { model: 'fast', messages: [{ role: 'user', content: 'Plan a trip.' }], temperature: 0 };

  it('quotes the bad answer and every problem, and asks for JSON only', () => {
    const reask = reaskRequest(request, '{"city": 4}', ['/city must be string', "/ must have required property 'days'"]);
    expect(reask.temperature).toBe(0);
    expect(reask.messages.slice(0, 1)).toEqual(request.messages);
    expect(reask.messages[1]).toEqual({ role: 'assistant', content: '{"city": 4}' });
    expect(reask.messages[2]?.role).toBe('user');
    const ask = String(reask.messages[2]?.content);
    expect(ask).toContain('- /city must be string');
    expect(ask).toContain("- / must have required property 'days'");
    expect(ask).toMatch(/corrected JSON only/);
  });

  it('bounds what it quotes', () => {
    const reask = reaskRequest(
      request,
      'x'.repeat(50_000),
      Array.from({ length: 40 }, (_, i) => `/p${i} must be number`),
    );
    expect(String(reask.messages[1]?.content).length).toBe(MAX_QUOTED_ANSWER_CHARS + 1);
    const lines = String(reask.messages[2]?.content)
      .split('\n')
      .filter((line) => line.startsWith('- '));
    expect(lines).toHaveLength(10);
  });
});
