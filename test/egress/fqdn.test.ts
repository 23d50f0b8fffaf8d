import { Chart, Testing } from 'cdk8s';
import { AuditSeverity, ClusterDns, IsolatedTier, MeshInjection, MeshMtls, NamespaceIsolation, Peer, Port } from '../../src';
import { Reachability } from '../../src/analysis';
import { Destination } from '../../src/egress/destination';
import { FqdnEnforcement } from '../../src/egress/fqdn';
import { RestrictedEgress } from '../../src/egress/restricted-egress';
import { IntentModel } from '../../src/model/intent-model';
import { findObject, objectsOfKind, synthValid } from '../util';

const tcp = (port: number) => ({ port, protocol: 'TCP' });
const KUBE_DNS_NP = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [tcp(53), { port: 53, protocol: 'UDP' }],
};
/** The DNS rule Cilium needs: the kube-dns pods on 53 over UDP and TCP, every lookup through the DNS proxy. */
const KUBE_DNS_CILIUM = {
  toEndpoints: [{ matchLabels: { 'k8s-app': 'kube-dns', 'k8s:io.kubernetes.pod.namespace': 'kube-system' } }],
  toPorts: [{ ports: [{ port: '53', protocol: 'TCP' }, { port: '53', protocol: 'UDP' }], rules: { dns: [{ matchPattern: '*' }] } }],
};
const api = { namespace: 'shop', pod: 'api' };

function setup() {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  new NamespaceIsolation(chart, 'baseline');
  const apiTier = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
  const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)] });
  return { chart, apiTier, db };
}

