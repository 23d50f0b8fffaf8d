import { App, Chart, Testing } from 'cdk8s';
import { ClusterDns, ClusterIsolation, IsolatedTier, Port } from '../../src';
import { Reachability } from '../../src/analysis';
import { findObject, validateAll } from '../util';

/*
 * Issue 22 item 4: ClusterIsolation's metadata deny covers every cloud's metadata address, IPv4 and IPv6,
 * judged by the analyzer over the emitted (schema-valid) ClusterNetworkPolicies next to a team's
 * allow-all egress policy. DNS on a metadata address passes on port 53 exactly when the app's ClusterDns
 * names the address, and nothing else on it does.
 */

const ENDPOINTS: [string, string, number[]][] = [
  ['AWS, GCP, Azure, Oracle, DigitalOcean, Hetzner, OpenStack, Akamai', '169.254.169.254', [80]],
  ['AWS IPv6', 'fd00:ec2::254', [80]],
  ['GCP IPv6', 'fd20:ce::254', [80]],
  ['Azure WireServer', '168.63.129.16', [80, 32526]],
  ['Alibaba Cloud', '100.100.100.200', [80]],
  ['Akamai IPv6', 'fd00:a9fe:a9fe::1', [80]],
];

const pod = (namespace: string, name: string, labels: Record<string, string> = { app: name }) =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] } });
const ALLOW_ALL = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'allow-all', namespace: 'team' },
  spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] },
};
const TEAM = { namespace: 'team', pod: 'z' };
const COREDNS = { namespace: 'kube-system', pod: 'coredns' };

