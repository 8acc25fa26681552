import { ProviderError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { fromTgiResponse, tgiFinishReason, withoutStopSequence } from './from-tgi-response';
import { mapTgiStatusError } from './map-tgi-error';

describe('tgiFinishReason', () => {
  it.each([
    ['eos_token', 'stop'],
    ['stop_sequence', 'stop'],
    ['length', 'length'],
    [undefined, 'stop'],
  ] as const)('maps %s to %s', (reason, expected) => {
    expect(tgiFinishReason(reason)).toBe(expected);
  });
});

describe('withoutStopSequence', () => {
  it.each<[string, string, string | undefined, string[], string]>([
    ['drops the matched stop sequence', 'answer<|im_end|>', 'stop_sequence', ['<|im_end|>'], 'answer'],
    ['drops the longest one that matches', 'a\n\n', 'stop_sequence', ['\n', '\n\n'], 'a'],
    ['keeps text that ended on the eos token', 'answer<|im_end|>', 'eos_token', ['<|im_end|>'], 'answer<|im_end|>'],
    ['keeps text when nothing matches', 'answer', 'stop_sequence', ['END'], 'answer'],
  ])('%s', (_name, text, reason, stop, expected) => {
    expect(withoutStopSequence(text, reason, stop)).toBe(expected);
  });
});

describe('fromTgiResponse', () => {
  const prefill = [
    { id: 1, text: '<s>', logprob: null },
    { id: 5, text: 'hi', logprob: -1 },
    { id: 6, text: '!', logprob: -2 },
  ];

  it.each([
    ['eos_token', 'one two', 'one two', 'stop'],
    ['stop_sequence', 'one two<|im_end|>', 'one two', 'stop'],
    ['length', 'one two', 'one two', 'length'],
  ] as const)('reads a %s answer with usage from the details', (reason, text, content, finish) => {
    const completion = fromTgiResponse('tgi', 'tgi', { generated_text: text, details: { finish_reason: reason, generated_tokens: 2, prefill } }, [
      '<|im_end|>',
    ]);
    expect(completion).toStrictEqual({
      id: expect.stringMatching(/^chatcmpl-[0-9a-f]{32}$/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'tgi',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish, logprobs: null }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });

  it('reports no usage without details', () => {
    const completion = fromTgiResponse('tgi', 'tgi', { generated_text: 'x' }, []);
    expect(completion.usage).toBeUndefined();
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it.each([[null], [[{ generated_text: 'x' }]], [{ text: 'x' }]])('calls %j malformed', (body) => {
    expect(() => fromTgiResponse('tgi', 'tgi', body, [])).toThrow(expect.objectContaining({ kind: 'malformed_response', retryable: true }));
  });
});

describe('mapTgiStatusError', () => {
  const noHeaders = new Headers();

  it.each([
    [
      422,
      { error: 'Input validation error: `temperature` must be strictly positive', error_type: 'validation' },
      'bad_request',
      'Input validation error: `temperature` must be strictly positive',
    ],
    [
      422,
      {
        error: 'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 200 `max_new_tokens`',
        error_type: 'validation',
      },
      'context_too_long',
      'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 200 `max_new_tokens`',
    ],
    [424, { error: 'Request failed during generation: Server error: CUDA out of memory', error_type: 'generation' }, 'server', 'HTTP 424'],
    [429, { error: 'Model is overloaded', error_type: 'overloaded' }, 'rate_limited', 'HTTP 429'],
    [500, { error: 'Incomplete generation', error_type: 'incomplete_generation' }, 'server', 'HTTP 500'],
    [503, undefined, 'overloaded', 'HTTP 503'],
  ])('maps %i %j to %s', (status, body, kind, message) => {
    const error = mapTgiStatusError('tgi', status, body, noHeaders);
    expect(error).toBeInstanceOf(ProviderError);
    expect({ kind: error.kind, message: error.message, upstreamStatus: error.upstreamStatus }).toStrictEqual({
      kind,
      message: `tgi: ${message}`,
      upstreamStatus: status,
    });
  });

  it('reads Retry-After', () => {
    expect(mapTgiStatusError('tgi', 429, { error: 'Model is overloaded' }, new Headers({ 'retry-after': '3' })).retryAfterMs).toBe(3000);
  });
});
