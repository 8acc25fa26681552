import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The most of an unread body the gateway reads and throws away to deliver an
 * answer: past it, the answer goes out and the connection is closed.
 */
export const MAX_DISCARDED_BODY_BYTES = 64 * 1024 * 1024;

/**
 * An `onSend` hook for answers given before the body was read: a 401 from the
 * key check, a 413 for a body over the limit. Clients that do not wait for
 * `100 Continue` (the `openai` SDK, fetch) are still sending; closing on them
 * resets the connection and they see EPIPE instead of the answer, and retry.
 * So the rest of the body is read and discarded first, up to a bound; slow
 * senders are bounded by the server's receive timeout.
 */
export function discardUnreadBody(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void {
  const raw = request.raw;
  // The hot path: the body was read (or all of it has arrived) before the answer.
  if (raw.complete || raw.destroyed) {
    done(null, payload);
    return;
  }
  // Declared larger than the bound: reading part of it would not save the connection.
  if (Number(raw.headers['content-length']) > MAX_DISCARDED_BODY_BYTES) {
    reply.header('connection', 'close');
    done(null, payload);
    return;
  }
  void drain(raw, MAX_DISCARDED_BODY_BYTES).then((drained) => {
    if (!drained) reply.header('connection', 'close');
    done(null, payload);
  });
}

/** Reads the request to its end; false when it was cut short (too large, or the client went away). */
function drain(raw: IncomingMessage, limitBytes: number): Promise<boolean> {
  return new Promise((resolve) => {
    let read = 0;
    const finish = (drained: boolean) => {
      raw.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onClose);
      resolve(drained);
    };
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > limitBytes) {
        raw.pause();
        finish(false);
      }
    };
    const onEnd = () => finish(true);
    const onClose = () => finish(raw.complete);
    raw.on('data', onData).once('end', onEnd).once('close', onClose).once('error', onClose);
    // A reader that stopped early (the multipart parser) may have paused the stream: a listener alone would not restart it.
    raw.resume();
  });
}
