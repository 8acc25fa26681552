import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, ErrorCode, SwitchyardError } from '@switchyard/contracts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The deployment's admin key (`SWITCHYARD_ADMIN_KEY`): what the admin API and
 * the queues board check, compared in constant time. Without one configured
 * both are off.
 */
export class AdminKey {
  private readonly adminDigest: Buffer | undefined;
  private readonly sessionSecret: string | undefined;

  constructor(key: string | undefined) {
    this.adminDigest = key === undefined ? undefined : digest(key);
    // Sessions are signed with a secret derived from the key: a new admin key ends every session.
    this.sessionSecret = key === undefined ? undefined : `queues-board-session:${key}`;
  }

  /** Throws unless `presented` is the admin key: 403 while the admin API is off, 401 for a missing or wrong key. */
  check(presented: string | undefined): void {
    if (this.adminDigest === undefined) {
      throw new SwitchyardError(ErrorCode.PermissionDenied, 'The admin API is off: set SWITCHYARD_ADMIN_KEY to turn it on.');
    }
    if (!this.matches(presented)) throw new AuthenticationError('Incorrect admin key.');
  }

  /** Whether `presented` is the admin key (constant time); never, while the admin API is off. */
  matches(presented: string | undefined): boolean {
    return this.adminDigest !== undefined && presented !== undefined && timingSafeEqual(digest(presented), this.adminDigest);
  }

  /** A session token that holds until `expiresAtMs`: `<expiry>.<signature>`, never the key itself. */
  sessionToken(expiresAtMs: number): string {
    return `${expiresAtMs}.${this.sign(String(expiresAtMs))}`;
  }

  /** Whether a token this key made is presented, and has not expired. */
  isSession(token: string | undefined, nowMs = Date.now()): boolean {
    if (token === undefined || this.sessionSecret === undefined) return false;
    const [expiry, signature, extra] = token.split('.');
    if (expiry === undefined || signature === undefined || extra !== undefined || !/^\d{1,15}$/.test(expiry)) return false;
    if (Number(expiry) <= nowMs) return false;
    const expected = Buffer.from(this.sign(expiry));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(value: string): string {
    return createHmac('sha256', this.sessionSecret ?? '')
      .update(value)
      .digest('base64url');
  }
}
