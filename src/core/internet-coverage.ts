import { EVERY_IPV4, IPV4_NON_PUBLIC, IPV6_INTERNET } from '../core/addresses';
import { parseCidr, ParsedCidr } from '../core/cidr';

/*
 * "The internet" as a set of ranges, and whether ipBlocks cover it: interval arithmetic over addresses
 * as integers, so that `0.0.0.0/1` + `128.0.0.0/1`, or the public ranges listed one by one, count as the
 * internet just as `0.0.0.0/0` does. Internal: used by NETSEC004 and by RestrictedEgress (the allowInternet opt-in).
 */

/** A half-open range of addresses [start, end). */
interface Span {
  readonly start: bigint;
  readonly end: bigint;
}

/** An ipBlock: a CIDR and the blocks excepted from it. */
export interface Block {
  readonly cidr: ParsedCidr;
  readonly except: readonly ParsedCidr[];
}

const BITS = { ipv4: 32, ipv6: 128 } as const;

function spanOf(cidr: ParsedCidr): Span {
  const start = cidr.address.toByteArray().reduce((n, byte) => n * 256n + BigInt(byte), 0n);
  const size = 2n ** BigInt(BITS[cidr.family] - cidr.prefixLength);
  const base = start - (start % size);
  return { start: base, end: base + size };
}

/** `from` without the addresses of `cut`. */
function subtract(from: readonly Span[], cut: readonly Span[]): Span[] {
  let rest = [...from];
  for (const c of cut) {
    rest = rest.flatMap(s => {
      if (c.end <= s.start || c.start >= s.end) return [s];
      return [
        ...(c.start > s.start ? [{ start: s.start, end: c.start }] : []),
        ...(c.end < s.end ? [{ start: c.end, end: s.end }] : []),
      ];
    });
  }
  return rest;
}

const parsed = (text: string): ParsedCidr => parseCidr(text) as ParsedCidr;

/** The public address space of a family: IPv4 without the special-purpose ranges; IPv6 global unicast. */
const INTERNET: Record<'ipv4' | 'ipv6', readonly Span[]> = {
  ipv4: subtract([spanOf(parsed(EVERY_IPV4))], IPV4_NON_PUBLIC.map(t => spanOf(parsed(t)))),
  ipv6: [spanOf(parsed(IPV6_INTERNET))],
};

/** True when the blocks of one family together allow every public address of that family. */
export function coversInternet(blocks: readonly Block[], family: 'ipv4' | 'ipv6'): boolean {
  let rest: Span[] = [...INTERNET[family]];
  for (const block of blocks.filter(b => b.cidr.family === family)) {
    const allowed = subtract([spanOf(block.cidr)], block.except.filter(e => e.family === family).map(spanOf));
    rest = subtract(rest, allowed);
    if (rest.length === 0) return true;
  }
  return rest.length === 0;
}
