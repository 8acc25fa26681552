import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Which hosts a webhook may reach. Only public unicast addresses by default:
 * receiver URLs come from API callers, and a URL aimed at the cluster's own
 * network (Redis, the cloud metadata service, an admin port) must not be
 * reachable through us. Operators name exceptions in WEBHOOK_ALLOWLIST.
 */

// ipaddr.js calls every IPv6 address outside its special ranges "unicast", including
// ::/96 (IPv4-compatible) and unassigned space; only 2000::/3 is handed out as global unicast.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * What a tenant sees (dead letters, attempt logs) for a destination that is
 * not allowed and for a name that does not resolve at all, alike: otherwise
 * the difference tells which internal names exist.
 */
const REFUSED_MESSAGE = 'refused: the destination does not resolve to a public address and is not in WEBHOOK_ALLOWLIST';

/**
 * The message says the destination is not allowed, not what a name resolved
 * to, so webhooks cannot be used to map internal DNS. `detail` (address,
 * range, or that the name does not exist) is for operators' logs.
 */
export class DestinationRefusedError extends Error {
  override name = 'DestinationRefusedError';
  constructor(readonly detail: string) {
    super(REFUSED_MESSAGE);
  }
}

function parseAddress(text: string): Address | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIP(bare) === 0) return undefined;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) becomes the IPv4 address it reaches.
  return ipaddr.process(bare);
}

/** Why an address is not public, or undefined when it is. */
export function nonPublicRange(address: string): string | undefined {
  const parsed = parseAddress(address);
  if (parsed === undefined) return 'not an IP address';
  const range = parsed.range();
  if (range !== 'unicast') return range;
  if (parsed.kind() === 'ipv6' && !parsed.match(GLOBAL_UNICAST_V6)) return 'not global unicast';
  return undefined;
}

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

export class DestinationPolicy {
  private constructor(
    private readonly hosts: ReadonlySet<string>,
    private readonly ranges: readonly [Address, number][],
  ) {}

  static readonly publicOnly = new DestinationPolicy(new Set(), []);

  /** Entries are CIDRs (`10.0.0.0/8`, `fd00::/8`), single addresses, or exact host names (`hooks.internal`). */
  static fromList(entries: readonly string[]): DestinationPolicy {
    const hosts = new Set<string>();
    const ranges: [Address, number][] = [];
    for (const raw of entries) {
      const entry = raw.trim();
      if (entry === '') continue;
      if (entry.includes('/')) {
        ranges.push(ipaddr.parseCIDR(entry));
        continue;
      }
      const address = parseAddress(entry);
      if (address === undefined) hosts.add(normaliseHost(entry));
      else ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    }
    return new DestinationPolicy(hosts, ranges);
  }

  /** A named host is trusted wherever it resolves: the operator vouched for the name, not for an address. */
  allowsHost(hostname: string): boolean {
    return this.hosts.has(normaliseHost(hostname));
  }

  allowsAddress(address: string): boolean {
    const parsed = parseAddress(address);
    if (parsed === undefined) return false;
    if (nonPublicRange(address) === undefined) return true;
    return this.ranges.some(([base, bits]) => {
      // ipaddr.js only compares addresses of one family; an IPv4 range never holds an IPv6 address.
      if (base.kind() !== parsed.kind()) return false;
      return parsed.match(base, bits);
    });
  }

  /** Throws DestinationRefusedError unless `hostname`, having resolved to `address`, may be reached. */
  check(hostname: string, address: string): void {
    if (this.allowsHost(hostname) || this.allowsAddress(address)) return;
    const range = nonPublicRange(address) ?? 'refused';
    const via = parseAddress(hostname) === undefined ? ` (resolved from ${hostname})` : '';
    throw new DestinationRefusedError(`${address}${via}: ${range} address`);
  }
}
