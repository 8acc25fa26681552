import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rejection, usePromptDatabase } from '../prompt-database.test-support';
import type { NewPromptVersion } from './prompt-records';

const draft = (text: string): NewPromptVersion => ({
  messages: [{ role: 'user', content: text }],
  model: 'fast',
  parameters: { temperature: 0.1 },
  variables: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  author: 'ana@example.com',
  note: 'first try',
});

describe('PromptStore', () => {
  const tenant = `t-${randomUUID()}`;
  const other = `t-${randomUUID()}`;
  const db = usePromptDatabase([tenant, other]);

  it('makes version 2 on a second save and leaves version 1 as it was', async () => {
    const first = await db.prompts.saveVersion(tenant, 'weather', draft('Weather in {{city}}?'));
    expect(first).toMatchObject({
      prompt: 'weather',
      version: 1,
      model: 'fast',
      author: 'ana@example.com',
      note: 'first try',
      responseFormat: null,
      variants: [],
    });
    const second = await db.prompts.saveVersion(tenant, 'weather', { ...draft('Forecast for {{city}}, please.'), note: 'politer' });
    expect(second.version).toBe(2);
    expect(await db.prompts.version(tenant, 'weather', 1)).toStrictEqual(first);
    const detail = await db.prompts.get(tenant, 'weather');
    expect(detail?.versions.map((v) => [v.version, v.messages[0]?.content])).toStrictEqual([
      [1, 'Weather in {{city}}?'],
      [2, 'Forecast for {{city}}, please.'],
    ]);
    expect(await db.prompts.list(tenant)).toContainEqual(expect.objectContaining({ name: 'weather', latestVersion: 2 }));
  });

  it('gives concurrent saves distinct, consecutive numbers', async () => {
    const saved = await Promise.all(Array.from({ length: 8 }, (_, i) => db.prompts.saveVersion(tenant, 'busy', draft(`Take ${i}: {{city}}`))));
    expect(saved.map((v) => v.version).sort((a, b) => a - b)).toStrictEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('moves a label between versions without making a version', async () => {
    await db.prompts.saveVersion(tenant, 'labelled', draft('One {{city}}'));
    await db.prompts.saveVersion(tenant, 'labelled', draft('Two {{city}}'));
    await db.prompts.setLabel(tenant, 'labelled', 'production', 1);
    expect((await db.prompts.resolve(tenant, 'labelled', {}, 'key-1')).version.version).toBe(1);
    const moved = await db.prompts.setLabel(tenant, 'labelled', 'production', 2);
    expect(moved).toMatchObject({ label: 'production', split: [{ version: 2, weight: 100 }] });
    expect(await db.prompts.resolve(tenant, 'labelled', {}, 'key-1')).toMatchObject({ version: { version: 2 }, label: 'production' });
    const detail = await db.prompts.get(tenant, 'labelled');
    expect(detail?.versions).toHaveLength(2);
    expect(detail?.labels.map((l) => l.label)).toStrictEqual(['production']);
  });

  it('moves the labels a save names to the version it makes, in the same transaction', async () => {
    await db.prompts.saveVersion(tenant, 'saved-labels', draft('One {{city}}'), ['production', 'staging']);
    const second = await db.prompts.saveVersion(tenant, 'saved-labels', draft('Two {{city}}'), ['staging']);
    const detail = await db.prompts.get(tenant, 'saved-labels');
    expect(detail?.labels.map(({ label, split }) => [label, split])).toStrictEqual([
      ['production', [{ version: 1, weight: 100 }]],
      ['staging', [{ version: second.version, weight: 100 }]],
    ]);
    expect(await rejection(() => db.prompts.saveVersion(tenant, 'saved-labels', draft('Three {{city}}'), ['ok', 'not ok']))).toMatchObject({
      param: 'labels[1]',
    });
    expect((await db.prompts.get(tenant, 'saved-labels'))?.versions).toHaveLength(2);
  });

  it('resolves a named version, a named label, and the latest version when nothing is labelled production', async () => {
    await db.prompts.saveVersion(tenant, 'resolving', draft('A {{city}}'));
    await db.prompts.saveVersion(tenant, 'resolving', draft('B {{city}}'));
    await db.prompts.saveVersion(tenant, 'resolving', draft('C {{city}}'));
    await db.prompts.setLabel(tenant, 'resolving', 'staging', 2);
    expect((await db.prompts.resolve(tenant, 'resolving', {}, 'k')).version.version).toBe(3);
    expect(await db.prompts.resolve(tenant, 'resolving', { version: 1 }, 'k')).toMatchObject({ version: { version: 1 }, label: null });
    expect(await db.prompts.resolve(tenant, 'resolving', { label: 'staging' }, 'k')).toMatchObject({ version: { version: 2 }, label: 'staging' });
    expect((await rejection(() => db.prompts.resolve(tenant, 'resolving', { label: 'canary' }, 'k'))).code).toBe('not_found');
    expect((await rejection(() => db.prompts.resolve(tenant, 'resolving', { version: 9 }, 'k'))).code).toBe('not_found');
  });

  it('splits a label between versions, keeping each caller on one version', async () => {
    await db.prompts.saveVersion(tenant, 'split', draft('Old {{city}}'));
    await db.prompts.saveVersion(tenant, 'split', draft('New {{city}}'));
    await db.prompts.setLabel(tenant, 'split', 'production', [
      { version: 1, weight: 90 },
      { version: 2, weight: 10 },
    ]);
    const seen = new Map<number, number>();
    for (let user = 0; user < 200; user++) {
      const { version } = await db.prompts.resolve(tenant, 'split', {}, `user-${user}`);
      seen.set(version.version, (seen.get(version.version) ?? 0) + 1);
      expect((await db.prompts.resolve(tenant, 'split', {}, `user-${user}`)).version.version).toBe(version.version);
    }
    expect([...seen.keys()].sort()).toStrictEqual([1, 2]);
  });

  it('refuses a split that does not add up to 100 or names a version that does not exist', async () => {
    await db.prompts.saveVersion(tenant, 'strict-split', draft('Only {{city}}'));
    const short = await rejection(() => db.prompts.setLabel(tenant, 'strict-split', 'production', [{ version: 1, weight: 50 }]));
    expect(short).toMatchObject({ code: 'invalid_request', param: 'split' });
    const ghost = await rejection(() =>
      db.prompts.setLabel(tenant, 'strict-split', 'production', [
        { version: 1, weight: 50 },
        { version: 7, weight: 50 },
      ]),
    );
    expect(ghost).toMatchObject({ code: 'invalid_request', param: 'split[1].version' });
    expect((await rejection(() => db.prompts.setLabel(tenant, 'strict-split', 'production', 4))).param).toBe('version');
    expect((await db.prompts.get(tenant, 'strict-split'))?.labels).toStrictEqual([]);
  });

  it("treats another tenant's prompt as missing", async () => {
    await db.prompts.saveVersion(tenant, 'private', draft('Secret {{city}}'));
    expect(await db.prompts.get(other, 'private')).toBeUndefined();
    expect(await db.prompts.version(other, 'private', 1)).toBeUndefined();
    // Only the shared prompts of the repo's folder (loaded by any gateway started on this database) may be listed.
    expect((await db.prompts.list(other)).filter((prompt) => prompt.source !== 'repo')).toStrictEqual([]);
    expect((await rejection(() => db.prompts.resolve(other, 'private', {}, 'k'))).code).toBe('not_found');
    expect((await rejection(() => db.prompts.setLabel(other, 'private', 'production', 1))).code).toBe('not_found');
    // The same name in another tenant is a prompt of its own, numbered from 1.
    expect((await db.prompts.saveVersion(other, 'private', draft('Mine {{city}}'))).version).toBe(1);
    expect((await db.prompts.version(tenant, 'private', 1))?.messages[0]?.content).toBe('Secret {{city}}');
  });

  it('refuses to store a template that could never render', async () => {
    const unclosed = await rejection(() => db.prompts.saveVersion(tenant, 'broken', draft('Hi {{#city}}')));
    expect(unclosed).toMatchObject({ code: 'invalid_request', param: 'messages[0].content' });
    const partial = await rejection(() => db.prompts.saveVersion(tenant, 'broken', draft('Hi {{> header}}')));
    expect(partial.param).toBe('messages[0].content');
    const badSchema = await rejection(() => db.prompts.saveVersion(tenant, 'broken', { ...draft('Hi'), variables: { type: 'nonsense' } }));
    expect(badSchema.param).toBe('variables');
    expect(await db.prompts.get(tenant, 'broken')).toBeUndefined();
  });

  it('refuses defaults that would make every request it renders invalid, naming the field', async () => {
    const saved = (fields: Partial<NewPromptVersion>) => rejection(() => db.prompts.saveVersion(tenant, 'unusable', { ...draft('Hi'), ...fields }));
    expect(await saved({ parameters: { temperature: 'hot' } })).toMatchObject({ code: 'invalid_request', param: 'parameters.temperature' });
    expect((await saved({ responseFormat: { type: 'bogus' } })).param).toMatch(/^response_format/);
    const schema = { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'nonsense' } } };
    expect((await saved({ responseFormat: schema })).param).toBe('response_format.json_schema.schema');
    expect((await saved({ variables: { type: 'string' } })).param).toBe('variables');
    expect((await saved({ variants: [{ model: 'smart', parameters: { max_tokens: -3 } }] })).param).toBe('variants[0].parameters.max_tokens');
    expect(await db.prompts.get(tenant, 'unusable')).toBeUndefined();
  });

  it('refuses text PostgreSQL cannot hold (NUL) with a 400 naming the field', async () => {
    const saved = (fields: Partial<NewPromptVersion>) => rejection(() => db.prompts.saveVersion(tenant, 'nul', { ...draft('Hi'), ...fields }));
    expect(await saved({ messages: [{ role: 'user', content: 'a\u0000b' }] })).toMatchObject({ code: 'invalid_request', param: 'messages[0].content' });
    expect((await saved({ author: 'a\u0000' })).param).toBe('author');
    expect((await saved({ note: '\u0000' })).param).toBe('note');
    expect((await saved({ parameters: { 'stop\u0000': 'x' } })).param).toBe('parameters');
    expect(await db.prompts.get(tenant, 'nul')).toBeUndefined();
  });

  it('answers names, labels and versions that could never be stored as missing, not as a database error', async () => {
    await db.prompts.saveVersion(tenant, 'odd', draft('Hi'));
    const huge = 2 ** 40;
    expect(await db.prompts.get(tenant, 'a\u0000b')).toBeUndefined();
    expect(await db.prompts.version(tenant, 'odd', huge)).toBeUndefined();
    expect(await db.prompts.version(tenant, 'a\u0000b', 1)).toBeUndefined();
    expect((await rejection(() => db.prompts.resolve(tenant, 'a\u0000b', {}, 'k'))).code).toBe('not_found');
    expect((await rejection(() => db.prompts.resolve(tenant, 'odd', { label: 'a\u0000' }, 'k'))).code).toBe('not_found');
    expect((await rejection(() => db.prompts.resolve(tenant, 'odd', { version: huge }, 'k'))).code).toBe('not_found');
    expect((await rejection(() => db.prompts.setLabel(tenant, 'a\u0000b', 'production', 1))).code).toBe('not_found');
    expect(await rejection(() => db.prompts.setLabel(tenant, 'odd', 'production', huge))).toMatchObject({ code: 'invalid_request', param: 'version' });
    const split = [
      { version: 1, weight: 50 },
      { version: huge, weight: 50 },
    ];
    expect((await rejection(() => db.prompts.setLabel(tenant, 'odd', 'production', split))).param).toBe('split[1].version');
  });
});
