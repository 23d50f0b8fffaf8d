import { App, Chart, Testing } from 'cdk8s';
import {
  ClusterDns, ClusterIsolation, GatewayImplementation, IngressController, IsolatedTier, MeshMtls, MtlsMode, NamespaceExemption, NamespaceIsolation,
  Port, SecureGateway, SecureIngress,
} from '../../src';
import { Reachability } from '../../src/analysis';
import { validateAll } from '../util';

/*
 * Constructs that share a namespace, a pod or a port with a platform component: each pair either works
 * (judged by the analyzer on the synthesized manifests plus the pods as their installers label them) or is
 * refused at synth, naming the fix.
 */

const API_SERVER = '10.0.0.0/28';
const OUTSIDE = { ip: '203.0.113.9' };
const pod = (namespace: string, name: string, labels: { [key: string]: string }) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] },
});
const at = (namespace: string, name: string) => ({ namespace, pod: name });
const synthAll = (app: App) => validateAll(app.charts.flatMap((c) => Testing.synth(c)));

/** An app with guardrails (kube-system exempt, API server known) unless `guarded` is false. */
function appWith(build: (shop: Chart) => void, options: { guarded?: boolean; dns?: ClusterDns } = {}): App {
  const app = Testing.app();
  if (options.guarded !== false) {
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER], dns: options.dns });
  }
  build(new Chart(app, 'shop', { namespace: 'shop' }));
  return app;
}

describe('the cluster DNS pods in a namespace with the app\'s tiers', () => {
  const dns = ClusterDns.kubeDns({ namespace: 'shop', podLabels: { app: 'dns' } });

  test('they answer every pod on 53 and reach their upstreams; the tiers next to them gain nothing', () => {
    const app = appWith((shop) => {
      const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], dns });
      new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], dns }).allowFrom(web);
    }, { dns });
    const r = Reachability.fromManifests([...synthAll(app), pod('shop', 'dns', { app: 'dns' }), pod('shop', 'web', { app: 'web' }),
      pod('shop', 'api', { app: 'api' }), pod('team', 'x', { app: 'x' })]);
    const server = at('shop', 'dns');
    expect(r.isAllowed(at('team', 'x'), server, Port.udp(53))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), server, Port.tcp(53))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), server, Port.tcp(8080))).toBe(false);
    expect(r.isAllowed(server, { ip: '8.8.8.8' }, Port.udp(53))).toBe(true);
    expect(r.isAllowed(server, { ip: '8.8.8.8' }, Port.tcp(443))).toBe(false);
    expect(r.isAllowed(server, at('shop', 'web'), Port.tcp(8080))).toBe(false);
    expect(r.isAllowed(at('team', 'x'), at('shop', 'web'), Port.tcp(8080))).toBe(false);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'api'), Port.tcp(9090))).toBe(true);
  });

  test('a tier of the app over the DNS pods is refused, whichever is declared first, naming the peer to use', () => {
    const message = '[cluster/guardrails] tier shop/dns (shop/dns) selects pods of the cluster DNS (pods app=dns in namespace shop), which the guardrails write as a platform component '
      + 'in the guarded namespace shop: two policies would describe the same pods ({"app":"dns"}). Drop the tier and name the pods in flows with Peer.pods({"app":"dns"}, "shop"), '
      + 'whose other side the guardrails write; or exempt it with a reason (exemptions: [NamespaceExemption.of("shop", "...")]) and describe the pods yourself.';
    const after = appWith((shop) => new IsolatedTier(shop, 'dns', { podLabels: { app: 'dns' }, ports: [Port.udp(53)], dns }), { dns });
    expect(() => synthAll(after)).toThrow(message);
    const before = Testing.app();
    new IsolatedTier(new Chart(before, 'shop', { namespace: 'shop' }), 'dns', { podLabels: { app: 'dns' }, ports: [Port.udp(53)], dns });
    new ClusterIsolation(new Chart(before, 'cluster'), 'guardrails', { exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER], dns });
    expect(() => synthAll(before)).toThrow(message);
  });
});

describe('istiod\'s namespace under a NamespaceIsolation', () => {
  const meshed = (shop: Chart) => {
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
    new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' }).allowFrom(web);
    new MeshMtls(shop, 'mesh', { mode: MtlsMode.STRICT });
    new NamespaceIsolation(shop, 'istio', { namespace: 'istio-system' });
  };

  test('without guardrails it would cut istiod off: refused, naming the namespace and the fix', () => {
    expect(() => synthAll(appWith(meshed, { guarded: false }))).toThrow('[shop/mesh] a NamespaceIsolation isolates namespace istio-system, where the Istio control plane '
      + '(istiod in istio-system) runs, but its flows are written only where a ClusterIsolation guards the namespace, so it would be cut off ("istio-system"). '
      + 'Leave istio-system out of NamespaceIsolation, or let a ClusterIsolation guard it (not exempt, with apiServerAddresses), which writes the component\'s flows as a platform tier.');
  });

  test('with guardrails over istio-system, istiod\'s own policy admits the sidecars next to the NamespaceIsolation', () => {
    const r = Reachability.fromManifests([...synthAll(appWith(meshed)), pod('istio-system', 'istiod', { app: 'istiod' }), pod('istio-system', 'other', { app: 'other' }),
      pod('shop', 'web', { app: 'web' }), pod('team', 'x', { app: 'x' })]);
    expect(r.isAllowed(at('shop', 'web'), at('istio-system', 'istiod'), Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), at('istio-system', 'other'), Port.tcp(15012))).toBe(false);
    expect(r.isAllowed(at('team', 'x'), at('istio-system', 'istiod'), Port.tcp(15012))).toBe(false);
    expect(r.isAllowed({ ip: '10.0.0.3' }, at('istio-system', 'istiod'), Port.tcp(15017))).toBe(true);
  });
});

