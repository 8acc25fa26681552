import { ErrorCode } from './error-codes';

const MARKER = Symbol.for('switchyard.error');

export interface SwitchyardErrorOptions {
  /** The request field at fault, in OpenAI's dotted form (`messages[0].role`). */
  param?: string | null;
  /** Whether trying the same thing again may succeed. */
  retryable?: boolean;
  /** How long the source asked us to wait before trying again. */
  retryAfterMs?: number;
  /** Safe, secret-free facts for the caller (job id, attempts, upstream status). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The root of every error Switchyard raises on purpose. Anything else that
 * reaches the HTTP edge is a bug and becomes `internal_error`.
 */
export class SwitchyardError extends Error {
  readonly code: ErrorCode;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;
  private readonly [MARKER] = true;

  constructor(code: ErrorCode, message: string, options: SwitchyardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.param = options.param ?? null;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  /** Works across package copies, where `instanceof` would not. */
  static isInstance(value: unknown): value is SwitchyardError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
