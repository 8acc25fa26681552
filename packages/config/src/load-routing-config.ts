import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from './config-error';
import { interpolateEnv } from './interpolate-env';
import { resolveConfigPath } from './resolve-config-path';
import { type ModelRouting, modelRoutingSchema, type RoutingConfig, routingConfigSchema } from './routing-config-schema';

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

/**
 * Providers and models only, for services that route but take no HTTP
 * requests (workers, the direct client): `auth` is dropped unread, so a key
 * written as `${SWITCHYARD_API_KEY}` needs no such variable here.
 */
export function parseModelRouting(document: unknown, env: NodeJS.ProcessEnv = process.env, source = '(inline)'): ModelRouting {
  const routes = isRecord(document) ? Object.fromEntries(Object.entries(document).filter(([key]) => key !== 'auth')) : document;
  const result = modelRoutingSchema.safeParse(interpolateEnv(routes, env));
  if (!result.success) throw new ConfigError(describeIssues(source, result.error));
  return result.data;
}

/** The gateway's routing file, API keys included. */
export function loadRoutingConfig(configPath: string, env: NodeJS.ProcessEnv = process.env): RoutingConfig {
  const { path, document } = readRoutingFile(configPath);
  return parseRoutingConfig(document, env, path);
}

/** The routing file's providers and models, without the gateway's API keys. */
export function loadModelRouting(configPath: string, env: NodeJS.ProcessEnv = process.env): ModelRouting {
  const { path, document } = readRoutingFile(configPath);
  return parseModelRouting(document, env, path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readRoutingFile(configPath: string): { path: string; document: unknown } {
  const path = resolveConfigPath(configPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read routing config ${path}: ${(cause as Error).message}`);
  }
  // Loaded here, not at import: a process that never reads the routing file (the webhook dispatcher) does without it.
  const { parse } = require('yaml') as typeof import('yaml');
  try {
    return { path, document: parse(text) };
  } catch (cause) {
    throw new ConfigError(`Routing config ${path} is not valid YAML: ${(cause as Error).message}`);
  }
}
