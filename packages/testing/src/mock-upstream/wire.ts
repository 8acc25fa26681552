/**
 * The seam between the mock's transport (routing, recording, abort counting,
 * latency, pacing, failures) and one provider's wire format. Everything a
 * protocol decides is here; everything the behaviour directives decide is not,
 * so every wire honours the same directives the same way.
 */

import type { ChatRequest } from './chat-request';
import type { FinishReason, MockUsage } from './openai-wire';

/** A complete answer the server writes as is. */
export interface WireAnswer {
  status: number;
  body: string;
  /** Defaults to application/json. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** What the URL of a chat request says, for wires that put the model or the mode there. */
export interface ChatRoute {
  model?: string;
  stream?: boolean;
}

/** Either a request to generate for, or an answer that needs no generation (a refusal, an unload). */
export type ParsedChat = { ok: true; request: ChatRequest } | { ok: false; answer: WireAnswer };

/** One generated completion, shared by every wire's encoder. */
export interface CompletionPlan {
  id: string;
  /** Epoch seconds. */
  created: number;
  /** performance.now() when the request body had arrived, for wires that report durations. */
  startedAt: number;
  request: ChatRequest;
  /**
   * Set for a forced tool call: `content` and `pieces` are then the call's
   * arguments (JSON text) rather than message content.
   */
  toolCall?: { id: string; name: string };
  /** The streamed pieces of one choice; joined they give `content`. */
  pieces: string[];
  content: string;
  finishReason: FinishReason;
  completionTokensPerChoice: number;
  /** Completion tokens cover every choice. */
  usage: MockUsage;
}

/**
 * Text of one streamed completion. The server decides when each call happens
 * (pacing, breaking the stream), so an encoder only formats.
 */
export interface StreamEncoder {
  readonly headers: Record<string, string>;
  /** Sent before the first piece; may be ''. */
  start(): string;
  /** One piece of the reply, for every choice. */
  content(piece: string): string;
  /** Finish reason, usage and terminator; not sent when the stream is broken on purpose. */
  finish(): string;
}

export interface MockWire {
  readonly name: string;
  /** POST paths that are chat requests in this format. */
  readonly chatPaths?: readonly string[];
  /** Chat paths that carry parts of the request, checked after every wire's exact paths. */
  matchChatPath?(path: string, query: string): ChatRoute | undefined;
  /** GET endpoints other than chat, such as model lists; answered afresh on every call. */
  readonly getAnswers?: Readonly<Record<string, () => WireAnswer>>;
  /** POST endpoints other than chat (a server's model loading), given the parsed JSON body (undefined when it is not JSON). */
  readonly postAnswers?: Readonly<Record<string, (body: unknown) => WireAnswer>>;
  /** Reads a JSON body; the route adds what the URL carried. */
  parse(body: unknown, route: ChatRoute): ParsedChat;
  readonly invalidJson: WireAnswer;
  readonly bodyTooLarge: WireAnswer;
  /**
   * The error the provider would send with `status`, for the status directive.
   * The server adds the Retry-After header itself; the delay is passed for
   * wires that also state it in the body.
   */
  statusError(status: number, retryAfterSeconds: number | undefined): WireAnswer;
  /** A 200 whose body the client cannot parse, for the malformed directive. */
  malformed(stream: boolean): WireAnswer;
  completion(plan: CompletionPlan): WireAnswer;
  streamEncoder(plan: CompletionPlan): StreamEncoder;
  /** Forgets state kept between requests, for MockUpstream.reset(). */
  reset?(): void;
}

/** Precomputes per-status answers, since error directives are exercised at benchmark rates too. */
export function cachedByStatus(make: (status: number) => WireAnswer): (status: number) => WireAnswer {
  const cache = new Map<number, WireAnswer>();
  return (status) => {
    let answer = cache.get(status);
    if (answer === undefined) {
      answer = make(status);
      cache.set(status, answer);
    }
    return answer;
  };
}

export function jsonAnswer(status: number, body: unknown): WireAnswer {
  return { status, body: typeof body === 'string' ? body : JSON.stringify(body) };
}
