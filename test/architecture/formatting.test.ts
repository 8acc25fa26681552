import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repositoryRoot = join(__dirname, '..', '..');
const biome = join(repositoryRoot, 'node_modules', '.bin', 'biome');

/** `biome ci`: the formatter, import sorting and lint errors, read-only; a non-zero exit names each file. */
function biomeCi(...paths: string[]): { status: number | null; output: string } {
  const run = spawnSync(biome, ['ci', '--colors=off', ...paths], { cwd: repositoryRoot, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('source formatting', () => {
  it('every source and test file is formatted and has its imports sorted', () => {
    const { status, output } = biomeCi('.');

    // The report names each file and the change it wants; `npx biome check --write .` applies them.
    expect(status, output).toBe(0);
  });

  it('a file with drifted indentation and unsorted imports fails the check', () => {
    // Inside the tree, so biome.json applies; removed before the test ends.
    const folder = join(repositoryRoot, 'test', 'architecture', 'unformatted-sample', 'src');
    mkdirSync(folder, { recursive: true });
    try {
      writeFileSync(join(folder, 'sample.ts'), "import { b } from './b';\nimport { a } from './a';\nexport const c = () => {\n      return a + b;\n};\n");

      const { status, output } = biomeCi(join('test', 'architecture', 'unformatted-sample'));

      expect(status).not.toBe(0);
      expect(output).toContain('sample.ts');
      expect(output).toMatch(/format|organizeImports|imports/i);
    } finally {
      rmSync(join(repositoryRoot, 'test', 'architecture', 'unformatted-sample'), { recursive: true, force: true });
    }
  });
});
