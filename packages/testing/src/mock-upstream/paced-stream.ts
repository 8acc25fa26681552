import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ChatExchange } from './chat-exchange';
import type { MockBehaviour } from './mock-behaviour';
import type { CompletionPlan, MockWire } from './wire';

/**
 * Streams the wire's events at the pace the behaviour asks for. With a
 * `breakStreamAfterChunks` directive the connection is destroyed after that many
 * content chunks, or after the last one when the reply is shorter, so the
 * client never sees the end of the stream either way.
 */
export function streamCompletion(res: ServerResponse, exchange: ChatExchange, wire: MockWire, plan: CompletionPlan, behaviour: MockBehaviour): void {
  const { pieces } = plan;
  const encoder = wire.streamEncoder(plan);
  const breakAfter = behaviour.breakStreamAfterChunks;
  const limit = breakAfter === undefined ? pieces.length : Math.min(breakAfter, pieces.length);
  const tps = behaviour.tokensPerSecond ?? 0;

  const contentAt = (index: number): string => encoder.content(pieces[index] ?? '');
  const finishWith = (out: string): void => {
    if (breakAfter !== undefined) {
      exchange.brokenOnPurpose = true;
      // Destroying only once the data is flushed lets the client see the chunks before the cut.
      res.write(out, () => res.destroy());
      return;
    }
    res.end(out + encoder.finish());
  };

  res.writeHead(200, encoder.headers);
  let head = encoder.start();

  if (tps <= 0) {
    for (let i = 0; i < limit; i++) head += contentAt(i);
    finishWith(head);
    return;
  }

  res.write(head);
  // Chunks are due by elapsed time rather than one per timer tick, so rates
  // beyond the timer's 1 ms resolution still finish on schedule.
  const intervalMs = 1000 / tps;
  const startedAt = performance.now();
  let sent = 0;
  const tick = (): void => {
    exchange.timer = undefined;
    const elapsed = performance.now() - startedAt;
    const due = Math.min(limit, Math.floor(elapsed / intervalMs));
    let out = '';
    while (sent < due) out += contentAt(sent++);
    if (sent >= limit) {
      finishWith(out);
      return;
    }
    if (out !== '') res.write(out);
    exchange.timer = setTimeout(tick, Math.max(0, (sent + 1) * intervalMs - elapsed));
  };
  exchange.timer = setTimeout(tick, intervalMs);
}
