import type { ServerResponse } from 'node:http';
import type { WireAnswer } from './wire';

export function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function send(res: ServerResponse, answer: WireAnswer, extraHeaders?: Record<string, string>): void {
  const headers: Record<string, string | number> = {
    'content-type': answer.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(answer.body),
  };
  if (answer.headers !== undefined) Object.assign(headers, answer.headers);
  if (extraHeaders !== undefined) Object.assign(headers, extraHeaders);
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}
