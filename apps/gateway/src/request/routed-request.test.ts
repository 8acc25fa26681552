import { describe, expect, it } from 'vitest';
import { RoutedRequest } from './routed-request';

const chain = { route: { publicModel: 'fast', provider: 'mock', model: 'echo' }, fallbacks: [] };

describe(RoutedRequest.name, () => {
  it('validates and routes a body once, however often it is asked', async () => {
    const calls = { parse: 0, route: 0 };
    const routed = new RoutedRequest(
      () => ({ model: `m${++calls.parse}` }),
      (body) => body.model,
      () => {
        calls.route++;
        return chain;
      },
    );
    expect(await Promise.all([routed.body(), routed.body(), routed.chain(), routed.chain()])).toStrictEqual([{ model: 'm1' }, { model: 'm1' }, chain, chain]);
    expect(calls).toStrictEqual({ parse: 1, route: 1 });
  });

  it('routes once when rendering the body needed the route already (a prompt choosing its variant)', async () => {
    let routes = 0;
    const routed = new RoutedRequest(
      async (route) => ({ model: 'fast', variantOf: route('fast').route.publicModel }),
      (body) => body.model,
      () => {
        routes++;
        return chain;
      },
    );
    expect(await routed.body()).toStrictEqual({ model: 'fast', variantOf: 'fast' });
    expect(await routed.chain()).toBe(chain);
    expect(routes).toBe(1);
  });

  it('gives every asker the same validation error, and routes nothing', async () => {
    const invalid = new Error('messages is required');
    let routes = 0;
    const routed = new RoutedRequest(
      (): { model: string } => {
        throw invalid;
      },
      (body) => body.model,
      () => {
        routes++;
        return chain;
      },
    );
    await expect(routed.body()).rejects.toBe(invalid);
    await expect(routed.chain()).rejects.toBe(invalid);
    expect(routes).toBe(0);
  });

  it('keeps the body when only its model cannot be routed', async () => {
    const unknown = new Error('model not found');
    const routed = new RoutedRequest(
      () => ({ model: 'nowhere' }),
      (body) => body.model,
      () => {
        throw unknown;
      },
    );
    expect(await routed.body()).toStrictEqual({ model: 'nowhere' });
    await expect(routed.chain()).rejects.toBe(unknown);
    await expect(routed.chain()).rejects.toBe(unknown);
  });
});
