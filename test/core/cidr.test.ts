import * as fc from 'fast-check';
import { METADATA_ADDRESSES, METADATA_CIDRS } from '../../src/core/addresses';
import {
  cidrContains, cidrContainsAddress, cidrStrictlyContains, excludeMetadataEndpoints, metadataEndpointNamedBy,
  parseAddress, parseCidr, ParsedCidr,
} from '../../src/core/cidr';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':'));

/** Clears host bits so that the block is what the API server would store. */
function network(address: string, prefix: number): string {
  const bits = address.includes(':')
    ? address.split(':').map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('')
    : address.split('.').map((b) => Number(b).toString(2).padStart(8, '0')).join('');
  const kept = bits.slice(0, prefix).padEnd(bits.length, '0');
  if (address.includes(':')) {
    return kept.match(/.{16}/g)!.map((g) => parseInt(g, 2).toString(16)).join(':');
  }
  return kept.match(/.{8}/g)!.map((b) => parseInt(b, 2)).join('.');
}

const cidr = fc.oneof(
  fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })),
  fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })),
).map(([a, p]) => `${network(a, p)}/${p}`);

describe('parseCidr', () => {
  test('every valid block parses, and its canonical text parses to itself', () => {
    fc.assert(fc.property(cidr, (text) => {
      const parsed = parseCidr(text) as ParsedCidr;
      expect(typeof parsed).toBe('object');
      expect((parseCidr(parsed.text) as ParsedCidr).text).toBe(parsed.text);
    }));
  });

  test('a block with host bits set is refused and names the network address', () => {
    expect(parseCidr('192.168.1.7/24')).toBe('has host bits set; the network address is 192.168.1.0/24');
    expect(parseCidr('2001:db8::1/64')).toMatch(/network address is 2001:db8::\/64/);
  });

  test('arbitrary strings never throw: they parse or explain', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      const parsed = parseCidr(text);
      expect(typeof parsed === 'string' || typeof parsed === 'object').toBe(true);
    }));
  });

  test('containment agrees with address membership', () => {
    fc.assert(fc.property(cidr, cidr, (a, b) => {
      const outer = parseCidr(a) as ParsedCidr;
      const inner = parseCidr(b) as ParsedCidr;
      const contains = cidrContains(outer, inner);
      // inner is inside outer exactly when its network address is inside and it is not larger.
      expect(contains).toBe(outer.family === inner.family && inner.prefixLength >= outer.prefixLength
        && cidrContainsAddress(outer, parseAddress(inner.network)!));
      expect(cidrStrictlyContains(outer, inner)).toBe(contains && inner.prefixLength > outer.prefixLength);
    }));
  });

  test('IPv4-mapped IPv6 addresses are read as IPv4', () => {
    expect(parseAddress('::ffff:10.1.2.3')?.toString()).toBe('10.1.2.3');
    expect(parseAddress('not-an-ip')).toBeUndefined();
  });
});

describe('the metadata endpoints', () => {
  test('are every cloud\'s metadata address, IPv4 first, as host blocks', () => {
    expect(METADATA_CIDRS).toEqual(['100.100.100.200/32', '168.63.129.16/32', '169.254.169.254/32',
      'fd00:a9fe:a9fe::1/128', 'fd00:ec2::254/128', 'fd20:ce::254/128']);
  });

  test('a block names an endpoint only when it lies inside the endpoint itself', () => {
    expect(metadataEndpointNamedBy('169.254.169.254/32')).toBe('169.254.169.254/32');
    expect(metadataEndpointNamedBy('fd00:ec2::254/128')).toBe('fd00:ec2::254/128');
    expect(metadataEndpointNamedBy('168.63.129.16/32')).toBe('168.63.129.16/32');
    expect(metadataEndpointNamedBy('100.100.100.200/32')).toBe('100.100.100.200/32');
    expect(metadataEndpointNamedBy('fd20:ce::254/128')).toBe('fd20:ce::254/128');
    expect(metadataEndpointNamedBy('169.254.0.0/16')).toBeUndefined();
    expect(metadataEndpointNamedBy('169.254.169.253/32')).toBeUndefined();
    expect(metadataEndpointNamedBy('not a cidr')).toBeUndefined();
  });

  test('wider blocks get the endpoints they contain excluded, once, sorted with the rest', () => {
    expect(excludeMetadataEndpoints('0.0.0.0/0', [])).toEqual(['100.100.100.200/32', '168.63.129.16/32', '169.254.169.254/32']);
    expect(excludeMetadataEndpoints('168.0.0.0/8', [])).toEqual(['168.63.129.16/32']);
    expect(excludeMetadataEndpoints('100.64.0.0/10', [])).toEqual(['100.100.100.200/32']);
    expect(excludeMetadataEndpoints('::/0', ['fc00::/7'])).toEqual(['fc00::/7']);
    expect(excludeMetadataEndpoints('::/0', ['2001:db8::/32'])).toEqual(['2001:db8::/32', 'fd00:a9fe:a9fe::1/128', 'fd00:ec2::254/128', 'fd20:ce::254/128']);
    expect(excludeMetadataEndpoints('fd20::/16', [])).toEqual(['fd20:ce::254/128']);
    expect(excludeMetadataEndpoints('169.254.0.0/16', ['169.254.169.254/32'])).toEqual(['169.254.169.254/32']);
    expect(excludeMetadataEndpoints('169.254.169.254/32', [])).toEqual([]);
    expect(excludeMetadataEndpoints('10.0.0.0/8', ['10.1.0.0/16'])).toEqual(['10.1.0.0/16']);
  });

  test.each(METADATA_ADDRESSES.filter((a) => !a.includes(':')))('property: after the guard, no IPv4 block reaches %s unless it is the endpoint itself', (address) => {
    const endpoint = parseAddress(address)!;
    const octets = fc.oneof(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)), fc.constant(address.split('.').map(Number)));
    fc.assert(fc.property(fc.nat(32), octets, (prefix, bytes) => {
      // Any address with any prefix, cleared to its network: blocks around the endpoint come up often.
      const text = (parseCidr(`${bytes.join('.')}/${prefix}`, true) as ParsedCidr).text;
      const block = parseCidr(text) as ParsedCidr;
      const except = excludeMetadataEndpoints(text, []).map((e) => parseCidr(e) as ParsedCidr);
      const reaches = cidrContainsAddress(block, endpoint) && !except.some((e) => cidrContainsAddress(e, endpoint));
      expect(reaches).toBe(metadataEndpointNamedBy(text) === `${address}/32`);
    }));
  });

  test.each(METADATA_ADDRESSES.filter((a) => a.includes(':')))('IPv6: every block around %s, from /0 to /127, keeps it out', (address) => {
    const endpoint = parseAddress(address)!;
    for (let prefix = 0; prefix < 128; prefix++) {
      const text = (parseCidr(`${address}/${prefix}`, true) as ParsedCidr).text;
      const except = excludeMetadataEndpoints(text, []).map((e) => parseCidr(e) as ParsedCidr);
      expect(except.some((e) => cidrContainsAddress(e, endpoint))).toBe(true);
    }
    expect(metadataEndpointNamedBy(`${address}/128`)).toBe(`${address}/128`);
  });
});

describe('parsing from plain JavaScript', () => {
  test.each([undefined, null, 5, {}])('parseCidr and parseAddress reject %p without throwing', (value) => {
    expect(parseCidr(value as any)).toBe('is not in CIDR notation (missing the "/prefix")');
    expect(parseAddress(value as any)).toBeUndefined();
  });
});
