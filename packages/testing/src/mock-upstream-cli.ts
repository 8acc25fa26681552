import type { MockBehaviour } from './mock-upstream/mock-behaviour';
import { startMockUpstream } from './mock-upstream/mock-upstream-server';

function fail(message: string): never {
  process.stderr.write(`${JSON.stringify({ msg: 'mock upstream failed to start', error: message })}\n`);
  process.exit(1);
}

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) fail(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return value;
}

async function main(): Promise<void> {
  const port = numberFromEnv('MOCK_PORT') ?? 8090;
  if (!Number.isInteger(port) || port > 65535) fail(`MOCK_PORT must be a port number, got ${port}`);
  const behaviour: MockBehaviour = {};
  const latencyMs = numberFromEnv('MOCK_LATENCY_MS');
  if (latencyMs !== undefined) behaviour.latencyMs = latencyMs;
  const tokensPerSecond = numberFromEnv('MOCK_TOKENS_PER_SECOND');
  if (tokensPerSecond !== undefined) behaviour.tokensPerSecond = tokensPerSecond;

  const mock = await startMockUpstream({
    port,
    host: process.env.MOCK_HOST || '127.0.0.1',
    behaviour,
    recordRequests: process.env.MOCK_RECORD !== '0',
  });
  process.stdout.write(`${JSON.stringify({ msg: 'mock upstream listening', url: mock.url })}\n`);

  const shutdown = (signal: NodeJS.Signals): void => {
    // A second signal falls through to Node's default handler and kills the process outright.
    process.off('SIGTERM', shutdown);
    process.off('SIGINT', shutdown);
    void mock.close().then(() => {
      process.stdout.write(`${JSON.stringify({ msg: 'mock upstream closed', signal })}\n`);
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
