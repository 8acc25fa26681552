import type { ServerResponse } from 'node:http';
import type { ChatExchange } from './chat-exchange';
import type { ChatRequest } from './chat-request';
import type { MockBehaviour } from './mock-behaviour';
import { streamCompletion } from './paced-stream';
import { planCompletion } from './plan-completion';
import { send } from './send-answer';
import type { CompletionPlan, MockWire } from './wire';

/**
 * Answers a parsed chat request as its behaviour directs: never (hang), after
 * the latency and, unstreamed, the time its tokens take at the tps directive,
 * with the status error, the malformed body or the completion.
 */
export function answerAsDirected(res: ServerResponse, exchange: ChatExchange, wire: MockWire, request: ChatRequest, directed: MockBehaviour): void {
  // Left for the client to give up on; the close listener counts the abort.
  if (directed.hang === true) return;
  const behaviour =
    directed.reaskStatus !== undefined && request.messages.some((message) => message.role === 'assistant')
      ? { ...directed, status: directed.reaskStatus }
      : directed;

  const plan = behaviour.status === undefined && behaviour.malformed !== true ? planCompletion(request, behaviour) : undefined;
  let delayMs = behaviour.latencyMs ?? 0;
  const tps = behaviour.tokensPerSecond ?? 0;
  if (plan !== undefined && !request.stream && tps > 0) delayMs += (plan.completionTokensPerChoice / tps) * 1000;

  if (delayMs > 0) {
    exchange.timer = setTimeout(() => {
      exchange.timer = undefined;
      respond(res, exchange, wire, request, behaviour, plan);
    }, delayMs);
  } else {
    respond(res, exchange, wire, request, behaviour, plan);
  }
}

function respond(
  res: ServerResponse,
  exchange: ChatExchange,
  wire: MockWire,
  request: ChatRequest,
  behaviour: MockBehaviour,
  plan: CompletionPlan | undefined,
): void {
  if (plan === undefined) {
    if (behaviour.status !== undefined) {
      const extra = behaviour.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(behaviour.retryAfterSeconds) };
      send(res, wire.statusError(behaviour.status, behaviour.retryAfterSeconds), extra);
      return;
    }
    send(res, wire.malformed(request.stream));
    return;
  }
  if (!request.stream) {
    send(res, wire.completion(plan));
    return;
  }
  streamCompletion(res, exchange, wire, plan, behaviour);
}
