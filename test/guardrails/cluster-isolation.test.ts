import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { ClusterDns, ClusterIsolation, Destination, IsolatedTier, MetadataEndpointAccess, NamespaceExemption, NamespaceIsolation, Peer, Port, RestrictedEgress } from '../../src';
import { Reachability } from '../../src/analysis';
import { IntentModel } from '../../src/model/intent-model';
import { findObject, objectsOfKind, synthValid, validateAll } from '../util';

const METADATA = ['100.100.100.200/32', '168.63.129.16/32', '169.254.169.254/32', 'fd00:a9fe:a9fe::1/128', 'fd00:ec2::254/128', 'fd20:ce::254/128'];
const NOT_KUBE_SYSTEM = { namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } };
const DNS_PROTOCOLS = [{ tcp: { destinationPort: { number: 53 } } }, { udp: { destinationPort: { number: 53 } } }];
const podOf = (namespace: string, name: string, labels: { [key: string]: string }) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] },
});
const KUBE_DNS_PODS = { pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } } };

function platform(app: App = Testing.app()): Chart {
  return new Chart(app, 'cluster');
}

describe('ClusterIsolation: emitted ClusterNetworkPolicies', () => {
  test('Admin metadata deny and Baseline default deny for every namespace but the exempt ones, DNS accepted first', () => {
    const chart = platform();
    const guardrails = new ClusterIsolation(chart, 'guardrails', { exemptNamespaces: ['kube-system'] });
    const objects = synthValid(chart);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ClusterNetworkPolicy/guardrails-metadata-deny', 'ClusterNetworkPolicy/guardrails-default-deny']);
    for (const o of objects) {
      expect(o.apiVersion).toBe('policy.networking.k8s.io/v1alpha2');
      expect(o.metadata.namespace).toBeUndefined();
    }
    expect(findObject(objects, 'ClusterNetworkPolicy', 'guardrails-metadata-deny').spec).toEqual({
      tier: 'Admin',
      priority: 501,
      subject: { namespaces: {} }, // an exemption lifts the Baseline deny only
      egress: [{ name: 'deny-metadata-endpoint', action: 'Deny', to: [{ networks: METADATA }] }],
    });
    expect(findObject(objects, 'ClusterNetworkPolicy', 'guardrails-default-deny').spec).toEqual({
      tier: 'Baseline',
      priority: 501,
      subject: NOT_KUBE_SYSTEM,
      ingress: [{ name: 'deny-all-ingress', action: 'Deny', from: [{ namespaces: {} }] }],
      egress: [
        { name: 'accept-dns', action: 'Accept', to: [KUBE_DNS_PODS], protocols: DNS_PROTOCOLS },
        { name: 'deny-all-egress', action: 'Deny', to: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] },
      ],
    });
    expect(guardrails.exemptNamespaces).toEqual(['kube-system']);
    expect(objects).toMatchSnapshot();
  });

  test('without exemptions every namespace is guarded: the metadata deny covers all, and the cluster DNS is written as a platform tier, not a Baseline rule', () => {
    const chart = platform();
    new ClusterIsolation(chart, 'guardrails', { apiServerAddresses: ['10.0.0.0/28'] });
    const objects = synthValid(chart);
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'ClusterNetworkPolicy//guardrails-metadata-deny', 'ClusterNetworkPolicy//guardrails-default-deny', 'NetworkPolicy/kube-system/cluster-dns',
    ]);
    expect(findObject(objects, 'ClusterNetworkPolicy', 'guardrails-default-deny').spec.subject).toEqual({ namespaces: {} });
    expect(findObject(objects, 'ClusterNetworkPolicy', 'guardrails-metadata-deny').spec.subject).toEqual({ namespaces: {} });
  });

  test('DNS servers that cannot be a tier (pods chosen by namespace labels) keep their Baseline Accept for lookups', () => {
    const chart = platform();
    const dnsPods = Peer.podsInNamespaces({ app: 'dns' }, { role: 'dns' });
    new ClusterIsolation(chart, 'guardrails', { dns: ClusterDns.custom([dnsPods], [53]) });
    const objects = synthValid(chart);
    expect(findObject(objects, 'ClusterNetworkPolicy', 'guardrails-dns-servers').spec).toEqual({
      tier: 'Baseline',
      priority: 500,
      subject: { pods: { namespaceSelector: { matchLabels: { role: 'dns' } }, podSelector: { matchLabels: { app: 'dns' } } } },
      ingress: [{ name: 'accept-dns-lookups', action: 'Accept', from: [{ namespaces: {} }], protocols: DNS_PROTOCOLS }],
    });
  });

  test('each metadata exception passes exactly its pods\' metadata traffic on to their NetworkPolicies, one priority before the deny', () => {
    const chart = platform();
    new ClusterIsolation(chart, 'guardrails', {
      exemptNamespaces: ['kube-system'],
      adminPriority: 100,
      metadataEndpointAccess: [MetadataEndpointAccess.pods('monitoring', { app: 'cloudwatch' }), MetadataEndpointAccess.namespace('karpenter')],
    });
    const objects = synthValid(chart);
    const karpenter = findObject(objects, 'ClusterNetworkPolicy', 'guardrails-metadata-access-karpenter');
    expect(karpenter.spec).toEqual({
      tier: 'Admin',
      priority: 100,
      subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'karpenter' } } },
      egress: [{ name: 'pass-metadata-endpoint', action: 'Pass', to: [{ networks: METADATA }] }],
    });
    const cloudwatch = objects.find((o) => o.metadata.name.startsWith('guardrails-metadata-access-monitoring-cloudwatch-'));
    expect(cloudwatch.spec.subject).toEqual({
      pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'cloudwatch' } } },
    });
    expect(cloudwatch.spec.egress).toEqual(karpenter.spec.egress);
    expect(cloudwatch.spec.priority).toBe(100);
    expect(findObject(objects, 'ClusterNetworkPolicy', 'guardrails-metadata-deny').spec.priority).toBe(101);
    // An exception never accepts: it only lifts the guardrail.
    expect(objects.flatMap((o) => o.spec.egress ?? []).filter((r: any) => r.action === 'Accept' && JSON.stringify(r.to).includes('169.254.169.254'))).toEqual([]);
  });

  test('DNS served on the metadata address (GKE) passes the Admin deny on its DNS ports only', () => {
    const chart = platform();
    new ClusterIsolation(chart, 'guardrails', { exemptNamespaces: ['kube-system'], dns: ClusterDns.metadataServer() });
    const objects = synthValid(chart);
    expect(findObject(objects, 'ClusterNetworkPolicy', 'guardrails-metadata-deny').spec.egress).toEqual([
      { name: 'pass-dns-on-metadata-address', action: 'Pass', to: [{ networks: ['169.254.169.254/32'] }], protocols: DNS_PROTOCOLS },
      { name: 'deny-metadata-endpoint', action: 'Deny', to: [{ networks: METADATA }] },
    ]);
    expect(findObject(objects, 'ClusterNetworkPolicy', 'guardrails-default-deny').spec.egress[0]).toEqual(
      { name: 'accept-dns', action: 'Accept', to: [{ networks: ['169.254.169.254/32'] }], protocols: DNS_PROTOCOLS });
  });

  test('NodeLocal DNSCache: its address and the kube-dns pods behind it are accepted; priorities are configurable', () => {
    const chart = platform();
    new ClusterIsolation(chart, 'guardrails', { exemptNamespaces: ['kube-system'], dns: ClusterDns.nodeLocalCache(), baselinePriority: 900 });
    const baseline = findObject(synthValid(chart), 'ClusterNetworkPolicy', 'guardrails-default-deny').spec;
    expect(baseline.priority).toBe(901);
    expect(baseline.egress.slice(0, 2)).toEqual([
      { name: 'accept-dns', action: 'Accept', to: [{ networks: ['169.254.20.10/32'] }], protocols: DNS_PROTOCOLS },
      { name: 'accept-dns', action: 'Accept', to: [KUBE_DNS_PODS], protocols: DNS_PROTOCOLS },
    ]);
  });
});

