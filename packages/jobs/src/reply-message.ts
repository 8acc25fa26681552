/**
 * A reply travels as `jobId \n ok \n provider \n model \n body`. The body is
 * the response JSON exactly as the worker serialised it, so the gateway
 * forwards it to the caller without parsing and re-serialising.
 */
export interface ReplyMessage {
  jobId: string;
  ok: boolean;
  provider: string;
  model: string;
  /** Success: the chat completion JSON. Failure: a `SerializedError` JSON. */
  body: string;
}

export function encodeReply(reply: ReplyMessage): string {
  return `${reply.jobId}\n${reply.ok ? '1' : '0'}\n${reply.provider}\n${reply.model}\n${reply.body}`;
}

export function decodeReply(message: string): ReplyMessage | undefined {
  const a = message.indexOf('\n');
  const b = message.indexOf('\n', a + 1);
  const c = message.indexOf('\n', b + 1);
  const d = message.indexOf('\n', c + 1);
  if (a < 0 || b < 0 || c < 0 || d < 0) return undefined;
  return {
    jobId: message.slice(0, a),
    ok: message.slice(a + 1, b) === '1',
    provider: message.slice(b + 1, c),
    model: message.slice(c + 1, d),
    body: message.slice(d + 1),
  };
}
