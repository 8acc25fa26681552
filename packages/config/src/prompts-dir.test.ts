import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePromptsDir } from './prompts-dir';

/** A routing file in a folder of its own, with `folders` made beside it. */
function routingFile(...folders: string[]): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-prompts-dir-'));
  const config = join(dir, 'switchyard.yaml');
  writeFileSync(config, 'models: []\n');
  for (const folder of folders) mkdirSync(join(dir, folder), { recursive: true });
  return { dir, config };
}

describe('resolvePromptsDir', () => {
  it('uses the prompts folder beside the routing file, and none when there is none', () => {
    const withFolder = routingFile('prompts');
    expect(resolvePromptsDir({ SWITCHYARD_CONFIG: withFolder.config }, { prompts: {} })).toBe(join(withFolder.dir, 'prompts'));
    const without = routingFile();
    expect(resolvePromptsDir({ SWITCHYARD_CONFIG: without.config }, { prompts: {} })).toBeUndefined();
  });

  it('reads prompts.dir relative to the routing file, and SWITCHYARD_PROMPTS_DIR over it', () => {
    const { dir, config } = routingFile('shared/prompts', 'other');
    expect(resolvePromptsDir({ SWITCHYARD_CONFIG: config }, { prompts: { dir: 'shared/prompts' } })).toBe(join(dir, 'shared/prompts'));
    expect(resolvePromptsDir({ SWITCHYARD_CONFIG: config, SWITCHYARD_PROMPTS_DIR: join(dir, 'other') }, { prompts: { dir: 'shared/prompts' } })).toBe(
      join(dir, 'other'),
    );
  });

  it('refuses a folder that was named but is not there, saying which setting named it', () => {
    const { config } = routingFile();
    expect(() => resolvePromptsDir({ SWITCHYARD_CONFIG: config }, { prompts: { dir: 'missing' } })).toThrow(
      /prompts folder .*missing \(prompts\.dir\) does not exist/,
    );
    expect(() => resolvePromptsDir({ SWITCHYARD_CONFIG: config, SWITCHYARD_PROMPTS_DIR: '/nowhere/prompts' }, { prompts: {} })).toThrow(
      /SWITCHYARD_PROMPTS_DIR/,
    );
  });
});
