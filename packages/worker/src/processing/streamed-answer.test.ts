import { describe, expect, it } from 'vitest';
import { StreamedAnswer } from './streamed-answer';

describe(StreamedAnswer.name, () => {
  it('puts the text back together from its deltas', () => {
    const answer = new StreamedAnswer();
    for (const content of ['Hel', 'lo', ', world']) answer.add({ content });
    expect(answer.message()).toStrictEqual({ role: 'assistant', content: 'Hello, world' });
  });

  it('puts each tool call back together by its index, its arguments in order', () => {
    const answer = new StreamedAnswer();
    answer.add({ role: 'assistant', tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'second', arguments: '' } }] });
    answer.add({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'first', arguments: '{"q":' } }] });
    answer.add({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] });
    answer.add({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] });
    expect(answer.message()).toStrictEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'first', arguments: '{"q":"x"}' } },
        { id: 'call_b', type: 'function', function: { name: 'second', arguments: '{}' } },
      ],
    });
  });
});
