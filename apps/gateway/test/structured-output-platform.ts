import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockUpstream, mockModelId } from '@switchyard/testing';
import { TEST_API_KEY } from './platform-harness';

/** Every provider kind, each pointed at the mock upstream's wire for it. */
export const KINDS = ['openai', 'groq', 'gemini', 'openai-compatible', 'vllm', 'ollama', 'llamacpp', 'tgi'] as const;
export type Kind = (typeof KINDS)[number];

/** Price of the `compat-*` models, so the cost of re-asks shows on the usage row. */
export const STRUCTURED_PRICE = { inputPerMillion: 2, outputPerMillion: 8 };

/** Environment variables holding the (unchecked) keys of the hosted kinds. */
export const KEY_ENV = { SY_TEST_OPENAI_KEY: 'sk-mock', SY_TEST_GROQ_KEY: 'gsk-mock', SY_TEST_GEMINI_KEY: 'gm-mock' };

/** The first answer misses a required field; the re-ask (the request then holds an assistant turn) complies. */
export const BREAKS_ONCE = mockModelId({ schemaBreak: 'missing_field', schemaBreakTimes: 1 });
/** Never complies: breaks while the request holds fewer than 9 assistant turns, more than any re-ask bound. */
const NEVER_COMPLIES = mockModelId({ schemaBreak: 'wrong_type', schemaBreakTimes: 9 });

function providerEntry(kind: Kind, mockUrl: string): string {
  const base: Record<Kind, string> = {
    openai: `kind: openai\n    baseUrl: ${mockUrl}/v1\n    apiKeyEnv: SY_TEST_OPENAI_KEY`,
    groq: `kind: groq\n    baseUrl: ${mockUrl}\n    apiKeyEnv: SY_TEST_GROQ_KEY`,
    gemini: `kind: gemini\n    baseUrl: ${mockUrl}\n    apiKeyEnv: SY_TEST_GEMINI_KEY`,
    'openai-compatible': `kind: openai-compatible\n    baseUrl: ${mockUrl}/v1\n    requiresKey: false`,
    vllm: `kind: vllm\n    baseUrl: ${mockUrl}/v1\n    requiresKey: false`,
    ollama: `kind: ollama\n    baseUrl: ${mockUrl}\n    requiresKey: false`,
    llamacpp: `kind: llamacpp\n    baseUrl: ${mockUrl}\n    requiresKey: false`,
    tgi: `kind: tgi\n    baseUrl: ${mockUrl}\n    requiresKey: false`,
  };
  return `  k-${kind}:\n    ${base[kind]}\n    timeoutMs: 5000\n`;
}

function model(name: string, provider: string, upstream: string, extra = ''): string {
  return `  - name: ${name}\n    provider: ${provider}\n    model: "${upstream}"${extra}\n`;
}

/**
 * A routing file with one provider of every kind on `mock`, and for each
 * kind a model that answers at once (`<kind>-ok`) and one whose first answer
 * breaks the schema (`<kind>-reask`). The `compat-*` models, on the
 * openai-compatible provider, cover repairs, fallbacks and the modes.
 */
export function writeStructuredConfig(mock: MockUpstream): string {
  const price = `\n    price: ${JSON.stringify(STRUCTURED_PRICE)}`;
  const compat = 'k-openai-compatible';
  const models = [
    ...KINDS.flatMap((kind) => [model(`${kind}-ok`, `k-${kind}`, 'echo'), model(`${kind}-reask`, `k-${kind}`, BREAKS_ONCE)]),
    model('compat-ok', compat, 'priced', price),
    model('compat-reask', compat, mockModelId({ schemaBreak: 'missing_field', schemaBreakTimes: 1 }, 'priced'), price),
    model('compat-reask-fails', compat, mockModelId({ schemaBreak: 'missing_field', reaskStatus: 400 }, 'priced'), price),
    model('compat-truncated', compat, mockModelId({ schemaBreak: 'truncated' })),
    model('compat-trailing-prose', compat, mockModelId({ schemaBreak: 'trailing_prose' })),
    model('compat-code-fence', compat, mockModelId({ schemaBreak: 'code_fence' })),
    model('compat-never', compat, NEVER_COMPLIES),
    model('compat-never-then-valid', compat, NEVER_COMPLIES, '\n    fallbacks: [backup-ok]'),
    model('compat-never-then-never', compat, NEVER_COMPLIES, '\n    fallbacks: [backup-never]'),
    model('backup-ok', 'backup', 'echo'),
    model('backup-never', 'backup', NEVER_COMPLIES),
    model('compat-tool', compat, 'echo', '\n    structured: { mode: tool }'),
    model('compat-tool-reask', compat, BREAKS_ONCE, '\n    structured: { mode: tool }'),
    model('compat-instructions', compat, 'echo', '\n    structured: { mode: instructions }'),
    model('compat-instructions-reask', compat, BREAKS_ONCE, '\n    structured: { mode: instructions }'),
    model('compat-no-reasks', compat, BREAKS_ONCE, '\n    structured: { reasks: 0 }'),
    model('gemini-instructions', 'k-gemini', 'echo', '\n    structured: { mode: instructions }'),
  ].join('');
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-structured-'));
  const path = join(dir, 'switchyard.yaml');
  writeFileSync(
    path,
    `providers:\n${KINDS.map((kind) => providerEntry(kind, mock.url)).join('')}` +
      `  backup:\n    kind: openai-compatible\n    baseUrl: ${mock.url}/v1\n    requiresKey: false\n    timeoutMs: 5000\n` +
      `models:\n${models}` +
      `auth:\n  keys:\n    - id: test-key\n      key: ${TEST_API_KEY}\n      tenant: acme\n` +
      'gateway:\n  requestTimeoutMs: 15000\n  streamHeartbeatMs: 250\n',
  );
  return path;
}
