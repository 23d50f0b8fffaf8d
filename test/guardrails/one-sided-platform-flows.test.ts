import { App, Chart, Testing } from 'cdk8s';
import {
  ClusterDns, ClusterIsolation, GatewayImplementation, IsolatedTier, MeshInjection, MeshMtls, NamespaceExemption, NamespaceIsolation, Port,
  SecureGateway, SecureIngress,
} from '../../src';
import { Reachability } from '../../src/analysis';
import { findObject, validateAll } from '../util';

/*
 * Platform flows whose two sides fall on different sides of the guardrails (issue 21 item 7, the class
 * behind the composition property's findings): one end in an exempt namespace or on the host network, the
 * other in a guarded namespace. Each either works on both ends (judged by the analyzer on the synthesized
 * manifests plus the pods as their installers label them) or is refused at synth, naming the fix.
 */

const API_SERVER = '10.0.0.0/28';
const pod = (namespace: string, name: string, labels: { [key: string]: string }) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] },
});
const at = (namespace: string, name: string) => ({ namespace, pod: name });
const synthAll = (app: App) => validateAll(app.charts.flatMap((c) => Testing.synth(c)));

describe('a gateway data plane in an exempt namespace, its control plane guarded', () => {
  // Envoy Gateway's Gateway-namespace mode runs the Envoy pods in the Gateway's namespace, the controller
  // in envoy-gateway-system.
  const ENVOY_LABELS = { 'gateway.envoyproxy.io/owning-gateway-name': 'edge', 'gateway.envoyproxy.io/owning-gateway-namespace': 'edge' };
  function build(implementation: GatewayImplementation, exemptEdge = true): any[] {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const gateway = new SecureGateway(shop, 'edge', { namespace: 'edge', gatewayClassName: 'gw', implementation, clusterIssuer: 'letsencrypt-prod' });
    new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', {
      exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER], exemptions: exemptEdge ? [NamespaceExemption.of('edge', 'the gateway\'s own team')] : [],
    });
    return synthAll(app);
  }
  const PODS = [pod('edge', 'envoy', ENVOY_LABELS), pod('edge', 'other', { app: 'other' }), pod('envoy-gateway-system', 'controller', { 'control-plane': 'envoy-gateway' }),
    pod('shop', 'web', { app: 'web' })];
  const controller = at('envoy-gateway-system', 'controller');

  test('Envoy Gateway: the guarded controller admits the Envoy pods on xDS 18000, and only them', () => {
    const r = Reachability.fromManifests([...build(GatewayImplementation.envoyGateway({ gatewayNamespaceMode: true })), ...PODS]);
    expect(r.isAllowed(at('edge', 'envoy'), controller, Port.tcp(18000))).toBe(true);
    expect(r.isAllowed(at('edge', 'envoy'), controller, Port.tcp(19001))).toBe(false);
    expect(r.isAllowed(at('edge', 'other'), controller, Port.tcp(18000))).toBe(false);
    expect(r.isAllowed(at('shop', 'web'), controller, Port.tcp(18000))).toBe(false);
    expect(r.isAllowed(at('edge', 'envoy'), at('shop', 'web'), Port.tcp(8080))).toBe(true);
  });

  test('with the Gateway namespace guarded too, the controller\'s policy is the same (the data plane\'s tier declares the flow)', () => {
    const policy = (objects: any[]) => findObject(objects, 'NetworkPolicy', 'envoy-gateway', 'envoy-gateway-system').spec;
    expect(policy(build(GatewayImplementation.envoyGateway({ gatewayNamespaceMode: true })))).toEqual(
      policy(build(GatewayImplementation.envoyGateway({ gatewayNamespaceMode: true }), false)));
  });

  test('an Istio gateway: istiod admits every pod on 15012 already, and its policy is not widened', () => {
    const policy = (objects: any[]) => findObject(objects, 'NetworkPolicy', 'istiod', 'istio-system').spec;
    const objects = build(GatewayImplementation.istio());
    const xds = policy(objects).ingress.filter((rule: any) => rule.ports.some((p: any) => p.port === 15012));
    expect(xds).toEqual([{ from: [{ namespaceSelector: {} }], ports: [{ port: 15012, protocol: 'TCP' }] }]);
    const r = Reachability.fromManifests([...objects, pod('edge', 'proxy', { 'gateway.networking.k8s.io/gateway-name': 'edge' }), pod('istio-system', 'istiod', { app: 'istiod' })]);
    expect(r.isAllowed(at('edge', 'proxy'), at('istio-system', 'istiod'), Port.tcp(15012))).toBe(true);
  });
});

