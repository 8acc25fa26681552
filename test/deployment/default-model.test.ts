import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseDefaultModel, DEFAULT_EMBEDDED_MODEL, defaultModelEnv, providerKeysSet } from '../../scripts/default-model.mjs';

const root = join(__dirname, '..', '..');
const nothing = { keys: [], optOut: false, modelFile: undefined, modelFileExists: false, cached: false, hubReachable: false };

describe('what npm start answers `default` with', () => {
  it('keeps the echo stand-in, saying why in one line, with no key, no cached model and no hub', () => {
    const choice = chooseDefaultModel(nothing);
    expect(choice.embeddedModel).toBeUndefined();
    expect(choice.line).toMatch(/^\[start\] default answers with the echo stand-in: no provider key is set/);
    expect(choice.line).toContain('SWITCHYARD_DEFAULT_MODEL_FILE=/path/model.gguf');
    expect(choice.line).toContain('SWITCHYARD_EMBEDDED_DEFAULT=off');
    expect(choice.line).not.toContain('\n');
  });

  it('runs the small model when it is cached or the hub answers, and no key is set', () => {
    expect(chooseDefaultModel({ ...nothing, cached: true }).embeddedModel).toBe(DEFAULT_EMBEDDED_MODEL);
    const downloading = chooseDefaultModel({ ...nothing, hubReachable: true });
    expect(downloading.embeddedModel).toBe(DEFAULT_EMBEDDED_MODEL);
    expect(downloading.line).toContain('downloading');
  });

  it('leaves `default` alone, silently, when a provider key is set or the operator opted out', () => {
    expect(chooseDefaultModel({ ...nothing, keys: ['GROQ_API_KEY'], cached: true, hubReachable: true })).toStrictEqual({});
    expect(chooseDefaultModel({ ...nothing, optOut: true, cached: true })).toStrictEqual({});
    expect(chooseDefaultModel({ ...nothing, optOut: true, modelFile: '/m.gguf', modelFileExists: true })).toStrictEqual({});
  });

  it('uses a named model file, keys or not, and says so when it is missing', () => {
    expect(chooseDefaultModel({ ...nothing, keys: ['OPENAI_API_KEY'], modelFile: '/m.gguf', modelFileExists: true }).embeddedModel).toBe('/m.gguf');
    const missing = chooseDefaultModel({ ...nothing, modelFile: '/m.gguf', hubReachable: true });
    expect(missing.embeddedModel).toBeUndefined();
    expect(missing.line).toContain('SWITCHYARD_DEFAULT_MODEL_FILE=/m.gguf does not exist');
  });

  it('counts the key variables the routing file names, when they hold a value', () => {
    const routing = join(root, 'switchyard.yaml');
    expect(providerKeysSet(routing, {})).toStrictEqual([]);
    expect(providerKeysSet(routing, { GROQ_API_KEY: 'gsk', OPENAI_API_KEY: '' })).toStrictEqual(['GROQ_API_KEY']);
  });

  it('finds the model already downloaded under SWITCHYARD_MODELS_DIR without asking the hub', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-default-model-'));
    try {
      const env = { SWITCHYARD_MODELS_DIR: dir, SWITCHYARD_HF_ENDPOINT: 'http://127.0.0.1:1' };
      expect((await defaultModelEnv(join(root, 'switchyard.yaml'), env)).env).toStrictEqual({});
      const cached = join(dir, 'hf', 'Qwen', 'Qwen2.5-0.5B-Instruct-GGUF', 'main', 'qwen2.5-0.5b-instruct-q4_k_m.gguf');
      await mkdir(join(cached, '..'), { recursive: true });
      await writeFile(cached, 'weights');
      expect((await defaultModelEnv(join(root, 'switchyard.yaml'), env)).env).toStrictEqual({
        SWITCHYARD_EMBEDDED_ENABLED: 'true',
        SWITCHYARD_DEFAULT_MODEL_FILE: DEFAULT_EMBEDDED_MODEL,
        SWITCHYARD_ECHO_ALIAS: 'echo',
      });
      // A routing file of the operator's own, without the switch, is left to decide `default` itself.
      const own = join(dir, 'own.yaml');
      await writeFile(own, 'providers: {}\n');
      expect(await defaultModelEnv(own, env)).toStrictEqual({ env: {} });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
