import * as ipaddr from 'ipaddr.js';
import { METADATA_CIDRS } from './addresses';
import { compareStrings } from './selector';

/*
 * CIDR arithmetic shared by the constructs (validation, metadata-endpoint guard) and the analyzer
 * (ipBlock matching). Addresses are parsed by ipaddr.js; containment is prefix comparison.
 */

/** A parsed CIDR block. */
export interface ParsedCidr {
  readonly family: 'ipv4' | 'ipv6';
  /** The network address with host bits cleared, in canonical text form. */
  readonly network: string;
  readonly prefixLength: number;
  /** Canonical text: `network/prefix`. */
  readonly text: string;
  readonly address: ipaddr.IPv4 | ipaddr.IPv6;
  /** The text as written, when it had host bits set (only with `allowHostBits`). */
  readonly withHostBits?: string;
}

/**
 * Parses `a.b.c.d/n` or `x::y/n`. Returns an explanation string when the input is not a CIDR, so callers
 * can build an error that names their construct. Host bits set in the address are reported as an error
 * because the API server normalizes them away, which would hide a typo. The analyzer reads manifests
 * written by others and passes `allowHostBits`: it then models the network the API server keeps and
 * remembers the text as written (`withHostBits`).
 */
export function parseCidr(text: string, allowHostBits = false): ParsedCidr | string {
  if (typeof text !== 'string' || !text.includes('/')) {
    return 'is not in CIDR notation (missing the "/prefix")';
  }
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text);
  } catch {
    return 'is not a valid IPv4 or IPv6 CIDR';
  }
  const [address, prefixLength] = parsed;
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return 'is an IPv4-mapped IPv6 address; write the IPv4 CIDR instead';
  }
  if (address.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(text.split('/')[0])) {
    return 'is not a four-part dotted IPv4 address';
  }
  const network = address.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(text)
    : ipaddr.IPv6.networkAddressFromCIDR(text);
  const hostBits = network.toNormalizedString() !== address.toNormalizedString();
  if (hostBits && !allowHostBits) {
    return `has host bits set; the network address is ${network.toString()}/${prefixLength}`;
  }
  return {
    family: address.kind() as 'ipv4' | 'ipv6',
    network: network.toString(),
    prefixLength,
    text: `${network.toString()}/${prefixLength}`,
    address: network,
    ...(hostBits ? { withHostBits: text } : {}),
  };
}

/** Parses an address (no prefix); undefined when it is not an IP address. */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (typeof text !== 'string' || !ipaddr.isValid(text)) return undefined;
  const address = ipaddr.parse(text);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

/** True when `address` lies inside `cidr`. Different families never match. */
export function cidrContainsAddress(cidr: ParsedCidr, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.kind() !== cidr.family) return false;
  return (address as ipaddr.IPv4).match(cidr.address as ipaddr.IPv4, cidr.prefixLength);
}

/** True when `inner` lies inside `outer` (equal blocks included). */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  return outer.family === inner.family
    && inner.prefixLength >= outer.prefixLength
    && cidrContainsAddress(outer, inner.address);
}

/** True when `inner` lies inside `outer` and is smaller than it, as `ipBlock.except` requires. */
export function cidrStrictlyContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  return cidrContains(outer, inner) && inner.prefixLength > outer.prefixLength;
}

/** The metadata endpoints (their one home is `addresses.ts`), parsed once. */
const METADATA_BLOCKS: readonly ParsedCidr[] = METADATA_CIDRS.map((text) => parseCidr(text) as ParsedCidr);

/**
 * The metadata endpoint a block names itself (the block lies inside the endpoint's /32 or /128), or
 * undefined. Such a block cannot be guarded with `except` (which must be strictly inside the block), so a
 * path that does not mean to open the endpoint refuses it.
 */
export function metadataEndpointNamedBy(cidr: string): string | undefined {
  const block = parseCidr(cidr);
  if (typeof block === 'string') return undefined;
  return METADATA_BLOCKS.find((endpoint) => cidrContains(endpoint, block))?.text;
}

/**
 * The except list that keeps the metadata endpoints out of a wider block: `excluded`, plus each endpoint
 * strictly inside `cidr` that no entry of `excluded` covers yet, sorted. A block that is itself an endpoint
 * gets nothing added (see `metadataEndpointNamedBy`). `cidr` and `excluded` must be valid, canonical CIDRs.
 */
export function excludeMetadataEndpoints(cidr: string, excluded: readonly string[]): string[] {
  const outer = parseCidr(cidr) as ParsedCidr;
  const except = [...excluded];
  for (const endpoint of METADATA_BLOCKS) {
    const covered = except.some((e) => cidrContains(parseCidr(e) as ParsedCidr, endpoint));
    if (cidrStrictlyContains(outer, endpoint) && !covered) except.push(endpoint.text);
  }
  return [...new Set(except)].sort(compareStrings);
}
