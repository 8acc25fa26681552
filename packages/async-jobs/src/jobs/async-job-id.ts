import { randomUUID } from 'node:crypto';

const ASYNC_JOB_ID = /^job_[0-9a-f]{32}_([a-z0-9][a-z0-9_-]{0,62})$/;

/**
 * An async job's id names its first provider, so a lookup goes straight to
 * the right queue and accepting a job writes nothing but the job and one
 * index entry.
 */
export function newAsyncJobId(provider: string): string {
  return `job_${randomUUID().replaceAll('-', '')}_${provider}`;
}

/** The provider whose queue holds the job first; undefined for an id no async job could have. */
export function providerOfJobId(jobId: string): string | undefined {
  return ASYNC_JOB_ID.exec(jobId)?.[1];
}
