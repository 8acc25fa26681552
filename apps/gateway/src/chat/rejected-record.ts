import { type CallerIdentity, ErrorCode, type ResolvedRoute, SwitchyardError } from '@switchyard/contracts';
import { buildRejectedRecord } from '@switchyard/jobs';
import type { LlmRequestRecord } from '@switchyard/usage';

/** The row of a request the gateway refused before any queue saw it: no worker will write one. */
export function rejectedRecord(
  body: unknown,
  caller: CallerIdentity,
  ids: { jobId: string; requestId: string },
  route: ResolvedRoute | undefined,
  error: unknown,
  receivedAt: number,
): LlmRequestRecord {
  return buildRejectedRecord({
    ...ids,
    caller,
    requestedModel: (body as { model?: unknown } | null)?.model,
    provider: route?.provider,
    model: route?.model,
    errorCode: SwitchyardError.isInstance(error) ? error.code : ErrorCode.Internal,
    receivedAt,
    streamed: (body as { stream?: unknown } | null)?.stream === true,
  });
}
