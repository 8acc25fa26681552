import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ChatRequest } from './chat-request';
import { createGeminiWire } from './gemini-protocol';
import { withLlamaCppEndpoints } from './llamacpp-protocol';
import { type MockBehaviour, resolveBehaviour } from './mock-behaviour';
import { createOllamaWire } from './ollama-protocol';
import { createOpenAIWire } from './openai-protocol';
import { createTgiWire } from './tgi-protocol';
import { errorBody, type FinishReason, lastUserText, mockPromptTokenCount, mockTokenCount, splitIntoTokens, usageOf } from './openai-wire';
import type { ChatRoute, CompletionPlan, MockWire, WireAnswer } from './wire';

export interface RecordedRequest {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it was not valid JSON. */
  body: unknown;
  /** Epoch milliseconds at which the request arrived. */
  receivedAt: number;
}

export interface MockUpstream {
  /**
   * e.g. http://127.0.0.1:PORT. Base URLs: OpenAI SDK `${url}/v1`; groq-sdk,
   * ollama (`host`), @google/genai (`httpOptions.baseUrl`), and the llama.cpp and
   * TGI hosts (`/health`, `/props`, `/generate`, `/info`) take `url` itself.
   */
  readonly url: string;
  readonly port: number;
  /** Chat requests of every wire format in arrival order; only the most recent 1000 are kept. */
  readonly requests: RecordedRequest[];
  /** Chat requests of every wire format whose client went away before the response was complete. */
  readonly abortedRequests: number;
  /** Replaces the behaviour used where a model id carries no directive. */
  setDefaultBehaviour(behaviour: MockBehaviour): void;
  /** Forgets recorded requests, counters and loaded Ollama models, and restores the behaviour the server started with. */
  reset(): void;
  /** Stops listening and destroys every open connection, hung requests included. */
  close(): Promise<void>;
}

export interface StartMockUpstreamOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Default behaviour, restored by reset(). */
  behaviour?: MockBehaviour;
  /** Defaults to true; benchmarks turn it off so that recording costs nothing. */
  recordRequests?: boolean;
}

const MAX_RECORDED_REQUESTS = 1000;
const MAX_BODY_CHARS = 32 * 1024 * 1024;
// Longer than the idle timeout of common client pools, so a pooled socket is
// never closed by the mock just as a client reuses it.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

const HEALTH_BODY = '{"status":"ok"}';
const NO_ROUTE: ChatRoute = Object.freeze({});

/** State shared between a chat request's handlers and its `close` listener. */
interface Exchange {
  timer: NodeJS.Timeout | undefined;
  /** Set when the mock cut the stream itself, which is not a client abort. */
  brokenOnPurpose: boolean;
}

interface ChatTarget {
  wire: MockWire;
  route: ChatRoute;
}

export async function startMockUpstream(options: StartMockUpstreamOptions = {}): Promise<MockUpstream> {
  const mock = new MockUpstreamServer(options.behaviour ?? {}, options.recordRequests ?? true);
  await mock.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return mock;
}

class MockUpstreamServer implements MockUpstream {
  readonly requests: RecordedRequest[] = [];
  private aborted = 0;
  private defaults: MockBehaviour;
  private closing = false;
  private closed: Promise<void> | undefined;
  private boundUrl = '';
  private boundPort = 0;
  private readonly server: Server;
  // llama-server and vLLM speak the OpenAI wire, and so does TGI's Messages API.
  private readonly wires: readonly MockWire[] = [withLlamaCppEndpoints(createOpenAIWire()), createOllamaWire(), createGeminiWire(), createTgiWire()];
  private readonly chatTargets = new Map<string, ChatTarget>();
  private readonly getAnswers = new Map<string, () => WireAnswer>();

  constructor(
    private readonly initialDefaults: MockBehaviour,
    private readonly record: boolean,
  ) {
    this.defaults = initialDefaults;
    for (const wire of this.wires) {
      for (const path of wire.chatPaths ?? []) this.chatTargets.set(path, { wire, route: NO_ROUTE });
      for (const [path, answer] of Object.entries(wire.getAnswers ?? {})) this.getAnswers.set(path, answer);
    }
    this.server = createServer(this.handle);
    this.server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    this.server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  }

  get url(): string {
    return this.boundUrl;
  }

  get port(): number {
    return this.boundPort;
  }

  get abortedRequests(): number {
    return this.aborted;
  }

  setDefaultBehaviour(behaviour: MockBehaviour): void {
    this.defaults = { ...behaviour };
  }

