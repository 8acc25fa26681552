import { describe, expect, it } from 'vitest';
import { DestinationPolicy, DestinationRefusedError, nonPublicRange } from './destination-policy';

describe('nonPublicRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'uniqueLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'linkLocal'],
    ['::ffff:10.1.2.3', 'private'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['::7f00:1', 'not global unicast'],
  ])('%s is %s', (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(nonPublicRange(address)).toBeUndefined();
  });
});

describe(DestinationPolicy.name, () => {
  it('allows only public addresses by default', () => {
    const policy = DestinationPolicy.publicOnly;
    expect(() => policy.check('example.com', '93.184.215.14')).not.toThrow();
    expect(() => policy.check('localhost', '127.0.0.1')).toThrow(DestinationRefusedError);
    expect(() => policy.check('localhost', '127.0.0.1')).toThrow(
      'refused: the destination does not resolve to a public address and is not in WEBHOOK_ALLOWLIST',
    );
    expect(() => policy.check('localhost', '127.0.0.1')).toThrow(expect.objectContaining({ detail: '127.0.0.1 (resolved from localhost): loopback address' }));
  });

  it('lets CIDRs, single addresses and exact host names through', () => {
    const policy = DestinationPolicy.fromList(['10.0.0.0/8', ' 192.168.1.7 ', 'fd00::/8', 'Hooks.Internal.', '']);
    expect(policy.allowsAddress('10.9.8.7')).toBe(true);
    expect(policy.allowsAddress('::ffff:10.9.8.7')).toBe(true);
    expect(policy.allowsAddress('192.168.1.7')).toBe(true);
    expect(policy.allowsAddress('192.168.1.8')).toBe(false);
    expect(policy.allowsAddress('fd12::1')).toBe(true);
    expect(policy.allowsAddress('127.0.0.1')).toBe(false);
    expect(() => policy.check('hooks.internal', '127.0.0.1')).not.toThrow();
    expect(() => policy.check('other.internal', '127.0.0.1')).toThrow(DestinationRefusedError);
  });

  it('refuses a malformed allowlist entry rather than ignoring it', () => {
    expect(() => DestinationPolicy.fromList(['10.0.0.0/33'])).toThrow();
  });
});
