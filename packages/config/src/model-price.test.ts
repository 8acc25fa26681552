import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { parseRoutingConfig } from './load-routing-config';
import { ModelCatalog } from './model-catalog';

const base = {
  providers: {
    mock: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', requiresKey: false },
    other: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:2/v1', requiresKey: false },
    local: { kind: 'ollama', baseUrl: 'http://127.0.0.1:3', requiresKey: false, directModels: true },
  },
  models: [
    {
      name: 'echo',
      provider: 'mock',
      model: 'echo',
      aliases: ['default'],
      price: { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075 },
    },
  ],
  auth: { keys: [{ id: 'dev', key: 'sk-switchyard-dev-000000' }] },
};

function withPrice(price: unknown) {
  return { ...base, models: [{ name: 'echo', provider: 'mock', model: 'echo', price }] };
}

function messageOf(document: unknown): string {
  try {
    parseRoutingConfig(document, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('model prices', () => {
  it.each([
    ['a negative price', { inputPerMillion: -1, outputPerMillion: 1 }, 'models[0].price.inputPerMillion'],
    ['a price given as text', { inputPerMillion: 1, outputPerMillion: '0.60' }, 'models[0].price.outputPerMillion'],
    ['a missing output price', { inputPerMillion: 1 }, 'models[0].price.outputPerMillion'],
    ['a negative cached-input price', { inputPerMillion: 1, outputPerMillion: 1, cachedInputPerMillion: -0.5 }, 'models[0].price.cachedInputPerMillion'],
    ['a misspelt key', { inputPerMillion: 1, outputPerMillion: 1, cachedPerMillion: 0.5 }, 'models[0].price'],
    [
      'a price per token where one per million belongs, or another typo',
      { inputPerMillion: 2_000_000, outputPerMillion: 1 },
      'models[0].price.inputPerMillion',
    ],
  ])('refuses %s and names the key', (_label, price, expected) => {
    expect(messageOf(withPrice(price))).toContain(expected);
  });

  it('gives the price of the deployment a route came from', () => {
    const config = parseRoutingConfig(
      {
        ...base,
        models: [
          ...base.models,
          { name: 'spread', provider: 'mock', model: 'echo', price: { inputPerMillion: 1, outputPerMillion: 2 } },
          { name: 'spread', provider: 'other', model: 'echo', price: { inputPerMillion: 3, outputPerMillion: 4 } },
          { name: 'unpriced', provider: 'other', model: 'free-for-all' },
        ],
      },
      {},
    );
    const catalog = new ModelCatalog(config, {});
    expect(catalog.priceOf(catalog.resolve('default'))).toStrictEqual({ inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075 });
    expect(catalog.priceOf(catalog.resolveChain('spread', 'mock').route)).toStrictEqual({ inputPerMillion: 1, outputPerMillion: 2 });
    expect(catalog.priceOf(catalog.resolveChain('spread', 'other').route)).toStrictEqual({ inputPerMillion: 3, outputPerMillion: 4 });
    // A route whose public name has no entry falls back to the provider's model.
    expect(catalog.priceOf({ publicModel: 'renamed', provider: 'other', model: 'echo' })?.inputPerMillion).toBe(3);
    expect(catalog.priceOf(catalog.resolve('unpriced'))).toBeUndefined();
  });

  it('charges nothing for a local server model without a price, such as one named directly', () => {
    const catalog = new ModelCatalog(parseRoutingConfig(base, {}), {});
    expect(catalog.priceOf(catalog.resolve('local/llama3.2'))).toStrictEqual({ inputPerMillion: 0, outputPerMillion: 0 });
  });
});
