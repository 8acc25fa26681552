import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Epoch ms it arrived. */
  at: number;
}

/** A status, or a status with headers (Retry-After, say). */
export type ReceiverAnswer = number | { status: number; headers?: Record<string, string> };

export interface WebhookReceiver {
  server: http.Server;
  base: string;
  received: ReceivedWebhook[];
  requestsTo(path: string): ReceivedWebhook[];
  close(): void;
}

/**
 * A webhook receiver on loopback. Each path answers from its script in turn,
 * the last answer repeating; a path without one answers `otherwise`.
 */
export async function startWebhookReceiver(scripts: Record<string, ReceiverAnswer[]>, otherwise: ReceiverAnswer = 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString(), at: Date.now() });
      const script = scripts[path];
      const answer = (script === undefined ? otherwise : script.length > 1 ? script.shift() : script[0]) ?? otherwise;
      const { status, headers } = typeof answer === 'number' ? { status: answer, headers: undefined } : answer;
      response.writeHead(status, headers).end('{"ignored":true}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    requestsTo: (path) => received.filter((request) => request.path === path),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
