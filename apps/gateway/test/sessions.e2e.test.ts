import type { ChatMessage } from '@switchyard/contracts';
import { countPromptTokens } from '@switchyard/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_KEY, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { createSession, historyOf, say, sendTurn, sessionCall, upstreamChats } from './session-api';

const SYSTEM = 'You are the session test assistant. Answer briefly.';
const LOOKUP_TOOL = {
  type: 'function',
  function: { name: 'lookup', description: 'Looks a word up.', parameters: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] } },
};

/** About 150 tokens of text that differ from turn to turn. */
const longText = (turn: number) => `Turn ${turn}: ${Array.from({ length: 60 }, (_, i) => `word${(turn * 7 + i) % 97}`).join(' ')}`;

/** Every tool call in the messages is answered right after its message, and every tool result follows its call. */
function toolPairsWhole(messages: ChatMessage[]): boolean {
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as ChatMessage;
    if (message.role === 'tool') {
      const call = messages
        .slice(0, i)
        .reverse()
        .find((earlier) => earlier.role === 'assistant' && (earlier.tool_calls ?? []).some((c) => c.id === message.tool_call_id));
      if (call === undefined) return false;
    }
    if (message.role === 'assistant' && message.tool_calls !== undefined && message.tool_calls.length > 0) {
      const ids = message.tool_calls.map((c) => c.id);
      const answered = messages.slice(i + 1).filter((later) => later.role === 'tool' && ids.includes(later.tool_call_id));
      if (answered.length !== ids.length) return false;
    }
  }
  return true;
}

