import type { ChatCompletionChunk } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { stopSequencePrefixLength, tgiStreamChunks } from './tgi-stream-chunks';

async function* events(...items: unknown[]): AsyncGenerator<string> {
  for (const item of items) yield typeof item === 'string' ? item : JSON.stringify(item);
}

const token = (text: string, special = false) => ({ token: { id: 7, text, logprob: -0.1, special }, generated_text: null, details: null });
const last = (tokenText: string, generatedText: string, finishReason: string, special = false) => ({
  token: { id: 2, text: tokenText, logprob: -0.1, special },
  generated_text: generatedText,
  details: { finish_reason: finishReason, generated_tokens: 4, seed: null, input_length: 9 },
});

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const contents = (chunks: ChatCompletionChunk[]) => chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.content ?? []));

describe('stopSequencePrefixLength', () => {
  it.each<[string, string[], number]>([
    ['answer', ['<|im_end|>'], 0],
    ['answer<|im', ['<|im_end|>'], 4],
    ['answer<|im_end|>', ['<|im_end|>'], 10],
    ['aa', ['aab'], 2],
    ['xa', ['END', 'ab'], 1],
  ])('holds back the end of %j that may grow into %j', (text, stop, expected) => {
    expect(stopSequencePrefixLength(text, stop)).toBe(expected);
  });
});

describe('tgiStreamChunks', () => {
  it('streams token texts, leaves special tokens out, and ends with the finish reason and usage', async () => {
    const chunks = await collect(tgiStreamChunks('tgi', 'm', events(token('Hello'), token(' world'), last('</s>', 'Hello world', 'eos_token', true)), []));
    expect(chunks[0]?.choices[0]?.delta).toStrictEqual({ role: 'assistant', content: 'Hello' });
    expect(contents(chunks)).toStrictEqual(['Hello', ' world']);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 } });
  });

  it('holds back what may be a stop sequence and drops it once matched, as generate does', async () => {
    const stream = events(token('Hi'), token(' <|'), token('im'), last('_end|>', 'Hi <|im_end|>', 'stop_sequence'));
    const chunks = await collect(tgiStreamChunks('tgi', 'm', stream, ['<|im_end|>']));
    expect(contents(chunks).join('')).toBe('Hi ');
  });

  it('releases held-back text that turned out not to be a stop sequence', async () => {
    const stream = events(token('a <'), token('b'), last('c', 'a <bc', 'length'));
    const chunks = await collect(tgiStreamChunks('tgi', 'm', stream, ['<|im_end|>']));
    expect(contents(chunks)).toStrictEqual(['a ', '<b', 'c']);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length');
  });

  it('throws the error event TGI sends when generation fails mid-stream', async () => {
    const stream = events(token('a'), { error: 'Request failed during generation: CUDA out of memory', error_type: 'generation' });
    await expect(collect(tgiStreamChunks('tgi', 'm', stream, []))).rejects.toMatchObject({ kind: 'server', retryable: true });
  });

  it('throws malformed_response for an event that is not JSON', async () => {
    await expect(collect(tgiStreamChunks('tgi', 'm', events(token('a'), '{"token":'), []))).rejects.toMatchObject({ kind: 'malformed_response' });
  });

  it('throws a retryable error for a stream that ends without its last event', async () => {
    await expect(collect(tgiStreamChunks('tgi', 'm', events(token('a'), token('b')), []))).rejects.toMatchObject({ kind: 'server', retryable: true });
  });
});
