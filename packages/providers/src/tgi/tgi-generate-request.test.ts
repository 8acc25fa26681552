import { type ChatMessage, InvalidRequestError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { chatMLPrompt, stopSequences, toTgiGenerateRequest } from './tgi-generate-request';

describe('chatMLPrompt', () => {
  it.each<[string, ChatMessage[], string]>([
    ['one user message', [{ role: 'user', content: 'hi' }], '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n'],
    [
      'a system prompt and a finished exchange',
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'again' },
      ],
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhello<|im_end|>\n<|im_start|>user\nagain<|im_end|>\n<|im_start|>assistant\n',
    ],
    ['developer as system', [{ role: 'developer', content: 'rules' }], '<|im_start|>system\nrules<|im_end|>\n<|im_start|>assistant\n'],
    [
      'text parts joined',
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a ' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
      '<|im_start|>user\na b<|im_end|>\n<|im_start|>assistant\n',
    ],
    ['an assistant turn without content', [{ role: 'assistant', content: null }], '<|im_start|>assistant\n<|im_end|>\n<|im_start|>assistant\n'],
  ])('writes %s', (_name, messages, prompt) => {
    expect(chatMLPrompt(messages)).toBe(prompt);
  });

  it('refuses an image, which a text prompt cannot carry', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }];
    expect(() => chatMLPrompt(messages)).toThrow(InvalidRequestError);
  });
});

describe('stopSequences', () => {
  it.each<[string, string | string[] | null | undefined, string[]]>([
    ['none', undefined, ['<|im_end|>']],
    ['null', null, ['<|im_end|>']],
    ['one string', '\n\n', ['\n\n', '<|im_end|>']],
    ['the end marker already there', ['<|im_end|>'], ['<|im_end|>']],
    ['four, the most TGI takes', ['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd']],
  ])('with %s', (_name, stop, expected) => {
    expect(stopSequences(stop)).toStrictEqual(expected);
  });
});

describe('toTgiGenerateRequest', () => {
  const messages: ChatMessage[] = [{ role: 'user', content: 'hi' }];
  const prompt = '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n';

  it.each([
    ['defaults', {}, { stop: ['<|im_end|>'], details: true, decoder_input_details: true }],
    [
      'every mapped setting',
      { max_tokens: 7, temperature: 0.7, top_p: 0.9, seed: 42, stop: ['END'] },
      { stop: ['END', '<|im_end|>'], details: true, decoder_input_details: true, max_new_tokens: 7, temperature: 0.7, do_sample: true, top_p: 0.9, seed: 42 },
    ],
    ['greedy and unfiltered values TGI refuses as such', { temperature: 0, top_p: 1 }, { stop: ['<|im_end|>'], details: true, decoder_input_details: true }],
    [
      'max_completion_tokens over max_tokens',
      { max_tokens: 7, max_completion_tokens: 3 },
      { stop: ['<|im_end|>'], details: true, decoder_input_details: true, max_new_tokens: 3 },
    ],
  ])('maps %s', (_name, settings, parameters) => {
    const body = toTgiGenerateRequest({ model: 'tgi', request: { model: 'public', messages, ...settings } });
    expect(body).toStrictEqual({ model: 'tgi', inputs: prompt, parameters });
  });

  it('refuses tools, which the native API has no place for', () => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    expect(() => toTgiGenerateRequest({ model: 'tgi', request: { model: 'x', messages, tools } })).toThrow(InvalidRequestError);
  });
});
