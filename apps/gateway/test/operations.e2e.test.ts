import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './platform-harness';

describe('operational endpoints', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('reports liveness on /healthz and Redis + PostgreSQL readiness on /readyz', async () => {
    const alive = await fetch(`${platform.gateway.url}/healthz`);
    expect(alive.status).toBe(200);
    const ready = await fetch(`${platform.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toStrictEqual({ status: 'ready', checks: { redis: 'ok', postgres: 'ok' } });
  });

  it('exposes Prometheus metrics that count requests', async () => {
    await platform.client.chat.completions.create({ model: 'mock-echo', messages: [{ role: 'user', content: 'count me' }] });
    const text = await (await fetch(`${platform.gateway.url}/metrics`)).text();
    expect(text).toMatch(/switchyard_http_requests_total\{method="POST",route="\/v1\/chat\/completions",status="200"\} [1-9]/);
    expect(text).toMatch(/switchyard_jobs_total\{provider="mock",outcome="succeeded"\} [1-9]/);
  });

  it('serves the OpenAPI document generated from the request schema, and Swagger UI', async () => {
    const document = (await (await fetch(`${platform.gateway.url}/docs/json`)).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: { ChatCompletionRequest: { anyOf: { properties: Record<string, unknown>; required: string[] }[] } } };
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/chat/completions', '/v1/models', '/v1/jobs', '/v1/jobs/{id}', '/v1/batches', '/v1/files', '/v1/estimate']),
    );
    // A body names its model and messages, or a stored prompt to render them from.
    const [plain, prompted] = document.components.schemas.ChatCompletionRequest.anyOf;
    expect(plain?.required).toEqual(expect.arrayContaining(['model', 'messages']));
    expect(prompted?.required).toEqual(['prompt']);
    expect(Object.keys(plain?.properties ?? {})).toEqual(
      expect.arrayContaining(['temperature', 'max_completion_tokens', 'response_format', 'tools', 'tool_choice']),
    );
    const ui = await fetch(`${platform.gateway.url}/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});