describe('FqdnEnforcement.CILIUM', () => {
  test('one CiliumNetworkPolicy for the tier: its exact labels, a toFQDNs rule per name with exactly its ports, the DNS rule; no Istio objects', () => {
    const { chart, apiTier, db } = setup();
    new RestrictedEgress(chart, 'egress', {
      tier: apiTier,
      fqdnEnforcement: FqdnEnforcement.CILIUM,
      allow: [
        Destination.fqdn('api.stripe.com', Port.tcp(443)),
        Destination.fqdn('*.ingest.sentry.io', Port.tcp(443)),
        Destination.fqdn('api.stripe.com', Port.tcp(8443)),
        Destination.fqdn('ntp.example.org', Port.udp(123)),
        Destination.tier(db, Port.tcp(5432)),
        Destination.cidr('198.51.100.0/24', Port.tcp(22)),
      ],
    });
    const objects = synthValid(chart);
    const policies = objectsOfKind(objects, 'CiliumNetworkPolicy');
    expect(policies).toHaveLength(1);
    expect(policies[0].apiVersion).toBe('cilium.io/v2');
    expect(policies[0].metadata).toEqual({ name: 'egress', namespace: 'shop' });
    expect(policies[0].spec).toEqual({
      endpointSelector: { matchLabels: { app: 'api' } },
      egress: [
        KUBE_DNS_CILIUM,
        { toFQDNs: [{ matchPattern: '*.ingest.sentry.io' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
        { toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '8443', protocol: 'TCP' }] }] },
        { toFQDNs: [{ matchName: 'ntp.example.org' }], toPorts: [{ ports: [{ port: '123', protocol: 'UDP' }] }] },
      ],
    });
    expect(objectsOfKind(objects, 'Sidecar')).toEqual([]);
    expect(objectsOfKind(objects, 'ServiceEntry')).toEqual([]);
    expect(objects).toMatchSnapshot();
  });

  test('the tier\'s NetworkPolicy keeps its IP and tier destinations and DNS, but no rule to public addresses', () => {
    const { chart, apiTier, db } = setup();
    new RestrictedEgress(chart, 'egress', {
      tier: apiTier,
      fqdnEnforcement: FqdnEnforcement.CILIUM,
      includeIpv6: true,
      allow: [Destination.fqdn('api.stripe.com', Port.tcp(443)), Destination.tier(db, Port.tcp(5432)), Destination.cidr('198.51.100.0/24', Port.tcp(22))],
    });
    const objects = synthValid(chart);
    expect(findObject(objects, 'NetworkPolicy', 'api', 'shop').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [tcp(22)] },
      KUBE_DNS_NP,
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'db' } } }], ports: [tcp(5432)] },
    ]);
    const r = Reachability.fromChart(chart);
    // The NetworkPolicy side no longer opens the FQDN port to the world: only Cilium's toFQDNs adds the names.
    for (const address of ['54.187.174.169', '8.8.8.8', '2600:1f18::1']) expect(r.isAllowed(api, { ip: address }, Port.tcp(443))).toBe(false);
    expect(r.isAllowed(api, { ip: '198.51.100.7' }, Port.tcp(22))).toBe(true);
    expect(r.isAllowed(api, { namespace: 'data', pod: 'db' }, Port.tcp(5432))).toBe(true);
    expect(r.isAllowed(api, { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
  });

  test('an app with Cilium enforcement passes its own audit at the default failOn (high)', () => {
    const { chart, apiTier, db } = setup();
    new NamespaceIsolation(chart, 'data-baseline', { namespace: 'data' });
    new RestrictedEgress(chart, 'egress', {
      tier: apiTier, fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443)), Destination.tier(db, Port.tcp(5432))],
    });
    synthValid(chart);
    expect(Reachability.fromChart(chart).audit({ minSeverity: AuditSeverity.HIGH })).toEqual([]);
  });

  test('a namespace target gets a namespace-wide endpointSelector ({}), on purpose', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const baseline = new NamespaceIsolation(chart, 'baseline');
    new RestrictedEgress(chart, 'egress', { namespace: baseline, fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))] });
    const policy = findObject(synthValid(chart), 'CiliumNetworkPolicy', 'egress', 'shop');
    expect(policy.spec.endpointSelector).toEqual({});
    expect(policy.spec.egress).toEqual([KUBE_DNS_CILIUM, { toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }]);
  });

  test('several tiers: one policy each, named after the allowlist and the tier, each with its own DNS servers', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const a = new IsolatedTier(chart, 'a', { podLabels: { app: 'a' } });
    const b = new IsolatedTier(chart, 'b', {
      podLabels: { app: 'b', tier: 'x' },
      namespace: 'other',
      dns: ClusterDns.kubeDns({ namespace: 'openshift-dns', podLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, ports: [5353] }),
    });
    new RestrictedEgress(chart, 'egress', { tiers: [a, b], fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.fqdn('api.example.com', Port.tcp(443))] });
    const objects = synthValid(chart);
    expect(objectsOfKind(objects, 'CiliumNetworkPolicy').map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['other/egress-b', 'shop/egress-a']);
    const policyB = findObject(objects, 'CiliumNetworkPolicy', 'egress-b', 'other');
    expect(policyB.spec.endpointSelector).toEqual({ matchLabels: { app: 'b', tier: 'x' } });
    expect(policyB.spec.egress[0]).toEqual({
      toEndpoints: [{ matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default', 'k8s:io.kubernetes.pod.namespace': 'openshift-dns' } }],
      toPorts: [{ ports: [{ port: '5353', protocol: 'TCP' }, { port: '5353', protocol: 'UDP' }], rules: { dns: [{ matchPattern: '*' }] } }],
    });
  });

  test('NodeLocal DNSCache: the DNS rule covers the link-local address and the kube-dns pods behind it', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const a = new IsolatedTier(chart, 'a', { podLabels: { app: 'a' }, dns: ClusterDns.nodeLocalCache() });
    new RestrictedEgress(chart, 'egress', { tier: a, fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.fqdn('api.example.com', Port.tcp(443))] });
    const egress = findObject(synthValid(chart), 'CiliumNetworkPolicy', 'egress', 'shop').spec.egress;
    expect(egress.slice(0, 2)).toEqual([
      { toCIDRSet: [{ cidr: '169.254.20.10/32' }], toPorts: KUBE_DNS_CILIUM.toPorts },
      KUBE_DNS_CILIUM,
    ]);
  });

  test('port ranges and whole protocols are written as ranges, never as port 0', () => {
    const { chart, apiTier } = setup();
    new RestrictedEgress(chart, 'egress', {
      tier: apiTier,
      fqdnEnforcement: FqdnEnforcement.CILIUM,
      allow: [Destination.fqdn('media.example.com', Port.tcpRange(10000, 10100), Port.allUdp())],
    });
    const egress = findObject(synthValid(chart), 'CiliumNetworkPolicy', 'egress', 'shop').spec.egress;
    expect(egress[1]).toEqual({
      toFQDNs: [{ matchName: 'media.example.com' }],
      toPorts: [{ ports: [{ port: '10000', endPort: 10100, protocol: 'TCP' }, { port: '1', endPort: 65535, protocol: 'UDP' }] }],
    });
  });

  test('without FQDN destinations Cilium has nothing to enforce: no CiliumNetworkPolicy', () => {
    const { chart, apiTier } = setup();
    new RestrictedEgress(chart, 'egress', { tier: apiTier, fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.cidr('198.51.100.0/24', Port.tcp(22))] });
    expect(objectsOfKind(synthValid(chart), 'CiliumNetworkPolicy')).toEqual([]);
  });

  test('a tier outside the mesh or in an ambient namespace is fine with Cilium', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new MeshMtls(chart, 'mesh', { injection: MeshInjection.ambient() });
    const a = new IsolatedTier(chart, 'a', { podLabels: { app: 'a' }, inMesh: false });
    new RestrictedEgress(chart, 'egress', { tier: a, fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.fqdn('api.example.com', Port.tcp(443))] });
    expect(objectsOfKind(synthValid(chart), 'CiliumNetworkPolicy')).toHaveLength(1);
  });

  test('the order of the tiers never changes the YAML', () => {
    const build = (order: string[]) => {
      const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
      const tiers = Object.fromEntries(['a', 'b', 'c'].map((n) => [n, new IsolatedTier(chart, n, { podLabels: { app: n } })]));
      new RestrictedEgress(chart, 'egress', { tiers: order.map((n) => tiers[n]), fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.fqdn('api.example.com', Port.tcp(443))] });
      return Testing.synth(chart).filter((o) => o.kind === 'CiliumNetworkPolicy');
    };
    expect(build(['c', 'a', 'b'])).toEqual(build(['a', 'b', 'c']));
  });

  test('the same name claimed twice fails synthesis with both paths', () => {
    const { chart, apiTier } = setup();
    const other = new IsolatedTier(chart, 'other', { podLabels: { app: 'other' } });
    new RestrictedEgress(chart, 'e1', { tier: apiTier, name: 'egress', fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.fqdn('a.example.com', Port.tcp(443))] });
    new RestrictedEgress(chart, 'e2', { tier: other, name: 'egress', fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.fqdn('b.example.com', Port.tcp(443))] });
    expect(() => Testing.synth(chart)).toThrow(/shop\/e2: CiliumNetworkPolicy name is already used in namespace shop by shop\/e1 \("egress"\)/);
  });
});

