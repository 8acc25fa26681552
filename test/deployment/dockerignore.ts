import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './dockerfile';

interface Rule {
  pattern: RegExp;
  exclude: boolean;
}

function toRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Whether the build context leaves a path out, read the way Docker reads
 * .dockerignore: a pattern that matches a folder leaves out all it holds, and
 * the last pattern that matches wins (`!` puts a path back).
 */
export function excludedFromBuildContext(text = readFileSync(join(repositoryRoot, '.dockerignore'), 'utf8')): (path: string) => boolean {
  const rules: Rule[] = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exclude = !line.startsWith('!');
      const glob = (exclude ? line : line.slice(1)).replace(/^\/+/, '').replace(/\/+$/, '');
      return { pattern: toRegExp(glob), exclude };
    });
  return (path) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((prefix) => rule.pattern.test(prefix))) excluded = rule.exclude;
    return excluded;
  };
}
