import { isSchemaBreak, type SchemaBreak } from './schema-break';

/** How the mock upstream answers one chat completion request. */
export interface MockBehaviour {
  /** Delay before the response headers are sent. */
  latencyMs?: number;
  /**
   * Streaming: pace between content chunks (0/undefined = as fast as possible).
   * Non-streaming: adds completionTokens / tokensPerSecond seconds to the delay.
   */
  tokensPerSecond?: number;
  /** Answer with this HTTP error status (400-599) and an OpenAI error body. */
  status?: number;
  /** Adds a Retry-After header to the answer. */
  retryAfterSeconds?: number;
  /** Accept the request and never answer, as an upstream that timed out would. */
  hang?: boolean;
  /** 200 with content-type application/json but a body that is not valid JSON. */
  malformed?: boolean;
  /** Streaming only: destroy the socket after this many content chunks. */
  breakStreamAfterChunks?: number;
  /** Fixed reply text instead of echoing the last user message; seeds structured answers too. */
  reply?: string;
  /** Spoils structured answers (JSON mode, schemas, forced tool calls) in this way. */
  schemaBreak?: SchemaBreak;
  /**
   * Spoils them only while the request holds fewer than this many assistant
   * messages, so that a re-ask (which appends the spoilt answer) gets a valid
   * one. Without it every structured answer is spoilt.
   */
  schemaBreakTimes?: number;
  /** Answer with this HTTP error status (400-599) only when the request holds an assistant message: a re-ask or a later turn fails, the first call does not. */
  reaskStatus?: number;
}

/** The model every directive hangs off; any other base name behaves the same. */
export const MOCK_MODEL_ID = 'echo';

export interface ParsedModel {
  readonly baseModel: string;
  readonly directives: Readonly<MockBehaviour>;
}

const EMPTY: MockBehaviour = Object.freeze({});

// Models arrive as arbitrary client strings, so the cache is flushed rather than
// allowed to grow without bound when someone sends unique model names.
const CACHE_LIMIT = 512;
const cache = new Map<string, ParsedModel>();

/**
 * Reads `echo@status=429;retry_after=1` style model ids. Values may be
 * percent-encoded so that a `reply` can contain `;`, `=` or spaces.
 * Unknown keys and values that do not make sense are ignored, because a typo in
 * a test's model id should show up as "the directive had no effect" rather than
 * as a mock crash.
 *
 * Directives: `latency=MS`, `tps=N`, `status=CODE`, `retry_after=S`, `hang`,
 * `malformed`, `break_after=CHUNKS`, `reply=TEXT`, and for structured output:
 *
 * - `schema_break=MODE` spoils answers to requests that ask for JSON (JSON
 *   mode, a schema, a forced tool call or a `JSON Schema:` line in a system
 *   message; see structured-ask.ts), streamed or not, on every wire:
 *   `wrong_type` (the first property gets a value of another type),
 *   `missing_field` (the first required property is dropped), `trailing_prose`
 *   (valid JSON, then "\n\nHope this helps!"), `truncated` (the last 40% cut
 *   off: it does not parse, jsonrepair closes it), `not_json` (prose only),
 *   `code_fence` (the JSON inside a ```json fence). On Gemini and Ollama,
 *   whose tool-call arguments are objects, the text modes answer text in place
 *   of the tool call.
 * - `schema_break_times=N` spoils only requests holding fewer than N assistant
 *   messages, so a re-ask that appends the spoilt answer gets a valid one;
 *   without it every answer is spoilt.
 * - `reask_status=CODE` answers CODE to a request that holds an assistant
 *   message (a re-ask), so a provider failing midway through re-asks can be
 *   driven.
 *
 * `MockUpstream.structuredRequests` counts structured requests per model id.
 */
export function parseModelDirectives(model: string): ParsedModel {
  const cached = cache.get(model);
  if (cached !== undefined) return cached;
  const parsed = parseUncached(model);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(model, parsed);
  return parsed;
}

