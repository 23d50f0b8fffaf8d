import { ApiObject, Chart, Testing, Yaml } from 'cdk8s';
import { AuditSeverity, Reachability } from '../../src/analysis';
import { AppProtocol } from '../../src/core/app-protocol';
import { Port } from '../../src/core/port';
import { GatewayImplementation } from '../../src/edge/gateway-implementation';
import { SecureGateway, SecureGatewayProps } from '../../src/edge/secure-gateway';
import { SecureIngress } from '../../src/edge/secure-ingress';
import { MeshMtls } from '../../src/mesh/mesh-mtls';
import { NamespaceIsolation } from '../../src/tiers/namespace-isolation';
import { IsolatedTier } from '../../src/tiers/tier';
import { IssuerReference } from '../../src/tls/certificate';
import { AcmeClusterIssuer, PrivateCertificateAuthority } from '../../src/tls/issuers';
import { TlsSource } from '../../src/tls/tls-source';
import { findObject, objectsOfKind, synthValid } from '../util';

const EG = 'envoy-gateway-system';
const OWNING_NAME = 'gateway.envoyproxy.io/owning-gateway-name';
const OWNING_NS = 'gateway.envoyproxy.io/owning-gateway-namespace';
/** The Envoy proxies of Gateway edge/edge, as a NetworkPolicy peer: their namespace AND their labels. */
const EDGE_PEER = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': EG } },
  podSelector: { matchLabels: { [OWNING_NAME]: 'edge', [OWNING_NS]: 'edge' } },
};

function setup(props: Partial<SecureGatewayProps> = {}): { chart: Chart; api: IsolatedTier; gw: SecureGateway } {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
  const gw = new SecureGateway(chart, 'edge', {
    namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod', ...props,
  });
  return { chart, api, gw };
}

function route(chart: Chart, gw: SecureGateway, backend: IsolatedTier, host = 'api.example.com', id = 'api-edge'): SecureIngress {
  return new SecureIngress(chart, id, { host, backend, port: Port.tcp(9090), gateway: gw });
}

/** A Pod object, so that the analyzer has the data plane's pods to reason about. */
function pod(chart: Chart, name: string, namespace: string, labels: { [key: string]: string }): void {
  new ApiObject(chart, `pod-${namespace}-${name}`, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'c', image: 'envoy:1' }] },
  });
}

