const BYTE_ORDER_MARK = 0xfeff;

function consumed(): TypeError {
  return new TypeError('Body is unusable: Body has already been read');
}

/**
 * A `Response` whose body has already arrived whole (a non-streamed answer).
 * `text()`, `json()` and `arrayBuffer()` read the bytes directly: Node 20's
 * `Response` wraps every body in a transferable web `ReadableStream`, whose
 * construction and reading cost a worker ~5 % of its CPU per completion.
 * `body`, `blob()` and `formData()` hand the bytes to a standard `Response`,
 * and a body read once cannot be read again, so any reader sees fetch's behaviour.
 */
class BufferedResponse extends (Response as new (body: null, init: ResponseInit) => object) {
  readonly #bytes: Buffer;
  readonly #init: ResponseInit;
  /** Read through the fast path: every later read fails, as fetch's does. */
  #read = false;
  /** Handed to a standard Response (its `body` was asked for): every read goes through it. Never both. */
  #standard: Response | undefined;
  #drained: ReadableStream<Uint8Array> | undefined;

  constructor(bytes: Buffer, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
    this.#init = init;
  }

  #asStandard(): Response {
    this.#standard ??= new Response(this.#bytes, this.#init);
    return this.#standard;
  }

  #take(): Buffer {
    if (this.#read) throw consumed();
    this.#read = true;
    return this.#bytes;
  }

  /** UTF-8 decoded as fetch decodes it: a leading byte-order mark is dropped. */
  #takeText(): string {
    const text = this.#take().toString('utf8');
    return text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  }

  get body(): ReadableStream<Uint8Array> | null {
    // After a read, fetch's body is its spent stream: closed, nothing left in it.
    if (this.#read) {
      this.#drained ??= new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
      return this.#drained;
    }
    return this.#asStandard().body;
  }

  get bodyUsed(): boolean {
    return this.#read || (this.#standard?.bodyUsed ?? false);
  }

  async text(): Promise<string> {
    return this.#standard === undefined ? this.#takeText() : this.#standard.text();
  }

  async json(): Promise<unknown> {
    return this.#standard === undefined ? JSON.parse(this.#takeText()) : this.#standard.json();
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#standard === undefined ? new Uint8Array(this.#take()).buffer : this.#standard.arrayBuffer();
  }

  async bytes(): Promise<Uint8Array> {
    return this.#standard === undefined ? new Uint8Array(this.#take()) : new Uint8Array(await this.#standard.arrayBuffer());
  }

  async blob(): Promise<Blob> {
    if (this.#read) throw consumed();
    return this.#asStandard().blob();
  }

  async formData(): Promise<FormData> {
    if (this.#read) throw consumed();
    return this.#asStandard().formData();
  }

  clone(): Response {
    if (this.#standard !== undefined) return this.#standard.clone();
    if (this.#read) throw new TypeError('Response.clone: Body has already been consumed.');
    return bufferedResponse(this.#bytes, this.#init);
  }
}

/** A Response over bytes that arrived whole (see BufferedResponse). */
export function bufferedResponse(bytes: Buffer, init: ResponseInit): Response {
  // lib.dom types Response's methods as properties, which a subclass cannot redeclare; at run time this is a Response.
  return new BufferedResponse(bytes, init) as unknown as Response;
}
