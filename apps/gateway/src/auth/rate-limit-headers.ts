import type { WindowState } from '@switchyard/admission';
import type { FastifyReply } from 'fastify';
import { resetText } from './reset-text';

/** OpenAI's `x-ratelimit-*` headers for one of the key's windows, when the key has that limit. */
export function rateLimitHeaders(reply: FastifyReply, unit: 'requests' | 'tokens', state: WindowState | undefined): void {
  if (state === undefined) return;
  reply
    .header(`x-ratelimit-limit-${unit}`, String(state.limit))
    .header(`x-ratelimit-remaining-${unit}`, String(state.remaining))
    .header(`x-ratelimit-reset-${unit}`, resetText(state.resetMs));
}
