import { randomUUID } from 'node:crypto';

const CALLER_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Job ids are always ours (unique, no ':'); a caller's x-request-id is kept alongside when it is sane. */
export function newJobId(kind: 'req' | 'job' = 'req'): string {
  return `${kind}_${randomUUID().replaceAll('-', '')}`;
}

export function callerRequestId(header: string | string[] | undefined, jobId: string): string {
  return typeof header === 'string' && CALLER_REQUEST_ID.test(header) ? header : jobId;
}