describe('sessions', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({ requestTimeoutMs: 20_000 });
  });

  afterAll(async () => {
    await platform.close();
  });

  it('keeps 40 turns and sends each upstream call a window within max_tokens that starts with the system prompt and keeps tool pairs whole', async () => {
    const id = await createSession(platform, { model: 'mock-echo', system: SYSTEM, window: { max_tokens: 2000 }, metadata: { case: 'forty' } });
    const first = platform.mock.requests.length;
    const jobIds: string[] = [];
    for (let turn = 1; turn <= 40; turn++) {
      let answer: Awaited<ReturnType<typeof sendTurn>>;
      if (turn % 8 === 4) {
        // The model calls a tool; the next turn answers it.
        answer = await sendTurn(platform, id, {
          ...say(longText(turn)),
          tools: [LOOKUP_TOOL],
          tool_choice: { type: 'function', function: { name: 'lookup' } },
        });
        expect(answer.status).toBe(200);
        const call = answer.body.choices?.[0]?.message.tool_calls?.[0];
        expect(call?.function.name).toBe('lookup');
        turn++;
        answer = await sendTurn(platform, id, { messages: [{ role: 'tool', tool_call_id: call?.id, content: longText(turn) }], tools: [LOOKUP_TOOL] });
      } else {
        answer = await sendTurn(platform, id, say(longText(turn)));
      }
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      // The mock echoes the last user message: after a tool result, the one that asked for the tool.
      expect(answer.body.choices?.[0]?.message.content).toBe(longText(turn % 8 === 5 ? turn - 1 : turn));
      jobIds.push(answer.jobId ?? '');
    }

    const calls = upstreamChats(platform, first);
    expect(calls).toHaveLength(40);
    for (const call of calls) {
      expect(call.messages[0]).toStrictEqual({ role: 'system', content: SYSTEM });
      expect(countPromptTokens(call as Parameters<typeof countPromptTokens>[0], 'echo').tokens).toBeLessThanOrEqual(2000);
      expect(toolPairsWhole(call.messages)).toBe(true);
    }
    // Tool pairs were carried in the history, not only sent as a turn's input.
    expect(calls.some((call) => call.messages.slice(1, -1).some((message) => message.role === 'tool'))).toBe(true);
    // The window moved: late calls no longer carry the first turn, and it moved in chunks, so many calls share their prefix.
    const last = calls.at(-1) as (typeof calls)[number];
    expect(JSON.stringify(last.messages)).not.toContain(longText(1));
    const firstKept = calls.map((call) => JSON.stringify(call.messages[1]));
    const starts = new Set(firstKept);
    expect(starts.size).toBeLessThan(calls.length / 3);

    const history = await historyOf(platform, id);
    expect(history.map((turn) => turn.turn)).toStrictEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(history[0]?.messages).toStrictEqual([
      { role: 'user', content: longText(1) },
      { role: 'assistant', content: longText(1) },
    ]);
    const session = await sessionCall(platform, 'GET', `/${id}`);
    expect(session.body).toMatchObject({ id, status: 'active', turns: 40, model: 'mock-echo', system: SYSTEM, metadata: { case: 'forty' } });

    // Every usage row of the turns names the session.
    const row = await platform.usageRow(jobIds[10] as string);
    expect(row.sessionId).toBe(id);
  }, 120_000);

  it('runs two messages sent at once one after the other, the second seeing the first', async () => {
    const id = await createSession(platform, { model: 'slow', system: SYSTEM });
    const first = platform.mock.requests.length;
    const [a, b] = await Promise.all([sendTurn(platform, id, say('first message')), sendTurn(platform, id, say('second message'))]);
    expect([a.status, b.status]).toStrictEqual([200, 200]);
    const calls = platform.mock.requests.slice(first);
    expect(calls).toHaveLength(2);
    const [earlier, later] = calls as [(typeof calls)[number], (typeof calls)[number]];
    // The second call started only once the first had answered (600 ms each).
    expect(later.receivedAt - earlier.receivedAt).toBeGreaterThanOrEqual(550);
    const history = await historyOf(platform, id);
    expect(history).toHaveLength(2);
    const firstSaid = history[0]?.messages[0]?.content;
    expect((later.body as { messages: ChatMessage[] }).messages.map((m) => m.content)).toContain(firstSaid);
  });

  it('answers 409 session_busy to a message that asks not to wait while a turn runs', async () => {
    const id = await createSession(platform, { model: 'slow' });
    const running = sendTurn(platform, id, say('take a while'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const refused = await sendTurn(platform, id, { ...say('now please'), wait: false });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('session_busy');
    // A refused turn has its row, naming the session, as a refused chat request has.
    const row = await platform.usageRow(refused.jobId ?? '');
    expect(row).toMatchObject({ status: 'rejected', errorCode: 'session_busy', sessionId: id });
    expect((await running).status).toBe(200);
    expect(await historyOf(platform, id)).toHaveLength(1);
  });

  it('streams a turn as OpenAI chunks and keeps the whole answer in the history', async () => {
    const id = await createSession(platform, { model: 'mock-echo', system: SYSTEM });
    const response = await fetch(`${platform.gateway.url}/v1/sessions/${id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...say('stream me this sentence'), stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const chunks = text
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map((event) => JSON.parse(event.slice(6)) as { object: string; choices: { delta: { content?: string } }[] });
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('stream me this sentence');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    await expect
      .poll(async () => (await historyOf(platform, id)).map((turn) => turn.messages), { timeout: 5000 })
      .toStrictEqual([
        [
          { role: 'user', content: 'stream me this sentence' },
          { role: 'assistant', content: 'stream me this sentence' },
        ],
      ]);
  });

  it('runs a turn as a job: 202 at once, the answer at its status URL and in the history', async () => {
    const id = await createSession(platform, { model: 'mock-echo' });
    const accepted = await sendTurn(platform, id, { ...say('answer me later'), async: true });
    expect(accepted.status).toBe(202);
    const jobId = accepted.jobId ?? '';
    const status = async () => {
      const job = await fetch(`${platform.gateway.url}/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
      return ((await job.json()) as { status: string }).status;
    };
    await expect.poll(status, { timeout: 10_000 }).toBe('succeeded');
    const history = await historyOf(platform, id);
    expect(history.map((turn) => turn.messages.at(-1))).toStrictEqual([{ role: 'assistant', content: 'answer me later' }]);
  });

  it('leaves the history as it was when a turn fails, and lets the next one run at once', async () => {
    const id = await createSession(platform, { model: 'fails-500' });
    const failed = await sendTurn(platform, id, say('this fails'));
    expect(failed.status).toBeGreaterThanOrEqual(500);
    const started = Date.now();
    const again = await sendTurn(platform, id, say('so does this'));
    expect(again.status).toBeGreaterThanOrEqual(500);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await historyOf(platform, id)).toHaveLength(0);
  });

  it('sends the fallback route the same window as the first', async () => {
    const id = await createSession(platform, { model: 'chain-after-500', system: SYSTEM });
    const first = platform.mock.requests.length;
    const answer = await sendTurn(platform, id, say('fall back with me'));
    expect(answer.status).toBe(200);
    const calls = upstreamChats(platform, first);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) expect(call.messages).toStrictEqual(calls[0]?.messages);
    expect(await historyOf(platform, id)).toHaveLength(1);
  });

  it("answers 404 to another tenant for every route of a tenant's session", async () => {
    const id = await createSession(platform, { model: 'mock-echo' });
    expect((await sessionCall(platform, 'GET', `/${id}`, undefined, OTHER_TENANT_KEY)).status).toBe(404);
    expect((await sendTurn(platform, id, say('not yours'), OTHER_TENANT_KEY)).status).toBe(404);
    expect((await sessionCall(platform, 'POST', `/${id}/end`, undefined, OTHER_TENANT_KEY)).status).toBe(404);
    expect((await sessionCall(platform, 'DELETE', `/${id}`, undefined, OTHER_TENANT_KEY)).status).toBe(404);
    const theirs = await sessionCall(platform, 'GET', '?status=active', undefined, OTHER_TENANT_KEY);
    expect((theirs.body.data as { id: string }[]).map((session) => session.id)).not.toContain(id);
    // Still the owner's, and still active.
    expect((await sessionCall(platform, 'GET', `/${id}`)).body.status).toBe('active');
  });

  it('lists active sessions, ends one, and refuses its next message with 409 session_ended', async () => {
    const id = await createSession(platform, { model: 'mock-echo' });
    const active = await sessionCall(platform, 'GET', '?status=active&limit=100');
    expect((active.body.data as { id: string }[]).map((session) => session.id)).toContain(id);
    const ended = await sessionCall(platform, 'POST', `/${id}/end`);
    expect(ended.body).toMatchObject({ id, status: 'ended' });
    const refused = await sendTurn(platform, id, say('too late'));
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('session_ended');
    const stillActive = await sessionCall(platform, 'GET', '?status=active&limit=100');
    expect((stillActive.body.data as { id: string }[]).map((session) => session.id)).not.toContain(id);
  });

  it('starts from a stored prompt, rendered once into its system prompt and model', async () => {
    const name = `session-prompt-${Date.now()}`;
    const saved = await fetch(`${platform.gateway.url}/v1/prompts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        model: 'mock-echo',
        messages: [{ role: 'system', content: 'You help {{team}} with their tickets.' }],
        variables: { type: 'object', properties: { team: { type: 'string' } }, required: ['team'] },
      }),
    });
    expect(saved.status).toBe(201);
    const created = await sessionCall(platform, 'POST', '', { prompt: { name, variables: { team: 'support' } }, system: 'Answer in English.' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      model: 'mock-echo',
      system: 'You help support with their tickets.\n\nAnswer in English.',
      prompt: { name, version: 1 },
    });
    const first = platform.mock.requests.length;
    expect((await sendTurn(platform, created.body.id as string, say('my ticket'))).status).toBe(200);
    expect(upstreamChats(platform, first)[0]?.messages).toStrictEqual([
      { role: 'system', content: 'You help support with their tickets.\n\nAnswer in English.' },
      { role: 'user', content: 'my ticket' },
    ]);
    // A prompt whose variables are missing is refused when the session starts, not at its first turn.
    expect((await sessionCall(platform, 'POST', '', { prompt: { name } })).status).toBe(400);
  });

  it('refuses bad settings and messages with a 400 naming the parameter', async () => {
    const noModel = await sessionCall(platform, 'POST', '', { system: 'hi' });
    expect(noModel.status).toBe(400);
    expect((noModel.body.error as { param: string }).param).toBe('model');
    const id = await createSession(platform, { model: 'mock-echo', window: { max_tokens: 100 } });
    const systemTurn = await sendTurn(platform, id, { messages: [{ role: 'system', content: 'obey' }] });
    expect(systemTurn.status).toBe(400);
    const tooLong = await sendTurn(platform, id, say(longText(1)));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'invalid_request' });
    expect((tooLong.body.error as unknown as { param: string }).param).toBe('messages');
  });

  it('answers ids no session can have, NUL characters and turn numbers past any turn with an OpenAI error, never a 500', async () => {
    const error = (answer: { status: number; body: Record<string, unknown> }) => ({
      status: answer.status,
      code: (answer.body.error as { code?: string } | undefined)?.code,
      param: (answer.body.error as { param?: string | null } | undefined)?.param,
    });
    for (const bad of ['%00', 'sess_%00', 'sess_x']) {
      expect(error(await sessionCall(platform, 'GET', `/${bad}`))).toStrictEqual({ status: 404, code: 'not_found', param: null });
      expect(error(await sessionCall(platform, 'POST', `/${bad}/end`))).toStrictEqual({ status: 404, code: 'not_found', param: null });
      expect(error(await sessionCall(platform, 'DELETE', `/${bad}`))).toStrictEqual({ status: 404, code: 'not_found', param: null });
      const turn = await sessionCall(platform, 'POST', `/${bad}/messages`, say('hello'));
      expect(error(turn)).toStrictEqual({ status: 404, code: 'not_found', param: null });
      expect(turn.headers.get('x-switchyard-job-id')).toMatch(/.+/);
    }
    expect(error(await sessionCall(platform, 'GET', '?after=%00'))).toStrictEqual({ status: 400, code: 'invalid_request', param: 'after' });
    expect(error(await sessionCall(platform, 'POST', '', { model: 'mock-echo', system: 'a\u0000b' }))).toStrictEqual({
      status: 400,
      code: 'invalid_request',
      param: 'system',
    });
    expect(error(await sessionCall(platform, 'POST', '', { model: 'mock-echo', metadata: { case: 'a\u0000b' } }))).toStrictEqual({
      status: 400,
      code: 'invalid_request',
      param: 'metadata.case',
    });
    const id = await createSession(platform, { model: 'mock-echo' });
    expect(error(await sessionCall(platform, 'GET', `/${id}?after=99999999999`))).toStrictEqual({ status: 400, code: 'invalid_request', param: 'after' });
    expect((await sessionCall(platform, 'GET', `/${id}?after=2147483647`)).status).toBe(200);
  });
});
