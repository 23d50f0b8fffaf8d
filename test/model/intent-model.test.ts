import { App, Chart, Testing } from 'cdk8s';
import {
  ClusterDns, ClusterIsolation, Destination, GatewayImplementation, IsolatedTier, MetadataEndpointAccess, NamespaceExemption, NamespaceIsolation,
  Peer, Port, Reachability, RestrictedEgress, SecureGateway,
} from '../../src';
import { IntentModel } from '../../src/model/intent-model';
import { findObject, synthValid } from '../util';

/*
 * The intent model's whole-app rules: both sides of a flow however its peer is named, refusals where a
 * side cannot be written exactly, overlapping tiers, and namespaces that look like typos.
 */

const at = (namespace: string, pod: string) => ({ namespace, pod });

function app(): { chart: Chart; web: IsolatedTier; api: IsolatedTier; db: IsolatedTier } {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  new NamespaceIsolation(chart, 'baseline');
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
  const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
  const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)] });
  return { chart, web, api, db };
}

describe('both sides of a flow, however the peer is named', () => {
  test('a raw selector that names exactly a tier writes the tier\'s ingress rule too', () => {
    const { chart, web, api } = app();
    api.allowTo(Peer.pods({ app: 'db' }, 'data'), Port.tcp(5432));
    const objects = synthValid(chart);
    expect(findObject(objects, 'NetworkPolicy', 'db', 'data').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'api' } } }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    }]);
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(at('shop', 'api'), at('data', 'db'), Port.tcp(5432))).toBe(true);
    expect(r.isAllowed(at('shop', 'api'), at('data', 'db'), Port.tcp(5433))).toBe(false);
    expect(r.isAllowed(at('shop', 'web'), at('data', 'db'), Port.tcp(5432))).toBe(false);
    void web;
  });

  test('a raw source selector that names exactly a tier writes the tier\'s egress rule too', () => {
    const { chart, api } = app();
    api.allowFrom(Peer.pods({ app: 'web' }), Port.tcp(9090));
    const egress = findObject(synthValid(chart), 'NetworkPolicy', 'web', 'shop').spec.egress;
    expect(egress).toContainEqual({ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9090, protocol: 'TCP' }] });
    expect(Reachability.fromChart(chart).isAllowed(at('shop', 'web'), at('shop', 'api'), Port.tcp(9090))).toBe(true);
  });

  test('a flow into a namespace isolation reaches the tiers that isolate ingress inside it', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const jobs = new NamespaceIsolation(chart, 'jobs', { namespace: 'jobs', isolateIngress: false });
    new IsolatedTier(chart, 'worker', { podLabels: { app: 'worker' }, namespace: 'jobs', ports: [Port.tcp(7000)] });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    jobs.allowFrom(web, Port.tcp(7000));
    const ingress = findObject(synthValid(chart), 'NetworkPolicy', 'worker', 'jobs').spec.ingress;
    expect(ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'web' } } }],
      ports: [{ port: 7000, protocol: 'TCP' }],
    }]);
    expect(Reachability.fromChart(chart).isAllowed(at('shop', 'web'), at('jobs', 'worker'), Port.tcp(7000))).toBe(true);
  });

  test('a flow from outside the cluster into a namespace isolation that leaves ingress open reaches its ingress-isolated tiers', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const shop = new NamespaceIsolation(chart, 'baseline', { isolateIngress: false });
    new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    shop.allowFrom(Peer.ipBlock('203.0.113.0/24'), Port.tcp(9090));
    const objects = synthValid(chart);
    expect(findObject(objects, 'NetworkPolicy', 'api', 'shop').spec.ingress)
      .toEqual([{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed({ ip: '203.0.113.5' }, at('shop', 'api'), Port.tcp(9090))).toBe(true);
    expect(r.isAllowed({ ip: '198.51.100.5' }, at('shop', 'api'), Port.tcp(9090))).toBe(false);
    expect(r.isAllowed({ ip: '203.0.113.5' }, at('shop', 'api'), Port.tcp(9091))).toBe(false);
  });

  test('egress from a namespace isolation that leaves egress open to an address block reaches its egress-isolated tiers', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const shop = new NamespaceIsolation(chart, 'baseline', { isolateEgress: false });
    new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    shop.allowTo(Peer.ipBlock('203.0.113.0/24'), Port.tcp(443));
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(at('shop', 'api'), { ip: '203.0.113.5' }, Port.tcp(443))).toBe(true);
    expect(r.isAllowed(at('shop', 'api'), { ip: '198.51.100.5' }, Port.tcp(443))).toBe(false);
  });

  test('a tier used as a custom DNS server accepts the DNS queries of the tiers that use it', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const resolver = new IsolatedTier(chart, 'resolver', { podLabels: { app: 'resolver' }, ports: [Port.udp(53), Port.tcp(53)] });
    new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, dns: ClusterDns.custom([resolver], [53]) });
    const ingress = findObject(synthValid(chart), 'NetworkPolicy', 'resolver', 'shop').spec.ingress;
    expect(ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }]);
    expect(Reachability.fromChart(chart).isAllowed(at('shop', 'web'), at('shop', 'resolver'), Port.udp(53))).toBe(true);
  });

  test('a selector for some pods of an isolated namespace, or a subset of a tier, is refused at synth with the fix', () => {
    const { chart, api } = app();
    new NamespaceIsolation(chart, 'data-baseline', { namespace: 'data' });
    api.allowTo(Peer.pods({ app: 'cache' }, 'data'), Port.tcp(6379));
    expect(() => Testing.synth(chart)).toThrow(/shop\/api: the flow to pods app=cache in namespace data selects only some pods of namespace data, which isolates ingress, so the flow would stay closed on that side .*Name the pods by an IsolatedTier made for exactly them/);

    const second = app();
    second.api.allowTo(Peer.pods({ app: 'db', role: 'replica' }, 'data'), Port.tcp(5432));
    expect(() => Testing.synth(second.chart)).toThrow(/selects only some pods of tier data\/db/);
  });

  test('selectors with other keys, or namespaces chosen by unknown labels, are not taken for the app\'s tiers', () => {
    const { chart, api } = app();
    api.allowTo(Peer.pods({ role: 'db' }, 'data'), Port.tcp(5432));
    api.allowFrom(Peer.podsInNamespaces({ app: 'prometheus' }, { team: 'observability' }), Port.tcp(9090));
    const objects = synthValid(chart);
    expect(findObject(objects, 'NetworkPolicy', 'db', 'data').spec.ingress).toEqual([]);
  });
});

