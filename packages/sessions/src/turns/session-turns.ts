import {
  type ChatCompletion,
  type ChatMessage,
  type CompletionUsage,
  type LlmJobPayload,
  ServiceUnavailableError,
  type SessionTurnReference,
} from '@switchyard/contracts';
import type { CachedTurn, SessionState } from '../state/session-state';
import type { SessionRepository } from '../store/session-repository';
import { fixedTokens, turnTokens } from '../window/count-window-tokens';
import { cutWindow } from '../window/cut-window';

export type PreparedTurn = { kind: 'run'; payload: LlmJobPayload } | { kind: 'answered'; turn: CachedTurn };

export interface SessionTurnsOptions {
  /** How long a turn waits for the turns ahead of it when its job has no deadline (async turns). */
  leaseMs: number;
  /** First pause between looks while waiting; it doubles up to 50 ms. */
  pollMs?: number;
}

const MAX_POLL_MS = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The assistant's answer as the history keeps it: role, text and tool calls, nothing the provider added. */
export function assistantTurnMessage(completion: Pick<ChatCompletion, 'choices'>): ChatMessage {
  const message = completion.choices[0]?.message;
  const toolCalls = message?.tool_calls;
  return {
    role: 'assistant',
    content: message?.content ?? null,
    ...(toolCalls === undefined || toolCalls === null || toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
  } as ChatMessage;
}

/**
 * A session turn inside a worker: wait for the turns ahead, put the window in
 * front of the input (one Redis round trip: the cached window comes with the
 * go), and once answered write the turn (one PostgreSQL statement) and let
 * the next turn go. A turn that fails leaves the history as it was.
 */
export class SessionTurns {
  constructor(
    private readonly state: SessionState,
    private readonly repository: SessionRepository,
    private readonly options: SessionTurnsOptions,
  ) {}

  /**
   * The job's payload with the window in its messages, or the turn as written
   * already (`rerun`: this job ran before, and its worker may have died after
   * writing the turn).
   */
  async prepare(payload: LlmJobPayload, rerun: boolean): Promise<PreparedTurn> {
    const session = payload.session;
    if (session === undefined || session.windowed !== undefined) return { kind: 'run', payload };
    if (rerun) {
      const written = await this.writtenTurn(session);
      if (written !== undefined) return { kind: 'answered', turn: written };
    }
    const waitUntil = payload.deadline ?? Date.now() + this.options.leaseMs;
    let pause = this.options.pollMs ?? 2;
    for (;;) {
      const begin = await this.state.begin(session.id, session.ticket);
      if (begin.kind === 'go') {
        const { settings, turns } = begin;
        const system: ChatMessage[] = settings.system === null ? [] : [{ role: 'system', content: settings.system }];
        const input = payload.request.messages;
        const model = payload.route.model;
        const cut = cutWindow({
          turns,
          fixedTokens: fixedTokens(payload.request, system, input, model),
          inputMessages: input.length,
          inputAnswersTools: input[0]?.role === 'tool',
          limits: { maxMessages: settings.maxMessages, maxTokens: settings.maxTokens },
        });
        const kept = turns.slice(cut.keepFrom);
        const windowStart = cut.keepFrom === 0 ? begin.windowStart : (kept[0]?.ticket ?? session.ticket);
        const messages = [...system, ...kept.flatMap((turn) => turn.messages), ...input];
        const windowed: SessionTurnReference = { ...session, windowed: { inputFrom: messages.length - input.length, windowStart } };
        return { kind: 'run', payload: { ...payload, request: { ...payload.request, messages }, session: windowed } };
      }
      if (begin.kind === 'done') {
        const written = await this.writtenTurn(session);
        if (written !== undefined) return { kind: 'answered', turn: written };
        throw new ServiceUnavailableError(`Turn ${session.ticket} of session ${session.id} was given up while it waited; send it again.`, {
          details: { session_id: session.id },
        });
      }
      if (Date.now() + pause > waitUntil) {
        throw new ServiceUnavailableError(`The turn ahead of this one in session ${session.id} did not end in time; send it again.`, {
          details: { session_id: session.id },
        });
      }
      await sleep(pause);
      pause = Math.min(pause * 2, MAX_POLL_MS);
    }
  }

  /** The turn an earlier run of this job committed: in the cached window, or already in PostgreSQL. */
  private async writtenTurn(session: SessionTurnReference): Promise<CachedTurn | undefined> {
    const cached = (await this.state.cachedTurns(session.id)).find((turn) => turn.ticket === session.ticket);
    if (cached !== undefined) return cached;
    const stored = await this.repository.turnOf(session.id, session.ticket);
    return stored === undefined ? undefined : { ...stored, at: stored.createdAt.getTime() };
  }

  /**
   * Commits the answered turn (once, whatever happens to the job) and lets
   * the next turn go: one Redis script, which also puts it on the stream
   * PostgreSQL is written from.
   */
  async commit(payload: LlmJobPayload, answer: ChatMessage, usage: CompletionUsage, requestId: string): Promise<void> {
    const session = payload.session;
    if (session?.windowed === undefined) return;
    const messages = [...payload.request.messages.slice(session.windowed.inputFrom), answer];
    const tokens = turnTokens(messages, payload.route.model);
    const { windowStart } = session.windowed;
    await this.state.commit(session.id, { ticket: session.ticket, messages, tokens, usage, requestId, at: Date.now() }, windowStart);
  }

  /** The turn ended without an answer: the next one may go. */
  async release(payload: LlmJobPayload): Promise<void> {
    if (payload.session === undefined) return;
    await this.state.release(payload.session.id, payload.session.ticket);
  }
}
