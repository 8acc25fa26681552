/** An answer the API refused, with the message of its OpenAI-style error body. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Who the console speaks as: the key, and for the admin key the tenant its `/v1` reads are for. */
export interface Credentials {
  key: string;
  /** Sent as `x-switchyard-tenant` with the admin key; absent for a tenant key. */
  tenant?: string | undefined;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export const TENANT_HEADER = 'x-switchyard-tenant';

/** `path?query`, leaving out the parameters that have no value. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  const fallback = `${response.status} ${response.statusText}`.trim();
  try {
    const body = (await response.json()) as { error?: { message?: unknown; code?: unknown } };
    const message = typeof body.error?.message === 'string' ? body.error.message : fallback;
    return new ApiError(message, response.status, typeof body.error?.code === 'string' ? body.error.code : null);
  } catch {
    return new ApiError(fallback, response.status, null);
  }
}

/**
 * The one place the console calls the gateway: adds the key (always as a
 * header, never in a URL) and the tenant header, and turns error bodies into
 * `ApiError`s whose message can be shown as is.
 */
export async function request<T>(credentials: Credentials, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${credentials.key}` };
  if (credentials.tenant !== undefined && credentials.tenant !== '') headers[TENANT_HEADER] = credentials.tenant;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, cache: 'no-store', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    throw new ApiError('The gateway cannot be reached.', 0, null);
  }
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

export const api = {
  get: <T>(credentials: Credentials, path: string, query?: Query) => request<T>(credentials, 'GET', withQuery(path, query)),
  post: <T>(credentials: Credentials, path: string, body?: unknown) => request<T>(credentials, 'POST', path, body ?? {}),
  delete: <T>(credentials: Credentials, path: string) => request<T>(credentials, 'DELETE', path),
};

/** A path segment from data (an id, a prompt name). */
export const segment = encodeURIComponent;
