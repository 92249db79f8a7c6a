import { BlockList, isIP } from 'node:net';

/** One address or CIDR range from configuration, e.g. `203.0.113.7`, `10.0.0.0/8`, `2001:db8::/32`. */
export interface IpRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/**
 * Parses a comma-separated list of addresses and CIDR ranges, returning the ranges and a message for
 * each entry that is not one (config.ts turns those into startup errors).
 */
export function parseIpRanges(text: string): { ranges: IpRange[]; invalid: string[] } {
  const ranges: IpRange[] = [];
  const invalid: string[] = [];
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const range = parseIpRange(entry);
    if (range) ranges.push(range);
    else invalid.push(entry);
  }
  return { ranges, invalid };
}

function parseIpRange(entry: string): IpRange | undefined {
  const [address = '', prefixText, extra] = entry.split('/');
  if (extra !== undefined) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return undefined;
  return { address, prefix: Number(prefixText), family };
}

/** An address matcher over ranges, built on node:net's BlockList. IPv4-mapped IPv6 peers match IPv4 ranges. */
export interface IpMatcher {
  readonly size: number;
  has(ip: string): boolean;
}

export function ipMatcher(ranges: readonly IpRange[]): IpMatcher {
  const list = new BlockList();
  for (const r of ranges) list.addSubnet(r.address, r.prefix, r.family);
  return {
    size: ranges.length,
    has(ip: string): boolean {
      if (ranges.length === 0) return false;
      const plain = unmapIpv4(ip);
      const version = isIP(plain);
      if (version === 0) return false;
      return list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** `::ffff:192.0.2.1` (how a dual-stack socket reports an IPv4 peer) becomes `192.0.2.1`. */
export function unmapIpv4(ip: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return m?.[1] ?? ip;
}
