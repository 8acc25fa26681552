import { type ChargeEstimate, estimateCharge } from '@switchyard/admission';
import type { CallerIdentity } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';
import { type RequestRouting, routedAsyncJob, routedChat } from '../request/routed-request';

const NOTHING: ChargeEstimate = { tokens: 0, nanoUsd: 0 };

/**
 * What a request is expected to use, for per-key token and budget limits
 * (see `estimateCharge`), from its body as validated, rendered (when it
 * names a prompt) and routed once for the request: its handler reuses all
 * of it. A body that fails validation or names no known model or prompt is
 * charged nothing (its handler refuses it). A batch is charged nothing up
 * front, but a spent budget refuses it, and its lines count what they use.
 * Other requests run no model: undefined, so only request limits apply.
 */
export async function estimateRequestCharge(request: FastifyRequest, routing: RequestRouting, caller: CallerIdentity): Promise<ChargeEstimate | undefined> {
  const route = request.routeOptions.url;
  if (route === '/v1/batches') return NOTHING;
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
