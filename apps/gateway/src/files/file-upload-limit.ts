import { ConfigError } from '@switchyard/config';
import { z } from 'zod';

export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;

// Postgres keeps a bytea value of at most 1 GiB.
const maxFileBytesSchema = z.coerce.number().int().positive().max(1024 * 1024 * 1024 - 1).default(DEFAULT_MAX_FILE_BYTES);

/**
 * The largest file `POST /v1/files` accepts, from `FILE_UPLOAD_MAX_BYTES`.
 * Separate from the gateway's JSON body limit: uploads are read as a stream,
 * not by Fastify's body parser, so that limit never applies to them.
 */
export function readMaxFileBytes(env: NodeJS.ProcessEnv): number {
  const parsed = maxFileBytesSchema.safeParse(env.FILE_UPLOAD_MAX_BYTES === '' ? undefined : env.FILE_UPLOAD_MAX_BYTES);
  if (!parsed.success) throw new ConfigError(`Invalid environment:\n  FILE_UPLOAD_MAX_BYTES: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