describe('FqdnEnforcement.ISTIO needs sidecars (issue 18)', () => {
  const allow = [Destination.fqdn('api.stripe.com', Port.tcp(443))];

  test('a tier outside the mesh is refused, naming FqdnEnforcement.CILIUM; nothing is left behind and a retry works', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const tier = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, inMesh: false });
    const before = chart.node.children.length;
    expect(() => new RestrictedEgress(chart, 'egress', { tier, fqdnEnforcement: FqdnEnforcement.ISTIO, allow })).toThrow(
      'shop/egress: tier shop/api is not in the mesh (inMesh: false), so no sidecar would enforce the names and the pods would reach every public address on the FQDN ports ("FqdnEnforcement.ISTIO"). '
      + 'Use fqdnEnforcement: FqdnEnforcement.CILIUM where Cilium is the CNI, or put the tier in the mesh (inMesh: true, with sidecar injection).');
    expect(chart.node.children).toHaveLength(before);
    expect(IntentModel.of(chart).flows).toEqual([]);
    new RestrictedEgress(chart, 'egress', { tier, fqdnEnforcement: FqdnEnforcement.CILIUM, allow });
    expect(objectsOfKind(synthValid(chart), 'CiliumNetworkPolicy')).toHaveLength(1);
  });

  test('a namespace in ambient mode is refused at the call when the mesh is declared first', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new MeshMtls(chart, 'mesh', { injection: MeshInjection.ambient() });
    const tier = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } });
    expect(() => new RestrictedEgress(chart, 'egress', { tier, fqdnEnforcement: FqdnEnforcement.ISTIO, allow })).toThrow(
      'shop/egress: namespace shop runs the ambient data plane, whose pods have no sidecar, so a Sidecar would enforce nothing and the pods would reach every public address on the FQDN ports ("tier shop/api with FqdnEnforcement.ISTIO"). '
      + 'Use fqdnEnforcement: FqdnEnforcement.CILIUM where Cilium is the CNI, or use sidecar injection in this namespace.');
    expect(chart.node.tryFindChild('egress')).toBeUndefined();
  });

  test('a namespace-wide target in an ambient mesh declared later fails synthesis', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const baseline = new NamespaceIsolation(chart, 'baseline');
    new RestrictedEgress(chart, 'egress', { namespace: baseline, fqdnEnforcement: FqdnEnforcement.ISTIO, allow });
    new MeshMtls(chart, 'mesh', { injection: MeshInjection.ambient(), meshWide: true });
    expect(() => Testing.synth(chart)).toThrow(/\[shop\/egress\] namespace shop runs the ambient data plane, whose pods have no sidecar/);
  });

  test('a namespace labelled for ambient mode by hand is refused too', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline', { createNamespace: true, namespaceLabels: { 'istio.io/dataplane-mode': 'ambient' } });
    const tier = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } });
    expect(() => new RestrictedEgress(chart, 'egress', { tier, fqdnEnforcement: FqdnEnforcement.ISTIO, allow }))
      .toThrow('shop/egress: namespace shop runs the ambient data plane, whose pods have no sidecar');
    expect(chart.node.tryFindChild('egress')).toBeUndefined();
  });

  test('hosts that flatten to one name get distinct ServiceEntry names instead of a construct-id crash', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const tier = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } });
    new RestrictedEgress(chart, 'egress', {
      tier,
      fqdnEnforcement: FqdnEnforcement.ISTIO,
      allow: [
        Destination.fqdn('a.b.example.com', Port.tcp(443)), Destination.fqdn('a-b.example.com', Port.tcp(443)),
        Destination.fqdn('*.example.org', Port.tcp(443)), Destination.fqdn('wildcard.example.org', Port.tcp(443)),
        Destination.fqdn('api.stripe.com', Port.tcp(443)),
      ],
    });
    const entries = objectsOfKind(synthValid(chart), 'ServiceEntry');
    const names = entries.map((e) => e.metadata.name);
    expect(new Set(names).size).toBe(5);
    expect(names).toContain('egress-api-stripe-com');
    for (const host of ['a.b.example.com', 'a-b.example.com', '*.example.org', 'wildcard.example.org']) {
      const entry = entries.find((e) => e.spec.hosts[0] === host);
      expect(entry.metadata.name).toMatch(/^egress-(a-b-example-com|wildcard-example-org)-[0-9a-f]{8}$/);
    }
  });

  test('sidecar mode stays accepted', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new MeshMtls(chart, 'mesh', { injection: MeshInjection.sidecar() });
    const tier = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, serviceAccountName: 'api' });
    new RestrictedEgress(chart, 'egress', { tier, fqdnEnforcement: FqdnEnforcement.ISTIO, allow });
    expect(objectsOfKind(synthValid(chart), 'Sidecar')).toHaveLength(1);
  });
});

