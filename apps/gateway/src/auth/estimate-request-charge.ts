import { type ChargeEstimate, estimateCharge } from '@switchyard/admission';
import type { ModelCatalog } from '@switchyard/config';
import type { FastifyRequest } from 'fastify';
import { routedAsyncJob, routedChat } from '../request/routed-request';

const NOTHING: ChargeEstimate = { tokens: 0, nanoUsd: 0 };

/**
 * What a request is expected to use, for per-key token and budget limits
 * (see `estimateCharge`), from its body as validated and routed once for
 * the request: its handler reuses both. A body that fails validation or
 * names no known model is charged nothing (its handler refuses it). A batch
 * is charged nothing up front, but a spent budget refuses it, and its lines
 * count what they use. Other requests run no model: undefined, so only
 * request limits apply.
 */
export function estimateRequestCharge(request: FastifyRequest, catalog: ModelCatalog): ChargeEstimate | undefined {
  const route = request.routeOptions.url;
  if (route === '/v1/batches') return NOTHING;
  try {
    if (route === '/v1/chat/completions') {
      const chat = routedChat(request, catalog);
      return estimateCharge(chat.body(), catalog.priceOf(chat.chain().route));
    }
    if (route === '/v1/jobs') {
      const job = routedAsyncJob(request, catalog);
      return estimateCharge(job.body().request, catalog.priceOf(job.chain().route));
    }
    return undefined;
  } catch {
    return NOTHING;
  }
}
