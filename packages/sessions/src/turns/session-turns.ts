import {
  type ChatCompletion,
  type ChatMessage,
  type CompletionUsage,
  type LlmJobPayload,
  ServiceUnavailableError,
  type SessionTurnReference,
} from '@switchyard/contracts';
import type { CachedTurn, Committed, SessionState } from '../state/session-state';
import type { SessionRepository } from '../store/session-repository';
import { fixedTokens, turnTokens } from '../window/count-window-tokens';
import { cutWindow } from '../window/cut-window';

export type PreparedTurn = { kind: 'run'; payload: LlmJobPayload } | { kind: 'answered'; turn: CachedTurn };

export interface SessionTurnsOptions {
  /** How long a turn waits for the turns ahead of it when its job has no deadline (async turns). */
  leaseMs: number;
  /** First pause between looks while waiting; it doubles up to 50 ms. */
  pollMs?: number;
  /** Sessions whose windows the worker keeps, so a turn's go need not carry them (default 1,000). */
  windowsKept?: number;
}

const MAX_POLL_MS = 50;
/** Windows of this many sessions are kept in each worker. */
const DEFAULT_WINDOWS_KEPT = 1000;

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
 * go), and once answered commit the turn and answer the caller (one more
 * script) and let the next turn go. A turn that fails leaves the history as
 * it was.
 *
 * The worker keeps the windows of the sessions it served last, so a go
 * carries only the turns it has not seen (usually none: it committed the
 * last one itself) instead of the whole window.
 */
export class SessionTurns {
  private readonly windows = new Map<string, CachedTurn[]>();

  constructor(
    private readonly state: SessionState,
    private readonly repository: SessionRepository,
    private readonly options: SessionTurnsOptions,
  ) {}

  /** The window this worker holds for a session, newest use last (a Map keeps insertion order, so the oldest goes first). */
  private remember(sessionId: string, turns: CachedTurn[]): void {
    this.windows.delete(sessionId);
    this.windows.set(sessionId, turns);
    if (this.windows.size > (this.options.windowsKept ?? DEFAULT_WINDOWS_KEPT)) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
  }

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
      const held = this.windows.get(session.id);
      const begin = await this.state.begin(session.id, session.ticket, held?.at(-1)?.ticket ?? 0);
      if (begin.kind === 'go') {
        const { settings } = begin;
        const turns = begin.complete || held === undefined ? begin.turns : [...held.filter((turn) => turn.ticket >= begin.windowStart), ...begin.turns];
        this.remember(session.id, turns);
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
  async commit(
    payload: LlmJobPayload,
    answer: ChatMessage,
    usage: CompletionUsage,
    requestId: string,
    reply?: { channel: string; message: string },
  ): Promise<Committed> {
    const session = payload.session;
    if (session?.windowed === undefined) return { turn: 0, heard: -1 };
    const messages = [...payload.request.messages.slice(session.windowed.inputFrom), answer];
    const tokens = turnTokens(messages, payload.route.model);
    const { windowStart } = session.windowed;
    const written = { ticket: session.ticket, messages, tokens, usage, requestId, at: Date.now() };
    const committed = await this.state.commit(session.id, written, windowStart, reply);
    if (committed.turn < 0) {
      // The cached state was gone (evicted, Redis restarted empty): nothing was committed, so the turn fails.
      this.windows.delete(session.id);
      throw new ServiceUnavailableError(`Session ${session.id} lost its state while the turn ran; send the turn again.`, {
        details: { session_id: session.id },
      });
    }
    const held = this.windows.get(session.id);
    if (committed.turn > 0 && held !== undefined && (held.at(-1)?.ticket ?? 0) < session.ticket) {
      this.remember(session.id, [...held.filter((turn) => turn.ticket >= windowStart), { ...written, turn: committed.turn }]);
    }
    return committed;
  }

  /** The turn ended without an answer: the next one may go. */
  async release(payload: LlmJobPayload): Promise<void> {
    if (payload.session === undefined) return;
    await this.state.release(payload.session.id, payload.session.ticket);
  }
}
