import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeTinyLlamaGguf } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DIST = join(__dirname, '..', '..', 'dist', 'index.js');

/** Runs `body` in a fresh Node process with the built package as `providers`; answers whether llama.cpp's library is mapped into it. */
async function llamaMappedAfter(body: string): Promise<boolean> {
  const script = `
    const providers = require(${JSON.stringify(DIST)});
    (async () => {
      ${body}
      const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8');
      process.stdout.write(JSON.stringify(/libllama|llama-addon/.test(maps)));
      process.exit(0);
    })();`;
  const { stdout } = await run(process.execPath, ['-e', script], { timeout: 30_000 });
  return JSON.parse(stdout) as boolean;
}

describe.runIf(process.platform === 'linux')('node-llama-cpp stays out of processes that run no embedded model', () => {
  let dir: string;
  let model: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-lazy-'));
    model = join(dir, 'tiny.gguf');
    await writeTinyLlamaGguf(model);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is not loaded by importing the providers or configuring an embedded provider', async () => {
    expect(await llamaMappedAfter("providers.createProviderAdapter({ name: 'local', kind: 'embedded' });")).toBe(false);
  });

  it('is loaded once an embedded model is', async () => {
    const load = `
      const adapter = providers.createProviderAdapter({ name: 'local', kind: 'embedded', threads: 1, contextSize: 256, log: { info() {}, warn() {} } });
      await adapter.preload(${JSON.stringify(model)});`;
    expect(await llamaMappedAfter(load)).toBe(true);
  });
});
