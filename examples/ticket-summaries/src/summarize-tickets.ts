import type { SwitchyardClient } from '@switchyard/client';

export interface Ticket {
  id: string;
  text: string;
}

export interface Summary {
  ticketId: string;
  summary?: string;
  error?: string;
}

/**
 * Queues one summary job per ticket in a single bulk call and collects the
 * answers as the jobs end. The jobs run at low priority, so the team's
 * interactive traffic through the same providers goes first.
 */
export async function summarizeTickets(client: SwitchyardClient, tickets: readonly Ticket[], model = 'default'): Promise<Summary[]> {
  const results = new Map<string, Summary>();
  let finish: () => void = () => undefined;
  const allEnded = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const ticketOfJob = new Map<string, string>();
  const stop = client.onJobEnded((event) => {
    const ticketId = ticketOfJob.get(event.jobId);
    if (ticketId === undefined) return;
    results.set(
      ticketId,
      event.status === 'succeeded' ? { ticketId, summary: event.completion.choices[0]?.message.content ?? '' } : { ticketId, error: event.error.message },
    );
    if (results.size === tickets.length) finish();
  });
  try {
    const jobs = await client.enqueueBulk(
      tickets.map((ticket) => ({
        model,
        temperature: 0,
        messages: [
          { role: 'system' as const, content: 'Summarise the support ticket in one sentence.' },
          { role: 'user' as const, content: ticket.text },
        ],
        metadata: { ticket: ticket.id },
      })),
      { priority: 10 },
    );
    for (const [i, job] of jobs.entries()) ticketOfJob.set(job.id, tickets[i]?.id ?? '');
    // Jobs that ended before their ids were known are looked up directly.
    await Promise.all(
      jobs.map(async (job, i) => {
        const ticketId = tickets[i]?.id ?? '';
        if (results.has(ticketId)) return;
        const view = await client.get(job.id);
        if (view.status === 'succeeded') results.set(ticketId, { ticketId, summary: view.result?.choices[0]?.message.content ?? '' });
        if (view.status === 'failed') results.set(ticketId, { ticketId, error: view.error?.message ?? 'failed' });
      }),
    );
    if (results.size < tickets.length) await allEnded;
  } finally {
    stop();
  }
  return tickets.map((ticket) => results.get(ticket.id) ?? { ticketId: ticket.id, error: 'no answer' });
}
