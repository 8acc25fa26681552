import { lookup as dnsLookup } from 'node:dns';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type DestinationPolicy, DestinationRefusedError } from './destination-policy';

export type SafeRequestFailure = 'refused' | 'invalid_url' | 'connect_timeout' | 'timeout' | 'too_many_redirects' | 'network';

/** A POST that got no HTTP status back. `refused` and `invalid_url` will fail the same way every time. */
export class SafeRequestError extends Error {
  override name = 'SafeRequestError';
  constructor(
    readonly kind: SafeRequestFailure,
    message: string,
    /** The system error code of a network failure (ECONNREFUSED, ENOTFOUND, …). */
    readonly code?: string,
    /** For operators' logs only (what a refused destination resolved to). */
    readonly detail?: string,
  ) {
    super(message);
  }
}

export interface SafeRequestOptions {
  policy: DestinationPolicy;
  /** From the start of each connection (name lookup included) to its TCP connect. */
  connectTimeoutMs: number;
  /** For the whole exchange, every redirect hop included, until response headers arrive. */
  timeoutMs: number;
  maxRedirects?: number;
  /** Response bodies are read up to this and thrown away: receivers' replies carry nothing we use. */
  maxResponseBytes?: number;
}

export interface SafeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Host of the hop that answered, for logs (never the full URL: paths and queries may hold tokens). */
  host: string;
  redirects: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_REDIRECTS = 3;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Resolves names itself so every address a connection may use is checked
 * before the socket opens: a check before the request, on a separate lookup,
 * could be answered differently by the time the connection resolves again
 * (DNS rebinding).
 */
function guardedLookup(policy: DestinationPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      // A name that does not exist is answered as a refusal (and not retried): a tenant must not tell it from an internal one.
      if (error?.code === 'ENOTFOUND') return callback(new DestinationRefusedError(`${hostname}: no such name`) as unknown as NodeJS.ErrnoException, '');
      if (error) return callback(error, '');
      try {
        for (const { address } of addresses) policy.check(hostname, address);
      } catch (refusal) {
        return callback(refusal as NodeJS.ErrnoException, '');
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (first === undefined) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      return callback(null, first.address, first.family);
    });
  };
}

function parseTarget(target: string | URL, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    throw new SafeRequestError('invalid_url', 'the webhook URL does not parse');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SafeRequestError('invalid_url', `the webhook URL must be http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  return url;
}

function asRequestError(error: unknown, host: string): SafeRequestError {
  if (error instanceof SafeRequestError) return error;
  if (error instanceof DestinationRefusedError) return new SafeRequestError('refused', error.message, undefined, error.detail);
  const code = (error as NodeJS.ErrnoException).code;
  return new SafeRequestError('network', `${host}: ${code ?? (error as Error).message}`, code);
}

interface Hop {
  url: URL;
  body: string;
  headers: Record<string, string>;
  deadline: number;
}

function drainCapped(response: http.IncomingMessage, maxBytes: number, deadline: number): void {
  let received = 0;
  const stopReading = setTimeout(() => response.destroy(), Math.max(0, deadline - Date.now()));
  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes) response.destroy();
  });
  response.on('close', () => clearTimeout(stopReading));
  response.on('error', () => undefined);
}

function postOnce(hop: Hop, options: SafeRequestOptions): Promise<http.IncomingMessage> {
  const { url } = hop;
  const host = url.hostname;
  const literal = host.replace(/^\[|\]$/g, '');
  // Literal addresses skip `lookup` entirely in node:net, so they are checked here.
  if (isIP(literal) !== 0) options.policy.check(literal, literal);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      method: 'POST',
      headers: { ...hop.headers, 'content-length': String(Buffer.byteLength(hop.body)) },
      lookup: guardedLookup(options.policy),
      // A fresh connection each time, so no pooled socket outlives the check made when it opened.
      agent: false,
    });
    const overall = setTimeout(
      () => request.destroy(new SafeRequestError('timeout', `${host}: no response within ${options.timeoutMs} ms`)),
      Math.max(0, hop.deadline - Date.now()),
    );
    request.on('socket', (socket) => {
      if (!socket.connecting) return;
      const connectTimer = setTimeout(
        () => request.destroy(new SafeRequestError('connect_timeout', `${host}: no connection within ${options.connectTimeoutMs} ms`)),
        options.connectTimeoutMs,
      );
      socket.once('connect', () => clearTimeout(connectTimer));
      socket.once('close', () => clearTimeout(connectTimer));
    });
    request.on('response', (response) => {
      clearTimeout(overall);
      drainCapped(response, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, hop.deadline);
      resolve(response);
    });
    request.on('error', (error) => {
      clearTimeout(overall);
      reject(asRequestError(error, host));
    });
    request.end(hop.body);
  });
}

/**
 * POSTs `body` to `target`, refusing any destination the policy does not
 * allow: literal addresses before connecting, names on every address they
 * resolve to, and again on each redirect. Redirects (at most 3) are followed
 * with the same method, body and headers: a receiver that moved still gets
 * the event it would have verified. Resolves with the first non-redirect
 * status; rejects with a SafeRequestError when there is none.
 */
export async function safePost(target: string, body: string, headers: Record<string, string>, options: SafeRequestOptions): Promise<SafeResponse> {
  const deadline = Date.now() + options.timeoutMs;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let url = parseTarget(target);
  for (let redirects = 0; ; redirects++) {
    let response: http.IncomingMessage;
    try {
      response = await postOnce({ url, body, headers, deadline }, options);
    } catch (error) {
      throw asRequestError(error, url.hostname);
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(status) || location === undefined) {
      return { status, headers: response.headers, host: url.host, redirects };
    }
    if (redirects === maxRedirects) {
      throw new SafeRequestError('too_many_redirects', `${url.host}: more than ${maxRedirects} redirects`);
    }
    url = parseTarget(location, url);
  }
}
