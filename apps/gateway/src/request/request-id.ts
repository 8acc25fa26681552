import { randomUUID } from 'node:crypto';

const CALLER_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Job ids are always ours (unique, no ':'); a caller's x-request-id is kept alongside when it is sane. */
export function newJobId(kind: 'req' | 'job' = 'req'): string {
  return `${kind}_${randomUUID().replaceAll('-', '')}`;
}

/** An id from `newJobId()` (a chat completion's, or a refused request's): no status URL, only a usage row at `/v1/requests/{id}`. */
export function isRequestJobId(id: string): boolean {
  return id.startsWith('req_');
}

export function callerRequestId(header: string | string[] | undefined, jobId: string): string {
  return typeof header === 'string' && CALLER_REQUEST_ID.test(header) ? header : jobId;
}