describe('the cluster DNS behind NodeLocal DNSCache', () => {
  // The node cache forwards from the node's address (host network): a NetworkPolicy naming pods misses it.
  test('in a guarded kube-system it is refused at synth, naming the reason and the exemption', () => {
    const app = Testing.app();
    const cluster = new Chart(app, 'cluster');
    new ClusterIsolation(cluster, 'guardrails', { apiServerAddresses: [API_SERVER], dns: ClusterDns.nodeLocalCache() });
    expect(() => Testing.synth(cluster)).toThrow('[cluster/guardrails] namespace kube-system is guarded and runs the cluster DNS (pods k8s-app=kube-dns in namespace kube-system), '
      + 'needed by the guardrails themselves, whose flows the library cannot write: NodeLocal DNSCache forwards lookups to them from the nodes\' addresses (host network), '
      + 'which no NetworkPolicy of the app can name ("kube-system"). Run it in another namespace, or exempt it (exemptNamespaces: ["kube-system"]).');
  });

  test('with kube-system exempt, no policy selects CoreDNS: the cache (from a node address) and pods reach it; guarded pods reach the cache', () => {
    const app = Testing.app();
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER], dns: ClusterDns.nodeLocalCache() });
    const objects = synthAll(app);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'kube-system')).toEqual([]);
    const r = Reachability.fromManifests([...objects, pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }), pod('team', 'x', { app: 'x' })]);
    expect(r.isAllowed({ ip: '10.1.2.3' }, at('kube-system', 'coredns'), Port.udp(53))).toBe(true);
    expect(r.isAllowed(at('team', 'x'), { ip: '169.254.20.10' }, Port.udp(53))).toBe(true);
    expect(r.isAllowed(at('team', 'x'), at('kube-system', 'coredns'), Port.udp(53))).toBe(true);
    expect(r.isAllowed(at('team', 'x'), { ip: '169.254.20.10' }, Port.tcp(80))).toBe(false);
  });

  test('the plain kube-dns profile in a guarded kube-system is still written (pods only reach it)', () => {
    const app = Testing.app();
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { apiServerAddresses: [API_SERVER] });
    expect(findObject(synthAll(app), 'NetworkPolicy', 'cluster-dns', 'kube-system').spec.podSelector).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
  });
});

describe('the cluster DNS forwarding to a cloud metadata address (AKS: Azure DNS on the WireServer)', () => {
  const dns = () => ClusterDns.kubeDns({ metadataUpstream: '168.63.129.16' });

  test('in a guarded kube-system its NetworkPolicy could not open the address: refused, naming it and the exemption', () => {
    const app = Testing.app();
    const cluster = new Chart(app, 'cluster');
    new ClusterIsolation(cluster, 'guardrails', { apiServerAddresses: [API_SERVER], dns: dns() });
    expect(() => Testing.synth(cluster)).toThrow('whose flows the library cannot write: they forward lookups to 168.63.129.16/32 on port 53, a cloud metadata address, '
      + 'which every NetworkPolicy the library writes excludes ("kube-system"). Run it in another namespace, or exempt it (exemptNamespaces: ["kube-system"]).');
  });

  test('with kube-system exempt, CoreDNS reaches the address on 53 only (the Admin deny passes it), nothing else there', () => {
    const app = Testing.app();
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER], dns: dns() });
    const r = Reachability.fromManifests([...synthAll(app), pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' })]);
    expect(r.isAllowed(at('kube-system', 'coredns'), { ip: '168.63.129.16' }, Port.udp(53))).toBe(true);
    expect(r.isAllowed(at('kube-system', 'coredns'), { ip: '168.63.129.16' }, Port.tcp(80))).toBe(false);
  });
});

describe('cert-manager exempt from the guardrails but isolated by a NamespaceIsolation', () => {
  test('refused: its webhook would lose the API server; the fix names dropping the exemption', () => {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const gateway = new SecureGateway(shop, 'edge', { namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'le' });
    new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
    new NamespaceIsolation(shop, 'cm', { namespace: 'cert-manager' });
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', {
      exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER], exemptions: [NamespaceExemption.of('cert-manager', 'vendor')],
    });
    expect(() => synthAll(app)).toThrow(/a NamespaceIsolation isolates namespace cert-manager, where the cert-manager webhook in cert-manager runs, .*Leave cert-manager out of NamespaceIsolation, or let a ClusterIsolation guard it \(not exempt, with apiServerAddresses\)/);
  });
});

describe('ambient\'s ztunnel and istiod, with istio-system exempt (as ztunnel requires)', () => {
  test('ztunnel reaches istiod on 15012 and the guarded app pods keep only their declared flows (HBONE included)', () => {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
    const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
    api.allowFrom(web);
    new MeshMtls(shop, 'mesh', { injection: MeshInjection.ambient() });
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', {
      exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER], exemptions: [NamespaceExemption.of('istio-system', 'ztunnel')],
    });
    const r = Reachability.fromManifests([...synthAll(app), pod('istio-system', 'ztunnel', { app: 'ztunnel' }), pod('istio-system', 'istiod', { app: 'istiod' }),
      pod('shop', 'web', { app: 'web' }), pod('shop', 'api', { app: 'api' })]);
    expect(r.isAllowed(at('istio-system', 'ztunnel'), at('istio-system', 'istiod'), Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'api'), Port.tcp(15008))).toBe(true);
    expect(r.isAllowed(at('shop', 'api'), at('shop', 'web'), Port.tcp(15008))).toBe(false);
    // Ambient pods have no sidecar: nothing of the app dials istiod.
    expect(r.isAllowed(at('shop', 'web'), at('istio-system', 'istiod'), Port.tcp(15012))).toBe(false);
  });
});
