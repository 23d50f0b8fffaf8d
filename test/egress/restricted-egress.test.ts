import { Chart, Testing } from 'cdk8s';
import { ClusterDns, IsolatedTier, NamespaceIsolation, Peer, Port } from '../../src';
import { Reachability } from '../../src/analysis';
import { Destination } from '../../src/egress/destination';
import { FqdnEnforcement } from '../../src/egress/fqdn';
import { RestrictedEgress } from '../../src/egress/restricted-egress';
import { IntentModel } from '../../src/model/intent-model';
import { findObject, objectsOfKind, synthValid } from '../util';

// Azure's WireServer (168.63.129.16) is a metadata endpoint on a public address: excluded with the non-public ranges.
const NON_PUBLIC_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '168.63.129.16/32', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4'];
const INTERNET_V4 = { ipBlock: { cidr: '0.0.0.0/0', except: NON_PUBLIC_V4 } };
const KUBE_DNS = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
};
const tcp = (port: number) => ({ port, protocol: 'TCP' });
const api = { namespace: 'shop', pod: 'api' };
const ip = (address: string) => ({ ip: address });

/** A chart with a default-deny namespace, an API tier and a database tier in another namespace. */
function setup() {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  new NamespaceIsolation(chart, 'baseline');
  const apiTier = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
  const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)] });
  return { chart, apiTier, db };
}

const egressOf = (objects: any[], name = 'api', namespace = 'shop') => findObject(objects, 'NetworkPolicy', name, namespace).spec.egress;

