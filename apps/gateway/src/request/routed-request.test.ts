import { describe, expect, it } from 'vitest';
import { RoutedRequest } from './routed-request';

const chain = { route: { publicModel: 'fast', provider: 'mock', model: 'echo' }, fallbacks: [] };

describe(RoutedRequest.name, () => {
  it('validates and routes a body once, however often it is asked', () => {
    const calls = { parse: 0, route: 0 };
    const routed = new RoutedRequest(
      () => ++calls.parse,
      () => {
        calls.route++;
        return chain;
      },
    );
    expect([routed.body(), routed.body(), routed.chain(), routed.chain()]).toStrictEqual([1, 1, chain, chain]);
    expect(calls).toStrictEqual({ parse: 1, route: 1 });
  });

  it('gives every asker the same validation error, and routes nothing', () => {
    const invalid = new Error('messages is required');
    let routes = 0;
    const routed = new RoutedRequest(
      () => {
        throw invalid;
      },
      () => {
        routes++;
        return chain;
      },
    );
    expect(() => routed.body()).toThrow(invalid);
    expect(() => routed.chain()).toThrow(invalid);
    expect(routes).toBe(0);
  });

  it('keeps the body when only its model cannot be routed', () => {
    const unknown = new Error('model not found');
    const routed = new RoutedRequest(
      () => ({ model: 'nowhere' }),
      () => {
        throw unknown;
      },
    );
    expect(routed.body()).toStrictEqual({ model: 'nowhere' });
    expect(() => routed.chain()).toThrow(unknown);
    expect(() => routed.chain()).toThrow(unknown);
  });
});