describe('overlapping tiers', () => {
  test('identical selectors and subset selectors in one namespace are refused, naming both tiers', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    new IsolatedTier(chart, 'web-too', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    expect(() => Testing.synth(chart)).toThrow(/tier shop\/web and tier shop\/web-too select the same pods/);

    const other = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new IsolatedTier(other, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    new IsolatedTier(other, 'canary', { podLabels: { app: 'web', track: 'canary' }, ports: [Port.tcp(8080)] });
    expect(() => Testing.synth(other)).toThrow(/every pod of tier shop\/canary is also a pod of tier shop\/web, so tier shop\/canary would also accept and open every flow declared for tier shop\/web/);
  });

  test('the same labels in different namespaces, or different values of one key, do not overlap', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    new IsolatedTier(chart, 'web-staging', { podLabels: { app: 'web' }, namespace: 'staging', ports: [Port.tcp(8080)] });
    new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    expect(() => synthValid(chart)).not.toThrow();
  });
});

describe('namespaces that look like typos', () => {
  test('a tier one edit away from an isolated namespace is refused, naming the close match', () => {
    const boutique = new App();
    const chart = new Chart(boutique, 'boutique', { namespace: 'boutique' });
    new NamespaceIsolation(chart, 'baseline');
    new IsolatedTier(chart, 'cart', { podLabels: { app: 'cart' }, namespace: 'botique', ports: [Port.tcp(7070)] });
    expect(() => Testing.synth(chart)).toThrow(/boutique\/cart: tier botique\/cart is in namespace botique, which the app neither isolates nor declares, next to the declared namespace boutique \("botique"\)\. Did you mean "boutique"\?/);
  });

  test('a near name declared on purpose by a chart of its own, and far names, are accepted', () => {
    const shops = new App();
    const chart = new Chart(shops, 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline');
    new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)] });
    const shop2 = new Chart(shops, 'shop2', { namespace: 'shop2' });
    new IsolatedTier(shop2, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    expect(() => shops.synthYaml()).not.toThrow();
  });
});

