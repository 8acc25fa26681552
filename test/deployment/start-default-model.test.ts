import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, writeTinyLlamaGguf } from '@switchyard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const PROVIDER_KEYS = ['OPENAI_API_KEY', 'GROQ_API_KEY', 'GEMINI_API_KEY'];

describe('npm start without a provider key', () => {
  let platform: ChildProcess | undefined;
  let dir: string;
  let routingFile: string;
  const apiKey = `sk-test-${randomUUID()}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-start-default-'));
    // The bundled routing file with a key id of its own: the key table is shared, and another test's
    // platform may hold the id `dev` with another value at the same time.
    routingFile = join(dir, 'switchyard.yaml');
    const bundled = await readFile(join(root, 'switchyard.yaml'), 'utf8');
    const copy = bundled.replace('    - id: dev\n', `    - id: dev-${randomUUID().slice(0, 8)}\n`);
    expect(copy).not.toBe(bundled);
    await writeFile(routingFile, copy);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    if (platform?.pid === undefined || platform.exitCode !== null) return;
    const exited = once(platform, 'exit');
    process.kill(-platform.pid, 'SIGTERM');
    await exited;
  });

  /** Runs scripts/start.mjs as `npm start` does, with no provider key, an empty models folder and a hub that refuses connections. */
  async function start(extraEnv: Record<string, string>): Promise<{ port: number; output: () => string }> {
    const [port, mockPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      MOCK_PORT: String(mockPort),
      SWITCHYARD_MODELS_DIR: join(dir, 'models'),
      SWITCHYARD_HF_ENDPOINT: 'http://127.0.0.1:1',
      SWITCHYARD_KEY_PREFIX: `sytest-${randomUUID().slice(0, 8)}`,
      WEBHOOK_SECRET: `whsec_${Buffer.from(randomUUID()).toString('base64')}`,
      LOG_LEVEL: 'warn',
      SWITCHYARD_CONFIG: routingFile,
      SWITCHYARD_API_KEY: apiKey,
      ...extraEnv,
    };
    for (const name of [...PROVIDER_KEYS, 'SWITCHYARD_EMBEDDED_DEFAULT', 'SWITCHYARD_EMBEDDED_ENABLED', 'SWITCHYARD_ECHO_ALIAS']) delete env[name];
    if (extraEnv.SWITCHYARD_DEFAULT_MODEL_FILE === undefined) delete env.SWITCHYARD_DEFAULT_MODEL_FILE;
    let output = '';
    platform = spawn(process.execPath, ['scripts/start.mjs'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
    platform.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    platform.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await expect.poll(() => output, { timeout: 90_000, interval: 200 }).toContain('Switchyard is up');
    return { port, output: () => output };
  }

  async function askDefault(port: number) {
    const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'default', messages: [{ role: 'user', content: 'hello from the test' }], max_tokens: 6 }),
    });
    const body = (await response.json()) as { choices: { message: { content: string } }[]; usage: { prompt_tokens: number; completion_tokens: number } };
    return { status: response.status, provider: response.headers.get('x-switchyard-provider'), requestId: response.headers.get('x-switchyard-job-id'), body };
  }

  /** The request's row as GET /v1/requests/{id} shows it, once the usage writer has flushed it. */
  async function requestRow(port: number, id: string | null) {
    const url = `http://127.0.0.1:${port}/v1/requests/${id}`;
    const headers = { authorization: `Bearer ${apiKey}` };
    await expect.poll(async () => (await fetch(url, { headers })).status, { timeout: 15_000 }).toBe(200);
    return (await (await fetch(url, { headers })).json()) as Record<string, unknown>;
  }

  it('answers default from the echo stand-in when the hub is unreachable, and says so in one line', async () => {
    const { port, output } = await start({});
    const answer = await askDefault(port);
    expect(answer.status).toBe(200);
    expect(answer.provider).toBe('mock');
    expect(answer.body.choices[0]?.message.content).toContain('hello from the test');
    const lines = output()
      .split('\n')
      .filter((line) => line.includes('default answers with'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[start\] default answers with the echo stand-in: no provider key is set.*SWITCHYARD_DEFAULT_MODEL_FILE=/);
  }, 120_000);

  it('answers default from the embedded model in SWITCHYARD_DEFAULT_MODEL_FILE, counting its usage', async () => {
    const model = join(dir, 'tiny.gguf');
    await writeTinyLlamaGguf(model);
    const { port, output } = await start({ SWITCHYARD_DEFAULT_MODEL_FILE: model });
    const answer = await askDefault(port);
    expect(answer.status).toBe(200);
    expect(answer.provider).toBe('embedded');
    expect(answer.body.choices[0]?.message.content).not.toContain('hello from the test');
    expect(answer.body.usage.completion_tokens).toBe(6);
    expect(answer.body.usage.prompt_tokens).toBeGreaterThan(3);
    expect(await requestRow(port, answer.requestId)).toMatchObject({ status: 'succeeded', provider: 'embedded', model, completion_tokens: 6 });
    expect(output()).toContain(`[start] default answers with the embedded model ${model}`);
    expect(output()).not.toContain('echo stand-in');
  }, 120_000);
});