describe('SecureGateway', () => {
  test('the DESIGN call: HTTPS listener per host, HTTP only redirects, route in the backend namespace, data-plane-only policy', () => {
    const { chart, api, gw } = setup();
    const ingress = route(chart, gw, api);
    const objects = synthValid(chart);

    const gateway = findObject(objects, 'Gateway', 'edge', 'edge');
    const https = gateway.spec.listeners[1];
    expect(gateway.spec.gatewayClassName).toBe('eg');
    expect(gateway.spec.listeners).toHaveLength(2);
    expect(gateway.spec.listeners[0]).toEqual({
      name: 'http',
      port: 80,
      protocol: 'HTTP',
      allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] },
    });
    expect(https).toMatchObject({ hostname: 'api.example.com', port: 443, protocol: 'HTTPS' });
    // Only the backend's namespace may attach routes to the host's listener; never All.
    expect(https.allowedRoutes.namespaces).toEqual({ from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } });
    expect(https.tls).toEqual({ mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: ingress.certificates[0].secretName }] });

    // A certificate for exactly that host, in the gateway's namespace: ECDSA, new key on every renewal.
    const cert = findObject(objects, 'Certificate', ingress.certificates[0].name, 'edge');
    expect(cert.spec.dnsNames).toEqual(['api.example.com']);
    expect(cert.spec.secretName).toBe(https.tls.certificateRefs[0].name);
    expect(cert.spec.privateKey).toEqual({ algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' });
    expect(cert.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' });

    // HTTP: one route, a 301 to https, no backends.
    const redirect = findObject(objects, 'HTTPRoute', 'edge-https-redirect', 'edge');
    expect(redirect.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', sectionName: 'http' }],
      hostnames: ['api.example.com'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });

    // The route lives in the backend's namespace, attaches to that host's HTTPS listener only.
    const httpRoute = findObject(objects, 'HTTPRoute', 'api-edge', 'shop');
    expect(httpRoute.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'edge', sectionName: https.name }],
      hostnames: ['api.example.com'],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'api-edge', port: 9090 }],
      }],
    });
    expect(findObject(objects, 'Service', 'api-edge', 'shop').spec).toMatchObject({ type: 'ClusterIP', selector: { app: 'api' } });
    // No ReferenceGrant: cross-namespace attachment is the listener's allowedRoutes, not a grant.
    expect(objectsOfKind(objects, 'ReferenceGrant')).toEqual([]);

    // Only this gateway's Envoy pods (namespace AND labels, one peer), only on 9090.
    expect(findObject(objects, 'NetworkPolicy', 'api', 'shop').spec.ingress).toEqual([{ from: [EDGE_PEER], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    // Under default deny the data plane reaches the HTTP-01 solver pods of the gateway's namespace on 8089.
    expect(findObject(objects, 'NetworkPolicy', 'acme-http01-solver', 'edge').spec.ingress).toEqual([{ from: [EDGE_PEER], ports: [{ port: 8089, protocol: 'TCP' }] }]);
    expect(Yaml.stringify(...objects)).toMatchSnapshot();
  });

  test('the analyzer: only this gateway\'s data-plane pods reach the backend, only on the declared port', () => {
    const { chart, api, gw } = setup();
    route(chart, gw, api);
    new NamespaceIsolation(chart, 'baseline');
    pod(chart, 'envoy-edge', EG, { [OWNING_NAME]: 'edge', [OWNING_NS]: 'edge' });
    pod(chart, 'envoy-other', EG, { [OWNING_NAME]: 'other', [OWNING_NS]: 'edge' });
    pod(chart, 'envoy-other-ns', EG, { [OWNING_NAME]: 'edge', [OWNING_NS]: 'elsewhere' });
    pod(chart, 'controller', EG, { 'app.kubernetes.io/name': 'envoy-gateway' });
    const r = Reachability.fromChart(chart);
    const apiPod = { namespace: 'shop', pod: 'api' };
    expect(r.isAllowed({ namespace: EG, pod: 'envoy-edge' }, apiPod, Port.tcp(9090))).toBe(true);
    expect(r.isAllowed({ namespace: EG, pod: 'envoy-edge' }, apiPod, Port.tcp(8080))).toBe(false);
    expect(r.isAllowed({ namespace: EG, pod: 'envoy-other' }, apiPod, Port.tcp(9090))).toBe(false);
    expect(r.isAllowed({ namespace: EG, pod: 'envoy-other-ns' }, apiPod, Port.tcp(9090))).toBe(false);
    expect(r.isAllowed({ namespace: EG, pod: 'controller' }, apiPod, Port.tcp(9090))).toBe(false);
    expect(r.isAllowed({ ip: '198.51.100.7' }, apiPod, Port.tcp(9090))).toBe(false);
    expect(r.flows().filter((f) => f.destination === 'shop/api').map((f) => `${f.source} ${f.description}`)).toEqual([`${EG}/envoy-edge TCP 9090`]);
  });

  test('the library\'s own audit finds nothing at the default failOn (high) when the namespaces are isolated as documented', () => {
    const { chart, api, gw } = setup();
    route(chart, gw, api);
    new NamespaceIsolation(chart, 'baseline');
    new NamespaceIsolation(chart, 'edge-baseline', { namespace: 'edge' });
    expect(Reachability.fromChart(chart).audit({ minSeverity: AuditSeverity.HIGH })).toEqual([]);
  });

  test('istio: pods in the gateway namespace labelled with its name; a backend there gets allowedRoutes Same', () => {
    const { chart, gw } = setup({ implementation: GatewayImplementation.istio(), gatewayClassName: 'istio', namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(9090)] });
    route(chart, gw, web, 'shop.example.com', 'web-edge');
    const objects = synthValid(chart);
    const listener = findObject(objects, 'Gateway', 'edge', 'shop').spec.listeners[1];
    expect(listener.allowedRoutes.namespaces).toEqual({ from: 'Same' });
    expect(findObject(objects, 'HTTPRoute', 'web-edge', 'shop').spec.parentRefs[0].namespace).toBeUndefined();
    expect(findObject(objects, 'NetworkPolicy', 'web', 'shop').spec.ingress[0].from).toEqual([{
      podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'edge' } },
    }]);
    expect(gw.dataPlaneServiceAccountName).toBe('edge-istio');
  });

  test('nginxGatewayFabric: only the NGINX pods provisioned for this Gateway reach the backend (analyzer)', () => {
    const { chart, api, gw } = setup({ implementation: GatewayImplementation.nginxGatewayFabric(), gatewayClassName: 'nginx' });
    route(chart, gw, api);
    pod(chart, 'edge-nginx-abc', 'edge', { 'app.kubernetes.io/name': 'edge-nginx' });
    pod(chart, 'other-nginx-abc', 'edge', { 'app.kubernetes.io/name': 'other-nginx' });
    const r = Reachability.fromChart(chart);
    const apiPod = { namespace: 'shop', pod: 'api' };
    expect(r.isAllowed({ namespace: 'edge', pod: 'edge-nginx-abc' }, apiPod, Port.tcp(9090))).toBe(true);
    expect(r.isAllowed({ namespace: 'edge', pod: 'other-nginx-abc' }, apiPod, Port.tcp(9090))).toBe(false);
    expect(gw.dataPlaneServiceAccountName).toBe('edge-nginx');
  });

  test('a namespace baseline over the data-plane pods fails synthesis instead of cutting the gateway off silently', () => {
    const { chart, api, gw } = setup({ implementation: GatewayImplementation.istio(), gatewayClassName: 'istio' });
    route(chart, gw, api);
    new NamespaceIsolation(chart, 'edge-baseline', { namespace: 'edge' });
    expect(() => Testing.synth(chart)).toThrow(
      /\[shop\/edge\] the app isolates namespace edge, where this gateway's data-plane pods run, so clients could not reach them and their connections to the backends would be denied \("edge"\)\. Leave edge out of NamespaceIsolation/);
  });

  test('envoyGateway in Gateway-namespace mode: the proxies run in the Gateway\'s namespace', () => {
    const { gw } = setup({ implementation: GatewayImplementation.envoyGateway({ gatewayNamespaceMode: true }) });
    expect(gw.dataPlaneNamespace).toBe('edge');
    expect(gw.peer.toPeerConfig()).toEqual({ podSelector: { matchLabels: { [OWNING_NAME]: 'edge', [OWNING_NS]: 'edge' } }, namespace: 'edge' });
  });

  test('two hosts from two namespaces: two listeners, each admitting only its backend\'s namespace', () => {
    const { chart, api, gw } = setup();
    const db = new IsolatedTier(chart, 'admin', { podLabels: { app: 'admin' }, namespace: 'admin', ports: [Port.tcp(9090)] });
    route(chart, gw, api);
    route(chart, gw, db, 'admin.example.com', 'admin-edge');
    const objects = synthValid(chart);
    const listeners = findObject(objects, 'Gateway', 'edge').spec.listeners;
    expect(listeners.map((l: any) => [l.hostname, l.allowedRoutes.namespaces.selector?.matchLabels])).toEqual([
      [undefined, undefined],
      ['admin.example.com', { 'kubernetes.io/metadata.name': 'admin' }],
      ['api.example.com', { 'kubernetes.io/metadata.name': 'shop' }],
    ]);
    expect(findObject(objects, 'HTTPRoute', 'edge-https-redirect').spec.hostnames).toEqual(['admin.example.com', 'api.example.com']);
    expect(listeners.every((l: any) => l.allowedRoutes.namespaces.from !== 'All')).toBe(true);
  });

  test('more than 16 hosts on one gateway: the redirect route matches every host of the HTTP listener instead of listing them', () => {
    const { chart, api, gw } = setup();
    for (let i = 0; i < 17; i++) route(chart, gw, api, `h${i}.example.com`, `r${i}`);
    const objects = synthValid(chart);
    expect(findObject(objects, 'Gateway', 'edge').spec.listeners).toHaveLength(18);
    const redirect = findObject(objects, 'HTTPRoute', 'edge-https-redirect');
    expect(redirect.spec.hostnames).toBeUndefined();
    expect(redirect.spec.rules[0].backendRefs).toBeUndefined();
  });

  test('the Gateway does not depend on the order the hosts were routed in', () => {
    const gatewayFor = (hosts: string[]) => {
      const { chart, api, gw } = setup();
      hosts.forEach((h) => route(chart, gw, api, h, h.split('.')[0]));
      const objects = synthValid(chart);
      return [findObject(objects, 'Gateway', 'edge'), findObject(objects, 'HTTPRoute', 'edge-https-redirect')];
    };
    expect(gatewayFor(['b.example.com', 'a.example.com', 'c.example.com'])).toEqual(gatewayFor(['c.example.com', 'a.example.com', 'b.example.com']));
  });

  test('an existing Secret in another namespace: no Certificate, a ReferenceGrant for exactly that Secret', () => {
    const { chart, api, gw } = setup({ clusterIssuer: undefined, tls: TlsSource.existingSecret('wildcard-tls', { namespace: 'certs' }) });
    route(chart, gw, api);
    const objects = synthValid(chart);
    expect(objectsOfKind(objects, 'Certificate')).toEqual([]);
    expect(findObject(objects, 'Gateway', 'edge').spec.listeners[1].tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'wildcard-tls', namespace: 'certs' }]);
    expect(findObject(objects, 'ReferenceGrant', 'edge-edge-tls', 'certs').spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'edge' }],
      to: [{ group: '', kind: 'Secret', name: 'wildcard-tls' }],
    });
    expect(objectsOfKind(objects, 'NetworkPolicy').map((p) => p.metadata.name)).not.toContain('acme-http01-solver');
  });

  test('backendTls: a BackendTLSPolicy for the Service and a Certificate for its in-cluster name', () => {
    const { chart, api, gw } = setup();
    const ca = new PrivateCertificateAuthority(chart, 'internal-ca', { commonName: 'shop internal CA', clusterWide: true });
    new SecureIngress(chart, 'api-edge', { host: 'api.example.com', backend: api, port: Port.tcp(9090), gateway: gw, backendTls: { issuer: ca.issuer } });
    const objects = synthValid(chart);
    expect(findObject(objects, 'BackendTLSPolicy', 'api-edge', 'shop').spec).toEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'api-edge' }],
      validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'api-edge-ca' }], hostname: 'api-edge.shop.svc.cluster.local' },
    });
    const cert = findObject(objects, 'Certificate', 'api-edge-backend', 'shop');
    expect(cert.spec.dnsNames).toEqual(['api-edge.shop.svc.cluster.local', 'api-edge.shop.svc', 'api-edge.shop', 'api-edge']);
    expect(cert.spec.issuerRef.name).toBe('internal-ca');
  });

  test('ACME through the gateway: the ClusterIssuer\'s HTTP-01 solver attaches to the gateway\'s HTTP listener', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const gw = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt' });
    new AcmeClusterIssuer(chart, 'letsencrypt', { gateway: gw, email: 'ops@example.com' });
    const issuer = findObject(synthValid(chart), 'ClusterIssuer', 'letsencrypt');
    expect(issuer.spec.acme.solvers).toEqual([{
      http01: {
        gatewayHTTPRoute: {
          parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'edge', sectionName: 'http' }],
          serviceType: 'ClusterIP',
          podTemplate: { metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } } },
        },
      },
    }]);
  });

  test('MeshMtls knows the gateway: the backend\'s AuthorizationPolicy names the data plane\'s principal', () => {
    const { chart, api, gw } = setup({ implementation: GatewayImplementation.istio(), gatewayClassName: 'istio' });
    route(chart, gw, api);
    new MeshMtls(chart, 'mesh');
    const policy = findObject(synthValid(chart), 'AuthorizationPolicy', 'api', 'shop');
    expect(policy.spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/edge/sa/edge-istio'] } }], to: [{ operation: { ports: ['9090'] } }] }]);
  });

  describe('bad input fails at the call with the construct path, the value and the fix; nothing is left behind', () => {
    test.each<[string, Partial<SecureGatewayProps>, RegExp]>([
      ['an invalid gatewayClassName', { gatewayClassName: 'Envoy Gateway' },
        /^shop\/gw: gatewayClassName must be a DNS-1123 subdomain.* \("Envoy Gateway"\)\. Use the metadata.name of the GatewayClass/],
      ['no TLS source', { clusterIssuer: undefined }, /^shop\/gw: no TLS source is given \(undefined\)\. Pass exactly one of clusterIssuer/],
      ['two TLS sources', { issuer: 'ca' }, /^shop\/gw: more than one TLS source is given \(clusterIssuer, issuer\) \(\{"clusterIssuer":"le","issuer":"ca"\}\)\. Pass exactly one/],
      ['an implementation of another kind', { implementation: 'envoy' as any }, /^shop\/gw: implementation must be a GatewayImplementation \("envoy"\)\. Use GatewayImplementation.envoyGateway\(\)/],
      ['a name that is not a DNS label', { name: 'edge.gw' }, /^shop\/gw: name must be a DNS-1123 label.* \("edge.gw"\)\. Pass a name such as "edge"/],
      ['an NGINX Gateway Fabric data-plane name the implementation would hash', { implementation: GatewayImplementation.nginxGatewayFabric(), gatewayClassName: 'c'.repeat(62) },
        /^shop\/gw: NGINX Gateway Fabric names the data plane <gateway>-<gatewayClassName>, shortened with a hash above 63 characters/],
      ['an Issuer of another namespace', { clusterIssuer: undefined, tls: TlsSource.issuerReference(IssuerReference.issuer('ca', { namespace: 'other' })) },
        /^shop\/gw: Issuer other\/ca cannot sign the listeners' Certificates in namespace shop: an Issuer signs only its own namespace \("Issuer other\/ca"\)/],
      ['certificate options with an existing Secret', { clusterIssuer: undefined, tls: TlsSource.existingSecret('s'), certificate: {} },
        /^shop\/gw: certificate applies only when a Certificate is issued \("Secret s"\)/],
    ])('%s', (_what, props, message) => {
      const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
      const good: SecureGatewayProps = { gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'le' };
      expect(() => new SecureGateway(chart, 'gw', { ...good, ...props })).toThrow(message);
      expect(chart.node.children.map((c) => c.node.id)).toEqual([]);
      new SecureGateway(chart, 'gw', good);
      expect(chart.node.children.map((c) => c.node.id)).toContain('gw');
    });

    test('the same host twice on one gateway: refused at the second call, which leaves nothing; a retry with another host works', () => {
      const { chart, api, gw } = setup();
      route(chart, gw, api);
      const before = chart.node.findAll().length;
      expect(() => route(chart, gw, api, 'api.example.com', 'again')).toThrow(
        /^shop\/again: host is already served by gateway edge\/edge for shop\/api-edge \("api.example.com"\)\. Route each host through a gateway once/);
      expect(chart.node.tryFindChild('again')).toBeUndefined();
      expect(chart.node.findAll().length).toBe(before);
      route(chart, gw, api, 'api2.example.com', 'again');
      expect(findObject(synthValid(chart), 'Gateway', 'edge').spec.listeners.map((l: any) => l.hostname)).toEqual([undefined, 'api.example.com', 'api2.example.com']);
    });

    test.each<[string, any, RegExp]>([
      ['TLS props next to a gateway', { clusterIssuer: 'le' }, /^shop\/r: clusterIssuer does not apply through a gateway \("le"\)\. Set the TLS source and certificate options on the SecureGateway \(shop\/edge\)/],
      ['sourceRanges next to a gateway', { sourceRanges: ['10.0.0.0/8'] }, /^shop\/r: sourceRanges does not apply through a gateway \("10.0.0.0\/8"\)\. Gateway API has no client allowlist field/],
      ['backendTls with an ACME issuer', { backendTls: { issuer: IssuerReference.clusterIssuer('le', { acmeHttp01: true }) } },
        /^shop\/r: backendTls.issuer solves ACME HTTP-01, which cannot prove a cluster-internal Service name \("ClusterIssuer le"\)/],
      ['backendTls without an issuer', { backendTls: {} }, /^shop\/r: backendTls.issuer must be an IssuerReference \("undefined"\)/],
      ['a gateway of another kind', { gateway: {} }, /^shop\/r: gateway must be a SecureGateway \("\[object Object\]"\)/],
      ['a gateway of another app', { gateway: new SecureGateway(new Chart(Testing.app(), 'other', { namespace: 'edge' }), 'gw', { gatewayClassName: 'eg', implementation: GatewayImplementation.istio(), clusterIssuer: 'le' }) },
        /^shop\/r: gateway belongs to another app \("other\/gw"\)\. Pass a SecureGateway made in this app/],
      ['a wildcard host with HTTP-01', { host: '*.example.com' }, /^shop\/r: ACME HTTP-01 cannot validate a wildcard host \("\*.example.com"\)/],
      ['more hosts than an HTTPRoute holds', { host: undefined, hosts: Array.from({ length: 17 }, (_, i) => `h${i}.example.com`) },
        /^shop\/r: more than 16 hosts for one HTTPRoute \(17\)\. Split the hosts over several SecureIngresses/],
      ['more paths than an HTTPRoute rule holds', { paths: Array.from({ length: 65 }, (_, i) => `/p${i}`) }, /^shop\/r: more than 64 paths for one HTTPRoute rule \(65\)/],
    ])('%s', (_what, extra, message) => {
      const { chart, api, gw } = setup();
      const before = chart.node.findAll().length;
      expect(() => new SecureIngress(chart, 'r', { host: 'api.example.com', backend: api, port: Port.tcp(9090), gateway: gw, ...extra })).toThrow(message);
      expect(chart.node.findAll().length).toBe(before);
      new SecureIngress(chart, 'r', { host: 'api.example.com', backend: api, port: Port.tcp(9090), gateway: gw });
    });
  });
});

