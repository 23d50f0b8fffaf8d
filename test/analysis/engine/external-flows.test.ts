import { AddressRanges, FlowEndpointKind, Reachability } from '../../../src/analysis';
import { Port } from '../../../src/core/port';
import { namespace, pod, policy } from '../fixtures';

/*
 * Flows with the outside of the cluster: IPv4 ranges cut at the policies' CIDR boundaries, merged per
 * flow (MAXIMAL) or kept as the policies delimit them (POLICY_BLOCKS, as netpol-analyzer prints).
 */
const objects = () => [
  namespace('x'),
  pod('x', 'a', { labels: { app: 'a' }, ports: [['dns', 53, 'UDP']] }),
  policy('x', 'a', {
    podSelector: { matchLabels: { app: 'a' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/9', '10.128.0.0/9', '172.16.0.0/12'] } }], ports: [{ port: 'dns', protocol: 'UDP' }] }],
    egress: [
      { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: 443 }] },
      { to: [{ ipBlock: { cidr: '198.51.101.0/24' } }], ports: [{ port: 443 }] },
    ],
  }),
];
const lines = (ranges?: AddressRanges) => Reachability.fromManifests(objects()).flows({ includeExternal: true, addressRanges: ranges })
  .map(f => `${f.source} -> ${f.destination}: ${f.description}`);

describe('flows with addresses outside the cluster', () => {
  test('MAXIMAL: per flow, adjacent ranges with the same ports are merged', () => {
    expect(lines()).toEqual([
      'x/a -> 198.51.100.0-198.51.101.255: TCP 443',
      '0.0.0.0-9.255.255.255 -> x/a: UDP 53',
      '11.0.0.0-172.15.255.255 -> x/a: UDP 53',
      '172.32.0.0-255.255.255.255 -> x/a: UDP 53',
    ]);
  });

  test('POLICY_BLOCKS: every range a policy\'s block delimits, adjacent except blocks as one hole', () => {
    expect(lines(AddressRanges.POLICY_BLOCKS)).toEqual([
      'x/a -> 198.51.100.0-198.51.100.255: TCP 443',
      'x/a -> 198.51.101.0-198.51.101.255: TCP 443',
      '0.0.0.0-9.255.255.255 -> x/a: UDP 53',
      '11.0.0.0-172.15.255.255 -> x/a: UDP 53',
      '172.32.0.0-255.255.255.255 -> x/a: UDP 53',
    ]);
  });

  test('every range flow agrees with isAllowed at its ends and just outside', () => {
    const r = Reachability.fromManifests(objects());
    const a = { namespace: 'x', pod: 'a' };
    const flows = r.flows({ includeExternal: true });
    expect(flows.every(f => f.sourceKind === FlowEndpointKind.ADDRESS_RANGE || f.destinationKind === FlowEndpointKind.ADDRESS_RANGE)).toBe(true);

    expect(r.isAllowed({ ip: '9.255.255.255' }, a, Port.udp(53))).toBe(true);
    expect(r.isAllowed({ ip: '10.0.0.0' }, a, Port.udp(53))).toBe(false);
    expect(r.isAllowed({ ip: '10.255.255.255' }, a, Port.udp(53))).toBe(false);
    expect(r.isAllowed({ ip: '11.0.0.0' }, a, Port.udp(53))).toBe(true);
    expect(r.isAllowed(a, { ip: '198.51.101.255' }, Port.tcp(443))).toBe(true);
    expect(r.isAllowed(a, { ip: '198.51.102.0' }, Port.tcp(443))).toBe(false);
  });

  test('a pod no policy selects is reachable from and reaches every address on everything', () => {
    const r = Reachability.fromManifests([pod('y', 'open')]);
    expect(r.flows({ includeExternal: true }).map(f => `${f.source} -> ${f.destination}: ${f.description}`)).toEqual([
      'y/open -> 0.0.0.0-255.255.255.255: all traffic',
      '0.0.0.0-255.255.255.255 -> y/open: all traffic',
    ]);
    expect(r.flows()).toEqual([]);
  });

  test('options are checked: an unknown AddressRanges string, a key that does not exist, or no object at all is refused', () => {
    const r = Reachability.fromManifests(objects());
    expect(() => r.flows({ includeExternal: true, addressRanges: 'blocks' as any }))
      .toThrow('Reachability.flows: addressRanges is not an AddressRanges value ("blocks"). Use AddressRanges.MAXIMAL or AddressRanges.POLICY_BLOCKS (maximal, policy-blocks).');
    expect(() => r.flows({ includeExternals: true } as any)).toThrow('Reachability.flows: options has unknown keys (["includeExternals"]). Known options: includeExternal, addressRanges, byWorkload.');
    expect(() => r.flows(true as any)).toThrow('Reachability.flows: options is not an object (true). Pass { includeExternal, addressRanges, byWorkload } or nothing.');
    expect(() => r.matrix(Port.tcp(80), { addresses: true } as any)).toThrow('Reachability.matrix: options has unknown keys (["addresses"]). Known options: includeAddresses.');
    expect(() => Reachability.fromManifests(objects(), { sourceNames: ['one.yaml'] }))
      .toThrow('Reachability.fromManifests: sourceNames is not one name per manifest (["one.yaml"]). Pass an array of strings as long as the manifests (3), e.g. "dist/app.yaml, document 2".');
  });
});