/** The guardrails with `dns`, a tier in shop, a team that allows all egress, and CoreDNS in kube-system. */
function cluster(dns?: ClusterDns): { r: Reachability; objects: any[] } {
  const app: App = Testing.app();
  const platform = new Chart(app, 'cluster');
  new ClusterIsolation(platform, 'guardrails', { exemptNamespaces: ['kube-system'], ...(dns ? { dns } : {}) });
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ...(dns ? { dns } : {}) });
  const objects = validateAll([...Testing.synth(platform), ...Testing.synth(shop)]);
  const r = Reachability.fromManifests([...objects, ALLOW_ALL, pod('team', 'z'), pod('shop', 'web'), pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' })]);
  return { r, objects };
}

describe('ClusterIsolation denies every metadata address, whatever a NetworkPolicy allows', () => {
  const { r } = cluster();

  test.each(ENDPOINTS)('%s: %s is denied on its secret ports to a team that allows all egress, and to exempt kube-system', (_cloud, ip, ports) => {
    for (const port of ports) {
      expect(r.isAllowed(TEAM, { ip }, Port.tcp(port))).toBe(false);
      expect(r.isAllowed(COREDNS, { ip }, Port.tcp(port))).toBe(false);
      expect(r.explain(TEAM, { ip }, Port.tcp(port)).egress.decidedBy).toBe('ClusterNetworkPolicy guardrails-metadata-deny egress[0] "deny-metadata-endpoint" (Deny)');
    }
  });

  test('the deny is exact: the neighbouring addresses stay open to the allow-all policy', () => {
    for (const ip of ['169.254.169.253', 'fd00:ec2::253', 'fd20:ce::253', '168.63.129.17', '100.100.100.201', 'fd00:a9fe:a9fe::2', '8.8.8.8']) {
      expect([ip, r.isAllowed(TEAM, { ip }, Port.tcp(80))]).toEqual([ip, true]);
    }
  });

  test('without a ClusterDns that names them, DNS on GKE\'s and Azure\'s metadata addresses is denied too', () => {
    for (const ip of ['169.254.169.254', '168.63.129.16']) {
      expect(r.isAllowed(TEAM, { ip }, Port.udp(53))).toBe(false);
      expect(r.isAllowed(COREDNS, { ip }, Port.udp(53))).toBe(false);
    }
  });
});

describe('DNS on a metadata address passes exactly when ClusterDns names it, on port 53 only', () => {
  test('AKS: kubeDns({ metadataUpstream: "168.63.129.16" }) lets CoreDNS forward to Azure DNS; the WireServer\'s agent ports and GKE\'s address stay denied', () => {
    const { r, objects } = cluster(ClusterDns.kubeDns({ metadataUpstream: '168.63.129.16' }));
    expect(findObject(objects, 'ClusterNetworkPolicy', 'guardrails-metadata-deny').spec.egress[0]).toEqual({
      name: 'pass-dns-on-metadata-address',
      action: 'Pass',
      to: [{ networks: ['168.63.129.16/32'] }],
      protocols: [{ tcp: { destinationPort: { number: 53 } } }, { udp: { destinationPort: { number: 53 } } }],
    });
    expect(r.isAllowed(COREDNS, { ip: '168.63.129.16' }, Port.udp(53))).toBe(true);
    expect(r.isAllowed(COREDNS, { ip: '168.63.129.16' }, Port.tcp(53))).toBe(true);
    expect(r.isAllowed(COREDNS, { ip: '168.63.129.16' }, Port.tcp(80))).toBe(false);
    expect(r.isAllowed(COREDNS, { ip: '168.63.129.16' }, Port.tcp(32526))).toBe(false);
    expect(r.isAllowed(COREDNS, { ip: '169.254.169.254' }, Port.udp(53))).toBe(false);
    // The tier resolves through the CoreDNS pods, as before: its own policy opens nothing on the WireServer.
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { ip: '168.63.129.16' }, Port.udp(53))).toBe(false);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, COREDNS, Port.udp(53))).toBe(true);
  });

  test('metadataServer("168.63.129.16"): pods resolve at Azure DNS directly, on 53 only', () => {
    const { r } = cluster(ClusterDns.metadataServer('168.63.129.16'));
    const web = { namespace: 'shop', pod: 'web' };
    expect(r.isAllowed(web, { ip: '168.63.129.16' }, Port.udp(53))).toBe(true);
    expect(r.isAllowed(web, { ip: '168.63.129.16' }, Port.tcp(80))).toBe(false);
    expect(r.isAllowed(TEAM, { ip: '168.63.129.16' }, Port.tcp(32526))).toBe(false);
    expect(r.isAllowed(web, { ip: '169.254.169.254' }, Port.udp(53))).toBe(false);
  });

  test('GKE, as before: metadataServer() passes 53 on 169.254.169.254 only', () => {
    const { r } = cluster(ClusterDns.metadataServer());
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { ip: '169.254.169.254' }, Port.udp(53))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
    expect(r.isAllowed(TEAM, { ip: '168.63.129.16' }, Port.udp(53))).toBe(false);
  });

  test.each([
    ['an address that serves no DNS', () => ClusterDns.metadataServer('100.100.100.200'), 'ClusterDns.metadataServer: the address is not a cloud metadata address that serves DNS ("100.100.100.200"). Give one of 168.63.129.16, 169.254.169.254; for another DNS server use ClusterDns.custom().'],
    ['an ordinary address', () => ClusterDns.metadataServer('10.0.0.10'), 'ClusterDns.metadataServer: the address is not a cloud metadata address that serves DNS ("10.0.0.10").'],
    ['a CIDR', () => ClusterDns.metadataServer('168.63.129.16/32'), 'ClusterDns.metadataServer: the address is not a cloud metadata address that serves DNS ("168.63.129.16/32").'],
    ['an upstream that is no metadata DNS', () => ClusterDns.kubeDns({ metadataUpstream: '8.8.8.8' }), 'ClusterDns.kubeDns (metadataUpstream): the address is not a cloud metadata address that serves DNS ("8.8.8.8").'],
    ['an upstream that is not a string', () => ClusterDns.kubeDns({ metadataUpstream: 53 as any }), 'ClusterDns.kubeDns (metadataUpstream): the address is not a cloud metadata address that serves DNS (53).'],
    ['a node cache upstream on the IMDS of AWS IPv6', () => ClusterDns.nodeLocalCache({ upstream: { metadataUpstream: 'fd00:ec2::254' } }), 'ClusterDns.nodeLocalCache (metadataUpstream): the address is not a cloud metadata address that serves DNS ("fd00:ec2::254").'],
  ])('%s is refused, naming the addresses that serve DNS', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});