  reset(): void {
    this.requests.length = 0;
    this.aborted = 0;
    this.defaults = this.initialDefaults;
    for (const wire of this.wires) wire.reset?.();
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        this.boundPort = address.port;
        const hostPart = host.includes(':') ? `[${host}]` : host;
        this.boundUrl = `http://${hostPart}:${address.port}`;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    if (this.closed === undefined) {
      this.closing = true;
      this.closed = new Promise((resolve) => {
        // The only error close() reports is "not running", which is the goal anyway.
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
    }
    return this.closed;
  }

  private readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    if (req.method === 'POST') {
      const target = this.chatTargets.get(path) ?? this.matchChatPath(path, queryAt === -1 ? '' : rawUrl.slice(queryAt + 1));
      if (target !== undefined) {
        this.acceptChat(req, res, path, target);
        return;
      }
    } else if (req.method === 'GET') {
      const answer = this.getAnswers.get(path);
      if (answer !== undefined) {
        send(res, answer());
        return;
      }
      if (path === '/health') {
        sendJson(res, 200, HEALTH_BODY);
        return;
      }
    }
    sendJson(
      res,
      404,
      errorBody({
        message: `Unknown request URL: ${req.method ?? 'GET'} ${path}. Please check the URL for typos.`,
        type: 'invalid_request_error',
        code: 'unknown_url',
      }),
    );
  };

  private matchChatPath(path: string, query: string): ChatTarget | undefined {
    for (const wire of this.wires) {
      const route = wire.matchChatPath?.(path, query);
      if (route !== undefined) return { wire, route };
    }
    return undefined;
  }

  private acceptChat(req: IncomingMessage, res: ServerResponse, path: string, target: ChatTarget): void {
    const receivedAt = this.record ? Date.now() : 0;
    const exchange: Exchange = { timer: undefined, brokenOnPurpose: false };
    res.once('close', () => {
      if (exchange.timer !== undefined) clearTimeout(exchange.timer);
      if (!res.writableFinished && !exchange.brokenOnPurpose && !this.closing) this.aborted++;
    });

    let text = '';
    let tooLarge = false;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (tooLarge) return;
      text += chunk;
      if (text.length > MAX_BODY_CHARS) {
        tooLarge = true;
        text = '';
      }
    });
    req.on('end', () => {
      if (tooLarge) {
        send(res, target.wire.bodyTooLarge);
        return;
      }
      this.answerChat(res, exchange, target, text, path, req.headers, receivedAt);
    });
  }

  private answerChat(
    res: ServerResponse,
    exchange: Exchange,
    { wire, route }: ChatTarget,
    text: string,
    path: string,
    headers: IncomingHttpHeaders,
    receivedAt: number,
  ): void {
    let body: unknown;
    let parsed = true;
    try {
      body = JSON.parse(text);
    } catch {
      parsed = false;
      body = text;
    }
    if (this.record) this.remember({ path, method: 'POST', headers, body, receivedAt });
    if (!parsed) {
      send(res, wire.invalidJson);
      return;
    }

    const check = wire.parse(body, route);
    if (!check.ok) {
      send(res, check.answer);
      return;
    }
    const request = check.request;
    const behaviour = resolveBehaviour(this.defaults, request.model);
    // Left for the client to give up on; the close listener counts the abort.
    if (behaviour.hang === true) return;

    const plan = behaviour.status === undefined && behaviour.malformed !== true ? planCompletion(request, behaviour) : undefined;
    let delayMs = behaviour.latencyMs ?? 0;
    const tps = behaviour.tokensPerSecond ?? 0;
    if (plan !== undefined && !request.stream && tps > 0) delayMs += (plan.completionTokensPerChoice / tps) * 1000;

    if (delayMs > 0) {
      exchange.timer = setTimeout(() => {
        exchange.timer = undefined;
        respond(res, exchange, wire, request, behaviour, plan);
      }, delayMs);
    } else {
      respond(res, exchange, wire, request, behaviour, plan);
    }
  }

  private remember(recorded: RecordedRequest): void {
    this.requests.push(recorded);
    if (this.requests.length > MAX_RECORDED_REQUESTS) this.requests.shift();
  }
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function send(res: ServerResponse, answer: WireAnswer, extraHeaders?: Record<string, string>): void {
  const headers: Record<string, string | number> = {
    'content-type': answer.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(answer.body),
  };
  if (answer.headers !== undefined) Object.assign(headers, answer.headers);
  if (extraHeaders !== undefined) Object.assign(headers, extraHeaders);
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

function planCompletion(request: ChatRequest, behaviour: MockBehaviour): CompletionPlan {
  const reply = behaviour.reply ?? lastUserText(request.messages);
  let pieces = splitIntoTokens(reply);
  let content = reply;
  let completionTokensPerChoice = mockTokenCount(reply);
  let finishReason: FinishReason = 'stop';
  if (request.maxTokens !== undefined && completionTokensPerChoice > request.maxTokens) {
    // Every piece of a text with more words than the limit holds exactly one word.
    pieces = pieces.slice(0, request.maxTokens);
    content = pieces.join('');
    completionTokensPerChoice = request.maxTokens;
    finishReason = 'length';
  }
  const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
  return {
    id,
    created: Math.floor(Date.now() / 1000),
    startedAt: performance.now(),
    request,
    pieces,
    content,
    finishReason,
    completionTokensPerChoice,
    // Every choice is billed, so n choices cost n times the completion.
    usage: usageOf(mockPromptTokenCount(request.messages), completionTokensPerChoice * request.n),
  };
}

function respond(
  res: ServerResponse,
  exchange: Exchange,
  wire: MockWire,
  request: ChatRequest,
  behaviour: MockBehaviour,
  plan: CompletionPlan | undefined,
): void {
  if (plan === undefined) {
    if (behaviour.status !== undefined) {
      const extra =
        behaviour.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(behaviour.retryAfterSeconds) };
      send(res, wire.statusError(behaviour.status, behaviour.retryAfterSeconds), extra);
      return;
    }
    send(res, wire.malformed(request.stream));
    return;
  }
  if (!request.stream) {
    send(res, wire.completion(plan));
    return;
  }
  stream(res, exchange, wire, plan, behaviour);
}

/**
 * Streams the wire's events at the pace the behaviour asks for. With a
 * `breakStreamAfterChunks` directive the connection is destroyed after that many
 * content chunks, or after the last one when the reply is shorter, so the
 * client never sees the end of the stream either way.
 */
function stream(res: ServerResponse, exchange: Exchange, wire: MockWire, plan: CompletionPlan, behaviour: MockBehaviour): void {
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