describe('ClusterIsolation: tiers count as isolated in every guarded namespace', () => {
  function app() {
    const a = Testing.app();
    new ClusterIsolation(platform(a), 'guardrails', { exemptNamespaces: ['kube-system'], exemptions: [NamespaceExemption.of('legacy', 'not yet described by tiers')] });
    const shop = new Chart(a, 'shop', { namespace: 'shop' });
    return { a, shop };
  }

  test('the model reports guarded namespaces as isolated both ways, exempt ones not', () => {
    const { shop } = app();
    const model = IntentModel.of(shop);
    expect([model.namespaceIsolatesIngress('shop'), model.namespaceIsolatesEgress('shop')]).toEqual([true, true]);
    expect([model.namespaceIsolatesIngress('legacy'), model.namespaceIsolatesEgress('kube-system')]).toEqual([false, false]);
  });

  test('a tier with isolateEgress: false writes both sides of its flows without any NamespaceIsolation', () => {
    const { shop } = app();
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, isolateEgress: false });
    const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.allowFrom(web, Port.tcp(9090));
    const objects = synthValid(shop);
    const webPolicy = findObject(objects, 'NetworkPolicy', 'web', 'shop').spec;
    const apiPolicy = findObject(objects, 'NetworkPolicy', 'api', 'shop').spec;
    expect(webPolicy.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(webPolicy.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] },
      { to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9090, protocol: 'TCP' }] },
    ]);
    expect(apiPolicy.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    const r = Reachability.fromChart(shop);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(9090))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(9091))).toBe(false);
  });

  test('isolateEgress: false is honoured exactly: the tier\'s policy denies no egress the Baseline alone would allow, and adds only its declared flows', () => {
    const { a, shop } = app();
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, isolateEgress: false });
    const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.allowFrom(web, Port.tcp(9090));
    web.allowTo(Peer.ipBlock('203.0.113.0/24'), Port.tcp(443));
    const objects = validateAll(a.charts.flatMap((c) => Testing.synth(c)));
    const pods = [podOf('shop', 'web', { app: 'web' }), podOf('shop', 'api', { app: 'api' }), podOf('legacy', 'old', { app: 'old' }),
      podOf('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }), podOf('team', 'x', { app: 'x' })];
    const written = Reachability.fromManifests([...objects, ...pods]);
    // The same app with the tier's egress isolation taken out: what the Baseline alone says about its egress.
    const withoutEgress = JSON.parse(JSON.stringify(objects));
    const webPolicy = withoutEgress.find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'web');
    webPolicy.spec.policyTypes = ['Ingress'];
    delete webPolicy.spec.egress;
    const baselineOnly = Reachability.fromManifests([...withoutEgress, ...pods]);
    const from = { namespace: 'shop', pod: 'web' };
    const cases: [any, Port, boolean][] = [
      [{ namespace: 'shop', pod: 'api' }, Port.tcp(9090), true], [{ namespace: 'shop', pod: 'api' }, Port.tcp(9091), false],
      [{ namespace: 'legacy', pod: 'old' }, Port.tcp(80), false], [{ namespace: 'team', pod: 'x' }, Port.tcp(80), false],
      [{ namespace: 'kube-system', pod: 'coredns' }, Port.udp(53), false], [{ ip: '203.0.113.7' }, Port.tcp(443), true],
      [{ ip: '203.0.113.7' }, Port.tcp(80), false], [{ ip: '8.8.8.8' }, Port.tcp(443), false], [{ ip: '169.254.169.254' }, Port.tcp(80), false],
    ];
    for (const [to, port, declared] of cases) {
      const expected = declared || baselineOnly.isAllowed(from, to, port);
      expect([to, String(port), written.isAllowed(from, to, port)]).toEqual([to, String(port), expected]);
    }
    // DNS is the Baseline's own exception, and the tier's policy keeps it.
    expect([written.isAllowed(from, { namespace: 'kube-system', pod: 'coredns' }, Port.udp(53)), baselineOnly.isAllowed(from, { namespace: 'kube-system', pod: 'coredns' }, Port.udp(53))])
      .toEqual([true, true]);
  });

  test('isolateIngress: false in a guarded namespace is refused at synth (a tier or a NamespaceIsolation), naming the fix', () => {
    const fix = 'Set isolateIngress: true and declare the clients with allowFrom (Peer.anyIpv4() and Peer.anyIpv6() for clients outside the cluster), '
      + 'or exempt the namespace with a reason (exemptions: [NamespaceExemption.of("shop", "why")]).';
    const tier = app();
    new IsolatedTier(tier.shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], isolateIngress: false });
    expect(() => Testing.synth(tier.shop)).toThrow('[shop/api] isolateIngress: false leaves ingress open, but cluster/guardrails denies ingress to every pod of namespace shop '
      + 'that no NetworkPolicy admits; to let declared clients in, the policy would have to isolate ingress after all and drop every other client, those outside the cluster too (false). ' + fix);
    const namespace = app();
    new NamespaceIsolation(namespace.shop, 'baseline', { isolateIngress: false });
    expect(() => Testing.synth(namespace.shop)).toThrow('[shop/baseline] isolateIngress: false leaves ingress open, but cluster/guardrails denies ingress to every pod of namespace shop');
    // Declared before the guardrails, in kube-system: the same, with the kube-system fix.
    const early = Testing.app();
    const shop = new Chart(early, 'shop', { namespace: 'shop' });
    new IsolatedTier(shop, 'agent', { podLabels: { app: 'agent' }, namespace: 'kube-system', isolateIngress: false });
    new ClusterIsolation(platform(early), 'guardrails');
    expect(() => Testing.synth(shop)).toThrow(/\[shop\/agent\] isolateIngress: false leaves ingress open, but cluster\/guardrails denies ingress to every pod of namespace kube-system .* \(exemptNamespaces: \["kube-system"\]\)\./);
  });

  test('isolateIngress: false stays as written in an exempt namespace, and without guardrails', () => {
    const { shop } = app();
    new IsolatedTier(shop, 'old', { podLabels: { app: 'old' }, namespace: 'legacy', isolateIngress: false });
    expect(findObject(synthValid(shop), 'NetworkPolicy', 'old', 'legacy').spec.policyTypes).toEqual(['Egress']);
    const plain = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(plain, 'baseline', { isolateIngress: false });
    expect(findObject(synthValid(plain), 'NetworkPolicy', 'baseline', 'shop').spec.policyTypes).toEqual(['Egress']);
  });

  test('in an exempt namespace a tier keeps exactly the directions it isolates', () => {
    const { shop } = app();
    const old = new IsolatedTier(shop, 'old', { podLabels: { app: 'old' }, namespace: 'legacy', isolateEgress: false });
    expect(findObject(synthValid(shop), 'NetworkPolicy', 'old', 'legacy').spec.policyTypes).toEqual(['Ingress']);
    expect(old.isEgressIsolated()).toBe(false);
  });

  test('a namespace destination in a guarded namespace needs its NamespaceIsolation, which writes the ingress side', () => {
    const { shop } = app();
    const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' } });
    new RestrictedEgress(shop, 'egress', { tier: api, allow: [Destination.namespace('monitoring', Port.tcp(9091))] });
    expect(() => Testing.synth(shop)).toThrow('[shop/egress] namespace monitoring denies ingress through cluster/guardrails, so Destination.namespace() would open only the egress side ("all pods in namespace monitoring on TCP 9091"). '
      + 'Add a NamespaceIsolation for monitoring and pass it, Destination.peer(isolation, ...ports), which writes both sides; or exempt the namespace.');
  });

  test('the same destination through the NamespaceIsolation writes both sides; in an exempt namespace the plain destination is fine', () => {
    const { shop } = app();
    const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' } });
    const monitoring = new NamespaceIsolation(shop, 'monitoring', { namespace: 'monitoring' });
    new RestrictedEgress(shop, 'egress', { tier: api, allow: [Destination.peer(monitoring, Port.tcp(9091)), Destination.namespace('legacy', Port.tcp(80))] });
    const objects = synthValid(shop);
    expect(findObject(objects, 'NetworkPolicy', 'monitoring', 'monitoring').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9091, protocol: 'TCP' }] },
    ]);
  });
});