describe('FQDN enforcement: bad input (path, value, fix; nothing left behind)', () => {
  const cases: { name: string; allow?: () => Destination[]; tier?: (chart: Chart) => IsolatedTier; enforcement?: any; message: string }[] = [
    {
      name: 'a named port towards a name',
      allow: () => [Destination.fqdn('api.example.com', Port.named('https'))],
      message: 'Destination.fqdn: a named port towards api.example.com can never match (a host outside the cluster has no pod spec to name ports) ("TCP https"). Use the port number, e.g. Port.tcp(443).',
    },
    {
      name: 'no DNS rule, so Cilium never learns the addresses',
      tier: (chart) => new IsolatedTier(chart, 'nodns', { podLabels: { app: 'nodns' }, dns: ClusterDns.disabled() }),
      message: 'shop/egress: tier shop/nodns has no DNS rule (ClusterDns.disabled()), but Cilium learns the addresses of the names only from DNS answers it proxies ("ClusterDns.disabled()"). '
        + 'Give the tier its cluster DNS (the default, ClusterDns.kubeDns()), or allow the services by address with Destination.cidr().',
    },
    {
      name: 'a DNS server selected by namespace labels',
      tier: (chart) => new IsolatedTier(chart, 'odd', {
        podLabels: { app: 'odd' }, dns: ClusterDns.custom([Peer.podsInNamespaces({ 'k8s-app': 'dns' }, { team: 'dns' })], [53]),
      }),
      message: 'shop/egress: the DNS server of tier shop/odd selects namespaces by labels, which this renderer does not translate to Cilium',
    },
    {
      name: 'an unknown enforcement string from JavaScript',
      enforcement: 'CALICO',
      message: 'shop/egress: fqdnEnforcement is not a known enforcement option ("CALICO"). Use one of: FqdnEnforcement.ISTIO, FqdnEnforcement.CILIUM.',
    },
  ];

  test.each(cases)('$name', ({ allow, tier, enforcement, message }) => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const target = tier ? tier(chart) : new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } });
    const before = [...chart.node.children];
    const flows = IntentModel.of(chart).flows.length;
    expect(() => new RestrictedEgress(chart, 'egress', {
      tier: target,
      fqdnEnforcement: enforcement ?? FqdnEnforcement.CILIUM,
      allow: allow ? allow() : [Destination.cidr('198.51.100.0/24', Port.tcp(22)), Destination.fqdn('api.example.com', Port.tcp(443))],
    })).toThrow(message);
    expect(chart.node.children).toEqual(before);
    expect(IntentModel.of(chart).flows).toHaveLength(flows);
  });

  test.each([FqdnEnforcement.CILIUM, FqdnEnforcement.ISTIO])('%s: two tiers of one name in one namespace are refused before anything is built', (enforcement) => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const a = new IsolatedTier(chart, 'a', { podLabels: { app: 'a' }, name: 'same' });
    const b = new IsolatedTier(chart, 'b', { podLabels: { app: 'b' }, name: 'same' });
    const before = [...chart.node.children];
    expect(() => new RestrictedEgress(chart, 'egress', { tiers: [a, b], fqdnEnforcement: enforcement, allow: [Destination.fqdn('api.example.com', Port.tcp(443))] }))
      .toThrow('shop/egress: tier shop/same and tier shop/same would get enforcement objects of the same name ("shop/egress-same"). Give the tiers distinct names, or restrict them in separate RestrictedEgress constructs.');
    expect(chart.node.children).toEqual(before);
    expect(IntentModel.of(chart).flows).toEqual([]);
  });

  test.each([
    ['API.example.com', 'must be lower case'],
    ['api.example.com.', 'must not end with "."'],
    ['api_v2.example.com', 'has a label that is not letters, digits and "-"'],
    ['api.*.example.com', 'may contain "*" only as the whole leftmost label'],
    ['**.example.com', 'may contain "*" only as the whole leftmost label'],
    ['a'.repeat(64) + '.example.com', 'has a label longer than 63 characters'],
  ])('a malformed name is refused before Cilium sees it: %s', (hostname, what) => {
    expect(() => Destination.fqdn(hostname, Port.tcp(443))).toThrow(`Destination.fqdn: hostname ${what}`);
  });
});

