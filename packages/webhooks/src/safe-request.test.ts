import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DestinationPolicy } from './destination-policy';
import { SafeRequestError, type SafeRequestOptions, safePost } from './safe-request';

interface Received {
  path: string;
  method: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A real receiver: `/redirect?to=…&status=…` redirects, `/loop` redirects to itself, `/slow` never answers, `/big` answers 10 MB; the rest answer 204. */
async function startReceiver(host: string): Promise<{ server: http.Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://receiver');
      received.push({ path: url.pathname, method: request.method ?? '', body: Buffer.concat(chunks).toString(), headers: request.headers });
      if (url.pathname === '/redirect') {
        response.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/' }).end();
      } else if (url.pathname === '/loop') {
        response.writeHead(302, { location: '/loop' }).end();
      } else if (url.pathname === '/slow') {
        // Never answers.
      } else if (url.pathname === '/big') {
        response.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 120);
        for (let i = 0; i < 160; i++) response.write(chunk);
        response.end();
      } else {
        response.writeHead(204).end();
      }
    });
  });
  server.listen(0, host);
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, received };
}

async function ipv6Available(): Promise<boolean> {
  const probe = http.createServer();
  try {
    probe.listen(0, '::1');
    await once(probe, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

function options(allow: string[] = [], overrides: Partial<SafeRequestOptions> = {}): SafeRequestOptions {
  return { policy: DestinationPolicy.fromList(allow), connectTimeoutMs: 500, timeoutMs: 2_000, ...overrides };
}

async function failureOf(promise: Promise<unknown>): Promise<SafeRequestError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SafeRequestError);
  return error as SafeRequestError;
}

const BODY = '{"type":"job.succeeded"}';
const HEADERS = { 'content-type': 'application/json', 'webhook-id': 'evt_1' };

describe('safePost', () => {
  let v4: Awaited<ReturnType<typeof startReceiver>>;
  let v6: Awaited<ReturnType<typeof startReceiver>> | undefined;

  beforeAll(async () => {
    v4 = await startReceiver('127.0.0.1');
    if (await ipv6Available()) v6 = await startReceiver('::1');
  });

  beforeEach(() => {
    v4.received.length = 0;
    v6?.received.splice(0);
  });

  afterAll(() => {
    v4.server.closeAllConnections();
    v4.server.close();
    v6?.server.closeAllConnections();
    v6?.server.close();
  });

  describe('without an allowlist', () => {
    it.each([
      ['a loopback address', (port: number) => `http://127.0.0.1:${port}/hook`, 'loopback'],
      ['another loopback address', (port: number) => `http://127.9.9.9:${port}/hook`, 'loopback'],
      ['a name that resolves to loopback', (port: number) => `http://localhost:${port}/hook`, '(resolved from localhost): loopback'],
      ['an IPv4-mapped IPv6 loopback', (port: number) => `http://[::ffff:127.0.0.1]:${port}/hook`, 'loopback'],
      ['the unspecified address', (port: number) => `http://0.0.0.0:${port}/hook`, 'unspecified'],
      ['loopback written as one number', (port: number) => `http://2130706433:${port}/hook`, 'loopback'],
      ['a private address', () => 'http://10.0.0.1/hook', 'private'],
      ['the cloud metadata service', () => 'http://169.254.169.254/latest/meta-data/', 'linkLocal'],
      ['IPv6 loopback', (port: number) => `http://[::1]:${port}/hook`, 'loopback'],
    ])('refuses %s before connecting', async (_name, url, reason) => {
      const error = await failureOf(safePost(url(v4.port), BODY, HEADERS, options()));
      expect(error.kind).toBe('refused');
      // What the tenant sees names no address; the operator's detail does.
      expect(error.message).not.toMatch(/\d+\.\d+|localhost|::/);
      expect(error.detail).toContain(reason);
      expect(v4.received).toHaveLength(0);
      expect(v6?.received ?? []).toHaveLength(0);
    });

    it('answers a name that does not exist exactly as a refused one, so tenants cannot probe internal names', async () => {
      const missing = await failureOf(safePost('http://no-such-host.invalid/hook', BODY, HEADERS, options()));
      const internal = await failureOf(safePost('http://10.0.0.1/hook', BODY, HEADERS, options()));
      expect(missing.kind).toBe('refused');
      expect(missing.message).toBe(internal.message);
      expect(missing.detail).toContain('no such name');
    });

    it('refuses a redirect from an allowed host to a refused one, and sends nothing there', async () => {
      const target = `http://127.0.0.1:${v4.port}/final`;
      const first = `http://localhost:${v4.port}/redirect?to=${encodeURIComponent(target)}`;
      const error = await failureOf(safePost(first, BODY, HEADERS, options(['localhost'])));
      expect(error.kind).toBe('refused');
      expect(error.detail).toContain('127.0.0.1');
      expect(v4.received.map((request) => request.path)).toEqual(['/redirect']);
    });

    it('refuses schemes other than http and https, also as a redirect target', async () => {
      expect((await failureOf(safePost('ftp://example.com/hook', BODY, HEADERS, options()))).kind).toBe('invalid_url');
      const first = `http://127.0.0.1:${v4.port}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`;
      expect(await failureOf(safePost(first, BODY, HEADERS, options(['127.0.0.1'])))).toMatchObject({ kind: 'invalid_url' });
    });
  });

  describe('with an allowlist', () => {
    it.each([
      ['a loopback address, by CIDR', (port: number) => `http://127.0.0.1:${port}/hook`, ['127.0.0.0/8']],
      ['a name that resolves to loopback, by name', (port: number) => `http://localhost:${port}/hook`, ['localhost']],
      ['a name that resolves to loopback, by address', (port: number) => `http://localhost:${port}/hook`, ['127.0.0.1']],
      ['an IPv4-mapped IPv6 loopback, by its IPv4 range', (port: number) => `http://[::ffff:127.0.0.1]:${port}/hook`, ['127.0.0.0/8']],
    ])('delivers to %s', async (_name, url, allow) => {
      const response = await safePost(url(v4.port), BODY, HEADERS, options(allow));
      expect(response.status).toBe(204);
      expect(v4.received).toMatchObject([{ path: '/hook', method: 'POST', body: BODY, headers: { 'webhook-id': 'evt_1' } }]);
    });

    it('delivers to IPv6 loopback when it is allowlisted', async (context) => {
      if (v6 === undefined) return context.skip();
      const response = await safePost(`http://[::1]:${v6.port}/hook`, BODY, HEADERS, options(['::1']));
      expect(response.status).toBe(204);
      expect(v6.received).toHaveLength(1);
    });

    it.each([
      ['a private address', 'http://10.0.0.1/hook', '10.0.0.0/8'],
      ['the cloud metadata service', 'http://169.254.169.254/latest/meta-data/', '169.254.0.0/16'],
    ])('lets %s through to the network', async (_name, url, allow) => {
      // Whether anything answers there depends on the test machine's network: what matters is that the guard let the connection be tried.
      const outcome = await safePost(url, BODY, HEADERS, options([allow], { connectTimeoutMs: 200, timeoutMs: 500 })).then(
        () => 'answered',
        (error: SafeRequestError) => error.kind,
      );
      expect(outcome).not.toBe('refused');
    });

    it('follows a redirect to an allowed target with the same method, body and headers', async () => {
      for (const status of [302, 307]) {
        v4.received.length = 0;
        const target = `http://127.0.0.1:${v4.port}/final`;
        const first = `http://localhost:${v4.port}/redirect?status=${status}&to=${encodeURIComponent(target)}`;
        const response = await safePost(first, BODY, HEADERS, options(['localhost', '127.0.0.1']));
        expect(response).toMatchObject({ status: 204, redirects: 1, host: `127.0.0.1:${v4.port}` });
        expect(v4.received.map(({ path, method, body }) => ({ path, method, body }))).toEqual([
          { path: '/redirect', method: 'POST', body: BODY },
          { path: '/final', method: 'POST', body: BODY },
        ]);
        expect(v4.received[1]?.headers['webhook-id']).toBe('evt_1');
      }
    });
  });

  describe('limits', () => {
    it('stops after 3 redirects', async () => {
      const error = await failureOf(safePost(`http://127.0.0.1:${v4.port}/loop`, BODY, HEADERS, options(['127.0.0.1'])));
      expect(error.kind).toBe('too_many_redirects');
      expect(v4.received).toHaveLength(4);
    });

    it('gives up on a receiver that never answers', async () => {
      const started = Date.now();
      const error = await failureOf(safePost(`http://127.0.0.1:${v4.port}/slow`, BODY, HEADERS, options(['127.0.0.1'], { timeoutMs: 300 })));
      expect(error.kind).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('answers with the status of a large response without waiting for all of it', async () => {
      const response = await safePost(`http://127.0.0.1:${v4.port}/big`, BODY, HEADERS, options(['127.0.0.1']));
      expect(response.status).toBe(200);
    });

    it('reports a closed port as a network error, to be retried', async () => {
      const closed = http.createServer().listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const port = (closed.address() as AddressInfo).port;
      closed.close();
      const error = await failureOf(safePost(`http://127.0.0.1:${port}/`, BODY, HEADERS, options(['127.0.0.1'])));
      expect(error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
    });
  });
});
