import { App, Chart, Testing } from 'cdk8s';
import {
  ClusterIsolation, GatewayImplementation, IngressController, IsolatedTier, MeshInjection, MeshMtls, MtlsMode, NamespaceExemption,
  NamespaceIsolation, Port, SecureGateway, SecureIngress,
} from '../../src';
import { Reachability } from '../../src/analysis';
import { findObject, validateAll } from '../util';

/*
 * Platform components under ClusterIsolation: every flow the library writes implicitly is admitted on both
 * sides in guarded namespaces, judged by the analyzer on the synthesized manifests plus the pods the
 * platform runs (as their installers label them), and nothing else is opened.
 */

const API_SERVER = '10.0.0.0/28';
const pod = (namespace: string, name: string, labels: { [key: string]: string }) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] },
});
const COREDNS = pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' });
const ISTIOD = pod('istio-system', 'istiod', { app: 'istiod' });
const at = (namespace: string, name: string) => ({ namespace, pod: name });

function synthAll(app: App): any[] {
  return validateAll(app.charts.flatMap((c) => Testing.synth(c)));
}

describe('the cluster DNS in a guarded kube-system', () => {
  const app = Testing.app();
  new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { apiServerAddresses: [API_SERVER] });
  const objects = synthAll(app);
  const r = Reachability.fromManifests([...objects, COREDNS, pod('team', 'x', { app: 'x' })]);

  test('CoreDNS answers every pod on 53 and reaches its upstream resolvers on 53 and the API server, nothing else', () => {
    expect(r.isAllowed(at('team', 'x'), at('kube-system', 'coredns'), Port.udp(53))).toBe(true);
    expect(r.isAllowed(at('team', 'x'), at('kube-system', 'coredns'), Port.tcp(53))).toBe(true);
    expect(r.isAllowed(at('team', 'x'), at('kube-system', 'coredns'), Port.tcp(9153))).toBe(false);
    expect(r.isAllowed(at('kube-system', 'coredns'), { ip: '8.8.8.8' }, Port.udp(53))).toBe(true);
    expect(r.isAllowed(at('kube-system', 'coredns'), { ip: '10.0.0.1' }, Port.tcp(443))).toBe(true);
    expect(r.isAllowed(at('kube-system', 'coredns'), { ip: '10.0.0.1' }, Port.tcp(6443))).toBe(true);
    expect(r.isAllowed(at('kube-system', 'coredns'), { ip: '8.8.8.8' }, Port.tcp(443))).toBe(false);
    expect(r.isAllowed(at('kube-system', 'coredns'), { ip: '169.254.169.254' }, Port.udp(53))).toBe(false);
    expect(r.isAllowed(at('kube-system', 'coredns'), at('team', 'x'), Port.tcp(80))).toBe(false);
  });

  test('its NetworkPolicy selects exactly the DNS pods', () => {
    const policy = findObject(objects, 'NetworkPolicy', 'cluster-dns', 'kube-system');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  test('without the API server\'s addresses a guarded kube-system is refused at synth, naming the namespace and the fix', () => {
    const other = Testing.app();
    const chart = new Chart(other, 'cluster');
    new ClusterIsolation(chart, 'guardrails');
    expect(() => Testing.synth(chart)).toThrow('[cluster/guardrails] namespace kube-system is guarded and runs the cluster DNS (pods k8s-app=kube-dns in namespace kube-system), '
      + 'needed by the guardrails themselves, which must reach the API server, but the API server\'s addresses are not known ("kube-system"). Give apiServerAddresses');
  });
});

describe('the mesh control plane in a guarded istio-system', () => {
  function build(): { app: App; objects: any[] } {
    const app = Testing.app();
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER] });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
    const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
    api.allowFrom(web);
    new MeshMtls(shop, 'mesh', { mode: MtlsMode.STRICT });
    return { app, objects: synthAll(app) };
  }
  const { objects } = build();
  const r = Reachability.fromManifests([...objects, ISTIOD, pod('shop', 'web', { app: 'web' }), pod('shop', 'api', { app: 'api' }), pod('team', 'x', { app: 'x' })]);

  test('a sidecar tier in a guarded namespace reaches istiod on 15012, and only there', () => {
    expect(r.isAllowed(at('shop', 'web'), at('istio-system', 'istiod'), Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), at('istio-system', 'istiod'), Port.tcp(15010))).toBe(false);
    expect(r.isAllowed(at('shop', 'web'), at('istio-system', 'istiod'), Port.tcp(15014))).toBe(false);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'api'), Port.tcp(9090))).toBe(true);
  });

  test('istiod serves its webhooks to the API server, reaches the API server, and nothing else', () => {
    expect(r.isAllowed({ ip: '10.0.0.2' }, at('istio-system', 'istiod'), Port.tcp(15017))).toBe(true);
    expect(r.isAllowed({ ip: '203.0.113.9' }, at('istio-system', 'istiod'), Port.tcp(15017))).toBe(false);
    expect(r.isAllowed(at('istio-system', 'istiod'), { ip: '10.0.0.2' }, Port.tcp(443))).toBe(true);
    expect(r.isAllowed(at('istio-system', 'istiod'), { ip: '8.8.8.8' }, Port.tcp(443))).toBe(false);
    expect(r.isAllowed(at('istio-system', 'istiod'), at('shop', 'api'), Port.tcp(9090))).toBe(false);
    expect(r.isAllowed(at('istio-system', 'istiod'), { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
  });

  test('the istiod policy admits every pod on 15012 only, without opening any tier\'s egress', () => {
    const policy = findObject(objects, 'NetworkPolicy', 'istiod', 'istio-system');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'istiod' } });
    expect(policy.spec.ingress).toEqual([
      { from: [{ namespaceSelector: {} }], ports: [{ port: 15012, protocol: 'TCP' }] },
      { from: [{ ipBlock: { cidr: API_SERVER } }], ports: [{ port: 15017, protocol: 'TCP' }] },
    ]);
    // A pod of a guarded namespace without a tier (no sidecar the app knows of) gets no new egress.
    expect(r.isAllowed(at('team', 'x'), at('istio-system', 'istiod'), Port.tcp(15012))).toBe(false);
  });

  test('ambient: ztunnel\'s node-level traffic cannot be written, so a guarded istio-system is refused with the fix', () => {
    const app = Testing.app();
    const cluster = new Chart(app, 'cluster');
    new ClusterIsolation(cluster, 'guardrails', { exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER] });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    new MeshMtls(shop, 'mesh', { mode: MtlsMode.STRICT, injection: MeshInjection.ambient() });
    expect(() => Testing.synth(cluster)).toThrow(/namespace istio-system is guarded and runs ambient's ztunnel in istio-system, needed by shop\/mesh, whose flows the library cannot write.*exemptions: \[NamespaceExemption.of\("istio-system", "..."\)\]/);
  });

  test('ambient with istio-system exempt (with a reason) synthesizes', () => {
    const app = Testing.app();
    const cluster = new Chart(app, 'cluster');
    new ClusterIsolation(cluster, 'guardrails', {
      exemptNamespaces: ['kube-system'], exemptions: [NamespaceExemption.of('istio-system', 'ztunnel runs node-level redirection')], apiServerAddresses: [API_SERVER],
    });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    new MeshMtls(shop, 'mesh', { mode: MtlsMode.STRICT, injection: MeshInjection.ambient() });
    expect(Testing.synth(cluster).filter((o: any) => o.kind === 'NetworkPolicy')).toEqual([]);
  });
});

