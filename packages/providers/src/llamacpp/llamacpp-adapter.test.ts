import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LLAMACPP_LOADING_BODY, LLAMACPP_MOCK_N_CTX, LLAMACPP_MOCK_SLOTS, type MockUpstream, startMockUpstream } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlamaCppAdapter } from './llamacpp-adapter';

/** A llama-server stand-in that answers each GET path with a fixed status and body. */
async function stub(routes: Record<string, [number, string]>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const [status, body] = routes[req.url ?? ''] ?? [404, '{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}'];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('LlamaCppAdapter.health', () => {
  let mock: MockUpstream;
  const servers: Server[] = [];

  beforeAll(async () => {
    mock = await startMockUpstream();
  });

  afterAll(async () => {
    await mock.close();
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  const adapterFor = async (routes: Record<string, [number, string]>): Promise<LlamaCppAdapter> => {
    const { url, server } = await stub(routes);
    servers.push(server);
    return new LlamaCppAdapter({ provider: 'local', host: url });
  };

  it('is ok with the context and slots from /props', async () => {
    const adapter = new LlamaCppAdapter({ provider: 'local', host: mock.url });
    expect(await adapter.health()).toStrictEqual({ ok: true, contextLength: LLAMACPP_MOCK_N_CTX, slots: LLAMACPP_MOCK_SLOTS });
  });

  it('is not ok while the model loads', async () => {
    const adapter = await adapterFor({ '/health': [503, LLAMACPP_LOADING_BODY], '/props': [503, LLAMACPP_LOADING_BODY] });
    expect(await adapter.health()).toStrictEqual({ ok: false });
  });

  it.each<[string, Record<string, [number, string]>, object]>([
    ['props behind an API key', { '/health': [200, '{"status":"ok"}'], '/props': [401, '{"error":{"code":401}}'] }, { ok: true }],
    [
      'an older build with n_ctx at the top',
      { '/health': [200, '{"status":"ok"}'], '/props': [200, '{"n_ctx":2048,"total_slots":1}'] },
      { ok: true, contextLength: 2048, slots: 1 },
    ],
    ['props that are not JSON', { '/health': [200, '{"status":"ok"}'], '/props': [200, 'nope'] }, { ok: true }],
  ])('is ok with only what it can read, for %s', async (_name, routes, expected) => {
    expect(await (await adapterFor(routes)).health()).toStrictEqual(expected);
  });

  it('is not ok when nothing listens', async () => {
    const { url, server } = await stub({});
    await new Promise((resolve) => server.close(resolve));
    expect(await new LlamaCppAdapter({ provider: 'local', host: url }).health()).toStrictEqual({ ok: false });
  });
});
