import { ApiObject, Chart, Duration, Testing, Yaml } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Reachability } from '../../src/analysis';
import { Port } from '../../src/core/port';
import { GatewayImplementation } from '../../src/edge/gateway-implementation';
import { IngressController } from '../../src/edge/ingress-controller';
import { PathType } from '../../src/edge/route-match';
import { SecureGateway } from '../../src/edge/secure-gateway';
import { SecureIngress, SecureIngressProps } from '../../src/edge/secure-ingress';
import { MeshMtls } from '../../src/mesh/mesh-mtls';
import { IntentModel } from '../../src/model/intent-model';
import { NamespaceIsolation } from '../../src/tiers/namespace-isolation';
import { IsolatedTier } from '../../src/tiers/tier';
import { IssuerReference, KeyAlgorithm } from '../../src/tls/certificate';
import { AcmeClusterIssuer, PrivateCertificateAuthority } from '../../src/tls/issuers';
import { TlsSource } from '../../src/tls/tls-source';
import { NGINX_PEER, secure, setup } from '../ingress-fixtures';
import { findObject, objectsOfKind, synthValid } from '../util';

describe('SecureIngress', () => {
  test('the DESIGN call: TLS wiring, hardened Service, controller-only policy, ACME solver allowance', () => {
    const { chart, web } = setup();
    const ingress = new SecureIngress(chart, 'public', {
      host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx(),
    });
    const objects = synthValid(chart);
    const ing = findObject(objects, 'Ingress', 'public');
    const service = findObject(objects, 'Service', 'public');
    const cert = findObject(objects, 'Certificate', 'public');
    const webPolicy = findObject(objects, 'NetworkPolicy', 'web');

    // One namespace for everything: the backend's.
    for (const o of [ing, service, cert, webPolicy]) expect(o.metadata.namespace).toBe('shop');

    // TLS: the Ingress reads the Secret the Certificate writes, for exactly the Ingress hosts.
    expect(ing.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'public-tls' }]);
    expect(cert.spec.secretName).toBe(ing.spec.tls[0].secretName);
    expect(cert.spec.dnsNames).toEqual(ing.spec.tls[0].hosts);
    expect(ing.spec.rules.map((r: any) => r.host)).toEqual(cert.spec.dnsNames);
    expect(cert.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' });
    expect(cert.spec.privateKey).toEqual({ algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' });
    expect(cert.spec.duration).toBe('2160h');
    expect(cert.spec.renewBefore).toBe('720h');

    // HTTP redirects to HTTPS on ingress-nginx; nothing else is switched on or off by annotation.
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' });

    // The Ingress routes to the Service port; the Service selects the tier and forwards to its container port.
    expect(ing.spec.rules).toEqual([{
      host: 'shop.example.com',
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'public', port: { number: 8080 } } } }] },
    }]);
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: web.podLabels,
      ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 }],
    });

    // Only the controller pods (namespace AND labels, one peer) reach the backend, only on its port.
    expect(webPolicy.spec.podSelector).toEqual({ matchLabels: { app: 'web' } });
    expect(webPolicy.spec.ingress).toEqual([{ from: [NGINX_PEER], ports: [{ port: 8080, protocol: 'TCP' }] }]);

    // Under default deny, the controller must reach cert-manager's HTTP-01 solver pods on 8089.
    const solver = findObject(objects, 'NetworkPolicy', 'acme-http01-solver', 'shop');
    expect(solver.spec).toEqual({
      podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [NGINX_PEER], ports: [{ port: 8089, protocol: 'TCP' }] }],
    });

    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Certificate/public', 'Ingress/public', 'NetworkPolicy/acme-http01-solver', 'NetworkPolicy/web', 'Service/public',
    ]);
    expect(ingress.tlsSecretName).toBe('public-tls');
    expect(ingress.backendTier).toBe(web);
    expect(Yaml.stringify(...objects)).toMatchSnapshot();
  });

  test('Reachability: only the controller reaches the backend, only on its port; and it reaches the solver pods', () => {
    const { chart, web } = setup();
    new NamespaceIsolation(chart, 'baseline');
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.allowFrom(web, Port.tcp(9090));
    secure(chart, { backend: web });
    const pod = (name: string, namespace: string, labels: { [key: string]: string }) => new ApiObject(chart, `pod-${namespace}-${name}`, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'main', image: 'registry.example/x:1' }] },
    });
    pod('controller', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
    pod('admission', 'ingress-nginx', { 'app.kubernetes.io/name': 'admission' });
    pod('impostor', 'tenant', { 'app.kubernetes.io/name': 'ingress-nginx' });
    pod('cm-acme-http-solver-x', 'shop', { 'acme.cert-manager.io/http01-solver': 'true' });
    synthValid(chart);
    const r = Reachability.fromChart(chart);
    const controller = { namespace: 'ingress-nginx', pod: 'controller' };
    const webPod = { namespace: 'shop', pod: 'web' };
    const solverPod = { namespace: 'shop', pod: 'cm-acme-http-solver-x' };

    expect(r.isAllowed(controller, webPod, Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(controller, webPod, Port.tcp(8081))).toBe(false);
    expect(r.isAllowed(controller, solverPod, Port.tcp(8089))).toBe(true);
    expect(r.isAllowed(controller, solverPod, Port.tcp(8080))).toBe(false);
    // Everything that reaches web or the solver pods, on any port: the controller alone.
    const into = (to: string) => r.flows().filter((f) => f.destination === to).map((f) => `${f.source} ${f.description}`);
    expect(into('shop/web')).toEqual(['ingress-nginx/controller TCP 8080']);
    expect(into('shop/cm-acme-http-solver-x')).toEqual(['ingress-nginx/controller TCP 8089']);
    expect(r.isAllowed({ ip: '203.0.113.7' }, webPod, Port.tcp(8080))).toBe(false);
  });

  test('several hosts and paths: every host in the certificate and every path to the backend', () => {
    const { chart, web } = setup();
    secure(chart, {
      host: undefined, hosts: ['shop.example.com', 'www.shop.example.com'], backend: web, paths: ['/', '/api/v1'], pathType: PathType.EXACT,
    });
    const objects = synthValid(chart);
    const ing = findObject(objects, 'Ingress', 'public');
    expect(findObject(objects, 'Certificate', 'public').spec.dnsNames).toEqual(['shop.example.com', 'www.shop.example.com']);
    expect(ing.spec.tls[0].hosts).toEqual(['shop.example.com', 'www.shop.example.com']);
    expect(ing.spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => `${p.pathType} ${p.path}`)])).toEqual([
      ['shop.example.com', ['Exact /', 'Exact /api/v1']],
      ['www.shop.example.com', ['Exact /', 'Exact /api/v1']],
    ]);
  });

  test('a tier in another namespace puts every object in that namespace', () => {
    const { chart } = setup();
    const admin = new IsolatedTier(chart, 'admin', { podLabels: { app: 'admin' }, namespace: 'backoffice', ports: [Port.tcp(3000)] });
    secure(chart, { backend: admin, port: Port.tcp(3000), host: 'admin.example.com' }, 'admin-public');
    const objects = synthValid(chart);
    for (const [kind, name] of [['Ingress', 'admin-public'], ['Service', 'admin-public'], ['Certificate', 'admin-public'],
      ['NetworkPolicy', 'admin'], ['NetworkPolicy', 'acme-http01-solver']]) {
      expect(findObject(objects, kind, name).metadata.namespace).toBe('backoffice');
    }
  });

  test('a namespaced issuer: issuerRef kind Issuer; acmeHttp01: false emits no solver policy', () => {
    const { chart, web } = setup();
    secure(chart, {
      backend: web,
      clusterIssuer: undefined,
      issuer: 'internal-ca',
      acmeHttp01: false,
      certificate: { keyAlgorithm: KeyAlgorithm.ECDSA_P384, duration: Duration.days(30), renewBefore: Duration.days(10) },
    });
    const objects = synthValid(chart);
    const cert = findObject(objects, 'Certificate', 'public').spec;
    expect(cert.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'internal-ca' });
    expect(cert).toMatchObject({ privateKey: { algorithm: 'ECDSA', size: 384, rotationPolicy: 'Always' }, duration: '720h', renewBefore: '240h' });
    expect(objects.filter((o) => o.metadata.name === 'acme-http01-solver')).toEqual([]);
  });

  test('an existing TLS Secret: no Certificate and no solver policy; the Ingress reads that Secret', () => {
    const { chart, web } = setup();
    secure(chart, { backend: web, clusterIssuer: undefined, tlsSecretName: 'shop-wildcard-tls', host: '*.shop.example.com' });
    const objects = synthValid(chart);
    expect(objectsOfKind(objects, 'Certificate')).toEqual([]);
    expect(objects.filter((o) => o.metadata.name === 'acme-http01-solver')).toEqual([]);
    expect(findObject(objects, 'Ingress', 'public').spec.tls).toEqual([{ hosts: ['*.shop.example.com'], secretName: 'shop-wildcard-tls' }]);
    expect(findObject(objects, 'NetworkPolicy', 'web').spec.ingress).toEqual([{ from: [NGINX_PEER], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('issuer helpers pass their reference: ACME allows the solver, a private CA does not', () => {
    const { chart, web } = setup();
    const letsencrypt = new AcmeClusterIssuer(chart, 'letsencrypt');
    secure(chart, { backend: web, clusterIssuer: undefined, issuerReference: letsencrypt.issuer });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, namespace: 'internal', ports: [Port.tcp(9090)] });
    const ca = new PrivateCertificateAuthority(chart, 'ca', { commonName: 'internal CA', namespace: 'internal' });
    secure(chart, { backend: api, port: Port.tcp(9090), host: 'api.internal.example.com', clusterIssuer: undefined, issuerReference: ca.issuer }, 'api-public');
    const objects = synthValid(chart);
    expect(findObject(objects, 'Certificate', 'public', 'shop').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' });
    expect(findObject(objects, 'Certificate', 'api-public', 'internal').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'ca' });
    expect(objects.filter((o) => o.metadata.name === 'acme-http01-solver').map((o) => o.metadata.namespace)).toEqual(['shop']);
  });

  test('one solver policy per namespace, whatever the number of SecureIngresses', () => {
    const { chart, web } = setup();
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    secure(chart, { backend: web });
    secure(chart, { backend: api, port: Port.tcp(9090), host: 'api.example.com' }, 'api-public');
    const solvers = synthValid(chart).filter((o) => o.metadata.name === 'acme-http01-solver');
    expect(solvers).toHaveLength(1);
    expect(solvers[0].spec.ingress).toEqual([{ from: [NGINX_PEER], ports: [{ port: 8089, protocol: 'TCP' }] }]);
  });

  test('sourceRanges become the ingress-nginx allowlist, canonical and sorted', () => {
    const { chart, web } = setup();
    secure(chart, { backend: web, sourceRanges: ['203.0.113.0/24', '198.51.100.0/24', '2001:db8::/32', '203.0.113.0/24'] });
    expect(findObject(synthValid(chart), 'Ingress', 'public').metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/allowlist-source-range': '198.51.100.0/24,2001:db8::/32,203.0.113.0/24',
    });
  });

  test('another controller: class-neutral Ingress, its own pods let in', () => {
    const { chart, web } = setup();
    const traefik = IngressController.custom({ className: 'traefik', namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } });
    secure(chart, { backend: web, controller: traefik });
    const objects = synthValid(chart);
    const ing = findObject(objects, 'Ingress', 'public');
    expect(ing.metadata.annotations).toBeUndefined();
    expect(ing.spec.ingressClassName).toBe('traefik');
    const traefikPeer = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
    };
    expect(findObject(objects, 'NetworkPolicy', 'web').spec.ingress).toEqual([{ from: [traefikPeer], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(findObject(objects, 'NetworkPolicy', 'acme-http01-solver').spec.ingress[0].from).toEqual([traefikPeer]);
  });

  test('MeshMtls knows the controller: the backend admits its service account, not its whole namespace', () => {
    const { chart, web } = setup();
    secure(chart, { backend: web });
    new MeshMtls(chart, 'mesh');
    const policy = findObject(synthValid(chart), 'AuthorizationPolicy', 'web');
    expect(policy.spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/ingress-nginx/sa/ingress-nginx'] } }], to: [{ operation: { ports: ['8080'] } }] }]);
  });

  test('the TLS source as a class: TlsSource.issuerReference and TlsSource.existingSecret', () => {
    const { chart, web } = setup();
    const letsencrypt = new AcmeClusterIssuer(chart, 'letsencrypt');
    secure(chart, { backend: web, clusterIssuer: undefined, tls: TlsSource.issuerReference(letsencrypt.issuer) });
    secure(chart, { backend: web, clusterIssuer: undefined, tls: TlsSource.existingSecret('static-tls'), host: 'static.example.com' }, 'static');
    const objects = synthValid(chart);
    expect(findObject(objects, 'Certificate', 'public').spec.issuerRef.name).toBe('letsencrypt');
    expect(findObject(objects, 'Ingress', 'static').spec.tls).toEqual([{ hosts: ['static.example.com'], secretName: 'static-tls' }]);
    expect(objectsOfKind(objects, 'Certificate')).toHaveLength(1);
  });

  describe('bad input fails with the construct path, the value and a fix', () => {
    test.each<[string, (web: IsolatedTier) => Partial<SecureIngressProps>, RegExp]>([
      ['an uppercase host', () => ({ host: 'Shop.example.com' }), /^shop\/public: host must be lower case \("Shop.example.com"\)\. Use a DNS name/],
      ['a wildcard not leftmost', () => ({ host: 'shop.*.example.com' }), /host may contain "\*" only as the whole leftmost label, .*\("shop.\*.example.com"\)/],
      ['an IP address as host', () => ({ host: '203.0.113.10' }), /host must be a DNS name, not an IP address/],
      ['host and hosts', () => ({ hosts: ['a.example.com'] }), /both host and hosts are set/],
      ['no host', () => ({ host: undefined }), /no host is given/],
      ['a host twice', () => ({ host: undefined, hosts: ['a.example.com', 'a.example.com'] }), /a host is listed twice \("a.example.com"\)/],
      ['a regex path', () => ({ paths: ['/api(/|$)(.*)'] }), /path must start with "\/" and contain only/],
      ['a relative path', () => ({ paths: ['api'] }), /path must start with "\/"/],
      ['a port the tier does not serve', () => ({ port: Port.tcp(9090) }), /^shop\/public: port is not served by the backend tier shop\/web \("TCP 9090"\)\. Use one of the tier's ports \(TCP 8080\)/],
      ['a UDP port', () => ({ port: Port.udp(8080) }), /port must be one numeric TCP port.*\("UDP 8080"\)/],
      ['a port range', () => ({ port: Port.tcpRange(8080, 8081) }), /port must be one numeric TCP port/],
      ['no TLS source', () => ({ clusterIssuer: undefined }), /^shop\/public: no TLS source is given \(undefined\)\. Pass exactly one of clusterIssuer/],
      ['two TLS sources', () => ({ issuer: 'ca' }), /more than one TLS source is given \(clusterIssuer, issuer\)/],
      ['a wildcard with HTTP-01', () => ({ host: '*.example.com' }), /ACME HTTP-01 cannot validate a wildcard host \("\*.example.com"\)\. Use an issuer that solves DNS-01/],
      ['acmeHttp01 with a Secret', () => ({ clusterIssuer: undefined, tlsSecretName: 'tls', acmeHttp01: false }), /^shop\/public: acmeHttp01 applies only next to clusterIssuer or issuer \(false\)\. Say it on the source/],
      ['acmeHttp01 with a reference', () => ({ clusterIssuer: undefined, issuerReference: IssuerReference.clusterIssuer('x'), acmeHttp01: true }), /^shop\/public: acmeHttp01 applies only next to clusterIssuer or issuer \(true\)/],
      ['an invalid issuer name', () => ({ clusterIssuer: 'Lets Encrypt' }), /^shop\/public: clusterIssuer must be a DNS-1123 subdomain/],
      ['a class the controller does not serve', () => ({ ingressClassName: 'traefik' }), /ingressClassName is not the class of the ingress controller nginx .*\("traefik"\)\. Pass the controller that serves it/],
      ['sourceRanges without ingress-nginx', () => ({ sourceRanges: ['10.0.0.0/8'], controller: IngressController.custom({ className: 'x', namespace: 'x', podLabels: { app: 'x' } }) }), /^shop\/public: sourceRanges needs a controller with a source allowlist annotation; the ingress controller x .* has none the library writes \(\["10.0.0.0\/8"\]\)\. Restrict sources at/],
      ['an empty sourceRanges', () => ({ sourceRanges: [] }), /sourceRanges is empty/],
      ['a bad source range', () => ({ sourceRanges: ['10.0.0.1/8'] }), /cidr has host bits set/],
      ['a backend of another kind', () => ({ backend: new Chart(Testing.app(), 'x') }), /backend must be an IsolatedTier, a cdk8s-plus workload or a cdk8s-plus Service \("x"\)/],
      // No default on a retired controller: the edge is always named.
      ['neither controller nor gateway', () => ({ controller: undefined }),
        /^shop\/public: neither controller nor gateway is given, and there is no default edge \(undefined\)\. Pass gateway: a SecureGateway/],
      ['both controller and gateway', (web) => ({ gateway: new SecureGateway(web.node.scope as Chart, 'gw', { gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'le' }), controller: IngressController.ingressNginx() }),
        /^shop\/public: both controller and gateway are given \(\{"controller":"ingress controller nginx .*","gateway":"gateway shop\/gw \(class eg\)"\}\)\. Pass one of them/],
      ['a controller of another kind', () => ({ controller: 'nginx' as any }), /^shop\/public: controller must be an IngressController \("nginx"\)/],
      ['backendTls without a gateway', () => ({ backendTls: { issuer: IssuerReference.clusterIssuer('ca') } }), /^shop\/public: backendTls needs a gateway \(BackendTLSPolicy is Gateway API\)/],
      ['a TLS source of another kind', () => ({ clusterIssuer: undefined, tls: 'le' as any }), /^shop\/public: tls must be a TlsSource \("le"\)/],
      ['a Secret of another namespace', () => ({ clusterIssuer: undefined, tls: TlsSource.existingSecret('s', { namespace: 'certs' }) }),
        /^shop\/public: an Ingress reads its TLS Secret from its own namespace \(shop\) \("Secret certs\/s"\)\. Copy the Secret into the backend's namespace/],
      ['an Issuer of another namespace', () => ({ clusterIssuer: undefined, issuerReference: IssuerReference.issuer('ca', { namespace: 'data' }) }),
        /^shop\/public: Issuer data\/ca cannot sign a Certificate in namespace shop: an Issuer signs only its own namespace/],
      ['an invalid name', () => ({ name: 'Public' }), /^shop\/public: name must be a DNS-1123 subdomain.*\("Public"\)/],
      ['a name that cannot name the Service', () => ({ name: 'shop.public' }), /^shop\/public: name must be a DNS-1035 label, because the backend Service is named after it.*\("shop.public"\)/],
      ['an unknown pathType (JavaScript)', () => ({ pathType: 'Regex' as any }), /^shop\/public: pathType is not a PathType \("Regex"\)/],
      // Paths the API server refuses (issue 18 item 10).
      ...['//', '/api//v1', '/./', '/api/./v1', '/../', '/api/../admin', '/api/.', '/api/..', '/.', '/..'].map((path): [string, () => Partial<SecureIngressProps>, RegExp] =>
        [`the path ${path}`, () => ({ paths: [path] }), new RegExp(`^shop/public: path contains "//" or a "\\." or "\\.\\." segment, which the API server refuses \\(${JSON.stringify(path).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)\\. Write the path without`)]),
    ])('%s: refused at the call, nothing left in the tree, a retry with the same id works', (_what, props, message) => {
      const { chart, web } = setup();
      const extra = props(web);
      const before = chart.node.findAll().map((c) => c.node.path);
      expect(() => secure(chart, { backend: web, ...extra })).toThrow(message);
      expect(chart.node.findAll().map((c) => c.node.path)).toEqual(before);
      expect(chart.node.tryFindChild('public')).toBeUndefined();
      secure(chart, { backend: web });
      expect(findObject(synthValid(chart), 'Ingress', 'public').spec.rules[0].host).toBe('shop.example.com');
    });

    test('paths with dots inside a segment are fine', () => {
      const { chart, web } = setup();
      secure(chart, { backend: web, paths: ['/.well-known/security.txt', '/v1.2/api', '/a..b'] });
      expect(findObject(synthValid(chart), 'Ingress', 'public').spec.rules[0].http.paths.map((p: any) => p.path))
        .toEqual(['/.well-known/security.txt', '/v1.2/api', '/a..b']);
    });

    test('a refused workload backend leaves no tier behind, and the model does not keep it', () => {
      const { chart } = setup();
      const deployment = new plus.Deployment(chart, 'shopfront', { containers: [{ image: 'shopfront:1.0', portNumber: 8080 }] });
      const before = chart.node.findAll().length;
      expect(() => secure(chart, { backend: deployment, port: Port.tcp(9999) })).toThrow(/^shop\/public: port is not a container port of the backend workload \("TCP 9999"\)/);
      expect(chart.node.findAll().length).toBe(before);
      expect(IntentModel.of(chart).endpointSelecting('shop', deployment.matchLabels)).toBeUndefined();
    });

    test('a backend tier must be ingress-isolated, by itself or by its namespace baseline', () => {
      const { chart } = setup();
      const open = new IsolatedTier(chart, 'open', { podLabels: { app: 'open' }, isolateIngress: false });
      secure(chart, { backend: open });
      expect(() => Testing.synth(chart)).toThrow(/\[shop\/public\] tier shop\/open does not isolate ingress, so any pod could reach the backend, not only the edge \("shop\/open"\)\. Leave isolateIngress/);
      new NamespaceIsolation(chart, 'baseline');
      expect(findObject(synthValid(chart), 'NetworkPolicy', 'open').spec.ingress).toEqual([{ from: [NGINX_PEER], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    });

    test('a namespace baseline over the controller pods fails synthesis instead of cutting the controller off silently', () => {
      const { chart, web } = setup();
      secure(chart, { backend: web });
      new NamespaceIsolation(chart, 'nginx-baseline', { namespace: 'ingress-nginx' });
      expect(() => Testing.synth(chart)).toThrow(
        /\[shop\/public\] the app isolates namespace ingress-nginx, where the ingress controller nginx .* runs, so clients could not reach it and its connections to the backend would be denied \("ingress-nginx"\)\. Leave ingress-nginx out of NamespaceIsolation/);
    });

    test('the same host and path routed twice', () => {
      const { chart, web } = setup();
      const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
      secure(chart, { backend: web, paths: ['/', '/shop'] });
      expect(() => secure(chart, { backend: api, port: Port.tcp(9090), paths: ['/shop'] }, 'api-public'))
        .toThrow(/^shop\/api-public: host and path are already routed by shop\/public to tier shop\/web \("shop.example.com\/shop"\)\. Route each host and path to one backend/);
    });

    test('the same host on other paths, or on another controller, is fine', () => {
      const { chart, web } = setup();
      const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
      secure(chart, { backend: web });
      secure(chart, { backend: api, port: Port.tcp(9090), paths: ['/api'], tlsSecretName: 'public-tls', clusterIssuer: undefined }, 'api-public');
      const internal = IngressController.ingressNginx({ className: 'nginx-internal', namespace: 'ingress-internal' });
      secure(chart, { backend: api, port: Port.tcp(9090), controller: internal }, 'api-internal');
      expect(objectsOfKind(synthValid(chart), 'Ingress')).toHaveLength(3);
    });
  });
});
