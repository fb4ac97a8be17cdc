import { BlockList, isIP } from 'node:net';

/**
 * Addresses a media download must never reach: private networks, loopback, link-local (where cloud
 * metadata services live, 169.254.169.254 and fd00:ec2::254), carrier-grade NAT (Alibaba's metadata
 * 100.100.100.200), multicast, documentation and reserved ranges, and IPv6 forms that embed IPv4 (NAT64,
 * 6to4, Teredo) since the embedded address could be any of the above.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  // No ::ffff:0:0/96 rule: BlockList checks IPv4-mapped addresses against the IPv4 rules above, and
  // would apply such a rule to every IPv4 address.
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is globally routable. Anything that is not an IP address is not. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // IPv4-mapped IPv6 forms (::ffff:127.0.0.1) are matched against the IPv4 rules by BlockList itself.
  return !NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
