import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dockerfile, repositoryRoot } from './dockerfile';

const dockerfile = Dockerfile.read();
const targets = dockerfile.targets();
const read = (path: string) => readFileSync(join(repositoryRoot, path), 'utf8');
const documents = [
  'README.md',
  'infra/README.md',
  'Dockerfile',
  'docker-compose.yml',
  '.dockerignore',
  // Pages only: docs/ also holds folders of pictures.
  ...readdirSync(join(repositoryRoot, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
  ...readdirSync(join(repositoryRoot, 'k8s')).map((file) => `k8s/${file}`),
].map((path) => ({ path, text: read(path) }));

describe('deployment docs', () => {
  it('name only build targets that the Dockerfile has, tagged as k8s/ names the images', () => {
    const builds = documents.flatMap(({ path, text }) =>
      [...text.matchAll(/docker build[^\n]*?--target[= ]+([\w-]+)(?:\s+-t\s+(\S+))?/g)].map((match) => ({ path, target: match[1] as string, tag: match[2] })),
    );
    expect(builds.length).toBeGreaterThan(0);
    for (const { path, target, tag } of builds) {
      expect(targets, path).toContain(target);
      if (tag !== undefined) expect(tag, path).toBe(`switchyard/${target}`);
    }
  });

  it('point at no Dockerfile other than the root one', () => {
    for (const { path, text } of documents) {
      expect(text, path).not.toMatch(/[\w-]+\/[\w-]+\/Dockerfile/);
      expect(text, path).not.toMatch(/docker build[^\n]* -f /);
    }
  });

  it.each(targets)('infra/README.md lists the %s image with how to build it', (target) => {
    const row = read('infra/README.md')
      .split('\n')
      .find((line) => line.startsWith(`| \`${target}\``));
    expect(row).toBeDefined();
    expect(row).toContain(`\`docker build --target ${target} -t switchyard/${target} .\``);
  });

  it.each(targets)('the README shows how to build the %s image', (target) => {
    expect(read('README.md')).toMatch(new RegExp(`docker build --target ${target} -t switchyard/${target} \\.`));
  });
});