describe('ClusterIsolation: property, random tiers with one-sided isolation keep exactly their flows', () => {
  // Ingress left open is refused in a guarded namespace (tested above); egress left open is kept.
  const tierSpec = fc.record({ inB: fc.boolean(), direction: fc.constantFrom('both', 'ingress-only') });
  const flowSpec = fc.record({ from: fc.nat(4), to: fc.nat(4) });

  test('every declared flow is allowed on both sides, nothing else between the tiers, every policy isolates both ways', () => {
    fc.assert(fc.property(fc.array(tierSpec, { minLength: 5, maxLength: 5 }), fc.array(flowSpec, { maxLength: 8 }), (specs, flows) => {
      const app = Testing.app();
      new ClusterIsolation(platform(app), 'guardrails', { exemptNamespaces: ['kube-system'] });
      const chart = new Chart(app, 'apps', { namespace: 'a' });
      const tiers = specs.map((spec, i) => new IsolatedTier(chart, `t${i}`, {
        podLabels: { app: `t${i}` },
        namespace: spec.inB ? 'b' : 'a',
        ports: [Port.tcp(8080)],
        isolateEgress: spec.direction !== 'ingress-only',
      }));
      const declared = new Set<string>();
      for (const { from, to } of flows.filter((f) => f.from !== f.to)) {
        tiers[to].allowFrom(tiers[from], Port.tcp(8080));
        declared.add(`${from}->${to}`);
      }
      const r = Reachability.fromChart(chart);
      const pod = (i: number) => ({ namespace: tiers[i].namespace, pod: `t${i}` });
      for (let from = 0; from < tiers.length; from++) {
        for (let to = 0; to < tiers.length; to++) {
          if (from !== to) expect([from, to, r.isAllowed(pod(from), pod(to), Port.tcp(8080))]).toEqual([from, to, declared.has(`${from}->${to}`)]);
        }
      }
      for (const policy of objectsOfKind(synthValid(chart), 'NetworkPolicy')) expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    }), { numRuns: 25, seed: 15 });
  });
});

