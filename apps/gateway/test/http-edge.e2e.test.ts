import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

const ADMIN_KEY = 'sk-admin-switchyard-edge-0000000001';
const user = [{ role: 'user' as const, content: 'hi' }];
const MAX_CONNECTIONS = 30;

/** `levels` nested arrays, built as text: the point is a body no client library would build. */
const nestedArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

/** A raw connection, to see what the gateway does with sockets that misbehave. */
function openSocket(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const openedAt = Date.now();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - openedAt)));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

describe('request bodies at the edge', () => {
  let platform: Platform;
  /** Requests the gateway's HTTP server received, by path. */
  const received: string[] = [];

  beforeAll(async () => {
    // The default body limit (4 MiB), so the sizes are those a user meets.
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY }, gateway: { maxBodyBytes: 4 * 1024 * 1024, maxConnections: MAX_CONNECTIONS } });
    platform.gateway.app.getHttpServer().on('request', (request: { url: string }) => received.push(request.url));
  });

  afterAll(async () => {
    await platform.close();
  });

  it.each([
    ['5 MB', 5_000_000],
    ['4 MiB + 100 B', 4 * 1024 * 1024 + 100],
  ])('answers a %s body to the OpenAI SDK with 413 payload_too_large, once, despite its retries', async (_label, size) => {
    const client = new OpenAI({ apiKey: TEST_API_KEY, baseURL: `${platform.gateway.url}/v1` });
    received.length = 0;
    const mockBefore = platform.mock.requests.length;
    // The body is the message plus the JSON around it: the content alone is a little under the size.
    const error = await client.chat.completions
      .create({ model: 'mock-echo', messages: [{ role: 'user', content: 'x'.repeat(size - 60) }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).not.toBeInstanceOf(OpenAI.APIConnectionError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: 'payload_too_large', type: 'invalid_request_error' });
    expect(received.filter((url) => url === '/v1/chat/completions')).toHaveLength(1);
    expect(platform.mock.requests.length).toBe(mockBefore);
  });

  it.each([
    ['a 413 with a key', `Bearer ${TEST_API_KEY}`, 413, 'payload_too_large'],
    ['a 401 without one', 'Bearer sk-not-a-real-key-000000', 401, 'invalid_api_key'],
  ])('answers an oversized body sent with fetch with %s, and keeps serving', async (_label, authorization, status, code) => {
    const response = await fetch(`${platform.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'x'.repeat(5_000_000) }] }),
    });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    const after = await platform.client.chat.completions.create({ model: 'mock-echo', messages: user });
    expect(after.choices[0]?.message.content).toBe('hi');
  });

  it.each([
    ['413 with a key', TEST_API_KEY, 413, 'payload_too_large'],
    ['401 without one', 'sk-not-a-real-key-000000', 401, 'invalid_api_key'],
  ])('reads all of an oversized body before answering %s, so a client still sending is not reset', async (_label, key, status, code) => {
    const size = 5_000_000;
    const { socket, received } = await openSocket(platform.gateway.port);
    const write = (data: string | Buffer) => new Promise<void>((resolve, reject) => socket.write(data, (error) => (error ? reject(error) : resolve())));
    await write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\ncontent-length: ${size}\r\n\r\n`,
    );
    // The body goes out after the gateway has had time to answer, as it does from a client on a slow link.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let sent = 0; sent < size; sent += chunk.length) await write(chunk.subarray(0, Math.min(chunk.length, size - sent)));
    await expect.poll(received, { timeout: 10_000 }).toMatch(/\r\n\r\n\{.*\}$/s);
    expect(received()).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(JSON.parse(received().split('\r\n\r\n')[1] ?? '')).toMatchObject({ error: { code } });
    socket.destroy();
  });

  it.each([
    ['a path segment longer than any id', `/v1/sessions/${'s'.repeat(300)}`, 404, 'not_found'],
    ['a task name longer than any name', `/v1/tasks/${'t'.repeat(300)}`, 404, 'not_found'],
    ['broken percent-encoding', '/v1/prompts/%E2%82', 400, 'invalid_request'],
  ])('answers %s with an OpenAI error body, as every route does', async (_name, path, status, code) => {
    const response = await fetch(`${platform.gateway.url}${path}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code, type: expect.any(String), message: expect.any(String) } });
  });

  it('takes an empty body with a JSON content type on body-less calls: a revoke with it revokes', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${platform.gateway.url}/admin${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const tenant = `edge${Date.now().toString(36)}`;
    expect((await admin('POST', '/tenants', { id: tenant, name: 'Edge' })).status).toBe(201);
    const created = (await (await admin('POST', `/tenants/${tenant}/keys`, { name: 'to revoke' })).json()) as { id: string; key: string };
    const keyed = new OpenAI({ apiKey: created.key, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });
    await keyed.chat.completions.create({ model: 'mock-echo', messages: user });

    const revoked = await admin('DELETE', `/keys/${created.id}`);
    expect(revoked.status).toBe(200);
    await expect(keyed.chat.completions.create({ model: 'mock-echo', messages: user })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    // The same on the /v1 calls that take no body: each answers as it would without the header.
    const call = (method: string, path: string) =>
      fetch(`${platform.gateway.url}${path}`, { method, headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' } });
    const job = await platform.client.post<{ id: string }>('/jobs', { body: { model: 'very-slow', messages: user, delay: 60_000 } });
    const cancelled = await call('DELETE', `/v1/jobs/${job.id}`);
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');
    const batchCancel = await call('POST', '/v1/batches/batch_does_not_exist/cancel');
    expect(batchCancel.status).toBe(404);
    expect(((await batchCancel.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await call('GET', '/v1/models')).status).toBe(200);
    expect((await call('HEAD', '/v1/models')).status).toBe(200);
    // A call that needs a body still says the body is missing.
    const empty = await call('POST', '/v1/chat/completions');
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });

  it('refuses a connection past maxConnections with a 503 error body, and takes new ones once some close', async () => {
    // Open until one is refused: the test clients' own pooled connections count too.
    const held: Awaited<ReturnType<typeof openSocket>>[] = [];
    let refused: Awaited<ReturnType<typeof openSocket>> | undefined;
    while (refused === undefined && held.length <= MAX_CONNECTIONS) {
      const next = await openSocket(platform.gateway.port);
      const answer = await Promise.race([next.closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('open'), 200))]);
      if (answer === 'closed') refused = next;
      else held.push(next);
    }
    expect(held.length).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(refused?.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(JSON.parse(refused?.received().split('\r\n\r\n')[1] ?? '')).toMatchObject({
      error: { code: 'service_unavailable', type: 'service_unavailable_error' },
    });

    // An HTTP client on a new connection reads the refusal as an answer, not a connection error.
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      get({ port: platform.gateway.port, host: '127.0.0.1', path: '/v1/models', agent: false }, (response) => {
        let body = '';
        response
          .setEncoding('utf8')
          .on('data', (chunk: string) => (body += chunk))
          .on('end', () => resolve({ status: response.statusCode, body }));
      }).on('error', reject);
    });
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'service_unavailable' } });

    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map(({ closed }) => closed));
    await expect.poll(async () => (await platform.client.models.list()).data.length, { timeout: 10_000 }).toBeGreaterThan(0);
  });

  describe('deeply nested JSON is refused with a 400 naming the field, not a 503', () => {
    const tool = (parameters: string) => `{"type":"function","function":{"name":"f","parameters":{"type":"object","x":${parameters}}}}`;
    const chatWith = (nesting: string, where: 'tools' | 'schema' | 'prediction') =>
      `{"model":"mock-echo","messages":[{"role":"user","content":"hi"}],` +
      (where === 'tools'
        ? `"tools":[${tool(nesting)}]}`
        : where === 'schema'
          ? `"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"x":${nesting}}}}}`
          : `"prediction":{"type":"content","content":${nesting}}}`);

    const post = (path: string, body: string) =>
      fetch(`${platform.gateway.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
        body,
      });

    it.each([
      ['/v1/chat/completions', 10_000, 'tools', 'tools[0].function.parameters'],
      ['/v1/chat/completions', 100_000, 'tools', 'tools[0].function.parameters'],
      ['/v1/chat/completions', 10_000, 'schema', 'response_format.json_schema.schema'],
      ['/v1/chat/completions', 100_000, 'schema', 'response_format.json_schema.schema'],
      ['/v1/chat/completions', 10_000, 'prediction', 'prediction'],
      ['/v1/jobs', 10_000, 'tools', 'tools[0].function.parameters'],
      ['/v1/jobs', 100_000, 'schema', 'response_format.json_schema.schema'],
      ['/v1/estimate', 10_000, 'tools', 'tools[0].function.parameters'],
    ] as const)('%s with %i levels in %s', async (path, levels, where, param) => {
      const response = await post(path, chatWith(nestedArrays(levels), where));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: unknown }).error).toMatchObject({ code: 'invalid_request', type: 'invalid_request_error', param });
    });

    it('in a streamed request', async () => {
      const response = await post('/v1/chat/completions', chatWith(nestedArrays(10_000), 'tools').replace('"messages"', '"stream":true,"messages"'));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: unknown }).error).toMatchObject({ code: 'invalid_request', param: 'tools[0].function.parameters' });
    });

    it('in a batch line, reported with its line', async () => {
      const line = (body: string) => `{"custom_id":"deep","method":"POST","url":"/v1/chat/completions","body":${body}}`;
      const file = await platform.client.files.create({
        file: await OpenAI.toFile(Buffer.from(`${line(chatWith(nestedArrays(10_000), 'schema'))}\n`), 'deep.jsonl'),
        purpose: 'batch',
      });
      const batch = await platform.client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      expect(batch.status).toBe('failed');
      expect(batch.errors?.data?.[0]).toMatchObject({ line: 1, code: 'invalid_request', param: 'body.response_format.json_schema.schema' });
    });

    it('takes a deep but reasonable JSON schema', async () => {
      const nested = (levels: number): unknown => (levels === 0 ? { type: 'string' } : { type: 'object', properties: { child: nested(levels - 1) } });
      const answer = await platform.client.chat.completions.create({
        model: 'mock-echo',
        messages: user,
        tools: [{ type: 'function', function: { name: 'deep', parameters: nested(20) as Record<string, unknown> } }],
      });
      expect(answer.choices[0]?.message.content).toBe('hi');
    });
  });
});

describe('connection limits', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({
      requestTimeoutMs: 3000,
      gateway: { headersTimeoutMs: 1000, receiveTimeoutMs: 2000, keepAliveTimeoutMs: 1000, idleTimeoutMs: 4000 },
    });
  });

  afterAll(async () => {
    await platform.close();
  });

  it('closes a connection that sends nothing within the headers timeout', async () => {
    const { closed } = await openSocket(platform.gateway.port);
    // 1 s timeout, checked every quarter of it: closed well before Node's own 60 s default would.
    expect(await closed).toBeLessThan(10_000);
  });

  it('closes a connection whose body stalls within the receive timeout', async () => {
    const { socket, closed } = await openSocket(platform.gateway.port);
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\nauthorization: Bearer ${TEST_API_KEY}\r\n\r\n{"model":`,
    );
    expect(await closed).toBeLessThan(10_000);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const { socket, received, closed } = await openSocket(platform.gateway.port);
    socket.write(`GET /v1/models HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TEST_API_KEY}\r\n\r\n`);
    await expect.poll(received, { timeout: 10_000 }).toContain('HTTP/1.1 200');
    expect(received()).toMatch(/keep-alive: timeout=1/i);
    expect(await closed).toBeLessThan(10_000);
  });

  it('keeps a long stream open past the idle timeouts until it ends', async () => {
    // slow-stream sends 20 tokens a second: ~6 s, longer than every timeout above.
    const content = Array.from({ length: 120 }, (_, i) => `w${i}`).join(' ');
    const stream = await platform.client.chat.completions.create({ model: 'slow-stream', messages: [{ role: 'user', content }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(content);
  }, 60_000);
});