describe('RestrictedEgress: NetworkPolicy', () => {
  test('CIDR, tier and namespace destinations become egress rules on the tier, DNS stays, the tier destination gets its ingress rule', () => {
    const { chart, apiTier, db } = setup();
    new RestrictedEgress(chart, 'egress', {
      tier: apiTier,
      allow: [
        Destination.cidrExcept('198.51.100.0/24', ['198.51.100.128/25'], Port.tcp(443)),
        Destination.tier(db, Port.tcp(5432)),
        Destination.namespace('monitoring', Port.tcp(9091)),
      ],
    });
    const objects = synthValid(chart);
    expect(egressOf(objects)).toEqual([
      { to: [{ ipBlock: { cidr: '198.51.100.0/24', except: ['198.51.100.128/25'] } }], ports: [tcp(443)] },
      KUBE_DNS,
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'db' } } }], ports: [tcp(5432)] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [tcp(9091)] },
    ]);
    expect(findObject(objects, 'NetworkPolicy', 'db', 'data').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'api' } } }], ports: [tcp(5432)] },
    ]);
    expect(objectsOfKind(objects, 'ServiceEntry')).toEqual([]);
    expect(objectsOfKind(objects, 'Sidecar')).toEqual([]);

    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(api, { namespace: 'data', pod: 'db' }, Port.tcp(5432))).toBe(true);
    expect(r.isAllowed(api, { namespace: 'data', pod: 'db' }, Port.tcp(5433))).toBe(false);
    expect(r.isAllowed(api, ip('198.51.100.7'), Port.tcp(443))).toBe(true);
    expect(r.isAllowed(api, ip('198.51.100.200'), Port.tcp(443))).toBe(false);
    expect(r.isAllowed(api, ip('198.51.100.7'), Port.tcp(80))).toBe(false);
    expect(r.isAllowed(api, ip('8.8.8.8'), Port.tcp(443))).toBe(false);
    expect(r.isAllowed(api, ip('169.254.169.254'), Port.tcp(80))).toBe(false);
    expect(objects).toMatchSnapshot();
  });

  test('the allowlist merges with what the tier already has', () => {
    const { chart, apiTier } = setup();
    apiTier.allowTo(Peer.ipBlock('198.51.100.0/24'), Port.tcp(443));
    new RestrictedEgress(chart, 'egress', { tier: apiTier, allow: [Destination.cidr('198.51.100.0/24', Port.tcp(8443))] });
    const policies = objectsOfKind(synthValid(chart), 'NetworkPolicy').filter((p) => p.metadata.name === 'api');
    expect(policies).toHaveLength(1);
    expect(policies[0].spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [tcp(443), tcp(8443)] });
  });

  test('a broad block never reaches the metadata endpoints: they are added to except', () => {
    const { chart, apiTier } = setup();
    new RestrictedEgress(chart, 'egress', {
      tier: apiTier,
      allowInternet: true,
      allow: [Destination.cidr('0.0.0.0/0', Port.tcp(443)), Destination.peer(Peer.anyIpv6(), Port.tcp(443)), Destination.cidr('169.254.0.0/16', Port.tcp(8080))],
    });
    const egress = egressOf(synthValid(chart));
    expect(egress[0]).toEqual({
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['100.100.100.200/32', '168.63.129.16/32', '169.254.169.254/32'] } },
        { ipBlock: { cidr: '::/0', except: ['fd00:a9fe:a9fe::1/128', 'fd00:ec2::254/128', 'fd20:ce::254/128'] } }],
      ports: [tcp(443)],
    });
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] } }], ports: [tcp(8080)] });
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(api, ip('10.1.2.3'), Port.tcp(443))).toBe(true); // a bare 0.0.0.0/0 really is every address
    expect(r.isAllowed(api, ip('169.254.169.254'), Port.tcp(443))).toBe(false);
    expect(r.isAllowed(api, ip('169.254.169.254'), Port.tcp(8080))).toBe(false);
    expect(r.isAllowed(api, ip('fd00:ec2::254'), Port.tcp(443))).toBe(false);
    expect(r.isAllowed(api, ip('2001:db8::1'), Port.tcp(443))).toBe(true);
  });

  test('allowMetadataEndpoint opens TCP 80 to exactly the metadata addresses', () => {
    const { chart, apiTier } = setup();
    new RestrictedEgress(chart, 'egress', { tier: apiTier, allow: [], allowMetadataEndpoint: true });
    expect(egressOf(synthValid(chart))).toEqual([
      KUBE_DNS,
      // The instance metadata services; Azure's WireServer (168.63.129.16) is no workload's to read.
      { to: ['100.100.100.200/32', '169.254.169.254/32', 'fd00:a9fe:a9fe::1/128', 'fd00:ec2::254/128', 'fd20:ce::254/128'].map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(80)] },
    ]);
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(api, ip('169.254.169.254'), Port.tcp(80))).toBe(true);
    expect(r.isAllowed(api, ip('169.254.169.254'), Port.tcp(443))).toBe(false);
    expect(r.isAllowed(api, ip('169.254.169.253'), Port.tcp(80))).toBe(false);
    expect(r.isAllowed(api, ip('168.63.129.16'), Port.tcp(80))).toBe(false);
  });

  test('internet egress excludes the non-public ranges, and with IPv6 adds the global unicast space', () => {
    const { chart, apiTier } = setup();
    new RestrictedEgress(chart, 'egress', {
      tier: apiTier,
      allowInternet: true,
      includeIpv6: true,
      internetExcept: ['203.0.113.0/24', '10.20.0.0/16', '2001:db8:1::/48'],
      allow: [Destination.internet(Port.tcp(443))],
    });
    const egress = egressOf(synthValid(chart));
    expect(egress[0]).toEqual({
      to: [
        { ipBlock: { cidr: '0.0.0.0/0', except: [...NON_PUBLIC_V4, '203.0.113.0/24'].sort() } },
        { ipBlock: { cidr: '2000::/3', except: ['2001:db8:1::/48'] } },
      ],
      ports: [tcp(443)],
    });
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(api, ip('8.8.8.8'), Port.tcp(443))).toBe(true);
    expect(r.isAllowed(api, ip('8.8.8.8'), Port.tcp(80))).toBe(false);
    for (const address of ['10.1.2.3', '172.20.0.1', '192.168.1.1', '100.64.0.1', '127.0.0.1', '169.254.169.254', '203.0.113.9']) {
      expect(r.isAllowed(api, ip(address), Port.tcp(443))).toBe(false);
    }
    expect(r.isAllowed(api, ip('2606:4700::1'), Port.tcp(443))).toBe(true);
    for (const address of ['fd00:ec2::254', 'fe80::1', 'fc00::1', '2001:db8:1::5']) {
      expect(r.isAllowed(api, ip(address), Port.tcp(443))).toBe(false);
    }
  });

  test('a namespace target opens the destinations for every pod of the namespace', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const baseline = new NamespaceIsolation(chart, 'baseline');
    new RestrictedEgress(chart, 'egress', { namespace: baseline, allow: [Destination.cidr('198.51.100.0/24', Port.tcp(443))] });
    expect(egressOf(synthValid(chart), 'baseline')).toEqual([
      { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [tcp(443)] },
      KUBE_DNS,
    ]);
  });

  test('several tiers get the same allowlist, each in its own policy', () => {
    const { chart, apiTier } = setup();
    const worker = new IsolatedTier(chart, 'worker', { podLabels: { app: 'worker' } });
    new RestrictedEgress(chart, 'egress', { tiers: [apiTier, worker], allow: [Destination.cidr('198.51.100.0/24', Port.tcp(443))] });
    const objects = synthValid(chart);
    for (const name of ['api', 'worker']) {
      expect(egressOf(objects, name)[0]).toEqual({ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [tcp(443)] });
    }
  });

  test('an isolated namespace destination must be passed as its NamespaceIsolation, which writes both sides', () => {
    const { chart, apiTier } = setup();
    new NamespaceIsolation(chart, 'monitoring', { namespace: 'monitoring' });
    new RestrictedEgress(chart, 'egress', { tier: apiTier, allow: [Destination.namespace('monitoring', Port.tcp(9091))] });
    expect(() => Testing.synth(chart)).toThrow(/\[shop\/egress\] namespace monitoring denies ingress through shop\/monitoring, so Destination\.namespace\(\) would open only the egress side .*Destination\.peer\(isolation, \.\.\.ports\)/);

    const fixed = setup();
    const isolation = new NamespaceIsolation(fixed.chart, 'monitoring', { namespace: 'monitoring' });
    new RestrictedEgress(fixed.chart, 'egress', { tier: fixed.apiTier, allow: [Destination.peer(isolation, Port.tcp(9091))] });
    const objects = synthValid(fixed.chart);
    expect(findObject(objects, 'NetworkPolicy', 'monitoring', 'monitoring').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'api' } } }], ports: [tcp(9091)] },
    ]);
  });
});

