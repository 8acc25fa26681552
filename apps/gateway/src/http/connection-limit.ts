import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ServiceUnavailableError, toHttpError } from '@switchyard/contracts';
import type { Logger } from '@switchyard/observability';

/** How long a refused connection may take to read the refusal before it is cut. */
const REFUSAL_GRACE_MS = 1000;
/** At most one log line per this long: a flood of connections must not become a flood of log lines. */
const REFUSAL_LOG_EVERY_MS = 10_000;

function refusalResponse(): string {
  const http = toHttpError(new ServiceUnavailableError('The gateway has too many open connections; retry shortly or use another replica.'));
  const body = JSON.stringify(http.body);
  return (
    `HTTP/1.1 ${http.status} Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `retry-after: 1\r\nconnection: close\r\n\r\n${body}`
  );
}

/**
 * Caps the connections the server holds open. One past the cap is answered a
 * 503 with an OpenAI-style error and closed without reaching the HTTP server:
 * a client sees why, instead of a reset (what `server.maxConnections` does).
 */
export function limitConnections(server: Server, max: number, log: Logger): void {
  const refusal = refusalResponse();
  let open = 0;
  let refused = 0;
  let loggedAt = 0;
  // The HTTP server's own listener sets each connection up; it runs only for those taken.
  const accept = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    if (open >= max) {
      refused++;
      if (Date.now() - loggedAt >= REFUSAL_LOG_EVERY_MS) {
        log.warn({ open, refused, maxConnections: max }, 'connections refused: gateway.maxConnections reached');
        loggedAt = Date.now();
        refused = 0;
      }
      socket.on('error', () => undefined);
      socket.end(refusal);
      // Whatever the client sends meanwhile is read and dropped, so closing does not reset the connection.
      socket.resume();
      setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS).unref();
      return;
    }
    open++;
    socket.once('close', () => open--);
    for (const listener of accept) listener.call(server, socket);
  });
}
