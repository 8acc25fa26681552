// What `npm start` answers the model `default` with: a small instruct model
// run in-process by worker-local when no provider key is set and the model
// can be had, else the mock upstream's `echo` stand-in. See docs/local-models.md.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_EMBEDDED_REPO = 'Qwen/Qwen2.5-0.5B-Instruct-GGUF';
export const DEFAULT_EMBEDDED_FILE = 'qwen2.5-0.5b-instruct-q4_k_m.gguf';
export const DEFAULT_EMBEDDED_MODEL = `hf:${DEFAULT_EMBEDDED_REPO}/${DEFAULT_EMBEDDED_FILE}`;
/** Long enough for a hub that answers, short enough not to hold up a start without network. */
export const HUB_PROBE_TIMEOUT_MS = 3000;

const ADVICE =
  'for a real model set SWITCHYARD_DEFAULT_MODEL_FILE=/path/model.gguf or start once with access to the Hugging Face hub; SWITCHYARD_EMBEDDED_DEFAULT=off keeps echo without this line';

/**
 * The choice, from what `npm start` found. Returns the model the embedded
 * provider serves as `default` (a path or an `hf:` reference), or none, and
 * the one line to print (none when there is nothing to say).
 *
 * @param {{ keys: string[], optOut: boolean, modelFile?: string, modelFileExists: boolean, cached: boolean, hubReachable: boolean }} found
 * @returns {{ embeddedModel?: string, line?: string }}
 */
export function chooseDefaultModel({ keys, optOut, modelFile, modelFileExists, cached, hubReachable }) {
  if (optOut) return {};
  // An operator who names a file wants it, keys or not.
  if (modelFile) {
    if (modelFileExists) return { embeddedModel: modelFile, line: `[start] default answers with the embedded model ${modelFile}` };
    return { line: `[start] default answers with the echo stand-in: SWITCHYARD_DEFAULT_MODEL_FILE=${modelFile} does not exist; ${ADVICE}` };
  }
  // With a provider key the operator has real models; `default` stays where the routing file puts it.
  if (keys.length > 0) return {};
  if (cached) return { embeddedModel: DEFAULT_EMBEDDED_MODEL, line: `[start] default answers with the embedded ${DEFAULT_EMBEDDED_MODEL} (no provider key is set)` };
  if (hubReachable) {
    return {
      embeddedModel: DEFAULT_EMBEDDED_MODEL,
      line: `[start] default answers with the embedded ${DEFAULT_EMBEDDED_MODEL} (no provider key is set); downloading it (about 490 MB) before its first answer`,
    };
  }
  return { line: `[start] default answers with the echo stand-in: no provider key is set, and ${DEFAULT_EMBEDDED_MODEL} is not cached and the hub did not answer; ${ADVICE}` };
}

/** The key variables the routing file names (`apiKeyEnv`) that hold a value. */
export function providerKeysSet(routingFile, env) {
  // A routing file that is not there fails the gateway's start with its own message.
  const text = existsSync(routingFile) ? readFileSync(routingFile, 'utf8') : '';
  const names = [...text.matchAll(/^\s*apiKeyEnv:\s*['"]?([A-Za-z_][A-Za-z0-9_]*)/gm)].map((match) => match[1]);
  return [...new Set(names)].filter((name) => Boolean(env[name]));
}

/** Where the embedded provider keeps the default model once downloaded (model-reference.ts lays it out). */
export function cachedDefaultModelPath(env) {
  const modelsDir = env.SWITCHYARD_MODELS_DIR || join(homedir(), '.cache', 'switchyard', 'models');
  const [org, repo] = DEFAULT_EMBEDDED_REPO.split('/');
  return join(modelsDir, 'hf', org, repo, 'main', DEFAULT_EMBEDDED_FILE);
}

/** Whether the hub answers for the default model's file within the timeout (any HTTP answer counts). */
export async function hubAnswers(env, timeoutMs = HUB_PROBE_TIMEOUT_MS) {
  const endpoint = (env.SWITCHYARD_HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
  try {
    const response = await fetch(`${endpoint}/${DEFAULT_EMBEDDED_REPO}/resolve/main/${DEFAULT_EMBEDDED_FILE}`, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.status < 400;
  } catch {
    return false;
  }
}

/**
 * Decides and returns the environment the platform's processes get: the
 * embedded provider switched on and `default` moved to it, or nothing.
 */
export async function defaultModelEnv(routingFile, env) {
  // Another routing file, without the embedded provider this switches on, decides `default` alone.
  if (!existsSync(routingFile) || !readFileSync(routingFile, 'utf8').includes('SWITCHYARD_EMBEDDED_ENABLED')) return { env: {} };
  const keys = providerKeysSet(routingFile, env);
  const optOut = env.SWITCHYARD_EMBEDDED_DEFAULT === 'off';
  const modelFile = env.SWITCHYARD_DEFAULT_MODEL_FILE || undefined;
  const cached = existsSync(cachedDefaultModelPath(env));
  const needsHub = !optOut && modelFile === undefined && keys.length === 0 && !cached;
  const choice = chooseDefaultModel({
    keys,
    optOut,
    modelFile,
    modelFileExists: modelFile !== undefined && existsSync(modelFile),
    cached,
    hubReachable: needsHub && (await hubAnswers(env)),
  });
  const childEnv =
    choice.embeddedModel === undefined
      ? {}
      : { SWITCHYARD_EMBEDDED_ENABLED: 'true', SWITCHYARD_DEFAULT_MODEL_FILE: choice.embeddedModel, SWITCHYARD_ECHO_ALIAS: 'echo' };
  return { line: choice.line, env: childEnv };
}