describe('RestrictedEgress: FQDN through Istio', () => {
  function istioScenario() {
    const { chart, apiTier, db } = setup();
    const egress = new RestrictedEgress(chart, 'egress', {
      tier: apiTier,
      fqdnEnforcement: FqdnEnforcement.ISTIO,
      allow: [
        Destination.fqdn('api.stripe.com', Port.tcp(443)),
        Destination.fqdn('*.googleapis.com', Port.tcp(443)),
        Destination.fqdn('ftp.example.org', Port.tcp(21), Port.tcp(80)),
        Destination.cidr('198.51.100.0/24', Port.tcp(8443), Port.udp(500)),
        Destination.tier(db, Port.tcp(5432)),
      ],
    });
    return { chart, apiTier, egress };
  }

  test('a ServiceEntry per name (MESH_EXTERNAL, exported to its namespace only) with DNS resolution, NONE for wildcards', () => {
    const { chart } = istioScenario();
    const objects = synthValid(chart);
    expect(findObject(objects, 'ServiceEntry', 'egress-api-stripe-com', 'shop').spec).toEqual({
      hosts: ['api.stripe.com'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      exportTo: ['.'],
      ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
    });
    expect(findObject(objects, 'ServiceEntry', 'egress-wildcard-googleapis-com', 'shop').spec).toEqual({
      hosts: ['*.googleapis.com'],
      location: 'MESH_EXTERNAL',
      resolution: 'NONE',
      exportTo: ['.'],
      ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
    });
    expect(findObject(objects, 'ServiceEntry', 'egress-ftp-example-org', 'shop').spec.ports).toEqual([
      { number: 21, name: 'tcp-21', protocol: 'TCP' }, { number: 80, name: 'http-80', protocol: 'HTTP' },
    ]);
    // IP destinations are registered too, or the REGISTRY_ONLY sidecar would drop them (UDP is not proxied).
    expect(findObject(objects, 'ServiceEntry', 'egress-ip-198-51-100-0-24', 'shop').spec).toEqual({
      hosts: ['egress-ip-198-51-100-0-24.shop.netsec.internal'],
      addresses: ['198.51.100.0/24'],
      location: 'MESH_EXTERNAL',
      resolution: 'NONE',
      exportTo: ['.'],
      ports: [{ number: 8443, name: 'tcp-8443', protocol: 'TCP' }],
    });
    expect(objectsOfKind(objects, 'ServiceEntry')).toHaveLength(4);
    expect(objects).toMatchSnapshot();
  });

  test('a Sidecar for the tier passes only registered destinations and imports exactly the allowed hosts', () => {
    const { chart } = istioScenario();
    const sidecar = findObject(synthValid(chart), 'Sidecar', 'egress', 'shop');
    expect(sidecar.apiVersion).toBe('networking.istio.io/v1');
    expect(sidecar.spec).toEqual({
      workloadSelector: { labels: { app: 'api' } },
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      egress: [{
        hosts: [
          './*.googleapis.com', './api.stripe.com', './egress-ip-198-51-100-0-24.shop.netsec.internal', './ftp.example.org',
          'data/*.data.svc.cluster.local', 'kube-system/*.kube-system.svc.cluster.local',
        ],
      }],
    });
  });

  test('the FQDN ports get an explicit L3 rule to the public internet, metadata and private ranges excluded', () => {
    const { chart } = istioScenario();
    const egress = egressOf(synthValid(chart));
    expect(egress).toContainEqual({ to: [INTERNET_V4], ports: [tcp(21), tcp(80), tcp(443)] });
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [tcp(8443), { port: 500, protocol: 'UDP' }] });
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(api, ip('142.250.1.1'), Port.tcp(443))).toBe(true);
    expect(r.isAllowed(api, ip('142.250.1.1'), Port.tcp(22))).toBe(false);
    expect(r.isAllowed(api, ip('10.0.0.5'), Port.tcp(443))).toBe(false);
    expect(r.isAllowed(api, ip('169.254.169.254'), Port.tcp(80))).toBe(false);
    expect(r.isAllowed(api, { namespace: 'data', pod: 'db' }, Port.tcp(5432))).toBe(true);
  });

  test('a namespace-wide Sidecar has no workload selector and keeps the flows of the namespace\'s tiers reachable', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const baseline = new NamespaceIsolation(chart, 'baseline', { dns: ClusterDns.nodeLocalCache() });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' } });
    web.allowTo(Peer.pods({ app: 'cache' }, 'cache'), Port.tcp(6379));
    new RestrictedEgress(chart, 'egress', { namespace: baseline, fqdnEnforcement: FqdnEnforcement.ISTIO, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))] });
    const objects = synthValid(chart);
    expect(findObject(objects, 'Sidecar', 'egress', 'shop').spec).toEqual({
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      egress: [{
        hosts: ['./api.stripe.com', './egress-ip-169-254-20-10-32.shop.netsec.internal', 'cache/*.cache.svc.cluster.local', 'kube-system/*.kube-system.svc.cluster.local'],
      }],
    });
    // TCP DNS to the node cache passes the sidecar, so its address is registered.
    expect(findObject(objects, 'ServiceEntry', 'egress-ip-169-254-20-10-32', 'shop').spec.ports).toEqual([{ number: 53, name: 'tcp-53', protocol: 'TCP' }]);
  });

  test('a RestrictedEgress for several tiers writes one Sidecar per tier and ServiceEntries per namespace', () => {
    const { chart, apiTier } = setup();
    const worker = new IsolatedTier(chart, 'worker', { podLabels: { app: 'worker' }, namespace: 'jobs' });
    new RestrictedEgress(chart, 'egress', { tiers: [apiTier, worker], fqdnEnforcement: FqdnEnforcement.ISTIO, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))] });
    const objects = synthValid(chart);
    expect(findObject(objects, 'Sidecar', 'egress-api', 'shop').spec.workloadSelector).toEqual({ labels: { app: 'api' } });
    expect(findObject(objects, 'Sidecar', 'egress-worker', 'jobs').spec.workloadSelector).toEqual({ labels: { app: 'worker' } });
    expect(findObject(objects, 'ServiceEntry', 'egress-api-stripe-com', 'shop').spec.hosts).toEqual(['api.stripe.com']);
    expect(findObject(objects, 'ServiceEntry', 'egress-api-stripe-com', 'jobs').spec.hosts).toEqual(['api.stripe.com']);
  });

  test('with no destinations the Sidecar imports only DNS, and with DNS off nothing at all', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const quiet = new IsolatedTier(chart, 'quiet', { podLabels: { app: 'quiet' }, dns: ClusterDns.disabled() });
    new RestrictedEgress(chart, 'egress', { tier: quiet, fqdnEnforcement: FqdnEnforcement.ISTIO, allow: [] });
    expect(findObject(synthValid(chart), 'Sidecar', 'egress').spec.egress).toEqual([{ hosts: ['~/*'] }]);
  });

  test('IP egress declared outside an Istio-enforced allowlist fails synthesis instead of being dropped by the sidecar', () => {
    const { chart, apiTier } = setup();
    apiTier.allowTo(Peer.ipBlock('192.0.2.0/24'), Port.tcp(443), Port.udp(123));
    new RestrictedEgress(chart, 'egress', { tier: apiTier, fqdnEnforcement: FqdnEnforcement.ISTIO, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))] });
    expect(() => Testing.synth(chart)).toThrow(/\[shop\/egress\] the Sidecar of tier shop\/api passes only registered destinations \(REGISTRY_ONLY\), so egress from tier shop\/api to 192\.0\.2\.0\/24 would be dropped \("192\.0\.2\.0\/24 on TCP 443"\)\. Declare it in a RestrictedEgress with fqdnEnforcement: FqdnEnforcement\.ISTIO/);
  });

  test('two Istio-enforced allowlists for the same pods fail synthesis: Istio leaves two Sidecars undefined', () => {
    const { chart, apiTier } = setup();
    new RestrictedEgress(chart, 'first', { tier: apiTier, fqdnEnforcement: FqdnEnforcement.ISTIO, allow: [Destination.fqdn('a.example.com', Port.tcp(443))] });
    new RestrictedEgress(chart, 'second', { tier: apiTier, fqdnEnforcement: FqdnEnforcement.ISTIO, allow: [Destination.fqdn('b.example.com', Port.tcp(443))] });
    expect(() => Testing.synth(chart)).toThrow(/\[shop\/second\] tier shop\/api already gets a Sidecar from shop\/first; .*List all destinations of these pods in one RestrictedEgress/);
  });

  test.each([
    ['a UDP port', Destination.fqdn('ntp.example.com', Port.udp(123)), /ntp\.example\.com: the Istio sidecar enforces names only on single TCP ports \("UDP 123"\)\. Use Port\.tcp\(n\)/],
    ['a port range', Destination.fqdn('api.example.com', Port.tcpRange(8000, 8010)), /enforces names only on single TCP ports \("TCP 8000-8010"\)/],
    ['a wildcard on plain TCP', Destination.fqdn('*.example.com', Port.tcp(5432)), /a wildcard name can be enforced only on TLS \(443\) or HTTP \(80\).*\("\*\.example\.com on TCP 5432"\)/],
    ['the open internet', Destination.internet(Port.tcp(443)), /open internet egress cannot be combined with FqdnEnforcement\.ISTIO.*\("Destination\.internet"\)\. Allow the services by name/],
    ['an IP block on all ports', Destination.cidr('198.51.100.0/24', Port.allTraffic()), /every TCP port of an IP destination must be a single number.*\("198\.51\.100\.0\/24 on all traffic"\)\. Name the TCP ports/],
  ])('Istio refuses %s', (_what, destination, message) => {
    const { chart, apiTier } = setup();
    expect(() => new RestrictedEgress(chart, 'egress', { tier: apiTier, fqdnEnforcement: FqdnEnforcement.ISTIO, allowInternet: true, allow: [destination] }))
      .toThrow(message);
    expect(chart.node.tryFindChild('egress')).toBeUndefined();
  });

  test('Istio refuses two names on one plain TCP port', () => {
    const { chart, apiTier } = setup();
    expect(() => new RestrictedEgress(chart, 'egress', {
      tier: apiTier,
      fqdnEnforcement: FqdnEnforcement.ISTIO,
      allow: [Destination.fqdn('db1.example.com', Port.tcp(5432)), Destination.fqdn('db2.example.com', Port.tcp(5432))],
    })).toThrow(/shop\/egress: two names share a plain TCP port.*\("db1\.example\.com and db2\.example\.com on TCP 5432"\)\. Give each service its own port/);
  });
});

