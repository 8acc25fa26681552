import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from '@switchyard/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DEVELOPMENT_API_KEY, readyBanner } from '../../scripts/start-banner.mjs';

const root = join(__dirname, '..', '..');

describe('npm start banner', () => {
  let platform: ChildProcess | undefined;

  afterEach(async () => {
    if (platform?.pid === undefined || platform.exitCode !== null) return;
    const exited = once(platform, 'exit');
    process.kill(-platform.pid, 'SIGTERM');
    await exited;
  });

  it('shows the built-in development key, which is public anyway', () => {
    expect(readyBanner(8080)).toContain(`Bearer ${DEVELOPMENT_API_KEY}`);
    expect(readyBanner(8080, DEVELOPMENT_API_KEY)).toContain(`Bearer ${DEVELOPMENT_API_KEY}`);
  });

  it('keeps a real SWITCHYARD_API_KEY out of what the platform prints, showing a placeholder', async () => {
    const apiKey = `sk-private-${randomUUID()}`;
    const [port, mockPort] = [await freePort(), await freePort()];
    let output = '';
    platform = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        SWITCHYARD_API_KEY: apiKey,
        PORT: String(port),
        MOCK_PORT: String(mockPort),
        SWITCHYARD_KEY_PREFIX: `sytest-${randomUUID().slice(0, 8)}`,
        WEBHOOK_SECRET: `whsec_${Buffer.from(randomUUID()).toString('base64')}`,
        LOG_LEVEL: 'warn',
        // Where the hub answers, `default` would download a model this test has no use for.
        SWITCHYARD_EMBEDDED_DEFAULT: 'off',
      },
    });
    platform.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    platform.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await expect.poll(() => output, { timeout: 90_000, interval: 200 }).toContain('Switchyard is up');
    // The gateway really takes the key the banner leaves out.
    const answer = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(answer.status).toBe(200);
    expect(output).toContain('Authorization: Bearer $SWITCHYARD_API_KEY');
    expect(output).not.toContain(apiKey);
    expect(output).not.toContain(DEVELOPMENT_API_KEY);
  }, 120_000);
});
