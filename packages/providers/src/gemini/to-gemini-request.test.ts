import { describe, expect, it } from 'vitest';
import { toGeminiRequest } from './to-gemini-request';

describe('toGeminiRequest', () => {
  it('moves system turns into the system instruction, names assistant turns model, and answers tool calls by name', () => {
    const controller = new AbortController();
    const request = toGeminiRequest({
      model: 'gemini-2.0-flash',
      signal: controller.signal,
      request: {
        model: 'quality',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'developer', content: [{ type: 'text', text: 'answer in French' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'weather?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            ],
          },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
        temperature: 0.2,
        max_completion_tokens: 50,
        stop: 'END',
        response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object' } } },
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      },
    });
    expect(request).toStrictEqual({
      model: 'gemini-2.0-flash',
      contents: [
        { role: 'user', parts: [{ text: 'weather?' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }] },
        { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { city: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { content: 'sunny' } } }] },
      ],
      config: {
        systemInstruction: 'be brief\n\nanswer in French',
        temperature: 0.2,
        maxOutputTokens: 50,
        stopSequences: ['END'],
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
        tools: [{ functionDeclarations: [{ name: 'lookup', parametersJsonSchema: { type: 'object' } }] }],
        abortSignal: controller.signal,
      },
    });
  });

  it('refuses an image given by URL, naming the message', () => {
    expect(() =>
      toGeminiRequest({
        model: 'm',
        request: { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] },
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_request', param: 'messages[0].content' }));
  });
});