describe('RestrictedEgress: bad input', () => {
  test('an FQDN destination without an enforcement option says which options exist', () => {
    const { chart, apiTier } = setup();
    expect(() => new RestrictedEgress(chart, 'egress', { tier: apiTier, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))] }))
      .toThrow(/^shop\/egress: an FQDN destination needs an enforcement point that understands names; NetworkPolicy matches IP addresses only \("api\.stripe\.com"\)\. Set fqdnEnforcement to one of: FqdnEnforcement\.ISTIO, FqdnEnforcement\.CILIUM; or allow the service's published address ranges with Destination\.cidr\(\)\.$/);
    expect(chart.node.tryFindChild('egress')).toBeUndefined();
  });

  test('the open internet needs allowInternet, also as a bare 0.0.0.0/0 or ::/0', () => {
    const { chart, apiTier } = setup();
    expect(() => new RestrictedEgress(chart, 'a', { tier: apiTier, allow: [Destination.internet(Port.tcp(443))] }))
      .toThrow(/^shop\/a: internet egress needs the explicit opt-in \("the internet on TCP 443"\)\. Set allowInternet: true/);
    expect(() => new RestrictedEgress(chart, 'b', { tier: apiTier, allow: [Destination.cidr('0.0.0.0/0', Port.tcp(443))] }))
      .toThrow(/^shop\/b: a block of every address needs the explicit opt-in \("0\.0\.0\.0\/0"\)\. Prefer Destination\.internet/);
    expect(() => new RestrictedEgress(chart, 'c', { tier: apiTier, allow: [Destination.peer(Peer.anyIpv6(), Port.tcp(443))] }))
      .toThrow(/^shop\/c: a block of every address needs the explicit opt-in \("::\/0"\)/);
  });

  test('naming the metadata endpoint needs allowMetadataEndpoint', () => {
    const { chart, apiTier } = setup();
    expect(() => new RestrictedEgress(chart, 'egress', { tier: apiTier, allow: [Destination.cidr('169.254.169.254/32', Port.tcp(80))] }))
      .toThrow(/^shop\/egress: the cloud metadata endpoint is named as a destination \("169\.254\.169\.254\/32"\)\. Set allowMetadataEndpoint: true/);
    expect(() => new RestrictedEgress(chart, 'v6', { tier: apiTier, allow: [Destination.cidr('fd00:ec2::254/128', Port.tcp(80))] }))
      .toThrow(/metadata endpoint is named as a destination \("fd00:ec2::254\/128"\)/);
  });

  test('exactly one target, which must isolate egress', () => {
    const { chart, apiTier } = setup();
    const open = new IsolatedTier(chart, 'open', { podLabels: { app: 'open' }, isolateEgress: false });
    expect(() => new RestrictedEgress(chart, 'a', { allow: [] } as any)).toThrow(/^shop\/a: exactly one of tier, tiers and namespace must be set \(\[\]\)\./);
    expect(() => new RestrictedEgress(chart, 'b', { tier: apiTier, tiers: [apiTier], allow: [] })).toThrow(/exactly one of tier, tiers and namespace must be set \(\["tier","tiers"\]\)/);
    expect(() => new RestrictedEgress(chart, 'c', { tiers: [], allow: [] })).toThrow(/^shop\/c: tiers is empty/);
    expect(() => new RestrictedEgress(chart, 'd', { tier: open, allow: [] }))
      .toThrow(/^shop\/d: tier shop\/open does not isolate egress, so an allowlist would restrict nothing \("isolateEgress: false"\)\. Leave isolateEgress at its default \(true\)/);
    expect(() => new RestrictedEgress(chart, 'e', { tier: Peer.pods({ app: 'x' }) as any, allow: [] })).toThrow(/^shop\/e: the target is not an IsolatedTier or NamespaceIsolation/);
    expect(() => new RestrictedEgress(chart, 'f', { tiers: [apiTier, apiTier], allow: [] })).toThrow(/^shop\/f: a tier is listed twice/);
  });

  test('allow must hold Destinations', () => {
    const { chart, apiTier } = setup();
    expect(() => new RestrictedEgress(chart, 'a', { tier: apiTier, allow: [Peer.ipBlock('10.0.0.0/8') as any] }))
      .toThrow(/^shop\/a: allow holds something that is not a Destination \("10\.0\.0\.0\/8"\)\. Use the Destination factories/);
    expect(() => new RestrictedEgress(chart, 'b', { tier: apiTier } as any)).toThrow(/^shop\/b: allow must be a list of destinations \(undefined\)/);
  });

  test('internetExcept blocks must be valid and inside the internet blocks', () => {
    const { chart, apiTier } = setup();
    const make = (id: string, internetExcept: string[], includeIpv6 = false) => () => new RestrictedEgress(chart, id, {
      tier: apiTier, allowInternet: true, includeIpv6, internetExcept, allow: [Destination.internet(Port.tcp(443))],
    });
    expect(make('a', ['10.0.0.0'])).toThrow(/^shop\/a \(internetExcept\): block is not in CIDR notation .*\("10\.0\.0\.0"\)/);
    expect(make('b', ['2001:db8::/32'])).toThrow(/^shop\/b \(internetExcept\): an IPv6 block is excluded but IPv6 internet egress is off \("2001:db8::\/32"\)\. Set includeIpv6: true/);
    expect(make('c', ['fd00::/8'], true)).toThrow(/^shop\/c \(internetExcept\): block lies outside the IPv6 internet \(2000::\/3\)/);
    expect(make('d', ['0.0.0.0/0'])).toThrow(/^shop\/d \(internetExcept\): block would exclude the whole internet/);
  });

  test('a bad name or cluster domain is refused', () => {
    const { chart, apiTier } = setup();
    expect(() => new RestrictedEgress(chart, 'a', { tier: apiTier, allow: [], name: 'Egress' })).toThrow(/^shop\/a: name must be a DNS-1123 label.*\("Egress"\)/);
    expect(() => new RestrictedEgress(chart, 'b', { tier: apiTier, allow: [], clusterDomain: 'Cluster.Local' })).toThrow(/^shop\/b: clusterDomain must be a DNS-1123 subdomain/);
  });

  test('a port the destination tier does not serve is refused', () => {
    const { chart, apiTier, db } = setup();
    expect(() => new RestrictedEgress(chart, 'egress', { tier: apiTier, allow: [Destination.tier(db, Port.tcp(3306))] }))
      .toThrow(/^shop\/egress: tier data\/db does not serve TCP 3306 \("TCP 3306"\)\. Allow one of the ports the tier serves \(TCP 5432\)/);
    expect(chart.node.tryFindChild('egress')).toBeUndefined();
  });
});