describe('SecureGateway on Cilium', () => {
  function cilium(): { chart: Chart; api: IsolatedTier; gw: SecureGateway } {
    return setup({
      gatewayClassName: 'cilium',
      implementation: GatewayImplementation.cilium(),
      clusterIssuer: undefined,
      tls: TlsSource.issuerReference(new AcmeClusterIssuer(new Chart(Testing.app(), 'c'), 'le', { email: 'ops@example.com' }).issuer),
    });
  }

  test('the backend admits Cilium\'s ingress identity on exactly its port through a CiliumNetworkPolicy, and no pods by NetworkPolicy', () => {
    const { chart, api, gw } = setup({ gatewayClassName: 'cilium', implementation: GatewayImplementation.cilium() });
    route(chart, gw, api);
    const objects = synthValid(chart);
    const admission = findObject(objects, 'CiliumNetworkPolicy', 'api-edge-cilium-ingress', 'shop');
    expect(admission.spec).toEqual({
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [{ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: '9090', protocol: 'TCP' }] }] }],
    });
    // The tier's NetworkPolicy still isolates ingress and admits no pod: Cilium adds the two up.
    expect(findObject(objects, 'NetworkPolicy', 'api', 'shop').spec.ingress).toEqual([]);
    expect(objectsOfKind(objects, 'Gateway')[0].spec.gatewayClassName).toBe('cilium');
  });

  test('ACME through a Cilium gateway admits the ingress identity to the solver pods on 8089 only', () => {
    const { chart, api, gw } = cilium();
    route(chart, gw, api);
    const objects = synthValid(chart);
    const solvers = objectsOfKind(objects, 'CiliumNetworkPolicy').filter((o) => o.spec.endpointSelector.matchLabels['acme.cert-manager.io/http01-solver'] === 'true');
    expect(solvers).toHaveLength(1);
    expect(solvers[0].spec.ingress).toEqual([{ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: '8089', protocol: 'TCP' }] }] }]);
  });

  test('a backend that does not isolate ingress, or that a mesh authorizes by identity, is refused with the fix', () => {
    const open = setup({ gatewayClassName: 'cilium', implementation: GatewayImplementation.cilium() });
    const loose = new IsolatedTier(open.chart, 'loose', { podLabels: { app: 'loose' }, ports: [Port.tcp(9090)], isolateIngress: false });
    route(open.chart, open.gw, loose);
    expect(() => Testing.synth(open.chart)).toThrow(/\[shop\/api-edge\] tier shop\/loose does not isolate ingress, so Cilium's gateway would not be the only caller/);

    const meshed = setup({ gatewayClassName: 'cilium', implementation: GatewayImplementation.cilium() });
    route(meshed.chart, meshed.gw, meshed.api);
    new MeshMtls(meshed.chart, 'mesh');
    expect(() => Testing.synth(meshed.chart)).toThrow(/\[shop\/api-edge\] shop\/mesh authorizes callers of tier shop\/api by identity, and Cilium's ingress proxy has none/);
  });
});

