import type { ChatCompletionRequest } from '@switchyard/contracts';
import { countPromptTokens } from '@switchyard/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOCK_ECHO_PRICE, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

/** The cost at mock-echo's test price, as the numeric(14, 8) column gives it back. */
function storedCost(promptTokens: number, completionTokens: number): string {
  return ((promptTokens * MOCK_ECHO_PRICE.inputPerMillion + completionTokens * MOCK_ECHO_PRICE.outputPerMillion) / 1_000_000).toFixed(8);
}

describe('token counts and costs', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  const estimate = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${platform.gateway.url}/v1/estimate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('records the cost of a completed request at its model price', async () => {
    const { data, response } = await platform.client.chat.completions
      .create({ model: 'mock-echo', messages: [{ role: 'user', content: 'what does this cost, exactly?' }] })
      .withResponse();
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row.promptTokens).toBe(data.usage?.prompt_tokens);
    expect(row.completionTokens).toBe(data.usage?.completion_tokens);
    expect(row.promptTokens).toBeGreaterThan(0);
    expect(row.costUsd).toBe(storedCost(row.promptTokens, row.completionTokens));
  });

  it('records the cost of a streamed request', async () => {
    const { data: stream, response } = await platform.client.chat.completions
      .create({ model: 'mock-echo', messages: [{ role: 'user', content: 'stream me a price' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row).toMatchObject({
      promptTokens: usage?.prompt_tokens,
      completionTokens: usage?.completion_tokens,
      costUsd: storedCost(row.promptTokens, row.completionTokens),
    });
  });

  it('counts the prompt itself when a stream is cancelled before the upstream reports usage; an unpriced model has no cost', async () => {
    const messages = [{ role: 'user' as const, content: Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ') }];
    const controller = new AbortController();
    const { data: stream, response } = await platform.client.chat.completions
      .create({ model: 'slow-stream', messages, stream: true }, { signal: controller.signal })
      .withResponse();
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received++;
      if (received === 2) controller.abort();
    }
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row.status).toBe('cancelled');
    expect(row.promptTokens).toBe(countPromptTokens({ model: 'slow-stream', messages }, 'echo@tps=20').tokens);
    expect(row.costUsd).toBeNull();
  });

  it('estimates a request before running it: prompt tokens by the tokenizer, cost by the price', async () => {
    const body = {
      model: 'default',
      messages: [
        { role: 'system', content: 'Answer in one sentence.' },
        { role: 'user', content: 'How far is the Moon from the Earth?' },
      ],
      max_tokens: 100,
      n: 2,
    };
    const response = await estimate(body);
    expect(response.status).toBe(200);
    const { tokens } = countPromptTokens(body as ChatCompletionRequest, 'echo');
    const prompt = (tokens * MOCK_ECHO_PRICE.inputPerMillion) / 1_000_000;
    const completion = (2 * 100 * MOCK_ECHO_PRICE.outputPerMillion) / 1_000_000;
    const answer = (await response.json()) as { cost_usd: { prompt: number; completion_max: number; total_max: number } };
    expect(answer).toMatchObject({
      object: 'estimate',
      model: 'mock-echo',
      provider: 'mock',
      prompt_tokens: tokens,
      max_completion_tokens: 100,
      tokenizer: 'approximate',
    });
    expect(answer.cost_usd.prompt).toBeCloseTo(prompt, 12);
    expect(answer.cost_usd.completion_max).toBeCloseTo(completion, 12);
    expect(answer.cost_usd.total_max).toBeCloseTo(prompt + completion, 12);
  });

  it('leaves the completion cost open without a maximum, the cost unknown without a price, and local models free', async () => {
    const messages = [{ role: 'user', content: 'open-ended' }];
    expect(await (await estimate({ model: 'mock-echo', messages })).json()).toMatchObject({
      max_completion_tokens: null,
      cost_usd: { completion_max: null, total_max: null },
    });
    expect(await (await estimate({ model: 'slow', messages, max_completion_tokens: 10 })).json()).toMatchObject({ model: 'slow', cost_usd: null });
    expect(await (await estimate({ model: 'local/llama3.2', messages, max_tokens: 10 })).json()).toMatchObject({
      provider: 'local',
      cost_usd: { prompt: 0, completion_max: 0, total_max: 0 },
    });
  });

  it('pins the deployment named in x-switchyard-provider, as chat completions do', async () => {
    const response = await estimate({ model: 'spread-echo', messages: [{ role: 'user', content: 'x' }] }, { 'x-switchyard-provider': 'backup' });
    expect(await response.json()).toMatchObject({ provider: 'backup' });
  });

  it.each([
    ['a JSON array body', '[]', {}, 400, 'invalid_request', null],
    ['missing messages', { model: 'mock-echo' }, {}, 400, 'invalid_request', 'messages'],
    ['an unknown role', { model: 'mock-echo', messages: [{ role: 'wizard', content: 'x' }] }, {}, 400, 'invalid_request', 'messages[0].role'],
    ['a negative max_tokens', { model: 'mock-echo', messages: [{ role: 'user', content: 'x' }], max_tokens: -5 }, {}, 400, 'invalid_request', 'max_tokens'],
    ['an unknown parameter', { model: 'mock-echo', messages: [{ role: 'user', content: 'x' }], max_tokenz: 5 }, {}, 400, 'invalid_request', 'max_tokenz'],
    ['an unknown model', { model: 'gpt-17', messages: [{ role: 'user', content: 'x' }] }, {}, 404, 'model_not_found', 'model'],
    [
      'a provider the model is not on',
      { model: 'mock-echo', messages: [{ role: 'user', content: 'x' }] },
      { 'x-switchyard-provider': 'nowhere' },
      400,
      'invalid_request',
      'x-switchyard-provider',
    ],
    ['no API key', { model: 'mock-echo', messages: [{ role: 'user', content: 'x' }] }, { authorization: '' }, 401, 'invalid_api_key', null],
  ])('refuses %s with an OpenAI error', async (_label, body, headers, status, code, param) => {
    const response = await estimate(body, headers);
    expect(response.status).toBe(status);
    const json = (await response.json()) as { error: Record<string, unknown> };
    expect(json.error).toMatchObject({ code, param });
    expect(typeof json.error.message).toBe('string');
    expect(typeof json.error.type).toBe('string');
  });
});
