import { Reachability } from '../../src';
import { INSTANCE_METADATA_CIDRS, METADATA_CIDRS, METADATA_DNS_CIDRS, METADATA_PROBES, METADATA_SERVICES } from '../../src/core/addresses';
import { namespace, pod, policy } from '../analysis/fixtures';

/*
 * Issue 22 item 4: any set of ipBlocks that together cover the public address space is "the internet"
 * for NETSEC004, not only a /0; and the address facts have one home.
 */

const egress = (...to: any[]) => policy('shop', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to, ports: [{ port: 443, protocol: 'TCP' }] }] });
const block = (cidr: string, except?: string[]) => ({ ipBlock: { cidr, ...(except ? { except } : {}) } });
const netsec004 = (...to: any[]) => Reachability.fromManifests([namespace('shop'), pod('shop', 'web'), egress(...to)]).audit()
  .filter(f => f.ruleId === 'NETSEC004').map(f => f.message);

describe('NETSEC004: the internet as a set of ranges', () => {
  test('0.0.0.0/1 + 128.0.0.0/1 is the internet', () => {
    expect(netsec004(block('0.0.0.0/1'), block('128.0.0.0/1', ['169.254.169.254/32']))).toEqual([
      'spec.egress[0] allows ipBlock 0.0.0.0/1, ipBlock 128.0.0.0/1 except 169.254.169.254/32: together every public IPv4 address (the internet), on TCP 443',
    ]);
  });

  test('the public ranges listed one by one, private ranges left out, are the internet', () => {
    const halves = ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'].map(c => block(c, ['10.0.0.0/8', '192.168.0.0/16'].filter(e => e.startsWith(c.split('.')[0]))));
    expect(netsec004(...halves)).toHaveLength(1);
  });

  test('IPv6: 2000::/4 + 3000::/4 cover global unicast', () => {
    expect(netsec004(block('2000::/4'), block('3000::/4'))).toEqual([
      'spec.egress[0] allows ipBlock 2000::/4, ipBlock 3000::/4: together every public IPv6 address (the internet), on TCP 443',
    ]);
  });

  test('ranges that leave one public address out are not the internet', () => {
    expect(netsec004(block('0.0.0.0/1'), block('128.0.0.0/1', ['203.0.113.7/32']))).toEqual([]);
    expect(netsec004(block('0.0.0.0/1'), block('192.0.0.0/2'))).toEqual([]);
    expect(netsec004(block('10.0.0.0/8'), block('172.16.0.0/12'))).toEqual([]);
  });

  test('a /0 is reported once, as before, not again as a union', () => {
    expect(netsec004(block('0.0.0.0/0'), block('128.0.0.0/1'))).toHaveLength(1);
  });
});

describe('address facts', () => {
  test('every major cloud\'s metadata service is known, with a source, and every one is guarded', () => {
    const addresses = new Set(METADATA_SERVICES.flatMap(s => s.addresses));
    for (const a of ['169.254.169.254', 'fd00:ec2::254', 'fd20:ce::254', '168.63.129.16', '100.100.100.200', 'fd00:a9fe:a9fe::1']) expect(addresses.has(a)).toBe(true);
    expect([...new Set(METADATA_SERVICES.map(s => s.cloud))].sort()).toEqual(
      ['AWS', 'Akamai (Linode)', 'Alibaba Cloud', 'Azure', 'DigitalOcean', 'GCP', 'Hetzner Cloud', 'OpenStack', 'Oracle OCI']);
    for (const s of METADATA_SERVICES) expect(s.source).toMatch(/^[a-z.]+\.(com|org|cloud)\//);
    expect(METADATA_CIDRS).toEqual([...addresses].map(a => `${a}/${a.includes(':') ? 128 : 32}`).sort((a, b) => Number(a.includes(':')) - Number(b.includes(':')) || (a < b ? -1 : 1)));
  });

  test('allowMetadataEndpoint opens the instance metadata services, not Azure\'s WireServer; DNS is served on GKE\'s and Azure\'s addresses', () => {
    expect(INSTANCE_METADATA_CIDRS).toEqual(METADATA_CIDRS.filter(c => c !== '168.63.129.16/32'));
    expect(METADATA_DNS_CIDRS).toEqual(['168.63.129.16/32', '169.254.169.254/32']);
    expect(METADATA_PROBES.find(p => p.address === '168.63.129.16')!.ports).toEqual([80, 32526]);
    expect(METADATA_PROBES.find(p => p.address === '100.100.100.200')!.ports).toEqual([80]);
  });
});
