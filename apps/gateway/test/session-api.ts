import type { ChatMessage } from '@switchyard/contracts';
import { type Platform, TEST_API_KEY } from './platform-harness';

/** A call of the sessions API with a tenant's key, answered as status and JSON body. */
export async function sessionCall(
  platform: Platform,
  method: string,
  path: string,
  body?: unknown,
  key: string = TEST_API_KEY,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${platform.gateway.url}/v1/sessions${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: response.headers };
}

export async function createSession(platform: Platform, settings: Record<string, unknown>, key?: string): Promise<string> {
  const created = await sessionCall(platform, 'POST', '', settings, key);
  if (created.status !== 200) throw new Error(`session not created: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

export interface TurnAnswer {
  status: number;
  body: {
    choices?: { message: { content: string | null; tool_calls?: { id: string; function: { name: string } }[] } }[];
    error?: { code: string; message: string };
  };
  jobId: string | null;
}

export async function sendTurn(platform: Platform, sessionId: string, turn: Record<string, unknown>, key?: string): Promise<TurnAnswer> {
  const answer = await sessionCall(platform, 'POST', `/${sessionId}/messages`, turn, key);
  return { status: answer.status, body: answer.body as TurnAnswer['body'], jobId: answer.headers.get('x-switchyard-job-id') };
}

export const say = (content: string) => ({ messages: [{ role: 'user', content }] });

/** Every turn of a session's history, page by page. */
export async function historyOf(platform: Platform, sessionId: string): Promise<{ turn: number; messages: ChatMessage[] }[]> {
  const turns: { turn: number; messages: ChatMessage[] }[] = [];
  let after: number | null = 0;
  while (after !== null) {
    const page = await sessionCall(platform, 'GET', `/${sessionId}?limit=25&after=${after}`);
    const history = page.body.history as { data: { turn: number; messages: ChatMessage[] }[]; next_after: number | null };
    turns.push(...history.data);
    after = history.next_after;
  }
  return turns;
}

/** The chat requests the mock received, in arrival order. */
export function upstreamChats(platform: Platform, from = 0): { messages: ChatMessage[]; tools?: unknown[]; model: string }[] {
  return platform.mock.requests
    .slice(from)
    .filter((request) => request.path.endsWith('/chat/completions'))
    .map((request) => request.body as { messages: ChatMessage[]; model: string });
}
