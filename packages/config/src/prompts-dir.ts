import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from './config-error';
import type { PlatformEnv } from './platform-env';
import { resolveConfigPath } from './resolve-config-path';
import type { RoutingConfig } from './routing-config-schema';

const DEFAULT_PROMPTS_DIR = 'prompts';

/**
 * The prompts folder the gateway loads, or undefined when there is none to
 * load: `SWITCHYARD_PROMPTS_DIR` (relative to the working directory), else
 * the routing file's `prompts.dir` (relative to that file), else `prompts`
 * beside the routing file when it exists. A folder that was named but is
 * missing is a mistake, not an empty folder.
 */
export function resolvePromptsDir(
  env: Pick<PlatformEnv, 'SWITCHYARD_CONFIG' | 'SWITCHYARD_PROMPTS_DIR'>,
  config: Pick<RoutingConfig, 'prompts'>,
): string | undefined {
  const routingDir = dirname(resolveConfigPath(env.SWITCHYARD_CONFIG));
  const named =
    env.SWITCHYARD_PROMPTS_DIR !== undefined
      ? { dir: resolve(env.SWITCHYARD_PROMPTS_DIR), by: 'SWITCHYARD_PROMPTS_DIR' }
      : config.prompts.dir !== undefined
        ? { dir: resolve(routingDir, config.prompts.dir), by: 'prompts.dir' }
        : undefined;
  if (named === undefined) {
    const fallback = resolve(routingDir, DEFAULT_PROMPTS_DIR);
    return existsSync(fallback) ? fallback : undefined;
  }
  if (!existsSync(named.dir)) throw new ConfigError(`The prompts folder ${named.dir} (${named.by}) does not exist.`);
  return named.dir;
}