describe('cert-manager\'s namespace', () => {
  const issued = (isolate: boolean) => (shop: Chart) => {
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'le', controller: IngressController.ingressNginx() });
    if (isolate) new NamespaceIsolation(shop, 'cm', { namespace: 'cert-manager' });
  };

  test('guarded, with a NamespaceIsolation as well: the controller still reaches ACME servers and the API server, the webhook its caller', () => {
    const r = Reachability.fromManifests([...synthAll(appWith(issued(true))),
      pod('cert-manager', 'controller', { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' }),
      pod('cert-manager', 'webhook', { 'app.kubernetes.io/name': 'webhook', 'app.kubernetes.io/component': 'webhook' })]);
    expect(r.isAllowed(at('cert-manager', 'controller'), { ip: '172.65.32.248' }, Port.tcp(443))).toBe(true);
    expect(r.isAllowed(at('cert-manager', 'controller'), { ip: '10.0.0.2' }, Port.tcp(6443))).toBe(true);
    expect(r.isAllowed({ ip: '10.0.0.2' }, at('cert-manager', 'webhook'), Port.tcp(10250))).toBe(true);
    expect(r.isAllowed(OUTSIDE, at('cert-manager', 'webhook'), Port.tcp(10250))).toBe(false);
    expect(r.isAllowed(at('cert-manager', 'controller'), { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
  });

  test('a NamespaceIsolation without guardrails would cut cert-manager off: refused', () => {
    expect(() => synthAll(appWith(issued(true), { guarded: false }))).toThrow(
      /a NamespaceIsolation isolates namespace cert-manager, where the cert-manager controller in cert-manager runs, .* Leave cert-manager out of NamespaceIsolation/);
  });
});

describe('a gateway data plane in an app namespace with a NamespaceIsolation', () => {
  const GW = { 'gateway.networking.k8s.io/gateway-name': 'edge' };
  const shopWithGateway = (shop: Chart) => {
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    new IsolatedTier(shop, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)] });
    new NamespaceIsolation(shop, 'baseline');
    const gateway = new SecureGateway(shop, 'edge', { gatewayClassName: 'istio', implementation: GatewayImplementation.istio(), clusterIssuer: 'le' });
    new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
  };

  test('without guardrails it is refused (its clients and backends would be cut off)', () => {
    expect(() => synthAll(appWith(shopWithGateway, { guarded: false }))).toThrow(/\[shop\/edge\] the app isolates namespace shop, where this gateway's data-plane pods run/);
  });

  test('with guardrails the data plane\'s own policy admits its clients and backends; the namespace\'s other pods stay closed', () => {
    const r = Reachability.fromManifests([...synthAll(appWith(shopWithGateway)), pod('shop', 'gw', GW), pod('shop', 'web', { app: 'web' }),
      pod('shop', 'db', { app: 'db' }), pod('shop', 'stray', { app: 'stray' }), pod('istio-system', 'istiod', { app: 'istiod' })]);
    expect(r.isAllowed(OUTSIDE, at('shop', 'gw'), Port.tcp(443))).toBe(true);
    expect(r.isAllowed(OUTSIDE, at('shop', 'gw'), Port.tcp(80))).toBe(true);
    expect(r.isAllowed(OUTSIDE, at('shop', 'gw'), Port.tcp(15021))).toBe(false);
    expect(r.isAllowed(at('shop', 'gw'), at('shop', 'web'), Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(at('shop', 'gw'), at('istio-system', 'istiod'), Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('shop', 'gw'), at('shop', 'db'), Port.tcp(5432))).toBe(false);
    expect(r.isAllowed(OUTSIDE, at('shop', 'stray'), Port.tcp(443))).toBe(false);
    expect(r.isAllowed(OUTSIDE, at('shop', 'web'), Port.tcp(8080))).toBe(false);
  });
});

describe('two gateways sharing a data-plane namespace', () => {
  const envoyOf = (gateway: string) => ({ 'gateway.envoyproxy.io/owning-gateway-name': gateway, 'gateway.envoyproxy.io/owning-gateway-namespace': 'shop' });
  const app = appWith((shop) => {
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    for (const [id, backend, port, host] of [['public', web, 8080, 'shop.example.com'], ['partners', api, 9090, 'api.example.com']] as const) {
      const gateway = new SecureGateway(shop, id, { gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'le' });
      new SecureIngress(shop, `${id}-route`, { host, backend, port: Port.tcp(port), gateway });
    }
  });
  const r = Reachability.fromManifests([...synthAll(app), pod('envoy-gateway-system', 'public', envoyOf('public')), pod('envoy-gateway-system', 'partners', envoyOf('partners')),
    pod('envoy-gateway-system', 'controller', { 'control-plane': 'envoy-gateway' }), pod('shop', 'web', { app: 'web' }), pod('shop', 'api', { app: 'api' })]);
  const [publicEnvoy, partnersEnvoy] = [at('envoy-gateway-system', 'public'), at('envoy-gateway-system', 'partners')];

  test('each gateway\'s Envoy reaches its own backend only; both reach the one controller; clients reach both', () => {
    expect(r.isAllowed(publicEnvoy, at('shop', 'web'), Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(publicEnvoy, at('shop', 'api'), Port.tcp(9090))).toBe(false);
    expect(r.isAllowed(partnersEnvoy, at('shop', 'api'), Port.tcp(9090))).toBe(true);
    expect(r.isAllowed(partnersEnvoy, at('shop', 'web'), Port.tcp(8080))).toBe(false);
    for (const envoy of [publicEnvoy, partnersEnvoy]) {
      expect(r.isAllowed(envoy, at('envoy-gateway-system', 'controller'), Port.tcp(18000))).toBe(true);
      expect(r.isAllowed(OUTSIDE, envoy, Port.tcp(10443))).toBe(true);
      expect(r.isAllowed(envoy, publicEnvoy === envoy ? partnersEnvoy : publicEnvoy, Port.tcp(10443))).toBe(false);
    }
  });
});

describe('an ingress controller in the backends\' own namespace', () => {
  test('its pods get their policy next to the tiers; the tiers gain nothing', () => {
    const labels = { 'app.kubernetes.io/name': 'ingress-nginx' };
    const app = appWith((shop) => {
      const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
      new IsolatedTier(shop, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)] });
      new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'le', controller: IngressController.ingressNginx({ namespace: 'shop' }) });
    });
    const r = Reachability.fromManifests([...synthAll(app), pod('shop', 'nginx', labels), pod('shop', 'web', { app: 'web' }), pod('shop', 'db', { app: 'db' })]);
    expect(r.isAllowed(OUTSIDE, at('shop', 'nginx'), Port.tcp(443))).toBe(true);
    expect(r.isAllowed(at('shop', 'nginx'), at('shop', 'web'), Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(at('shop', 'nginx'), at('shop', 'db'), Port.tcp(5432))).toBe(false);
    expect(r.isAllowed(OUTSIDE, at('shop', 'web'), Port.tcp(8080))).toBe(false);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'nginx'), Port.tcp(443))).toBe(false);
  });
});

