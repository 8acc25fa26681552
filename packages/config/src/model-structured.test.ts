import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { parseRoutingConfig } from './load-routing-config';
import { ModelCatalog } from './model-catalog';

const providers = {
  mock: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', requiresKey: false },
  local: { kind: 'ollama', baseUrl: 'http://127.0.0.1:3', requiresKey: false, directModels: true },
};
const auth = { keys: [{ id: 'dev', key: 'sk-switchyard-dev-000000' }] };

function catalogOf(models: unknown[]): ModelCatalog {
  return new ModelCatalog(parseRoutingConfig({ providers, models, auth }, {}), {});
}

describe('per-model structured-output settings', () => {
  it('gives each deployment its own mode and re-asks, and the defaults to the others', () => {
    const catalog = catalogOf([
      { name: 'tools', provider: 'mock', model: 'echo', structured: { mode: 'tool', reasks: 0 } },
      { name: 'plain', provider: 'local', model: 'llama3.2' },
      // The same upstream model under another name keeps its own settings.
      { name: 'same-model', provider: 'mock', model: 'echo' },
      { name: 'instructed', provider: 'local', model: 'qwen2.5', structured: { mode: 'instructions' } },
    ]);
    expect(catalog.structuredOf(catalog.resolve('same-model'))).toStrictEqual({ mode: 'auto', reasks: 2, providerKind: 'openai-compatible' });
    expect(catalog.structuredOf(catalog.resolve('tools'))).toStrictEqual({ mode: 'tool', reasks: 0, providerKind: 'openai-compatible' });
    expect(catalog.structuredOf(catalog.resolve('plain'))).toStrictEqual({ mode: 'auto', reasks: 2, providerKind: 'ollama' });
    // A direct route has no entry of its own: it takes the settings of an entry for the same model, else the default.
    expect(catalog.structuredOf(catalog.resolve('local/qwen2.5'))).toStrictEqual({ mode: 'instructions', reasks: 2, providerKind: 'ollama' });
    expect(catalog.structuredOf(catalog.resolve('local/phi4'))).toStrictEqual({ mode: 'auto', reasks: 2, providerKind: 'ollama' });
  });

  it.each([
    ['an unknown mode', { mode: 'grammar' }, 'models[0].structured.mode'],
    ['too many re-asks', { reasks: 9 }, 'models[0].structured.reasks'],
    ['a misspelt key', { retries: 1 }, 'models[0].structured'],
  ])('refuses %s', (_name, structured, path) => {
    expect(() => catalogOf([{ name: 'echo', provider: 'mock', model: 'echo', structured }])).toThrow(ConfigError);
    expect(() => catalogOf([{ name: 'echo', provider: 'mock', model: 'echo', structured }])).toThrow(path);
  });
});
