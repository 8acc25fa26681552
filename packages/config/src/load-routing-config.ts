import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config-error';
import { interpolateEnv } from './interpolate-env';
import { resolveConfigPath } from './resolve-config-path';
import { type RoutingConfig, routingConfigSchema } from './routing-config-schema';

function describeIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const key = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
    return `  ${key.replace(/^\./, '') || '(root)'}: ${issue.message}`;
  });
  return `Invalid routing config ${source}:\n${lines.join('\n')}`;
}

/** Validates an already-parsed document; throws `ConfigError` naming each bad key. */
export function parseRoutingConfig(document: unknown, env: NodeJS.ProcessEnv = process.env, source = '(inline)'): RoutingConfig {
  const result = routingConfigSchema.safeParse(interpolateEnv(document, env));
  if (!result.success) throw new ConfigError(describeIssues(source, result.error));
  return result.data;
}

export function loadRoutingConfig(configPath: string, env: NodeJS.ProcessEnv = process.env): RoutingConfig {
  const path = resolveConfigPath(configPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read routing config ${path}: ${(cause as Error).message}`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (cause) {
    throw new ConfigError(`Routing config ${path} is not valid YAML: ${(cause as Error).message}`);
  }
  return parseRoutingConfig(document, env, path);
}