describe('RestrictedEgress: all-or-nothing (issue 13)', () => {
  test('a bad destination after good ones leaves no child, no flow and no rule; a retry with the same id works', () => {
    const { chart, apiTier, db } = setup();
    const children = [...chart.node.children];
    const model = IntentModel.of(chart);
    expect(() => new RestrictedEgress(chart, 'egress', {
      tier: apiTier,
      allow: [Destination.tier(db, Port.tcp(5432)), Destination.cidr('198.51.100.0/24', Port.tcp(443)), Destination.cidr('169.254.169.254/32', Port.tcp(80))],
    })).toThrow('shop/egress: the cloud metadata endpoint is named as a destination ("169.254.169.254/32"). Set allowMetadataEndpoint: true instead');
    expect(chart.node.children).toEqual(children);
    expect(model.flows).toEqual([]);
    expect(egressOf(synthValid(chart))).toEqual([KUBE_DNS]);

    new RestrictedEgress(chart, 'egress', { tier: apiTier, allow: [Destination.tier(db, Port.tcp(5432))] });
    expect(model.flows).toHaveLength(1);
    expect(findObject(synthValid(chart), 'NetworkPolicy', 'db', 'data').spec.ingress).toHaveLength(1);
  });

  test('a destination tier of another app is refused at the call, before any flow is written', () => {
    const { chart, apiTier } = setup();
    const otherChart = new Chart(Testing.app(), 'other', { namespace: 'other' });
    const foreign = new IsolatedTier(otherChart, 'foreign', { podLabels: { app: 'foreign' } });
    expect(() => new RestrictedEgress(chart, 'egress', {
      tier: apiTier, allow: [Destination.cidr('198.51.100.0/24', Port.tcp(443)), Destination.tier(foreign, Port.tcp(80))],
    })).toThrow('shop/egress: a tier or destination belongs to another cdk8s app ("other/foreign"). Use tiers of the same App, or Peer.pods() for pods managed elsewhere.');
    expect(chart.node.tryFindChild('egress')).toBeUndefined();
    expect(IntentModel.of(chart).flows).toEqual([]);
    expect(IntentModel.of(otherChart).flows).toEqual([]);
  });

  test('a target tier of another app is refused the same way', () => {
    const { chart } = setup();
    const foreign = new IsolatedTier(new Chart(Testing.app(), 'other', { namespace: 'other' }), 'foreign', { podLabels: { app: 'foreign' } });
    expect(() => new RestrictedEgress(chart, 'egress', { tier: foreign, allow: [Destination.cidr('198.51.100.0/24', Port.tcp(443))] }))
      .toThrow('shop/egress: a tier or destination belongs to another cdk8s app ("other/foreign").');
    expect(chart.node.tryFindChild('egress')).toBeUndefined();
  });

  test('missing props from JavaScript are refused with the fix', () => {
    const { chart } = setup();
    expect(() => new RestrictedEgress(chart, 'egress', undefined as any)).toThrow('shop/egress: props are missing (undefined). Pass { tier, allow: [...] }.');
    expect(chart.node.tryFindChild('egress')).toBeUndefined();
  });
});