function parseUncached(model: string): ParsedModel {
  const at = model.indexOf('@');
  if (at === -1) return Object.freeze({ baseModel: model, directives: EMPTY });
  const directives: MockBehaviour = {};
  for (const part of model.slice(at + 1).split(';')) {
    const eq = part.indexOf('=');
    const key = (eq === -1 ? part : part.slice(0, eq)).trim();
    const raw = eq === -1 ? undefined : decode(part.slice(eq + 1).trim());
    applyDirective(directives, key, raw);
  }
  return Object.freeze({ baseModel: model.slice(0, at), directives: Object.freeze(directives) });
}

function applyDirective(into: MockBehaviour, key: string, raw: string | undefined): void {
  switch (key) {
    case 'latency': {
      const v = nonNegative(raw);
      if (v !== undefined) into.latencyMs = v;
      return;
    }
    case 'tps': {
      const v = nonNegative(raw);
      if (v !== undefined) into.tokensPerSecond = v;
      return;
    }
    case 'status': {
      const v = integer(raw);
      if (v !== undefined && v >= 400 && v <= 599) into.status = v;
      return;
    }
    case 'retry_after': {
      const v = nonNegative(raw);
      if (v !== undefined) into.retryAfterSeconds = v;
      return;
    }
    case 'break_after': {
      const v = integer(raw);
      if (v !== undefined && v >= 0) into.breakStreamAfterChunks = v;
      return;
    }
    case 'hang': {
      const v = flag(raw);
      if (v !== undefined) into.hang = v;
      return;
    }
    case 'malformed': {
      const v = flag(raw);
      if (v !== undefined) into.malformed = v;
      return;
    }
    case 'reply':
      if (raw !== undefined) into.reply = raw;
      return;
    case 'schema_break':
      if (raw !== undefined && isSchemaBreak(raw)) into.schemaBreak = raw;
      return;
    case 'schema_break_times': {
      const v = integer(raw);
      if (v !== undefined) into.schemaBreakTimes = v;
      return;
    }
    case 'reask_status': {
      const v = integer(raw);
      if (v !== undefined && v >= 400 && v <= 599) into.reaskStatus = v;
      return;
    }
    default:
      return;
  }
}

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function nonNegative(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function integer(raw: string | undefined): number | undefined {
  const n = nonNegative(raw);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

// A bare `@hang` means on; an explicit value lets a directive switch off a
// default behaviour, e.g. `echo@hang=0` while the default hangs.
function flag(raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '' || raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  return undefined;
}

/** Directives in the model id win over the server's default behaviour. */
export function resolveBehaviour(defaults: MockBehaviour, model: string): MockBehaviour {
  const { directives } = parseModelDirectives(model);
  if (directives === EMPTY) return defaults;
  return { ...defaults, ...directives };
}

/**
 * Builds the model id that asks the mock for `behaviour`, the inverse of
 * {@link parseModelDirectives}, so tests need not spell directives by hand.
 */
export function mockModelId(behaviour: MockBehaviour = {}, baseModel: string = MOCK_MODEL_ID): string {
  const parts: string[] = [];
  if (behaviour.latencyMs !== undefined) parts.push(`latency=${behaviour.latencyMs}`);
  if (behaviour.tokensPerSecond !== undefined) parts.push(`tps=${behaviour.tokensPerSecond}`);
  if (behaviour.status !== undefined) parts.push(`status=${behaviour.status}`);
  if (behaviour.retryAfterSeconds !== undefined) parts.push(`retry_after=${behaviour.retryAfterSeconds}`);
  if (behaviour.hang !== undefined) parts.push(behaviour.hang ? 'hang' : 'hang=0');
  if (behaviour.malformed !== undefined) parts.push(behaviour.malformed ? 'malformed' : 'malformed=0');
  if (behaviour.breakStreamAfterChunks !== undefined) parts.push(`break_after=${behaviour.breakStreamAfterChunks}`);
  if (behaviour.reply !== undefined) parts.push(`reply=${encodeURIComponent(behaviour.reply)}`);
  if (behaviour.schemaBreak !== undefined) parts.push(`schema_break=${behaviour.schemaBreak}`);
  if (behaviour.schemaBreakTimes !== undefined) parts.push(`schema_break_times=${behaviour.schemaBreakTimes}`);
  if (behaviour.reaskStatus !== undefined) parts.push(`reask_status=${behaviour.reaskStatus}`);
  return parts.length === 0 ? baseModel : `${baseModel}@${parts.join(';')}`;
}
