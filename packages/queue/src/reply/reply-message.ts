import type { StructuredMode, StructuredOutcome } from '@switchyard/contracts';

/**
 * A reply travels as `jobId \n kind \n provider \n model \n body`. The body is
 * what the gateway writes to the caller exactly as the worker serialised it
 * (a completion's JSON, or ready-made server-sent events), so the gateway
 * forwards it without parsing and re-serialising.
 *
 * kind: `1` a completion, `0` a failure, `c<seq>` part of a stream with more
 * to come, `d<seq>` the stream's last part. Parts are numbered from 0 so a
 * gateway can tell a lost one (pub/sub keeps nothing) from a late one. A
 * completion that answers a JSON response_format says how it was asked for
 * and what it took as `1;<mode>;<repairs>` (only valid answers are replies).
 */

export interface ReplyMessage {
  jobId: string;
  ok: boolean;
  provider: string;
  model: string;
  /** Success: the chat completion JSON. Failure: a `SerializedError` JSON. A stream part: SSE text. */
  body: string;
  /** Set on stream parts. */
  part?: StreamPart;
  /** Set on a completion that answers a JSON response_format. */
  structured?: StructuredOutcome;
}

export interface StreamPart {
  seq: number;
  last: boolean;
}

const STREAM_KIND = /^[cd]\d{1,9}$/;
const STRUCTURED_KIND = /^1;(native|tool|instructions);(\d{1,4})$/;

function kindOf(reply: ReplyMessage): string {
  if (reply.part !== undefined) return `${reply.part.last ? 'd' : 'c'}${reply.part.seq}`;
  if (!reply.ok) return '0';
  return reply.structured === undefined ? '1' : `1;${reply.structured.mode};${reply.structured.repairs}`;
}

export function encodeReply(reply: ReplyMessage): string {
  return `${reply.jobId}\n${kindOf(reply)}\n${reply.provider}\n${reply.model}\n${reply.body}`;
}

export function decodeReply(message: string): ReplyMessage | undefined {
  const a = message.indexOf('\n');
  const b = message.indexOf('\n', a + 1);
  const c = message.indexOf('\n', b + 1);
  const d = message.indexOf('\n', c + 1);
  if (a < 0 || b < 0 || c < 0 || d < 0) return undefined;
  const kind = message.slice(a + 1, b);
  const reply: ReplyMessage = {
    jobId: message.slice(0, a),
    ok: kind !== '0',
    provider: message.slice(b + 1, c),
    model: message.slice(c + 1, d),
    body: message.slice(d + 1),
  };
  if (kind === '1' || kind === '0') return reply;
  const structured = STRUCTURED_KIND.exec(kind);
  if (structured !== null) {
    reply.structured = { mode: structured[1] as StructuredMode, repairs: Number(structured[2]), valid: true };
    return reply;
  }
  if (!STREAM_KIND.test(kind)) return undefined;
  reply.part = { seq: Number(kind.slice(1)), last: kind[0] === 'd' };
  return reply;
}