describe('ClusterIsolation: the metadata guardrail and allowMetadataEndpoint agree', () => {
  function build(access: MetadataEndpointAccess[], namespace = 'monitoring') {
    const app = Testing.app();
    new ClusterIsolation(platform(app), 'guardrails', { exemptNamespaces: ['kube-system'], metadataEndpointAccess: access });
    const chart = new Chart(app, 'mon', { namespace });
    const agent = new IsolatedTier(chart, 'agent', { podLabels: { app: 'agent', team: 'obs' } });
    new RestrictedEgress(chart, 'egress', { tier: agent, allow: [], allowMetadataEndpoint: true });
    return chart;
  }

  test('without an exception for the pods, allowMetadataEndpoint would be dead: synthesis fails with the exception to add', () => {
    expect(() => Testing.synth(build([]))).toThrow('[mon/egress] cluster/guardrails denies the metadata endpoint to tier monitoring/agent before any NetworkPolicy, so allowMetadataEndpoint would have no effect ("tier monitoring/agent"). '
      + 'Add MetadataEndpointAccess.pods("monitoring", {"app":"agent","team":"obs"}) to the ClusterIsolation\'s metadataEndpointAccess, or drop allowMetadataEndpoint.');
    expect(() => Testing.synth(build([MetadataEndpointAccess.pods('monitoring', { app: 'other' })]))).toThrow(/denies the metadata endpoint to tier monitoring\/agent/);
    expect(() => Testing.synth(build([MetadataEndpointAccess.namespace('elsewhere')]))).toThrow(/denies the metadata endpoint to tier monitoring\/agent/);
  });

  test('an exception by namespace, or by labels every pod of the tier carries, lets the NetworkPolicy decide; exempt namespaces need one too', () => {
    for (const access of [[MetadataEndpointAccess.namespace('monitoring')], [MetadataEndpointAccess.pods('monitoring', { app: 'agent' })]]) {
      const egress = findObject(synthValid(build(access)), 'NetworkPolicy', 'agent', 'monitoring').spec.egress;
      expect(egress[egress.length - 1]).toEqual({ to: METADATA.filter((cidr) => cidr !== '168.63.129.16/32').map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 80, protocol: 'TCP' }] });
    }
    // An exemption lifts the Baseline deny only: the metadata deny covers kube-system as well.
    expect(() => Testing.synth(build([], 'kube-system'))).toThrow(/Add MetadataEndpointAccess.pods\("kube-system", \{"app":"agent","team":"obs"\}\)/);
    expect(objectsOfKind(synthValid(build([MetadataEndpointAccess.namespace('kube-system')], 'kube-system')), 'NetworkPolicy')).toHaveLength(1);
  });
});

