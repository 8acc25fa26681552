/** The call's own deadline joined to the job's cancellation; `timedOut` tells the two apart afterwards. */
export function deadlineSignal(timeoutMs: number, cancel?: AbortSignal): { signal: AbortSignal; timedOut(): boolean } {
  const timeout = AbortSignal.timeout(timeoutMs);
  return { signal: cancel ? AbortSignal.any([cancel, timeout]) : timeout, timedOut: () => timeout.aborted };
}