describe('a gateway data plane in a guarded namespace', () => {
  const ENVOY_LABELS = { 'gateway.envoyproxy.io/owning-gateway-name': 'edge', 'gateway.envoyproxy.io/owning-gateway-namespace': 'edge' };
  function build(implementation: GatewayImplementation): App {
    const app = Testing.app();
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER] });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    new IsolatedTier(shop, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)] });
    const gw = new SecureGateway(shop, 'edge', { namespace: 'edge', gatewayClassName: 'eg', implementation, clusterIssuer: 'letsencrypt-prod' });
    new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway: gw });
    return app;
  }
  const objects = synthAll(build(GatewayImplementation.envoyGateway()));
  const r = Reachability.fromManifests([...objects,
    pod('envoy-gateway-system', 'envoy', ENVOY_LABELS), pod('envoy-gateway-system', 'controller', { 'control-plane': 'envoy-gateway' }),
    pod('shop', 'web', { app: 'web' }), pod('shop', 'db', { app: 'db' }), pod('edge', 'solver', { 'acme.cert-manager.io/http01-solver': 'true' })]);
  const envoy = at('envoy-gateway-system', 'envoy');

  test('outside reaches the Envoy data plane on its container ports (10443, 10080), no other port', () => {
    expect(r.isAllowed({ ip: '203.0.113.9' }, envoy, Port.tcp(10443))).toBe(true);
    expect(r.isAllowed({ ip: '203.0.113.9' }, envoy, Port.tcp(10080))).toBe(true);
    expect(r.isAllowed({ ip: '2001:db8::1' }, envoy, Port.tcp(10443))).toBe(true);
    expect(r.isAllowed({ ip: '203.0.113.9' }, envoy, Port.tcp(19000))).toBe(false);
    expect(r.isAllowed(at('shop', 'db'), envoy, Port.tcp(10443))).toBe(false);
  });

  test('the data plane reaches its backend, the ACME solvers and its controller, and nothing else', () => {
    expect(r.isAllowed(envoy, at('shop', 'web'), Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(envoy, at('edge', 'solver'), Port.tcp(8089))).toBe(true);
    expect(r.isAllowed(envoy, at('envoy-gateway-system', 'controller'), Port.tcp(18000))).toBe(true);
    expect(r.isAllowed(envoy, at('shop', 'db'), Port.tcp(5432))).toBe(false);
    expect(r.isAllowed(envoy, { ip: '8.8.8.8' }, Port.tcp(443))).toBe(false);
    expect(r.isAllowed(envoy, { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
  });

  test('the controller serves xDS to the data plane only, and reaches the API server', () => {
    const controller = at('envoy-gateway-system', 'controller');
    expect(r.isAllowed(at('shop', 'web'), controller, Port.tcp(18000))).toBe(false);
    expect(r.isAllowed(controller, { ip: '10.0.0.3' }, Port.tcp(6443))).toBe(true);
    expect(r.isAllowed(controller, { ip: '8.8.8.8' }, Port.tcp(443))).toBe(false);
  });

  test('an implementation whose data plane the library cannot describe is refused in a guarded namespace, naming it and the fix', () => {
    const app = build(GatewayImplementation.nginxGatewayFabric());
    expect(() => synthAll(app)).toThrow(/namespace edge is guarded and runs the data plane of gateway edge\/edge \(class eg\), needed by shop\/edge, whose flows the library cannot write: the library does not know its container ports and control plane \("edge"\)\. Run it in another namespace, or exempt it with a reason/);
  });
});

describe('an ingress controller in a guarded namespace', () => {
  const NGINX = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };
  function build(controller: IngressController, extra?: (app: App, shop: Chart) => void): App {
    const app = Testing.app();
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER] });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    new IsolatedTier(shop, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)] });
    new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller });
    extra?.(app, shop);
    return app;
  }
  const reach = (app: App, namespace: string, labels: { [key: string]: string }) => Reachability.fromManifests([...synthAll(app),
    pod(namespace, 'controller', labels), pod('shop', 'web', { app: 'web' }), pod('shop', 'db', { app: 'db' }),
    pod('shop', 'solver', { 'acme.cert-manager.io/http01-solver': 'true' })]);

  describe('ingress-nginx (the Helm chart\'s labels and ports)', () => {
    const app = build(IngressController.ingressNginx());
    const r = reach(app, 'ingress-nginx', NGINX);
    const controller = at('ingress-nginx', 'controller');

    test('outside reaches the controller on its container ports 80 and 443 only; the API server reaches its admission webhook on 8443', () => {
      for (const ip of ['203.0.113.9', '2001:db8::1']) {
        expect(r.isAllowed({ ip }, controller, Port.tcp(443))).toBe(true);
        expect(r.isAllowed({ ip }, controller, Port.tcp(80))).toBe(true);
        expect(r.isAllowed({ ip }, controller, Port.tcp(10254))).toBe(false);
        expect(r.isAllowed({ ip }, controller, Port.tcp(8443))).toBe(false);
      }
      expect(r.isAllowed({ ip: '10.0.0.4' }, controller, Port.tcp(8443))).toBe(true);
      expect(r.isAllowed(at('shop', 'db'), controller, Port.tcp(443))).toBe(false);
    });

    test('the controller reaches its backend, the ACME solvers and the API server, and nothing else', () => {
      expect(r.isAllowed(controller, at('shop', 'web'), Port.tcp(8080))).toBe(true);
      expect(r.isAllowed(controller, at('shop', 'solver'), Port.tcp(8089))).toBe(true);
      expect(r.isAllowed(controller, { ip: '10.0.0.4' }, Port.tcp(443))).toBe(true);
      expect(r.isAllowed(controller, { ip: '10.0.0.4' }, Port.tcp(6443))).toBe(true);
      expect(r.isAllowed(controller, at('shop', 'web'), Port.tcp(8081))).toBe(false);
      expect(r.isAllowed(controller, at('shop', 'db'), Port.tcp(5432))).toBe(false);
      expect(r.isAllowed(controller, { ip: '8.8.8.8' }, Port.tcp(443))).toBe(false);
      expect(r.isAllowed(controller, { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
    });

    test('its NetworkPolicy selects the controller pods by the profile\'s labels, both directions', () => {
      const policy = findObject(synthAll(app), 'NetworkPolicy', 'ingress-controller-nginx', 'ingress-nginx');
      expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
      expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    });

    test('with a NamespaceIsolation over ingress-nginx as well, the component\'s policy still admits exactly its flows', () => {
      const both = build(IngressController.ingressNginx(), (_, shop) => new NamespaceIsolation(shop, 'nginx-baseline', { namespace: 'ingress-nginx' }));
      const rb = reach(both, 'ingress-nginx', NGINX);
      expect(rb.isAllowed({ ip: '203.0.113.9' }, controller, Port.tcp(443))).toBe(true);
      expect(rb.isAllowed(controller, at('shop', 'web'), Port.tcp(8080))).toBe(true);
      expect(rb.isAllowed(controller, at('shop', 'db'), Port.tcp(5432))).toBe(false);
    });
  });

  test('HAProxy\'s profile knows its chart\'s container ports (8080, 8443); custom ports replace them', () => {
    const labels = { 'app.kubernetes.io/name': 'kubernetes-ingress' };
    const haproxy = (containerPorts?: Port[]) => IngressController.haproxy({ className: 'haproxy', namespace: 'haproxy-controller', podLabels: labels, containerPorts });
    const r = reach(build(haproxy()), 'haproxy-controller', labels);
    const controller = at('haproxy-controller', 'controller');
    expect(r.isAllowed({ ip: '203.0.113.9' }, controller, Port.tcp(8443))).toBe(true);
    expect(r.isAllowed({ ip: '203.0.113.9' }, controller, Port.tcp(8080))).toBe(true);
    expect(r.isAllowed({ ip: '203.0.113.9' }, controller, Port.tcp(1024))).toBe(false);
    expect(r.isAllowed({ ip: '203.0.113.9' }, controller, Port.tcp(443))).toBe(false);
    const own = reach(build(haproxy([Port.tcp(443)])), 'haproxy-controller', labels);
    expect(own.isAllowed({ ip: '203.0.113.9' }, controller, Port.tcp(443))).toBe(true);
    expect(own.isAllowed({ ip: '203.0.113.9' }, controller, Port.tcp(8443))).toBe(false);
  });

  test('a custom controller states its container ports; without them a guarded namespace running it is refused, naming it and the fix', () => {
    const labels = { 'app.kubernetes.io/name': 'traefik' };
    const custom = (containerPorts?: Port[]) => IngressController.custom({ className: 'traefik', namespace: 'traefik', podLabels: labels, containerPorts });
    expect(() => synthAll(build(custom()))).toThrow('[cluster/guardrails] namespace traefik is guarded and runs the ingress controller traefik (pods app.kubernetes.io/name=traefik in namespace traefik), '
      + 'needed by shop/public, whose flows the library cannot write: the library does not know its container ports (give them as containerPorts of the IngressController profile) ("traefik"). '
      + 'Run it in another namespace, or exempt it with a reason (exemptions: [NamespaceExemption.of("traefik", "...")]).');
    const r = reach(build(custom([Port.tcp(8000), Port.tcp(8443)])), 'traefik', labels);
    expect(r.isAllowed({ ip: '203.0.113.9' }, at('traefik', 'controller'), Port.tcp(8443))).toBe(true);
    expect(r.isAllowed(at('traefik', 'controller'), at('shop', 'web'), Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(at('traefik', 'controller'), at('shop', 'db'), Port.tcp(5432))).toBe(false);
  });

  test('an exempt controller namespace gets no policy and keeps no Baseline deny', () => {
    const app = Testing.app();
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', {
      exemptNamespaces: ['kube-system'], exemptions: [NamespaceExemption.of('ingress-nginx', 'installed and owned by the edge team')], apiServerAddresses: [API_SERVER],
    });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx() });
    const objects = synthAll(app);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'ingress-nginx')).toEqual([]);
    const r = Reachability.fromManifests([...objects, pod('ingress-nginx', 'controller', NGINX), pod('shop', 'web', { app: 'web' })]);
    expect(r.isAllowed(at('ingress-nginx', 'controller'), at('shop', 'web'), Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(at('ingress-nginx', 'controller'), { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
  });
});
