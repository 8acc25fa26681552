import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * A relative config path is looked up from the working directory upwards, so
 * an app started from its own folder in the monorepo finds the root's file.
 */
export function resolveConfigPath(path: string, from: string = process.cwd()): string {
  if (isAbsolute(path)) return path;
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, path);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from, path);
    dir = parent;
  }
}
