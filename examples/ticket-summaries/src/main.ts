import { DirectClient } from '@switchyard/client';
import { summarizeTickets } from './summarize-tickets';

/**
 * Run beside a platform started with `npm start` (same Redis, same routing
 * file): `node examples/ticket-summaries/dist/main.js`.
 */
async function main(): Promise<void> {
  const client = await DirectClient.connect({
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: process.env.SWITCHYARD_KEY_PREFIX ?? 'sy',
    configPath: process.env.SWITCHYARD_CONFIG ?? 'switchyard.yaml',
    caller: { keyId: 'ticket-summaries', tenant: 'default' },
  });
  try {
    const summaries = await summarizeTickets(client, [
      { id: 'T-1', text: 'The invoice for March was charged twice to my card.' },
      { id: 'T-2', text: 'I cannot log in since the password reset email never arrives.' },
      { id: 'T-3', text: 'Please add dark mode to the dashboard.' },
    ]);
    for (const summary of summaries) console.log(`${summary.ticketId}: ${summary.summary ?? `failed: ${summary.error}`}`);
  } finally {
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