describe('SecureGateway: backends that declare an application protocol', () => {
  test.each([
    [AppProtocol.HTTP, 'http', 'http'],
    [AppProtocol.HTTP2, 'http2', 'kubernetes.io/h2c'],
    [AppProtocol.GRPC, 'grpc', 'grpc'],
  ])('a backend port declared %s: the routed Service port is named %s with appProtocol %s', (protocol, name, appProtocol) => {
    const c = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(c, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080).withAppProtocol(protocol)] });
    const gateway = new SecureGateway(c, 'edge', { gatewayClassName: 'istio', implementation: GatewayImplementation.istio(), clusterIssuer: 'le' });
    new SecureIngress(c, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
    const objects = synthValid(c);
    const refs = objectsOfKind(objects, 'HTTPRoute').filter((r) => (r.spec.hostnames ?? []).includes('shop.example.com'))
      .flatMap((r) => r.spec.rules.flatMap((rule: any) => rule.backendRefs ?? []));
    expect(refs).toHaveLength(1);
    const ref = refs[0];
    const servicePort = findObject(objects, 'Service', ref.name, 'shop').spec.ports.find((p: any) => p.port === ref.port);
    expect(servicePort).toEqual({ name, appProtocol, port: 8080, protocol: 'TCP', targetPort: 8080 });
  });
});
