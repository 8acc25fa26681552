import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadModelRouting, loadRoutingConfig } from './load-routing-config';
import { ModelCatalog } from './model-catalog';

const repository = join(__dirname, '..', '..', '..');
const keys = { GROQ_API_KEY: 'gsk-test', GEMINI_API_KEY: 'gemini-test' };

describe('the bundled switchyard.yaml', () => {
  const catalog = new ModelCatalog(loadModelRouting(join(repository, 'switchyard.yaml'), keys), keys);

  it('routes each use case to its own model and fallback chain: chat to the fast model, report to the quality one', () => {
    expect(catalog.resolveChain('chat')).toStrictEqual({
      route: { publicModel: 'chat', provider: 'groq', model: 'llama-3.1-8b-instant' },
      fallbacks: [{ publicModel: 'gemini-2.0-flash', provider: 'gemini', model: 'gemini-2.0-flash' }],
    });
    expect(catalog.resolveChain('report')).toStrictEqual({
      route: { publicModel: 'report', provider: 'gemini', model: 'gemini-2.0-flash' },
      fallbacks: [{ publicModel: 'llama-3.1-8b-instant', provider: 'groq', model: 'llama-3.1-8b-instant' }],
    });
    // Priced like the models they use, so their usage rows carry a cost.
    expect(catalog.priceOf(catalog.resolve('report'))).toStrictEqual(catalog.priceOf(catalog.resolve('quality')));
  });

  it('routes `default` to the echo stand-in, or to the embedded model when npm start switches it on', () => {
    expect(catalog.resolve('default')).toStrictEqual({ publicModel: 'mock-echo', provider: 'mock', model: 'echo' });
    const env = { SWITCHYARD_EMBEDDED_ENABLED: 'true', SWITCHYARD_DEFAULT_MODEL_FILE: '/models/small.gguf', SWITCHYARD_ECHO_ALIAS: 'echo' };
    const embedded = new ModelCatalog(loadModelRouting(join(repository, 'switchyard.yaml'), env), env);
    expect(embedded.resolve('default')).toStrictEqual({ publicModel: 'embedded-default', provider: 'embedded', model: '/models/small.gguf' });
    expect(embedded.resolve('echo')).toStrictEqual({ publicModel: 'mock-echo', provider: 'mock', model: 'echo' });
    expect(embedded.priceOf(embedded.resolve('default'))).toStrictEqual({ inputPerMillion: 0, outputPerMillion: 0 });
  });

  it('is what k8s/configmap.yaml mounts', () => {
    const configMap = readFileSync(join(repository, 'k8s', 'configmap.yaml'), 'utf8').split('\n---\n')[0] as string;
    const mounted = (parse(configMap) as { data: Record<string, string> }).data['switchyard.yaml'];
    expect(mounted).toBe(readFileSync(join(repository, 'switchyard.yaml'), 'utf8'));
    expect(loadRoutingConfig(join(repository, 'switchyard.yaml'), {}).auth.keys).toHaveLength(1);
  });
});