/**
 * An independent reading of Cilium's toFQDNs egress rules: may the pods reach `hostname` on this
 * protocol and port? A rule without toPorts allows every port of every protocol; a port entry without a
 * protocol, or with ANY, matches every protocol; port "0" is every port.
 */
function ciliumAllowsName(policy: any, hostname: string, protocol: string, port: number): boolean {
  const nameMatches = (m: any) => m.matchName === hostname
    || (m.matchPattern?.startsWith('*.') && hostname.endsWith(m.matchPattern.slice(1)) && hostname.split('.').length > m.matchPattern.split('.').length - 1);
  return (policy.spec.egress ?? []).some((rule: any) => (rule.toFQDNs ?? []).some(nameMatches)
    && (rule.toPorts === undefined || rule.toPorts.some((entry: any) => (entry.ports ?? []).some((p: any) => {
      const start = Number(p.port);
      const protocolMatches = p.protocol === undefined || p.protocol === 'ANY' || p.protocol === protocol;
      return protocolMatches && (start === 0 || (port >= start && port <= (p.endPort ?? start)));
    }))));
}

describe('combinations of FQDN enforcement', () => {
  test('Port.allTraffic() to a Cilium-enforced name opens every protocol and port to that name only', () => {
    const { chart, apiTier } = setup();
    new RestrictedEgress(chart, 'egress', {
      tier: apiTier,
      fqdnEnforcement: FqdnEnforcement.CILIUM,
      allow: [Destination.fqdn('media.example.com', Port.allTraffic()), Destination.fqdn('api.example.com', Port.tcp(443))],
    });
    const policy = findObject(synthValid(chart), 'CiliumNetworkPolicy', 'egress', 'shop');
    expect(policy.spec.egress).toContainEqual({ toFQDNs: [{ matchName: 'media.example.com' }] });
    for (const [protocol, port] of [['TCP', 443], ['TCP', 1], ['UDP', 3478], ['SCTP', 9], ['UDP', 65535]] as const) {
      expect(ciliumAllowsName(policy, 'media.example.com', protocol, port)).toBe(true);
    }
    expect(ciliumAllowsName(policy, 'api.example.com', 'UDP', 443)).toBe(false);
    expect(ciliumAllowsName(policy, 'api.example.com', 'TCP', 443)).toBe(true);
    expect(ciliumAllowsName(policy, 'other.example.com', 'TCP', 443)).toBe(false);
  });

  test.each([
    [FqdnEnforcement.ISTIO, FqdnEnforcement.CILIUM],
    [FqdnEnforcement.CILIUM, FqdnEnforcement.ISTIO],
  ])('%s then %s on one tier is refused at the call, naming the fix, and leaves nothing behind', (first, second) => {
    const { chart, apiTier } = setup();
    new RestrictedEgress(chart, 'first', { tier: apiTier, fqdnEnforcement: first, allow: [Destination.fqdn('a.example.com', Port.tcp(443))] });
    expect(() => new RestrictedEgress(chart, 'second', { tier: apiTier, fqdnEnforcement: second, allow: [Destination.fqdn('b.example.com', Port.tcp(443))] }))
      .toThrow(`shop/second: tier shop/api is restricted by shop/first with FqdnEnforcement.${first}; with FqdnEnforcement.${second} as well, each enforcement point would drop or widen what the other allows (\"FqdnEnforcement.${second}\"). Enforce the names of these pods in one way: use fqdnEnforcement: FqdnEnforcement.${first} here too`);
    expect(chart.node.tryFindChild('second')).toBeUndefined();
    const egress = findObject(synthValid(chart), 'NetworkPolicy', 'api', 'shop').spec.egress;
    expect(egress.filter((r: any) => r.to?.[0]?.ipBlock?.cidr === '0.0.0.0/0')).toHaveLength(first === FqdnEnforcement.ISTIO ? 1 : 0);
  });

  test('a namespace-wide Istio allowlist and a Cilium allowlist on a tier of that namespace are refused', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const baseline = new NamespaceIsolation(chart, 'baseline');
    const apiTier = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } });
    new RestrictedEgress(chart, 'ns', { namespace: baseline, fqdnEnforcement: FqdnEnforcement.ISTIO, allow: [Destination.fqdn('a.example.com', Port.tcp(443))] });
    expect(() => new RestrictedEgress(chart, 'tier', { tier: apiTier, fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.fqdn('b.example.com', Port.tcp(443))] }))
      .toThrow(/^shop\/tier: tier shop\/api shares pods with namespace shop, which is restricted by shop\/ns with FqdnEnforcement\.ISTIO/);
  });

  test('two Cilium allowlists on one tier add up, and Istio and Cilium on tiers of different namespaces are fine', () => {
    const { chart, apiTier, db } = setup();
    new RestrictedEgress(chart, 'a', { tier: apiTier, fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.fqdn('a.example.com', Port.tcp(443))] });
    new RestrictedEgress(chart, 'b', { tier: apiTier, fqdnEnforcement: FqdnEnforcement.CILIUM, allow: [Destination.fqdn('b.example.com', Port.tcp(443))] });
    new RestrictedEgress(chart, 'c', { tier: db, fqdnEnforcement: FqdnEnforcement.ISTIO, allow: [Destination.fqdn('c.example.com', Port.tcp(443))] });
    const policies = objectsOfKind(synthValid(chart), 'CiliumNetworkPolicy');
    expect(policies.some((p) => ciliumAllowsName(p, 'a.example.com', 'TCP', 443))).toBe(true);
    expect(policies.some((p) => ciliumAllowsName(p, 'b.example.com', 'TCP', 443))).toBe(true);
  });
});
