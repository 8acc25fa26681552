import { randomUUID } from 'node:crypto';
import type { PromptedChatRequest } from '@switchyard/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { rejection, usePromptDatabase } from '../prompt-database.test-support';
import type { PromptSelector } from '../store/prompt-records';
import { PromptStore, type ResolvedPrompt } from '../store/prompt-store';
import { CachedPromptResolver } from './cached-prompt-resolver';
import type { PromptResolver } from './prompt-resolver';
import { renderPromptedRequest } from './render-prompted-request';

/** The store, counting how often PostgreSQL is asked. */
class CountingResolver implements PromptResolver {
  calls = 0;
  constructor(private readonly store: PromptStore) {}
  resolve(tenant: string, name: string, selector: PromptSelector, key: string): Promise<ResolvedPrompt> {
    this.calls++;
    return this.store.resolve(tenant, name, selector, key);
  }
}

describe('rendering a request from a stored prompt', () => {
  const tenant = `t-${randomUUID()}`;
  const context = { tenant, stickinessKey: 'user:ana' };
  const db = usePromptDatabase([tenant], { poolSize: 2 });

  beforeAll(async () => {
    await db.prompts.saveVersion(tenant, 'support', {
      messages: [
        { role: 'system', content: 'You help {{product}} users.' },
        { role: 'user', content: 'Question: {{question}}' },
      ],
      model: 'fast',
      parameters: { temperature: 0.2, max_tokens: 100 },
      responseFormat: { type: 'json_object' },
      variables: { type: 'object', properties: { product: { type: 'string' }, question: { type: 'string' } }, required: ['product', 'question'] },
      variants: [{ model: 'smart', messages: [{ role: 'user', content: 'Think hard about {{product}}: {{question}}' }], parameters: { temperature: 0 } }],
    });
  });

  const body = (extra: Partial<PromptedChatRequest> = {}): PromptedChatRequest => ({
    prompt: { name: 'support', variables: { product: 'Switchyard', question: 'How do I retry?' } },
    ...extra,
  });

  it("fills the template, takes the version's model, defaults and response format, and drops `prompt`", async () => {
    const { request, prompt } = await renderPromptedRequest(db.prompts, body({ messages: [{ role: 'user', content: 'Thanks!' }] }), context);
    expect(request).toStrictEqual({
      model: 'fast',
      messages: [
        { role: 'system', content: 'You help Switchyard users.' },
        { role: 'user', content: 'Question: How do I retry?' },
        { role: 'user', content: 'Thanks!' },
      ],
      temperature: 0.2,
      max_tokens: 100,
      response_format: { type: 'json_object' },
    });
    expect(prompt).toStrictEqual({ name: 'support', version: 1, variant: null, label: null });
  });

  it("keeps what the caller set, and picks the variant of the caller's model, or of the model an alias routes to", async () => {
    const own = await renderPromptedRequest(db.prompts, body({ model: 'smart', temperature: 1, response_format: { type: 'text' } }), context);
    expect(own.request).toMatchObject({ model: 'smart', temperature: 1, max_tokens: 100, response_format: { type: 'text' } });
    expect(own.request.messages).toStrictEqual([{ role: 'user', content: 'Think hard about Switchyard: How do I retry?' }]);
    expect(own.prompt.variant).toBe('smart');
    const alias = await renderPromptedRequest(db.prompts, body({ model: 'clever' }), {
      ...context,
      publicModelOf: (model) => (model === 'clever' ? 'smart' : undefined),
    });
    expect(alias.request.model).toBe('clever');
    expect(alias.request).toMatchObject({ temperature: 0 });
    expect(alias.prompt.variant).toBe('smart');
  });

  it('names the variable at fault, and refuses a version without a model when the caller names none', async () => {
    const missing = await rejection(() => renderPromptedRequest(db.prompts, body({ prompt: { name: 'support', variables: { product: 'x' } } }), context));
    expect(missing.param).toBe('prompt.variables.question');
    await db.prompts.saveVersion(tenant, 'modelless', { messages: [{ role: 'user', content: 'Hi' }] });
    const modelless = await rejection(() => renderPromptedRequest(db.prompts, { prompt: { name: 'modelless' } }, context));
    expect(modelless).toMatchObject({ code: 'invalid_request', param: 'model' });
    expect((await renderPromptedRequest(db.prompts, { model: 'fast', prompt: { name: 'modelless' } }, context)).request.model).toBe('fast');
  });
});

describe(CachedPromptResolver.name, () => {
  const tenant = `t-${randomUUID()}`;
  const db = usePromptDatabase([tenant], { poolSize: 2 });

  beforeAll(async () => {
    await db.prompts.saveVersion(tenant, 'cached', { messages: [{ role: 'user', content: 'One' }] });
    await db.prompts.saveVersion(tenant, 'cached', { messages: [{ role: 'user', content: 'Two' }] });
    await db.prompts.setLabel(tenant, 'cached', 'production', 1);
  });

  it('asks PostgreSQL once for a named version, and once per label and key until the label entry expires', async () => {
    let now = 1_000;
    const source = new CountingResolver(db.prompts);
    const cached = new CachedPromptResolver(source, { labelTtlMs: 5_000, now: () => now });
    const versions = await Promise.all(Array.from({ length: 10 }, (_, i) => cached.resolve(tenant, 'cached', { version: 2 }, `key-${i}`)));
    expect(versions.map((v) => v.version.version)).toStrictEqual(Array(10).fill(2));
    expect(source.calls).toBe(1);

    expect((await cached.resolve(tenant, 'cached', {}, 'key-a')).version.version).toBe(1);
    await db.prompts.setLabel(tenant, 'cached', 'production', 2);
    now += 4_000;
    // Within the bound, the label's old choice is still used…
    expect((await cached.resolve(tenant, 'cached', {}, 'key-a')).version.version).toBe(1);
    now += 1_001;
    // …and after it, the move is seen.
    expect((await cached.resolve(tenant, 'cached', {}, 'key-a')).version.version).toBe(2);
    expect(source.calls).toBe(3);

    await db.prompts.setLabel(tenant, 'cached', 'production', 1);
    cached.invalidate(tenant, 'cached');
    expect((await cached.resolve(tenant, 'cached', {}, 'key-a')).version.version).toBe(1);
  });

  it('keeps no failure: a missing prompt is asked about again, and an unreachable database is a 503', async () => {
    const source = new CountingResolver(db.prompts);
    const cached = new CachedPromptResolver(source);
    expect((await rejection(() => cached.resolve(tenant, 'absent', {}, 'k'))).code).toBe('not_found');
    expect((await rejection(() => cached.resolve(tenant, 'absent', {}, 'k'))).code).toBe('not_found');
    expect(source.calls).toBe(2);
    const down = new CachedPromptResolver({ resolve: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) });
    const unavailable = await rejection(() => down.resolve(tenant, 'cached', {}, 'k'));
    expect(unavailable.code).toBe('service_unavailable');
    expect(unavailable.message).toContain('Prompts cannot be read');
  });
});
