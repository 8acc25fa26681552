import { randomUUID } from 'node:crypto';
import { verifyWebhook } from '@switchyard/client';
import type { AsyncJobView, ChatMessage } from '@switchyard/contracts';
import { startWebhookReceiver, type WebhookReceiver } from '@switchyard/testing';
import { type RunningWebhookDispatcher, startWebhookDispatcher } from '@switchyard/webhook-dispatcher';
import OpenAI from 'openai';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { sessionCall, upstreamChats } from './session-api';

// 24 bytes in base64: a valid Standard Webhooks secret, for the tests only.
const TURN_SECRET = 'whsec_c2Vzc2lvbi1jbGllbnRzLXdlYmhvb2stdGVzdA==';

interface SessionTurn {
  turn: number;
  messages: ChatMessage[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  request_id: string;
}

interface SessionPage {
  id: string;
  status: string;
  turns: number;
  history: { data: SessionTurn[]; has_more: boolean; next_after: number | null };
}

/** The sessions API as a new user meets it: docs/sessions.md read, fetch, and the official `openai` SDK where the answer is OpenAI's. */
describe('sessions through fetch and the openai SDK, as docs/sessions.md describes them', () => {
  let platform: Platform;
  let dispatcher: RunningWebhookDispatcher;
  let receiver: WebhookReceiver;
  let openai: OpenAI;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({});
    platform = await startPlatform({ requestTimeoutMs: 20_000 });
    dispatcher = await startWebhookDispatcher({ ...platform.env, WEBHOOK_ALLOWLIST: '127.0.0.1', WEBHOOK_RETRY_DELAYS_MS: '50,50' });
    openai = new OpenAI({ baseURL: `${platform.gateway.url}/v1`, apiKey: TEST_API_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await dispatcher?.close();
    await platform?.close();
    receiver?.close();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${platform.gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };

  it('runs a whole conversation: 5 turns, one streamed, one as a job with a webhook, a paged history, the list, the end', async () => {
    const created = await api('POST', '/v1/sessions', {
      model: 'mock-echo',
      system: 'You are a terse assistant.',
      metadata: { customer: 'c-42' },
      idle_ttl_seconds: 3600,
    });
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    expect(id).toMatch(/^sess_/);
    expect(created.body).toMatchObject({ object: 'session', status: 'active', model: 'mock-echo', metadata: { customer: 'c-42' }, turns: 0 });

    // Five plain turns: each answer is a chat completion, and each upstream call carries the turns before it.
    const requestIds: string[] = [];
    const first = platform.mock.requests.length;
    for (let turn = 1; turn <= 5; turn++) {
      const answer = await api('POST', `/v1/sessions/${id}/messages`, { messages: [{ role: 'user', content: `sync turn ${turn}` }] });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const completion = answer.body as unknown as ChatCompletion;
      expect(completion.object).toBe('chat.completion');
      expect(completion.choices[0]?.message.content).toBe(`sync turn ${turn}`);
      requestIds.push(answer.headers.get('x-request-id') ?? '');
    }
    const calls = upstreamChats(platform, first);
    expect(calls).toHaveLength(5);
    expect(calls[4]?.messages.map((message) => message.content)).toStrictEqual([
      'You are a terse assistant.',
      ...[1, 2, 3, 4].flatMap((turn) => [`sync turn ${turn}`, `sync turn ${turn}`]),
      'sync turn 5',
    ]);

    // A streamed turn is OpenAI chunks: the SDK's own stream reader and its ChatCompletionStream helper take it as it is.
    const stream = await openai.post<Stream<ChatCompletionChunk>>(`/sessions/${id}/messages`, {
      body: { messages: [{ role: 'user', content: 'a streamed sixth turn' }], stream: true },
      stream: true,
    });
    const final = await ChatCompletionStream.fromReadableStream(stream.toReadableStream()).finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('a streamed sixth turn');

    // An async turn: 202 with a job, then a signed job.succeeded at the webhook.
    const accepted = await api('POST', `/v1/sessions/${id}/messages`, {
      messages: [{ role: 'user', content: 'an async seventh turn' }],
      webhook: { url: `${receiver.base}/turn`, secret: TURN_SECRET },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ object: 'job' });
    await expect.poll(() => receiver.requestsTo('/turn').length, { timeout: 10_000 }).toBe(1);
    const [delivery] = receiver.requestsTo('/turn');
    const event = verifyWebhook<{ type: string; data: AsyncJobView }>(delivery?.headers ?? {}, delivery?.body ?? '', TURN_SECRET);
    expect(event.type).toBe('job.succeeded');
    expect(event.data).toMatchObject({ id: accepted.body.id, status: 'succeeded' });
    expect(event.data.result?.choices[0]?.message.content).toBe('an async seventh turn');

    // The history, oldest first, three turns a page, followed by next_after.
    const pages: SessionPage[] = [];
    let after: number | null = 0;
    while (after !== null) {
      const page = await api('GET', `/v1/sessions/${id}?limit=3&after=${after}`);
      expect(page.status).toBe(200);
      pages.push(page.body as unknown as SessionPage);
      after = (page.body as unknown as SessionPage).history.next_after;
    }
    expect(pages.map((page) => page.history.data.map((turn) => turn.turn))).toStrictEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(pages.map((page) => page.history.has_more)).toStrictEqual([true, true, false]);
    const history = pages.flatMap((page) => page.history.data);
    expect(history.map((turn) => turn.messages)).toStrictEqual(
      ['sync turn 1', 'sync turn 2', 'sync turn 3', 'sync turn 4', 'sync turn 5', 'a streamed sixth turn', 'an async seventh turn'].map((content) => [
        { role: 'user', content },
        { role: 'assistant', content },
      ]),
    );
    expect(pages[0]).toMatchObject({ id, status: 'active', turns: 7 });
    for (const turn of history) expect(turn.usage.total_tokens).toBeGreaterThan(0);
    // The history's request ids are the ones the turns were answered with.
    expect(history.slice(0, 5).map((turn) => turn.request_id)).toStrictEqual(requestIds);

    // The turns' rows in GET /v1/requests name the session.
    for (const turn of history) {
      // Rows reach PostgreSQL a moment after the answer (USAGE_FLUSH_MS).
      await expect.poll(async () => (await api('GET', `/v1/requests/${turn.request_id}`)).status, { timeout: 10_000 }).toBe(200);
      const row = await api('GET', `/v1/requests/${turn.request_id}`);
      expect(row.status).toBe(200);
      expect(row.body).toMatchObject({ request_id: turn.request_id, status: 'succeeded', session_id: id });
    }

    // Listed among the tenant's active sessions, newest first, paged by last_id.
    const listed = await api('GET', '/v1/sessions?status=active&limit=100');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ object: 'list' });
    expect((listed.body.data as { id: string }[]).map((session) => session.id)).toContain(id);
    const newer = await api('POST', '/v1/sessions', { model: 'mock-echo' });
    // One session a page, following last_id, until this one: the newer session comes first, and no page repeats one.
    const paged: string[] = [];
    let cursor: string | null = null;
    while (!paged.includes(id) && paged.length < 500) {
      const page = await api('GET', `/v1/sessions?status=active&limit=1${cursor === null ? '' : `&after=${cursor}`}`);
      expect(page.status).toBe(200);
      const ids = (page.body.data as { id: string }[]).map((session) => session.id);
      expect(ids).toHaveLength(1);
      expect(page.body.last_id).toBe(ids[0]);
      paged.push(...ids);
      cursor = page.body.last_id as string;
    }
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged.indexOf(newer.body.id as string)).toBeGreaterThanOrEqual(0);
    expect(paged.indexOf(newer.body.id as string)).toBeLessThan(paged.indexOf(id));

    // Ended: the next message is 409 session_ended, and the session is listed as ended.
    const ended = await api('POST', `/v1/sessions/${id}/end`);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ id, status: 'ended' });
    const late = await api('POST', `/v1/sessions/${id}/messages`, { messages: [{ role: 'user', content: 'one more' }] });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'session_ended' });
    const endedList = await api('GET', '/v1/sessions?status=ended&limit=100');
    expect((endedList.body.data as { id: string }[]).map((session) => session.id)).toContain(id);
    // DELETE ends a session too.
    expect((await api('DELETE', `/v1/sessions/${newer.body.id}`)).body).toMatchObject({ status: 'ended' });
    const refused = await api('POST', `/v1/sessions/${newer.body.id}/messages`, { messages: [{ role: 'user', content: 'hello?' }] });
    expect(refused.status).toBe(409);
  }, 60_000);

  it("starts from a stored prompt: its system message becomes the session's, its model the session's; the README's user-message prompt is refused", async () => {
    // The README's `weather` prompt (under a name of this run's) renders a user message, which a session refuses, naming `prompt`.
    const weatherName = `weather-${randomUUID().slice(0, 8)}`;
    const conciergeName = `concierge-${randomUUID().slice(0, 8)}`;
    const weather = await api('POST', '/v1/prompts', {
      name: weatherName,
      model: 'default',
      parameters: { temperature: 0.2 },
      variables: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      messages: [{ role: 'user', content: 'Weather in {{city}}, in one line?' }],
      labels: ['staging'],
    });
    expect(weather.status).toBe(201);
    const refused = await api('POST', '/v1/sessions', { prompt: { name: weatherName, label: 'staging', variables: { city: 'Oslo' } } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ param: 'prompt' });

    const saved = await api('POST', '/v1/prompts', {
      name: conciergeName,
      model: 'default',
      variables: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      messages: [{ role: 'system', content: 'You are the concierge of a hotel in {{city}}.' }],
      labels: ['production'],
    });
    expect(saved.status).toBe(201);
    const created = await api('POST', '/v1/sessions', { prompt: { name: conciergeName, label: 'production', variables: { city: 'Oslo' } } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ model: 'default', system: 'You are the concierge of a hotel in Oslo.', prompt: { name: conciergeName, version: 1 } });

    const first = platform.mock.requests.length;
    const answer = await api('POST', `/v1/sessions/${created.body.id}/messages`, { messages: [{ role: 'user', content: 'Where is breakfast?' }] });
    expect(answer.status).toBe(200);
    expect((answer.body as unknown as ChatCompletion).choices[0]?.message.content).toBe('Where is breakfast?');
    expect(upstreamChats(platform, first)[0]?.messages).toStrictEqual([
      { role: 'system', content: 'You are the concierge of a hotel in Oslo.' },
      { role: 'user', content: 'Where is breakfast?' },
    ]);
    // Rendered once: a later version of the prompt does not change a running session.
    await api('POST', '/v1/prompts', {
      name: conciergeName,
      model: 'default',
      messages: [{ role: 'system', content: 'Another text.' }],
      labels: ['production'],
    });
    const second = platform.mock.requests.length;
    expect((await api('POST', `/v1/sessions/${created.body.id}/messages`, { messages: [{ role: 'user', content: 'And dinner?' }] })).status).toBe(200);
    expect(upstreamChats(platform, second)[0]?.messages[0]).toStrictEqual({ role: 'system', content: 'You are the concierge of a hotel in Oslo.' });
  });

  it('answers 404 to a message for a session that does not exist', async () => {
    const missing = await sessionCall(platform, 'POST', '/sess_doesnotexist/messages', { messages: [{ role: 'user', content: 'hi' }] });
    expect(missing.status).toBe(404);
  });
});
