import { randomUUID } from 'node:crypto';

const CALLER_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Job ids are always ours (unique, no ':'); a caller's x-request-id is kept alongside when it is sane. */
export function newJobId(kind: 'req' | 'job' = 'req'): string {
  return `${kind}_${randomUUID().replaceAll('-', '')}`;
}

/** A chat completion's job (`newJobId()`): it has no status URL, only its usage row at `/v1/requests/{id}`. */
export function isChatJobId(id: string): boolean {
  return id.startsWith('req_');
}

export function callerRequestId(header: string | string[] | undefined, jobId: string): string {
  return typeof header === 'string' && CALLER_REQUEST_ID.test(header) ? header : jobId;
}