describe('every namespace a user names gets the typo check', () => {
  function boutique(): { shops: App; chart: Chart; cart: IsolatedTier } {
    const shops = new App();
    const chart = new Chart(shops, 'boutique', { namespace: 'boutique' });
    const cart = new IsolatedTier(chart, 'cart', { podLabels: { app: 'cart' }, ports: [Port.tcp(7070)] });
    return { shops, chart, cart };
  }

  test('Peer.namespace next to a tier namespace is refused with "did you mean"', () => {
    const { chart, cart } = boutique();
    cart.allowFrom(Peer.namespace('botique'), Port.tcp(7070));
    expect(() => Testing.synth(chart)).toThrow(/boutique\/cart: the peer .*botique.* of a flow is in namespace botique, which the app neither isolates nor declares, next to the declared namespace boutique \("botique"\)\. Did you mean "boutique"\?/);
  });

  test('Peer.pods with a near namespace, and Destination.namespace, are refused the same way', () => {
    const { chart, cart } = boutique();
    cart.allowTo(Peer.pods({ app: 'db' }, 'boutiqe'), Port.tcp(5432));
    expect(() => Testing.synth(chart)).toThrow(/in namespace boutiqe, .* Did you mean "boutique"\?/);
    const second = boutique();
    new RestrictedEgress(second.chart, 'egress', { tier: second.cart, allow: [Destination.namespace('botique', Port.tcp(80))] });
    expect(() => Testing.synth(second.chart)).toThrow(/in namespace botique, .* Did you mean "boutique"\?/);
  });

  test('a near namespace stated on purpose (a chart bound to it) is accepted', () => {
    const { shops, cart } = boutique();
    new Chart(shops, 'other', { namespace: 'botique' });
    cart.allowFrom(Peer.namespace('botique'), Port.tcp(7070));
    expect(() => shops.synthYaml()).not.toThrow();
  });

  test('a typo of kube-system in exemptNamespaces is refused at once; as a NamespaceExemption it is refused at synth', () => {
    expect(() => new ClusterIsolation(new Chart(new App(), 'cluster'), 'guardrails', { exemptNamespaces: ['kube-sytem'] }))
      .toThrow('cluster/guardrails (exemptNamespaces): namespace kube-sytem is not kube-system, the one namespace exempt by name ("kube-sytem"). Did you mean "kube-system"?');
    const typos = new App();
    const cluster = new Chart(typos, 'cluster');
    new ClusterIsolation(cluster, 'guardrails', { exemptions: [NamespaceExemption.of('kube-sytem', 'system pods')], apiServerAddresses: ['10.0.0.0/28'] });
    expect(() => Testing.synth(cluster)).toThrow(/cluster\/guardrails: the exemption of namespace kube-sytem is in namespace kube-sytem, .* Did you mean "kube-system"\?/);
  });

  test('a metadata exception and a gateway namespace next to a declared namespace are refused', () => {
    const typos = new App();
    const cluster = new Chart(typos, 'cluster');
    new ClusterIsolation(cluster, 'guardrails', { exemptNamespaces: ['kube-system'], metadataEndpointAccess: [MetadataEndpointAccess.namespace('boutiqe')] });
    new Chart(typos, 'boutique', { namespace: 'boutique' });
    expect(() => Testing.synth(cluster)).toThrow(/the metadata-endpoint exception namespace boutiqe is in namespace boutiqe, .* Did you mean "boutique"\?/);

    const gateways = new App();
    const shop = new Chart(gateways, 'boutique', { namespace: 'boutique' });
    new SecureGateway(shop, 'edge', { namespace: 'botique', gatewayClassName: 'istio', implementation: GatewayImplementation.istio(), clusterIssuer: 'le' });
    expect(() => Testing.synth(shop)).toThrow(/gateway botique\/edge \(class istio\) is in namespace botique, .* Did you mean "boutique"\?/);
  });
});