describe('an ingress controller\'s namespace under a NamespaceIsolation', () => {
  const build = (shop: Chart) => {
    const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'le', controller: IngressController.ingressNginx() });
    new NamespaceIsolation(shop, 'nginx-baseline', { namespace: 'ingress-nginx' });
  };

  test('guarded: the guardrails write the controller, nothing is refused', () => {
    const app = appWith(build);
    const r = Reachability.fromManifests([...synthAll(app), pod('ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' }), pod('shop', 'web', { app: 'web' })]);
    expect(r.isAllowed(OUTSIDE, at('ingress-nginx', 'controller'), Port.tcp(443))).toBe(true);
    expect(r.isAllowed(at('ingress-nginx', 'controller'), at('shop', 'web'), Port.tcp(8080))).toBe(true);
  });

  test('exempt from the guardrails: refused, naming the exemption to drop (not a ClusterIsolation to add)', () => {
    const app = Testing.app();
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', {
      apiServerAddresses: [API_SERVER], exemptions: [NamespaceExemption.of('ingress-nginx', 'the controller')],
    });
    build(new Chart(app, 'shop', { namespace: 'shop' }));
    expect(() => synthAll(app)).toThrow('[shop/public] the app isolates namespace ingress-nginx, where the ingress controller nginx (pods app.kubernetes.io/name=ingress-nginx in namespace ingress-nginx) runs, '
      + 'so clients could not reach it and its connections to the backend would be denied ("ingress-nginx"). Leave ingress-nginx out of NamespaceIsolation, '
      + 'or stop exempting it in cluster/guardrails (exemptNamespaces, exemptions), so the guardrails write the controller\'s flows as a platform component, '
      + 'or write its ingress and egress yourself.');
  });

  test('without guardrails: refused, naming the ClusterIsolation that would write it', () => {
    expect(() => synthAll(appWith(build, { guarded: false }))).toThrow('Leave ingress-nginx out of NamespaceIsolation, or guard it with a ClusterIsolation (with apiServerAddresses)');
  });
});
