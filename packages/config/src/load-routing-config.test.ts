import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { parseRoutingConfig } from './load-routing-config';
import { ModelCatalog } from './model-catalog';

const base = {
  providers: { mock: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', requiresKey: false } },
  models: [{ name: 'echo', provider: 'mock', model: 'echo', aliases: ['default'] }],
  auth: { keys: [{ id: 'dev', key: 'sk-switchyard-dev-000000' }] },
};

function messageOf(document: unknown): string {
  try {
    parseRoutingConfig(document, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('parseRoutingConfig', () => {
  it('applies defaults and interpolates the environment', () => {
    const config = parseRoutingConfig(
      { ...base, providers: { mock: { ...base.providers.mock, baseUrl: '${MOCK_URL:-http://127.0.0.1:2/v1}' } } },
      { MOCK_URL: 'http://127.0.0.1:9/v1' },
    );
    expect(config.providers.mock?.baseUrl).toBe('http://127.0.0.1:9/v1');
    expect(config.providers.mock?.timeoutMs).toBe(60_000);
    expect(config.gateway).toMatchObject({ requestTimeoutMs: 120_000, headersTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000, maxConnections: 10_000 });
    expect(config.auth.keys[0]?.tenant).toBe('default');
  });

  it("lets a switched-off provider's model list a name another model has, so an environment variable can move it", () => {
    const document = {
      ...base,
      providers: { ...base.providers, local: { kind: 'embedded', enabled: '${LOCAL_ON:-false}' } },
      models: [
        { name: 'echo', provider: 'mock', model: 'echo', aliases: ['${ECHO_ALIAS:-default}'] },
        { name: 'small', provider: 'local', model: '/m.gguf', aliases: ['default'] },
      ],
    };
    expect(new ModelCatalog(parseRoutingConfig(document, {})).resolve('default').provider).toBe('mock');
    const moved = { LOCAL_ON: 'true', ECHO_ALIAS: 'echo' };
    expect(new ModelCatalog(parseRoutingConfig(document, moved), moved).resolve('default').provider).toBe('local');
    // Both switched on and both claiming it: refused, as ever.
    expect(() => parseRoutingConfig(document, { LOCAL_ON: 'true' })).toThrow("'default' is already used by model 'echo'");
  });

  it.each([
    ['an unknown provider kind', { ...base, providers: { mock: { kind: 'carrier-pigeon' } } }, 'providers.mock.kind'],
    ['a model on an unknown provider', { ...base, models: [{ name: 'x', provider: 'nope', model: 'x' }] }, "models[0].provider: unknown provider 'nope'"],
    ['a key pasted where its variable name belongs', { ...base, providers: { mock: { kind: 'openai', apiKeyEnv: 'sk-abc' } } }, 'providers.mock.apiKeyEnv'],
    [
      'a duplicate alias',
      { ...base, models: [...base.models, { name: 'default', provider: 'mock', model: 'y' }] },
      "models[1].name: 'default' is already used by model 'echo'",
    ],
    ['a misspelt top-level key', { ...base, modles: [] }, 'modles'],
    ['a short API key', { ...base, auth: { keys: [{ id: 'a', key: 'short' }] } }, 'auth.keys[0].key'],
    [
      'a tenant name the platform keeps for itself',
      { ...base, auth: { keys: [{ id: 'a', key: 'sk-switchyard-dev-000000', tenant: '@repo' }] } },
      "auth.keys[0].tenant: tenant names starting with '@' are reserved",
    ],
    ['an unknown prompts setting', { ...base, prompts: { folder: 'x' } }, 'prompts'],
    ['no models', { ...base, models: [] }, 'models: list at least one model'],
    ['a fallback to an unknown model', { ...base, models: [{ ...base.models[0], fallbacks: ['nope'] }] }, "models[0].fallbacks[0]: unknown model 'nope'"],
    [
      'keep-alive on a server that has none',
      { ...base, providers: { mock: { ...base.providers.mock, keepAlive: '10m' } } },
      'providers.mock.keepAlive: only ollama providers',
    ],
    [
      'threads on a provider that runs no model itself',
      { ...base, providers: { mock: { ...base.providers.mock, threads: 2 } } },
      'providers.mock.threads: only embedded providers',
    ],
    [
      'an embedded provider open to any model file',
      { ...base, providers: { mock: { kind: 'embedded', directModels: true } } },
      'providers.mock.directModels: embedded providers serve only the models the config names',
    ],
    [
      'an embedded provider with a server address',
      { ...base, providers: { mock: { kind: 'embedded', baseUrl: 'http://127.0.0.1:1' } } },
      'providers.mock.baseUrl',
    ],
    ['a keep-alive that is not a duration', { ...base, providers: { mock: { kind: 'ollama', keepAlive: 'soon' } } }, 'providers.mock.keepAlive'],
    [
      'a model falling back to itself',
      { ...base, models: [{ ...base.models[0], fallbacks: ['default'] }] },
      'models[0].fallbacks[0]: a model cannot fall back to itself',
    ],
    [
      'an idle timeout that would cut a sync wait',
      { ...base, gateway: { requestTimeoutMs: 60_000, idleTimeoutMs: 60_000 } },
      'gateway.idleTimeoutMs: must exceed requestTimeoutMs',
    ],
    ['a headers timeout past the receive timeout', { ...base, gateway: { headersTimeoutMs: 20_000, receiveTimeoutMs: 10_000 } }, 'gateway.headersTimeoutMs'],
  ])('refuses %s and names the key', (_label, document, expected) => {
    expect(messageOf(document)).toContain(expected);
  });
});

describe('ModelCatalog', () => {
  it('resolves names and aliases, and hides providers whose key is not set', () => {
    const config = parseRoutingConfig(
      {
        ...base,
        providers: { ...base.providers, groq: { kind: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1', apiKeyEnv: 'GROQ_API_KEY' } },
        models: [...base.models, { name: 'llama', provider: 'groq', model: 'llama-3.1-8b-instant' }],
      },
      {},
    );
    const catalog = new ModelCatalog(config, {});
    expect(catalog.resolve('default')).toStrictEqual({ publicModel: 'echo', provider: 'mock', model: 'echo' });
    expect(() => catalog.resolve('llama')).toThrow(/does not exist/);
    expect(new ModelCatalog(config, { GROQ_API_KEY: 'gsk_x' }).resolve('llama').provider).toBe('groq');
  });

  it('spreads a model over its deployments by weight, the others becoming its first fallbacks', () => {
    const config = parseRoutingConfig(
      {
        ...base,
        providers: { ...base.providers, other: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:2/v1', requiresKey: false } },
        models: [
          { name: 'llama', provider: 'mock', model: 'llama-a', weight: 3, aliases: ['fast'] },
          { name: 'llama', provider: 'other', model: 'llama-b', weight: 1, aliases: ['fast'] },
        ],
      },
      {},
    );
    const catalog = new ModelCatalog(config, {});
    const picks = Array.from({ length: 4000 }, () => catalog.resolveChain('fast'));
    const share = picks.filter((chain) => chain.route.provider === 'mock').length / picks.length;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
    expect(picks.find((chain) => chain.route.provider === 'other')?.fallbacks).toStrictEqual([{ publicModel: 'llama', provider: 'mock', model: 'llama-a' }]);
    expect(catalog.resolveChain('llama', 'other').route.model).toBe('llama-b');
    expect(() => catalog.resolveChain('llama', 'nowhere')).toThrow(/no deployment on provider 'nowhere'/);
  });

  it('resolves fallback chains, leaving out fallbacks whose provider is not usable', () => {
    const config = parseRoutingConfig(
      {
        ...base,
        providers: { ...base.providers, groq: { kind: 'groq', apiKeyEnv: 'GROQ_API_KEY' } },
        models: [
          { name: 'llama', provider: 'groq', model: 'llama-3.1-8b-instant' },
          { name: 'fast', provider: 'mock', model: 'echo', fallbacks: ['llama', 'slow'] },
          { name: 'slow', provider: 'mock', model: 'echo@latency=100' },
        ],
      },
      {},
    );
    expect(new ModelCatalog(config, {}).resolveChain('fast').fallbacks).toStrictEqual([{ publicModel: 'slow', provider: 'mock', model: 'echo@latency=100' }]);
    expect(new ModelCatalog(config, { GROQ_API_KEY: 'k' }).resolveChain('fast').fallbacks.map((r) => r.provider)).toStrictEqual(['groq', 'mock']);
  });
});