describe('under ClusterIsolation', () => {
  test('a raw selector for pods no group describes, in a guarded namespace, is refused; a tier for them writes both sides', () => {
    const guarded = new App();
    new ClusterIsolation(new Chart(guarded, 'platform'), 'guardrails', { exemptNamespaces: ['kube-system'] });
    const chart = new Chart(guarded, 'shop', { namespace: 'shop' });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.allowTo(Peer.pods({ app: 'cache' }, 'data'), Port.tcp(6379));
    expect(() => guarded.synthYaml()).toThrow(/shop\/api: the flow to pods app=cache in namespace data names pods that platform\/guardrails isolates \(namespace data is not exempt\) but that no tier or namespace isolation of the app describes/);

    const fixed = new App();
    new ClusterIsolation(new Chart(fixed, 'platform'), 'guardrails', { exemptNamespaces: ['kube-system'] });
    const shop = new Chart(fixed, 'shop', { namespace: 'shop' });
    const api2 = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    new IsolatedTier(shop, 'cache', { podLabels: { app: 'cache' }, namespace: 'data', ports: [Port.tcp(6379)] });
    api2.allowTo(Peer.pods({ app: 'cache' }, 'data'), Port.tcp(6379));
    expect(() => fixed.synthYaml()).not.toThrow();
    expect(fixed.synthYaml()).toContain('6379');
  });
});

describe('whole-app answers are kept until the intent changes', () => {
  // cdk8s validates the whole app, and renders lazily, once per chart it synthesizes; the model keeps its
  // whole-app answers for as long as nothing is recorded, and must drop them as soon as something is.

  test('a whole-app check runs once per synthesis of many charts, and again after a record', () => {
    const shops = Testing.app();
    const charts = ['a', 'b', 'c'].map((ns) => new Chart(shops, ns, { namespace: ns }));
    charts.forEach((chart) => new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] }));
    let runs = 0;
    IntentModel.of(charts[0]).checks.add('counting', () => {
      runs++;
      return [];
    });
    shops.synth();
    expect(runs).toBe(1);
    shops.synth();
    expect(runs).toBe(1);
    new IsolatedTier(charts[1], 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    shops.synth();
    expect(runs).toBe(2);
  });

  test('a tier added after a synthesis that overlaps another is refused at the next one', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    expect(() => synthValid(chart)).not.toThrow();
    new IsolatedTier(chart, 'web-too', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    expect(() => Testing.synth(chart)).toThrow(/tier shop\/web and tier shop\/web-too select the same pods/);
  });

  test('a flow declared after a synthesis is written on both sides at the next one', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    expect(findObject(synthValid(chart), 'NetworkPolicy', 'api', 'shop').spec.ingress).toEqual([]);
    api.allowFrom(Peer.pods({ app: 'web' }));
    const objects = synthValid(chart);
    expect(findObject(objects, 'NetworkPolicy', 'api', 'shop').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    expect(findObject(objects, 'NetworkPolicy', 'web', 'shop').spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9090, protocol: 'TCP' }] });
    void web;
  });

  test('a chart bound to a near namespace after a refusal is taken as declaring it, though no intent changed', () => {
    const shops = new App();
    const chart = new Chart(shops, 'boutique', { namespace: 'boutique' });
    new NamespaceIsolation(chart, 'baseline');
    new IsolatedTier(chart, 'cart', { podLabels: { app: 'cart' }, namespace: 'botique', ports: [Port.tcp(7070)] });
    expect(() => shops.synthYaml()).toThrow(/Did you mean "boutique"\?/);
    new Chart(shops, 'botique', { namespace: 'botique' });
    expect(() => shops.synthYaml()).not.toThrow();
  });
});