describe('ClusterIsolation: bad input (path, value, fix; nothing left behind, a retry works)', () => {
  const cases: { name: string; props: () => any; message: string }[] = [
    { name: 'exemptNamespaces not a list', props: () => ({ exemptNamespaces: 'kube-system' }), message: 'cluster/guardrails: exemptNamespaces must be a list of namespace names ("kube-system"). Pass e.g. exemptNamespaces: ["kube-system"].' },
    { name: 'an empty namespace name', props: () => ({ exemptNamespaces: [''] }), message: 'cluster/guardrails (exemptNamespaces): namespace name must be a DNS-1123 label' },
    { name: 'an invalid namespace name', props: () => ({ exemptNamespaces: ['Kube_System'] }), message: 'cluster/guardrails (exemptNamespaces): namespace name must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit ("Kube_System"). Use a namespace name like "shop" or "kube-system".' },
    { name: 'a number as a namespace', props: () => ({ exemptNamespaces: [42] }), message: 'cluster/guardrails (exemptNamespaces): namespace name must be a string (42).' },
    { name: 'a duplicate namespace', props: () => ({ exemptNamespaces: ['kube-system', 'kube-system'] }), message: 'cluster/guardrails (exemptNamespaces): a namespace is listed twice ("kube-system"). List each namespace once, in exemptNamespaces or exemptions.' },
    {
      name: 'a namespace listed by name and as an exemption',
      props: () => ({ exemptNamespaces: ['kube-system'], exemptions: [NamespaceExemption.of('kube-system', 'why')] }),
      message: 'cluster/guardrails (exemptNamespaces): a namespace is listed twice ("kube-system").',
    },
    {
      name: 'a plain exempt namespace other than kube-system, which has no documented reason',
      props: () => ({ exemptNamespaces: ['istio-system'] }),
      message: 'cluster/guardrails (exemptNamespaces): namespace istio-system is exempted without a reason; only kube-system has a documented one ("istio-system"). State the reason: exemptions: [NamespaceExemption.of("istio-system", "why it is left out of the default deny")].',
    },
    { name: 'an exemption that is a plain string', props: () => ({ exemptions: ['legacy'] }), message: 'cluster/guardrails (exemptions): holds something that is not a NamespaceExemption ("legacy"). Use NamespaceExemption.of(namespace, reason).' },
    { name: 'API server addresses that are not CIDRs', props: () => ({ apiServerAddresses: ['10.0.0.1'] }), message: 'cluster/guardrails (apiServerAddresses): entry is not a CIDR: it is not in CIDR notation (missing the "/prefix") ("10.0.0.1"). Give each address as a CIDR, e.g. "10.0.0.10/32".' },
    { name: 'API server addresses with host bits', props: () => ({ apiServerAddresses: ['10.0.0.1/24'] }), message: 'cluster/guardrails (apiServerAddresses): entry ' },
    { name: 'API server addresses from plain JavaScript: a number', props: () => ({ apiServerAddresses: [10] }), message: 'cluster/guardrails (apiServerAddresses): entry is not a CIDR: it is not a string (10).' },
    { name: 'an empty API server address list', props: () => ({ apiServerAddresses: [] }), message: 'cluster/guardrails (apiServerAddresses): is an empty list ([]). Give the addresses' },
    { name: 'API server addresses that name the whole internet', props: () => ({ apiServerAddresses: ['0.0.0.0/0'] }), message: 'cluster/guardrails (apiServerAddresses): entry is wider than a /16, so components\' webhooks would admit' },
    { name: 'API server addresses that name a wide IPv6 range', props: () => ({ apiServerAddresses: ['10.0.0.0/28', '2001:db8::/32'] }), message: 'entry is wider than a /48' },
    { name: 'dns not a ClusterDns', props: () => ({ dns: { destinations: [] } }), message: 'cluster/guardrails: dns must be a ClusterDns ("[object Object]"). Use ClusterDns.kubeDns()' },
    {
      name: 'a DNS block with excluded sub-blocks',
      props: () => ({ dns: ClusterDns.custom([Peer.ipBlock('10.0.0.0/24', ['10.0.0.128/25'])], [53]) }),
      message: 'cluster/guardrails: the DNS server excludes sub-blocks, which ClusterNetworkPolicy networks cannot express',
    },
    {
      name: 'DNS pods without a namespace',
      props: () => ({ dns: ClusterDns.custom([Peer.pods({ app: 'dns' })], [53]) }),
      message: 'cluster/guardrails: the DNS server names no namespace, which a cluster-wide policy needs',
    },
    {
      name: 'an exception listed twice',
      props: () => ({ metadataEndpointAccess: [MetadataEndpointAccess.pods('a', { app: 'x' }), MetadataEndpointAccess.pods('a', { app: 'x' })] }),
      message: 'cluster/guardrails (metadataEndpointAccess): an exception is listed twice ("pods app=x in a"). List each exception once.',
    },
    { name: 'exceptions that are not a list', props: () => ({ metadataEndpointAccess: MetadataEndpointAccess.namespace('a') }), message: 'cluster/guardrails (metadataEndpointAccess): must be a list ({"namespaceName":"a"}). Pass e.g. [MetadataEndpointAccess.pods("kube-system", { app: "aws-node" })].' },
    { name: 'an exception that is a plain string', props: () => ({ metadataEndpointAccess: ['kube-system'] }), message: 'cluster/guardrails (metadataEndpointAccess): holds something that is not a MetadataEndpointAccess ("kube-system").' },
    { name: 'a priority out of range', props: () => ({ adminPriority: 1000 }), message: 'cluster/guardrails: adminPriority must be an integer from 0 to 999 (the second policy of the tier takes the next value, at most 1000) (1000). Pass e.g. adminPriority: 500.' },
    { name: 'a fractional priority', props: () => ({ baselinePriority: 10.5 }), message: 'cluster/guardrails: baselinePriority must be an integer from 0 to 999' },
    { name: 'a priority as a string', props: () => ({ baselinePriority: '10' }), message: 'cluster/guardrails: baselinePriority must be an integer from 0 to 999 (the second policy of the tier takes the next value, at most 1000) ("10").' },
    { name: 'an invalid name', props: () => ({ name: 'Guard Rails' }), message: 'cluster/guardrails: name must be a DNS-1123 label' },
    { name: 'props that are not an object', props: () => 'kube-system', message: 'cluster/guardrails: props must be an object ("kube-system").' },
  ];

  test.each(cases)('$name', ({ props, message }) => {
    const chart = platform();
    expect(() => new ClusterIsolation(chart, 'guardrails', props())).toThrow(message);
    expect(chart.node.children).toEqual([]);
    expect(IntentModel.of(chart).clusterBaseline).toBeUndefined();
    new ClusterIsolation(chart, 'guardrails', { exemptNamespaces: ['kube-system'] });
    expect(objectsOfKind(synthValid(chart), 'ClusterNetworkPolicy')).toHaveLength(2);
  });

  test('a chart with a namespace is refused', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    expect(() => new ClusterIsolation(chart, 'guardrails')).toThrow(
      'shop/guardrails: ClusterNetworkPolicies are cluster-scoped, but the chart has a namespace ("shop"). Put the ClusterIsolation in a chart without a namespace, e.g. new Chart(app, "cluster").');
    expect(chart.node.children).toEqual([]);
  });

  test('a second ClusterIsolation in the app is refused, naming the first', () => {
    const app = Testing.app();
    new ClusterIsolation(platform(app), 'guardrails');
    const other = new Chart(app, 'other');
    expect(() => new ClusterIsolation(other, 'more')).toThrow(
      'other/more: the app already has a ClusterIsolation at cluster/guardrails; two would compete at the same priorities ("more"). Keep one ClusterIsolation per app and list all exempt namespaces and exceptions in it.');
    expect(other.node.children).toEqual([]);
  });

  test.each([
    [() => MetadataEndpointAccess.pods('monitoring', {}), 'MetadataEndpointAccess.pods: podLabels is empty, so the exception would cover every pod of the namespace ({}). Name the pods\' labels, or write MetadataEndpointAccess.namespace("monitoring") on purpose.'],
    [() => MetadataEndpointAccess.pods('monitoring', undefined as any), 'MetadataEndpointAccess.pods: podLabels must be a map of labels (undefined).'],
    [() => MetadataEndpointAccess.pods('Monitoring', { app: 'x' }), 'MetadataEndpointAccess.pods: namespace name must be a DNS-1123 label'],
    [() => MetadataEndpointAccess.namespace(''), 'MetadataEndpointAccess.namespace: namespace name must be a DNS-1123 label'],
    [() => MetadataEndpointAccess.pods('monitoring', { app: 'bad value!' }), 'MetadataEndpointAccess.pods: label "app" value must be empty or alphanumeric'],
  ])('MetadataEndpointAccess refuses bad input: %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('ClusterIsolation through the analyzer', () => {
  const pod = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  const app = Testing.app();
  const cluster = platform(app);
  new ClusterIsolation(cluster, 'guardrails', { exemptNamespaces: ['kube-system'], metadataEndpointAccess: [MetadataEndpointAccess.pods('monitoring', { app: 'agent' })] });
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' } });
  const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
  api.allowFrom(web, Port.tcp(9090));
  const objects = validateAll([...Testing.synth(cluster), ...Testing.synth(shop)]);
  const allowAll = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-all', namespace: 'team' },
    spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] },
  };
  const agentAllow = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'metadata', namespace: 'monitoring' },
    spec: { podSelector: { matchLabels: { app: 'agent' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }] }] },
  };
  const r = Reachability.fromManifests([...objects, allowAll, agentAllow,
    pod('shop', 'web'), pod('shop', 'api'), pod('open', 'x'), pod('open', 'y'), pod('team', 'z'), pod('kube-system', 'coredns'), pod('monitoring', 'agent'), pod('monitoring', 'other')]);
  const metadata = { ip: '169.254.169.254' };

  test('a pod in a namespace nobody isolated is denied both ways', () => {
    expect(r.isAllowed({ namespace: 'open', pod: 'x' }, { namespace: 'open', pod: 'y' }, Port.tcp(80))).toBe(false);
    expect(r.isAllowed({ namespace: 'open', pod: 'x' }, { ip: '8.8.8.8' }, Port.tcp(443))).toBe(false);
  });
  test('a team\'s allow-all egress policy still cannot reach the metadata endpoint, but reaches the internet', () => {
    expect(r.isAllowed({ namespace: 'team', pod: 'z' }, metadata, Port.tcp(80))).toBe(false);
    expect(r.isAllowed({ namespace: 'team', pod: 'z' }, { ip: '8.8.8.8' }, Port.tcp(443))).toBe(true);
  });
  test('the named exception reaches the metadata endpoint through its own NetworkPolicy; its neighbours do not', () => {
    expect(r.isAllowed({ namespace: 'monitoring', pod: 'agent' }, metadata, Port.tcp(80))).toBe(true);
    expect(r.isAllowed({ namespace: 'monitoring', pod: 'other' }, metadata, Port.tcp(80))).toBe(false);
  });
  test('exempt namespaces keep the metadata deny (an exemption lifts the Baseline deny only); tiers keep exactly their flows', () => {
    expect(r.isAllowed({ namespace: 'kube-system', pod: 'coredns' }, metadata, Port.tcp(80))).toBe(false);
    expect(r.isAllowed({ namespace: 'kube-system', pod: 'coredns' }, { ip: '8.8.8.8' }, Port.tcp(443))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(9090))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'api' }, { namespace: 'shop', pod: 'web' }, Port.tcp(9090))).toBe(false);
    expect(r.isAllowed({ namespace: 'open', pod: 'x' }, { namespace: 'shop', pod: 'api' }, Port.tcp(9090))).toBe(false);
  });
});
