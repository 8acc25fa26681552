import { type ChargeEstimate, estimateCharge } from '@switchyard/admission';
import type { CallerIdentity } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';
import { type RequestRouting, routedAsyncJob, routedChat } from '../request/routed-request';

const NOTHING: ChargeEstimate = { tokens: 0, nanoUsd: 0 };

/**
 * Routes that run models on requests built after admission (a batch's lines,
 * a session turn's window, a task's prompt): charged nothing up front, so a
 * spent budget or token window refuses them and what they use is settled
 * when each job ends.
 */
const CHARGED_LATER: ReadonlySet<string> = new Set(['/v1/batches', '/v1/sessions/:id/messages', '/v1/tasks/:name']);

/**
 * What a request is expected to use, for per-key token and budget limits
 * (see `estimateCharge`), from its body as validated, rendered (when it
 * names a prompt) and routed once for the request: its handler reuses all
 * of it. A body that fails validation or names no known model or prompt is
 * charged nothing (its handler refuses it), as are the routes of
 * `CHARGED_LATER`. Other requests run no model: undefined, so only request
 * limits apply.
 */
export async function estimateRequestCharge(request: FastifyRequest, routing: RequestRouting, caller: CallerIdentity): Promise<ChargeEstimate | undefined> {
  const route = request.routeOptions.url;
  if (route !== undefined && CHARGED_LATER.has(route)) return NOTHING;
  try {
    if (route === '/v1/chat/completions') {
      const chat = routedChat(request, routing, caller);
      return estimateCharge((await chat.body()).request, routing.catalog.priceOf((await chat.chain()).route));
    }
    if (route === '/v1/jobs') {
      const job = routedAsyncJob(request, routing, caller);
      return estimateCharge((await job.body()).request, routing.catalog.priceOf((await job.chain()).route));
    }
    return undefined;
  } catch {
    return NOTHING;
  }
}
