import { describe, expect, it } from 'vitest';
import { toOllamaRequest } from './to-ollama-request';

describe('toOllamaRequest', () => {
  it('puts sampling settings in options and images as bytes, and never streams', () => {
    expect(
      toOllamaRequest({
        model: 'llama3.2',
        request: {
          model: 'local',
          messages: [
            { role: 'developer', content: 'be brief' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'what is this?' },
                { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,QUJD' } },
              ],
            },
          ],
          temperature: 0.1,
          top_p: 0.5,
          seed: 3,
          max_tokens: 20,
          stop: ['\n'],
          response_format: { type: 'json_object' },
        },
      }),
    ).toStrictEqual({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'what is this?', images: ['QUJD'] },
      ],
      stream: false,
      options: { temperature: 0.1, top_p: 0.5, seed: 3, num_predict: 20, stop: ['\n'] },
      format: 'json',
    });
  });
});
