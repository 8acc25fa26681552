import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatExchange } from './chat-exchange';
import { answerAsDirected } from './directed-answer';
import { createGeminiWire } from './gemini-protocol';
import { withLlamaCppEndpoints } from './llamacpp-protocol';
import { type MockBehaviour, resolveBehaviour } from './mock-behaviour';
import { createOllamaWire } from './ollama-protocol';
import { createOpenAIWire } from './openai-protocol';
import { errorBody } from './openai-wire';
import { readBody } from './read-body';
import { send, sendJson } from './send-answer';
import { instructionsAsk, type StructuredMode } from './structured-ask';
import { createTgiWire } from './tgi-protocol';
import type { ChatRoute, MockWire, WireAnswer } from './wire';

export interface RecordedRequest {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it was not valid JSON. */
  body: unknown;
  /** Epoch milliseconds at which the request arrived. */
  receivedAt: number;
  /** How the request asked for structured output, when it did. */
  structured?: StructuredMode;
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
  /**
   * Structured-output requests (JSON mode, a schema, a forced tool call or a
   * schema in the instructions) per model id as sent, directives included, so
   * that a test can count the re-asks a gateway made.
   */
  readonly structuredRequests: ReadonlyMap<string, number>;
  /** Replaces the behaviour used where a model id carries no directive. */
  setDefaultBehaviour(behaviour: MockBehaviour): void;
  /** Forgets recorded requests, counters (structured requests too) and loaded Ollama models, and restores the behaviour the server started with. */
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
  readonly structuredRequests = new Map<string, number>();
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
  private readonly postAnswers = new Map<string, (body: unknown) => WireAnswer>();

  constructor(
    private readonly initialDefaults: MockBehaviour,
    private readonly record: boolean,
  ) {
    this.defaults = initialDefaults;
    for (const wire of this.wires) {
      for (const path of wire.chatPaths ?? []) this.chatTargets.set(path, { wire, route: NO_ROUTE });
      for (const [path, answer] of Object.entries(wire.getAnswers ?? {})) this.getAnswers.set(path, answer);
      for (const [path, answer] of Object.entries(wire.postAnswers ?? {})) this.postAnswers.set(path, answer);
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
    this.structuredRequests.clear();
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
      const answer = this.postAnswers.get(path);
      if (answer !== undefined) {
        readBody(req, MAX_BODY_CHARS, (text) => send(res, answer(parseJsonOrUndefined(text))));
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
    const exchange: ChatExchange = { timer: undefined, brokenOnPurpose: false };
    res.once('close', () => {
      if (exchange.timer !== undefined) clearTimeout(exchange.timer);
      if (!res.writableFinished && !exchange.brokenOnPurpose && !this.closing) this.aborted++;
    });

    readBody(req, MAX_BODY_CHARS, (text) => {
      if (text === undefined) send(res, target.wire.bodyTooLarge);
      else this.answerChat(res, exchange, target, text, path, req.headers, receivedAt);
    });
  }

  private answerChat(
    res: ServerResponse,
    exchange: ChatExchange,
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
    const recorded: RecordedRequest | undefined = this.record ? { path, method: 'POST', headers, body, receivedAt } : undefined;
    if (recorded !== undefined) this.remember(recorded);
    if (!parsed) {
      send(res, wire.invalidJson);
      return;
    }

    const check = wire.parse(body, route);
    if (!check.ok) {
      send(res, check.answer);
      return;
    }
    const { request } = check;
    // A schema in the instructions is the fallback of every wire that has no native way to ask.
    request.structured ??= instructionsAsk(request.messages);
    if (request.structured !== undefined) {
      this.structuredRequests.set(request.model, (this.structuredRequests.get(request.model) ?? 0) + 1);
      if (recorded !== undefined) recorded.structured = request.structured.mode;
    }
    answerAsDirected(res, exchange, wire, request, resolveBehaviour(this.defaults, request.model));
  }

  private remember(recorded: RecordedRequest): void {
    this.requests.push(recorded);
    if (this.requests.length > MAX_RECORDED_REQUESTS) this.requests.shift();
  }
}

function parseJsonOrUndefined(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
