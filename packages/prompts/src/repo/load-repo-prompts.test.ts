import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejection, usePromptDatabase } from '../prompt-database.test-support';
import { loadRepoPrompts } from './load-repo-prompts';
import { PromptFileError } from './prompt-file-error';
import { readPromptFiles } from './read-prompt-files';

/** Repo prompts are shared by the whole database: names of this run's own keep runs apart. */
const run = `t${randomUUID().slice(0, 8)}`;

const summary = (text: string, extra = '') =>
  `model: fast\nvariables:\n  type: object\n  properties:\n    ticket: { type: string }\n  required: [ticket]\nmessages:\n  - role: user\n    content: "${text} {{ticket}}"\n${extra}`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-prompts-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

function fileError(run: () => unknown): PromptFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof PromptFileError) return error;
    throw error;
  }
  throw new Error('expected a PromptFileError');
}

describe('the prompts folder', () => {
  const tenant = `t-${randomUUID()}`;
  const other = `t-${randomUUID()}`;
  const db = usePromptDatabase([tenant, other], { repoPrefix: run });

  it('adds an unchanged file once, however many gateways load it at once', async () => {
    const dir = folder({ [`${run}-summary.yaml`]: summary('Summarise:') });
    const loads = await Promise.all([1, 2, 3].map(() => loadRepoPrompts(db.prompts, dir)));
    expect(loads.flat().map(({ name, version }) => [name, version])).toStrictEqual(Array.from({ length: 3 }, () => [`${run}-summary`, 1]));
    expect(loads.flat().filter((loaded) => loaded.added)).toHaveLength(1);
    expect(await loadRepoPrompts(db.prompts, dir)).toStrictEqual([expect.objectContaining({ version: 1, added: false })]);
    const detail = await db.prompts.get(tenant, `${run}-summary`);
    expect(detail).toMatchObject({ source: 'repo', labels: [{ label: 'production', split: [{ version: 1, weight: 100 }] }] });
    expect(detail?.versions).toHaveLength(1);
  });

  it('adds a version when a file changes and moves exactly its labels to it', async () => {
    const name = `${run}-changing`;
    const dir = folder({ [`${name}.yaml`]: summary('One:', 'labels: [production, staging]\n') });
    await loadRepoPrompts(db.prompts, dir);
    writeFileSync(join(dir, `${name}.yaml`), summary('Two:', 'labels: [production]\n'));
    expect(await loadRepoPrompts(db.prompts, dir)).toStrictEqual([expect.objectContaining({ name, version: 2, added: true })]);
    const detail = await db.prompts.get(tenant, name);
    expect(detail?.versions.map((v) => v.messages[0]?.content)).toStrictEqual(['One: {{ticket}}', 'Two: {{ticket}}']);
    expect(detail?.labels.map(({ label, split }) => ({ label, split }))).toStrictEqual([{ label: 'production', split: [{ version: 2, weight: 100 }] }]);
  });

  it('is read by every tenant, written by none, and a tenant’s own prompt of the name goes first', async () => {
    const name = `${run}-shared`;
    await loadRepoPrompts(db.prompts, folder({ 'shared.yaml': `name: ${name}\n${summary('Repo:')}` }));
    for (const who of [tenant, other]) {
      expect(await db.prompts.list(who)).toContainEqual(expect.objectContaining({ name, source: 'repo', latestVersion: 1 }));
      expect((await db.prompts.resolve(who, name, {}, 'user-1')).version.messages[0]?.content).toBe('Repo: {{ticket}}');
    }
    expect(await rejection(() => db.prompts.setLabel(tenant, name, 'production', 1))).toMatchObject({ code: 'permission_denied', param: 'name' });

    await db.prompts.saveVersion(tenant, name, { messages: [{ role: 'user', content: 'Mine: {{ticket}}' }] });
    expect((await db.prompts.resolve(tenant, name, {}, 'user-1')).version.messages[0]?.content).toBe('Mine: {{ticket}}');
    expect(await db.prompts.get(tenant, name)).toMatchObject({ source: 'api', versions: [{ version: 1 }] });
    expect((await db.prompts.list(tenant)).filter((p) => p.name === name)).toStrictEqual([expect.objectContaining({ source: 'api' })]);
    // The other tenant still gets the folder's.
    expect((await db.prompts.resolve(other, name, {}, 'user-1')).version.messages[0]?.content).toBe('Repo: {{ticket}}');
    expect(await db.prompts.get(other, name)).toMatchObject({ source: 'repo' });
  });

  it.each([
    ['an unknown field', 'bad.yaml', `${summary('x')}temperature: 1\n`, 'temperature', /unknown field/],
    ['a template that does not parse', 'bad.yaml', summary('{{#open}}'), 'messages[0].content', /not a valid Mustache template/],
    ['a message without content', 'bad.yaml', 'messages:\n  - role: user\n', 'messages[0].content', /./],
    ['a bad name', 'bad name!.yaml', summary('x'), 'name', /letters, digits/],
    ['a label that is not a name', 'bad.yaml', `${summary('x')}labels: ['no way']\n`, 'labels[0]', /letters, digits/],
    ['YAML that does not parse', 'bad.yaml', 'messages: [unclosed\n', null, /not valid YAML/],
  ])('refuses %s, naming the file and the field', (_case, file, content, field, reason) => {
    const dir = folder({ 'good.yaml': summary('x'), [file]: content });
    const error = fileError(() => readPromptFiles(dir));
    expect(error.file).toBe(join(dir, file));
    expect(error.field).toBe(field);
    expect(error.message).toContain(join(dir, file));
    expect(error.message).toMatch(reason);
  });

  it('refuses two files of one name and stores nothing from a folder with a bad file', async () => {
    const dir = folder({ 'a.yaml': `name: same\n${summary('x')}`, 'same.yml': summary('y') });
    expect(fileError(() => readPromptFiles(dir)).message).toMatch(/same\.yml \(name\): the prompt 'same' is also defined by .*a\.yaml/);
    const name = `${run}-never`;
    const broken = folder({ [`${name}.yaml`]: summary('fine'), 'z.yaml': `${summary('x')}nope: 1\n` });
    await expect(loadRepoPrompts(db.prompts, broken)).rejects.toThrow(/z\.yaml \(nope\)/);
    expect(await db.prompts.get(tenant, name)).toBeUndefined();
    rmSync(broken, { recursive: true });
  });
});
