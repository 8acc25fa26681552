import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LLAMACPP_MOCK_MODEL_BYTES, writeTinyLlamaGguf } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './platform-harness';

const ADMIN_KEY = 'sk-admin-switchyard-local-000001';
// One model of the mock llama-server fits; a second would not.
const BUDGET = Math.round(LLAMACPP_MOCK_MODEL_BYTES * 1.5);

interface LocalModel {
  model: string;
  size_bytes: number | null;
  ram_bytes: number | null;
  vram_bytes: number | null;
  loaded: true;
  last_used_at: number | null;
}
interface LocalProvider {
  provider: string;
  kind: string;
  at: number;
  models: LocalModel[];
  slots: { busy: number; queued: number; total: number } | null;
  tokens_per_second: number | null;
  gpu: unknown;
}

describe('local model resources through GET /admin/local and the load/unload commands', () => {
  let platform: Platform;
  let dir: string;
  let gguf: string;
  let metricsUrl: string | undefined;

  const call = async (method: 'GET' | 'POST', path: string, key = ADMIN_KEY) => {
    const response = await fetch(`${platform.gateway.url}${path}`, { method, headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const command = (provider: string, model: string, action: 'load' | 'unload') =>
    call('POST', `/admin/local/${encodeURIComponent(provider)}/models/${encodeURIComponent(model)}/${action}`);
  const providers = async () => (await call('GET', '/admin/local')).body.data as LocalProvider[];
  const providerNamed = async (name: string) => (await providers()).find((entry) => entry.provider === name);
  const modelsOf = async (name: string) => (await providerNamed(name))?.models.map((entry) => entry.model).sort();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-local-e2e-'));
    gguf = join(dir, 'tiny.gguf');
    await writeTinyLlamaGguf(gguf);
    platform = await startPlatform({
      embeddedModel: gguf,
      worker: false,
      env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY, METRICS_PORT: '0' },
      // Two llama-servers in router mode, each a mock of its own: one refuses past its budget, one evicts.
      extraProviders: ({ mock, fragile }) =>
        `  cpp:\n    kind: llamacpp\n    baseUrl: ${mock}\n    requiresKey: false\n    memoryBudgetBytes: ${BUDGET}\n` +
        `  cpplru:\n    kind: llamacpp\n    baseUrl: ${fragile}\n    requiresKey: false\n    memoryBudgetBytes: ${BUDGET}\n    evict: lru\n`,
    });
  });

  afterAll(async () => {
    await platform?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 504 at once when no worker of the provider is running', async () => {
    const { status, body } = await command('local', 'echo', 'load');
    metricsUrl = (await platform.startLocalWorker()).metricsUrl;
    expect(status).toBe(504);
    expect(body).toMatchObject({
      error: { message: "No worker of 'local' is running to carry out the command.", type: 'timeout_error', code: 'gateway_timeout', param: null },
    });
  });

  it('shows what each local provider holds: Ollama, llama.cpp with slots and throughput, the embedded model; GPU unknown without nvidia-smi', async () => {
    await expect
      .poll(async () => (await providers()).map((entry) => entry.provider).sort(), { timeout: 10_000 })
      .toStrictEqual(['cpp', 'cpplru', 'embedded', 'local']);
    const local = await providerNamed('local');
    expect(local).toStrictEqual({
      provider: 'local',
      kind: 'ollama',
      at: expect.any(Number),
      models: [{ model: 'echo:latest', size_bytes: 1_000_000, ram_bytes: 0, vram_bytes: 1_000_000, loaded: true, last_used_at: expect.any(Number) }],
      slots: null,
      tokens_per_second: null,
      gpu: 'unknown',
    });
    expect(await providerNamed('cpp')).toMatchObject({
      kind: 'llamacpp',
      models: [{ model: 'echo', size_bytes: LLAMACPP_MOCK_MODEL_BYTES, ram_bytes: null, vram_bytes: null, loaded: true }],
      slots: { busy: 0, queued: 0, total: 4 },
      tokens_per_second: 42.5,
      gpu: 'unknown',
    });
    const embedded = await providerNamed('embedded');
    expect(embedded).toMatchObject({ kind: 'embedded', slots: { busy: 0, queued: 0, total: 2 }, gpu: 'unknown' });
    expect(embedded?.models).toHaveLength(1);
    expect(embedded?.models[0]).toMatchObject({ model: gguf, loaded: true, vram_bytes: 0 });
    expect(embedded?.models[0]?.size_bytes).toBeGreaterThan(0);
    expect(embedded?.models[0]?.ram_bytes).toBeGreaterThan(0);
  });

  it("serves the snapshot as gauges on worker-local's /metrics", async () => {
    const text = await (await fetch(metricsUrl ?? '')).text();
    expect(text).toContain('switchyard_local_model_bytes{provider="local",model="echo:latest",memory="vram"} 1000000');
    expect(text).toContain('switchyard_local_slots{provider="cpp",state="total"} 4');
    expect(text).toContain('switchyard_local_tokens_per_second{provider="cpp"} 42.5');
  });

  it('loads and unloads a model on Ollama, and the list shows it at once', async () => {
    expect(await command('local', 'other', 'load')).toStrictEqual({
      status: 200,
      body: { provider: 'local', model: 'other', action: 'load', loaded: true, evicted: [] },
    });
    expect(await modelsOf('local')).toStrictEqual(['echo:latest', 'other:latest']);
    expect((await command('local', 'other', 'unload')).status).toBe(200);
    expect(await modelsOf('local')).toStrictEqual(['echo:latest']);
  });

  it('unloads and loads the embedded model, its path URL-encoded', async () => {
    expect((await command('embedded', gguf, 'unload')).body).toMatchObject({ loaded: false });
    expect(await providerNamed('embedded')).toMatchObject({ models: [], slots: null });
    expect((await command('embedded', gguf, 'load')).body).toMatchObject({ loaded: true, evicted: [] });
    expect(await modelsOf('embedded')).toStrictEqual([gguf]);
  });

  it('refuses a llama.cpp load past the memory budget with 409 and the figures', async () => {
    const { status, body } = await command('cpp', 'second', 'load');
    expect(status).toBe(409);
    expect(body).toMatchObject({
      error: {
        message: `Loading 'second' on 'cpp' needs ${LLAMACPP_MOCK_MODEL_BYTES} bytes; ${LLAMACPP_MOCK_MODEL_BYTES} of its ${BUDGET}-byte memory budget are in use. Unload a model first, or set evict: lru.`,
        type: 'invalid_request_error',
        code: 'memory_budget_exceeded',
        param: 'model',
      },
    });
    expect(await modelsOf('cpp')).toStrictEqual(['echo']);
    // Room made by hand, the load goes through.
    expect((await command('cpp', 'echo', 'unload')).status).toBe(200);
    expect((await command('cpp', 'second', 'load')).status).toBe(200);
    expect(await modelsOf('cpp')).toStrictEqual(['second']);
  });

  it('evicts the least recently used model under evict: lru', async () => {
    expect(await command('cpplru', 'second', 'load')).toMatchObject({ status: 200, body: { loaded: true, evicted: ['echo'] } });
    expect(await modelsOf('cpplru')).toStrictEqual(['second']);
    expect((await command('cpplru', 'third', 'load')).body).toMatchObject({ evicted: ['second'] });
    expect(await modelsOf('cpplru')).toStrictEqual(['third']);
  });

  it('answers bad inputs with OpenAI-style errors', async () => {
    expect(await command('nowhere', 'echo', 'load')).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: "No provider 'nowhere'." } } });
    expect(await command('mock', 'echo', 'load')).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param: 'provider' } } });
    expect(await command('local', ' ', 'load')).toMatchObject({ status: 400, body: { error: { param: 'model' } } });
    expect((await call('GET', '/admin/local', 'sk-not-the-admin-key')).status).toBe(401);
    expect((await call('POST', '/admin/local/local/models/echo/load', 'sk-not-the-admin-key')).status).toBe(401);
  });
});
