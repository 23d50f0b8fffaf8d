import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import { Reachability } from '../../src/analysis';
import { Peer } from '../../src/core/peer';
import { Port } from '../../src/core/port';
import { GatewayImplementation } from '../../src/edge/gateway-implementation';
import { IngressController } from '../../src/edge/ingress-controller';
import { SecureGateway } from '../../src/edge/secure-gateway';
import { SecureIngress } from '../../src/edge/secure-ingress';
import { MeshInjection } from '../../src/mesh/mesh-injection';
import { MeshMtls } from '../../src/mesh/mesh-mtls';
import { MtlsMode } from '../../src/mesh/mesh-peer-authentication';
import { NamespaceIsolation } from '../../src/tiers/namespace-isolation';
import { IsolatedTier } from '../../src/tiers/tier';
import { IssuerReference, KeyAlgorithm, TlsCertificate } from '../../src/tls/certificate';
import { AcmeClusterIssuer, PrivateCertificateAuthority } from '../../src/tls/issuers';
import { TlsSource } from '../../src/tls/tls-source';
import { findObject, objectsOfKind, synthValid } from '../util';

/*
 * Red-team checks of the TLS, edge and mesh constructs, called as plain JavaScript would call them: wrong
 * types, and objects whose getters (or Proxies) answer one thing when checked and another when read again.
 * Each case asserts the security fields of the output, or that the call is refused and leaves nothing.
 */

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'shop' });
}

/** An object whose `field` answers `first` on the first `reads` reads and `later` afterwards. */
function flipping(base: object, field: string, first: unknown, later: unknown, reads = 1): any {
  let n = 0;
  return Object.defineProperty({ ...base }, field, {
    enumerable: true,
    get: () => (++n <= reads ? first : later),
  });
}

/** A Proxy of `target` that answers `later` for `field` after the first read. */
function proxyFlipping(target: object, field: string, later: unknown): any {
  let n = 0;
  return new Proxy(target, {
    get: (t, key, receiver) => (key === field && ++n > 1 ? later : Reflect.get(t, key, receiver)),
  });
}

describe('TlsCertificate reads each prop once and renders what it checked', () => {
  const issuer = IssuerReference.clusterIssuer('internal-ca');

  test.each([
    ['certificateAuthority "false" (a string)', { dnsNames: ['api.example.com'], certificateAuthority: 'false' }, 'certificateAuthority must be true or false'],
    ['certificateAuthority 1', { dnsNames: ['api.example.com'], certificateAuthority: 1 }, 'certificateAuthority must be true or false'],
    ['dnsNames as one string (would be spread into one-letter names)', { dnsNames: 'abc' }, 'dnsNames must be a list'],
    ['dnsNames with a number', { dnsNames: [42] }, 'dnsNames entry must be a string'],
    ['ipAddresses as one string', { ipAddresses: '10.0.0.1' }, 'ipAddresses must be a list'],
    ['commonName a number', { commonName: 12345 }, 'commonName must be a string'],
  ])('refuses %s, leaving nothing', (_, props, message) => {
    const c = chart();
    expect(() => new TlsCertificate(c, 'cert', { issuer, ...(props as any) })).toThrow(message);
    expect(c.node.children).toHaveLength(0);
    expect(Testing.synth(c)).toEqual([]);
  });

  test('an issuer getter that swaps the reference after the check cannot change spec.issuerRef', () => {
    const c = chart();
    const checked = IssuerReference.issuer('shop-ca', { namespace: 'shop' });
    const props = flipping({ dnsNames: ['api.example.com'] }, 'issuer', checked, { kind: 'ClusterIssuer', name: 'attacker' });
    const cert = new TlsCertificate(c, 'cert', props);
    const spec = findObject(synthValid(c), 'Certificate', 'cert', 'shop').spec;
    expect(spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'shop-ca' });
    expect(cert.issuer).toBe(checked);
  });

  test('an IssuerReference whose kind or name is changed from JavaScript is refused', () => {
    const forged = IssuerReference.clusterIssuer('ok');
    (forged as any).name = 'Not A Name';
    const c = chart();
    expect(() => new TlsCertificate(c, 'cert', { issuer: forged, dnsNames: ['api.example.com'] })).toThrow('issuer is not a reference its factories made');
    const kind = IssuerReference.clusterIssuer('ok');
    (kind as any).kind = 'Vault';
    expect(() => new TlsCertificate(c, 'cert', { issuer: kind, dnsNames: ['api.example.com'] })).toThrow('issuer is not a reference its factories made');
    expect(c.node.children).toHaveLength(0);
  });

  test('ipAddresses, dnsNames and the CA flag that change after the check are rendered as checked', () => {
    const c = chart();
    let props: any = { issuer };
    props = flipping(props, 'ipAddresses', ['10.0.0.1'], ['not-an-address', '0.0.0.0']);
    props = flipping(props, 'dnsNames', ['api.example.com'], ['*.com']);
    props = flipping(props, 'certificateAuthority', false, true);
    props = flipping(props, 'commonName', 'api', 'x'.repeat(200));
    new TlsCertificate(c, 'cert', props);
    const spec = findObject(synthValid(c), 'Certificate', 'cert', 'shop').spec;
    expect(spec.ipAddresses).toEqual(['10.0.0.1']);
    expect(spec.dnsNames).toEqual(['api.example.com']);
    expect(spec.commonName).toBe('api');
    expect(spec.isCA).toBeUndefined();
  });

  test('a Proxy array of dnsNames is copied once: the certificate names what was checked', () => {
    const c = chart();
    const dnsNames = proxyFlipping(['api.example.com'], '0', '*.example.com');
    new TlsCertificate(c, 'cert', { issuer, dnsNames });
    expect(findObject(synthValid(c), 'Certificate', 'cert', 'shop').spec.dnsNames).toEqual(['api.example.com']);
  });

  test('a lifetime that a Proxy Duration shortens after the check is rendered as checked', () => {
    const c = chart();
    const duration = proxyFlipping(Duration.days(90), 'toSeconds', () => 60);
    new TlsCertificate(c, 'cert', { issuer, dnsNames: ['api.example.com'], duration, keyAlgorithm: KeyAlgorithm.RSA_3072 });
    const spec = findObject(synthValid(c), 'Certificate', 'cert', 'shop').spec;
    expect(spec.duration).toBe('2160h');
    expect(spec.renewBefore).toBe('720h');
    expect(spec.privateKey).toEqual({ algorithm: 'RSA', size: 3072, rotationPolicy: 'Always' });
  });

  test('PrivateCertificateAuthority: a commonName that is not a string is refused before anything is built', () => {
    const c = chart();
    expect(() => new PrivateCertificateAuthority(c, 'ca', { commonName: 7 as any })).toThrow('commonName must be a string');
    expect(c.node.children).toHaveLength(0);
  });
});

function backend(c: Chart): IsolatedTier {
  return new IsolatedTier(c, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
}

function gateway(c: Chart, props: any = {}): SecureGateway {
  return new SecureGateway(c, 'gw', {
    namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod', ...props,
  });
}

describe('SecureIngress and SecureGateway build from what they checked', () => {
  test('certificate options whose duration shrinks after the check: the Ingress is built whole, with the checked lifetime', () => {
    const c = chart();
    const web = backend(c);
    const certificate = flipping({ keyAlgorithm: KeyAlgorithm.ECDSA_P384 }, 'duration', Duration.days(60), Duration.minutes(1));
    const ingress = new SecureIngress(c, 'pub', {
      host: 'shop.example.com',
      backend: web,
      port: Port.tcp(8080),
      clusterIssuer: 'letsencrypt-prod',
      controller: IngressController.ingressNginx(),
      certificate,
    });
    const objects = synthValid(c);
    const spec = findObject(objects, 'Certificate', 'pub', 'shop').spec;
    expect(spec.duration).toBe('1440h');
    expect(spec.renewBefore).toBe('720h');
    expect(spec.privateKey).toEqual({ algorithm: 'ECDSA', size: 384, rotationPolicy: 'Always' });
    expect(spec.dnsNames).toEqual(['shop.example.com']);
    expect(spec.secretName).toBe(ingress.tlsSecretName);
    expect(findObject(objects, 'Ingress', 'pub', 'shop').spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'pub-tls' }]);
  });

  test('a gateway\'s certificate options are kept as checked: a later getter cannot break its listeners\' Certificates', () => {
    const c = chart();
    const web = backend(c);
    const certificate = flipping({}, 'renewBefore', Duration.days(10), Duration.days(400));
    const gw = gateway(c, { certificate });
    new SecureIngress(c, 'pub', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway: gw });
    const [cert] = objectsOfKind(synthValid(c), 'Certificate').filter((o) => o.metadata.namespace === 'edge');
    expect(cert.spec.dnsNames).toEqual(['shop.example.com']);
    expect(cert.spec.renewBefore).toBe('240h');
    expect(cert.spec.duration).toBe('2160h');
    expect(c.node.tryFindChild('pub')).toBeDefined();
  });

  test('a gateway getter that vanishes after the check: the route goes through the checked gateway, no half-built edge', () => {
    const c = chart();
    const web = backend(c);
    const gw = gateway(c);
    const props = flipping({ host: 'shop.example.com', backend: web, port: Port.tcp(8080) }, 'gateway', gw, undefined);
    const ingress = new SecureIngress(c, 'pub', props);
    expect(ingress.gateway).toBe(gw);
    const objects = synthValid(c);
    const listeners = findObject(objects, 'Gateway', 'gw', 'edge').spec.listeners;
    expect(listeners.map((l: any) => [l.protocol, l.hostname, l.tls?.mode])).toEqual([['HTTP', undefined, undefined], ['HTTPS', 'shop.example.com', 'Terminate']]);
    expect(listeners[1].allowedRoutes.namespaces).toEqual({ from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } });
    expect(objectsOfKind(objects, 'Ingress')).toEqual([]);
  });

  test('a gatewayClassName getter that answers an invalid class after the check cannot reach the Gateway', () => {
    const c = chart();
    const props = flipping({
      namespace: 'edge', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod',
    }, 'gatewayClassName', 'eg', 'Not A Class');
    const gw = new SecureGateway(c, 'gw', props);
    expect(gw.gatewayClassName).toBe('eg');
    expect(findObject(synthValid(c), 'Gateway', 'gw', 'edge').spec.gatewayClassName).toBe('eg');
  });

  test('a Proxy Duration that shortens after the check: the edge\'s Certificate gets the checked lifetime, and the edge is whole', () => {
    const c = chart();
    const web = backend(c);
    const duration = proxyFlipping(Duration.days(90), 'toSeconds', () => 60);
    new SecureIngress(c, 'pub', {
      host: 'shop.example.com',
      backend: web,
      port: Port.tcp(8080),
      clusterIssuer: 'letsencrypt-prod',
      controller: IngressController.ingressNginx(),
      certificate: { duration },
    });
    const spec = findObject(synthValid(c), 'Certificate', 'pub', 'shop').spec;
    expect(spec.duration).toBe('2160h');
    expect(spec.renewBefore).toBe('720h');
    expect(spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' });
  });

  test('a Proxy list of paths routes only the paths that were checked', () => {
    const c = chart();
    const web = backend(c);
    const paths = proxyFlipping(['/shop'], '0', '/');
    new SecureIngress(c, 'pub', {
      host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx(), paths,
    });
    const rule = findObject(synthValid(c), 'Ingress', 'pub', 'shop').spec.rules[0];
    expect(rule.host).toBe('shop.example.com');
    expect(rule.http.paths.map((p: any) => p.path)).toEqual(['/shop']);
  });
});

describe('edges and certificates refuse hosts that claim a whole top-level domain or read as an address', () => {
  const HOSTS = ['*.com', '0x7f.0.0.1', '10.0.0.1.5', 'shop.123'];

  test.each(HOSTS)('SecureIngress through a controller refuses %s and leaves nothing', (host) => {
    const c = chart();
    const web = backend(c);
    const before = c.node.children.length;
    expect(() => new SecureIngress(c, 'pub', {
      host, backend: web, port: Port.tcp(8080), tls: TlsSource.clusterIssuer('internal', { acmeHttp01: false }), controller: IngressController.ingressNginx(),
    })).toThrow(/^test\/pub: host (puts the wildcard directly over a top-level domain|ends in a numeric label)/);
    expect(c.node.children).toHaveLength(before);
    expect(objectsOfKind(Testing.synth(c), 'Ingress')).toEqual([]);
  });

  test.each(HOSTS)('SecureIngress through a gateway refuses %s: no listener is added', (host) => {
    const c = chart();
    const web = backend(c);
    const gw = gateway(c, { clusterIssuer: undefined, tls: TlsSource.clusterIssuer('internal', { acmeHttp01: false }) });
    expect(() => new SecureIngress(c, 'pub', { hosts: ['shop.example.com', host], backend: web, port: Port.tcp(8080), gateway: gw }))
      .toThrow(/host (puts the wildcard directly over a top-level domain|ends in a numeric label)/);
    const listeners = findObject(synthValid(c), 'Gateway', 'gw', 'edge').spec.listeners;
    expect(listeners.map((l: any) => l.protocol)).toEqual(['HTTP']);
  });

  test.each(HOSTS)('TlsCertificate refuses dnsNames %s', (host) => {
    const c = chart();
    expect(() => new TlsCertificate(c, 'cert', { issuer: IssuerReference.clusterIssuer('internal'), dnsNames: [host] }))
      .toThrow(/dnsNames entry (puts the wildcard directly over a top-level domain|ends in a numeric label)/);
    expect(c.node.children).toHaveLength(0);
  });

  test('a wildcard under a real domain still serves: one listener, its hostname and certificate exactly that wildcard', () => {
    const c = chart();
    const web = backend(c);
    const gw = gateway(c, { clusterIssuer: undefined, tls: TlsSource.clusterIssuer('internal', { acmeHttp01: false }) });
    new SecureIngress(c, 'pub', { host: '*.example.com', backend: web, port: Port.tcp(8080), gateway: gw });
    const objects = synthValid(c);
    const https = findObject(objects, 'Gateway', 'gw', 'edge').spec.listeners[1];
    expect(https.hostname).toBe('*.example.com');
    expect(https.protocol).toBe('HTTPS');
    const [cert] = objectsOfKind(objects, 'Certificate');
    expect(cert.spec.dnsNames).toEqual(['*.example.com']);
    expect(https.tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: cert.spec.secretName }]);
  });
});

describe('mesh principals name exactly one service account', () => {
  function scraped(): { c: Chart; api: IsolatedTier; scraper: any } {
    const c = chart();
    const api = new IsolatedTier(c, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
    const scraper = Peer.pods({ app: 'scraper' }, 'monitoring');
    api.allowFrom(scraper, Port.tcp(9090));
    return { c, api, scraper };
  }

  test('an identity whose serviceAccountName answers "*" after the check gives the checked principal, not every account of the namespace', () => {
    const { c, scraper } = scraped();
    new MeshMtls(c, 'mesh', { identities: [flipping({ peer: scraper }, 'serviceAccountName', 'prometheus', '*')] });
    const policy = findObject(synthValid(c), 'AuthorizationPolicy', 'api', 'shop');
    expect(policy.spec.action).toBe('ALLOW');
    expect(policy.spec.selector).toEqual({ matchLabels: { app: 'api' } });
    expect(policy.spec.rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/monitoring/sa/prometheus'] } }],
      to: [{ operation: { ports: ['9090'] } }],
    }]);
  });

  test.each(['*', 'prom*', 'a/b', 'x/ns/kube-system/sa/admin'])('an identity serviceAccountName %s is refused, leaving nothing', (sa) => {
    const { c, scraper } = scraped();
    const before = c.node.findAll().length;
    expect(() => new MeshMtls(c, 'mesh', { identities: [{ peer: scraper, serviceAccountName: sa }] })).toThrow(/^test\/mesh: serviceAccountName must be a DNS-1123 subdomain/);
    expect(c.node.findAll()).toHaveLength(before);
  });

  test('a tier whose serviceAccountName is changed to "*" after construction is refused at synth, never written as a wildcard principal', () => {
    const c = chart();
    const api = new IsolatedTier(c, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
    const web = new IsolatedTier(c, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
    api.allowFrom(web, Port.tcp(9090));
    new MeshMtls(c, 'mesh');
    // Assignment is refused (a group does not change after it is built); reflection can still shadow the
    // field, and the mesh refuses what it finds at synth.
    expect(() => { (web as any).serviceAccountName = '*'; }).toThrow(TypeError);
    Object.defineProperty(web, 'serviceAccountName', { value: '*' });
    let yaml = '';
    expect(() => {
      yaml = JSON.stringify(Testing.synth(c));
    }).toThrow(/serviceAccountName that must be a DNS-1123 subdomain/);
    expect(yaml).not.toContain('sa/*');
  });
});

describe('edge controllers and data planes keep what they checked', () => {
  test('an IngressController whose className, podLabels and serviceAccountName change after the check keeps the checked ones', () => {
    let props: any = { namespace: 'haproxy-controller' };
    props = flipping(props, 'className', 'haproxy', 'Not A Class');
    props = flipping(props, 'podLabels', { app: 'haproxy' }, {});
    props = flipping(props, 'serviceAccountName', 'haproxy', '*');
    const controller = IngressController.haproxy(props);
    expect(controller.className).toBe('haproxy');
    expect(controller.podLabels).toEqual({ app: 'haproxy' });
    expect(controller.serviceAccountName).toBe('haproxy');

    const c = chart();
    const web = new IsolatedTier(c, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
    new SecureIngress(c, 'pub', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller });
    new MeshMtls(c, 'mesh');
    const objects = synthValid(c);
    expect(findObject(objects, 'Ingress', 'pub', 'shop').spec.ingressClassName).toBe('haproxy');
    const policy = findObject(objects, 'AuthorizationPolicy', 'web', 'shop');
    expect(policy.spec.rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/haproxy-controller/sa/haproxy'] } }],
      to: [{ operation: { ports: ['8080'] } }],
    }]);
  });

  test('a Proxy of podLabels that empties after the check cannot make every pod of the namespace the controller', () => {
    const podLabels = new Proxy({ app: 'haproxy' } as { [key: string]: string }, {
      ownKeys: (() => {
        let n = 0;
        return (t: object) => (++n <= 1 ? Reflect.ownKeys(t) : []);
      })(),
    });
    const controller = IngressController.haproxy({ className: 'haproxy', namespace: 'haproxy-controller', podLabels: podLabels as { [key: string]: string } });
    expect(controller.podLabels).toEqual({ app: 'haproxy' });
    expect(controller.peer.toPeerConfig().podSelector).toEqual({ matchLabels: { app: 'haproxy' } });
  });

  test('GatewayImplementation.custom keeps the service account it checked', () => {
    const impl = GatewayImplementation.custom(flipping({ namespace: 'gw-system', podLabels: { app: 'proxy' } }, 'serviceAccountName', 'proxy', '*', 2));
    const c = chart();
    const gw = new SecureGateway(c, 'gw', { namespace: 'edge', gatewayClassName: 'custom', implementation: impl, clusterIssuer: 'letsencrypt-prod' });
    expect(gw.dataPlaneServiceAccountName).toBe('proxy');
    expect(gw.dataPlaneLabels).toEqual({ app: 'proxy' });
    expect(gw.dataPlaneNamespace).toBe('gw-system');
  });
});

describe('backendTls is checked whole before the edge joins the tree', () => {
  function withCa(): { c: Chart; web: IsolatedTier; gw: SecureGateway; ca: PrivateCertificateAuthority } {
    const c = chart();
    const web = backend(c);
    const gw = gateway(c);
    const ca = new PrivateCertificateAuthority(c, 'ca', { commonName: 'shop CA', clusterWide: true });
    return { c, web, gw, ca };
  }

  test.each([
    ['a lifetime cert-manager refuses', { duration: Duration.minutes(10) }, /duration is shorter than the one hour/],
    ['renewBefore not shorter than duration', { duration: Duration.days(10), renewBefore: Duration.days(10) }, /renewBefore is not shorter than duration/],
    ['an unknown key algorithm', { keyAlgorithm: 'RSA_1024' }, /keyAlgorithm is not a KeyAlgorithm/],
  ])('backendTls.certificate with %s is refused at the call and leaves nothing', (_, certificate, error) => {
    const { c, web, gw, ca } = withCa();
    const before = c.node.findAll().length;
    expect(() => new SecureIngress(c, 'pub', {
      host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway: gw, backendTls: { issuer: ca.issuer, certificate: certificate as any },
    })).toThrow(error);
    expect(c.node.findAll()).toHaveLength(before);
    expect(findObject(synthValid(c), 'Gateway', 'gw', 'edge').spec.listeners.map((l: any) => l.protocol)).toEqual(['HTTP']);
  });

  test('a backendTls issuer getter that swaps to an ACME issuer after the check signs with the checked private CA', () => {
    const { c, web, gw, ca } = withCa();
    const backendTls = flipping({}, 'issuer', ca.issuer, IssuerReference.clusterIssuer('letsencrypt-prod', { acmeHttp01: true }), 1);
    new SecureIngress(c, 'pub', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway: gw, backendTls });
    const cert = findObject(synthValid(c), 'Certificate', 'pub-backend', 'shop').spec;
    expect(cert.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: ca.issuer.name });
    expect(cert.dnsNames).toEqual(['pub.shop.svc.cluster.local', 'pub.shop.svc', 'pub.shop', 'pub']);
  });

  test('a backendTls certificate option that changes after the check: the backend Certificate gets the checked lifetime', () => {
    const { c, web, gw, ca } = withCa();
    const certificate = flipping({}, 'duration', Duration.days(60), Duration.minutes(1));
    new SecureIngress(c, 'pub', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway: gw, backendTls: { issuer: ca.issuer, certificate } });
    const cert = findObject(synthValid(c), 'Certificate', 'pub-backend', 'shop').spec;
    expect(cert.duration).toBe('1440h');
    expect(cert.renewBefore).toBe('720h');
  });
});

describe('AcmeClusterIssuer builds from what it checked', () => {
  test('a look-alike gateway object (not a SecureGateway of this app) is refused: it would name any Gateway as the solver', () => {
    const c = chart();
    const lookAlike = { _record: {}, name: 'attacker', namespace: 'kube-system' };
    expect(() => new AcmeClusterIssuer(c, 'le', { gateway: lookAlike as any })).toThrow(/^test\/le: gateway must be a SecureGateway/);
    const other = chart();
    const foreign = gateway(other);
    expect(() => new AcmeClusterIssuer(c, 'le', { gateway: foreign })).toThrow(/^test\/le: gateway must be a SecureGateway/);
    expect(c.node.children).toHaveLength(0);
  });

  test('the solver of a real gateway is its HTTP listener', () => {
    const c = chart();
    const gw = gateway(c);
    new AcmeClusterIssuer(c, 'le', { gateway: gw });
    const issuer = findObject(synthValid(c), 'ClusterIssuer', 'le').spec.acme;
    expect(issuer.solvers[0].http01.gatewayHTTPRoute.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'edge', sectionName: 'http' },
    ]);
  });

  test('an email getter that answers another value after the check: the issuer carries the checked address', () => {
    const c = chart();
    new AcmeClusterIssuer(c, 'le', flipping({}, 'email', 'ops@example.com', 'not an address', 2));
    expect(findObject(synthValid(c), 'ClusterIssuer', 'le').spec.acme.email).toBe('ops@example.com');
  });
});

describe('flags that widen are booleans, never truthy strings', () => {
  test('PrivateCertificateAuthority clusterWide "false" is refused: it made a ClusterIssuer every namespace could use', () => {
    const c = chart();
    expect(() => new PrivateCertificateAuthority(c, 'ca', { commonName: 'shop CA', clusterWide: 'false' as any }))
      .toThrow(/^test\/ca: clusterWide must be true or false \("false"\)/);
    expect(c.node.children).toHaveLength(0);
    new PrivateCertificateAuthority(c, 'ca', { commonName: 'shop CA' });
    const objects = synthValid(c);
    expect(objectsOfKind(objects, 'ClusterIssuer')).toEqual([]);
    expect(findObject(objects, 'Issuer', 'ca', 'shop').spec).toEqual({ ca: { secretName: 'ca-ca' } });
  });

  test.each([
    ['IssuerReference.clusterIssuer', () => IssuerReference.clusterIssuer('le', { acmeHttp01: 'false' as any })],
    ['IssuerReference.issuer', () => IssuerReference.issuer('le', { acmeHttp01: 'no' as any })],
    ['IssuerReference.clusterIssuer with null options', () => IssuerReference.clusterIssuer('le', null as any)],
  ])('%s refuses a non-boolean acmeHttp01 (it admitted the edge to the ACME solver pods)', (where, make) => {
    expect(make).toThrow(new RegExp(`^${where.split(' ')[0]}: (acmeHttp01 must be true or false|options must be an object)`));
  });

  test.each([[false, false], [true, true]])('an issuer reference with acmeHttp01 %s admits the edge to solver pods: %s', (acmeHttp01, admitted) => {
    const c = chart();
    const web = backend(c);
    new SecureIngress(c, 'pub', {
      host: 'shop.example.com',
      backend: web,
      port: Port.tcp(8080),
      controller: IngressController.ingressNginx(),
      tls: TlsSource.issuerReference(IssuerReference.clusterIssuer('issuer', { acmeHttp01 })),
    });
    const policies = JSON.stringify(objectsOfKind(synthValid(c), 'NetworkPolicy'));
    expect(policies.includes('"acme.cert-manager.io/http01-solver":"true"')).toBe(admitted);
  });
});

describe('MeshMtls builds from what it checked', () => {
  test('meshWide and mode getters that change after the check cannot turn one namespace\'s STRICT into a mesh-wide PERMISSIVE', () => {
    const c = chart();
    let props: any = {};
    props = flipping(props, 'meshWide', false, 'yes');
    props = flipping(props, 'mode', MtlsMode.STRICT, MtlsMode.PERMISSIVE);
    props = flipping(props, 'allowPlaintext', undefined, true);
    const mesh = new MeshMtls(c, 'mesh', props);
    expect(mesh.meshWide).toBe(false);
    expect(mesh.mode).toBe(MtlsMode.STRICT);
    const peerAuthentications = objectsOfKind(synthValid(c), 'PeerAuthentication');
    expect(peerAuthentications).toHaveLength(1);
    expect(peerAuthentications[0].metadata).toEqual({ name: 'mesh', namespace: 'shop' });
    expect(peerAuthentications[0].spec).toEqual({ mtls: { mode: 'STRICT' } });
  });
});

describe('a TlsSource is used as its factories made it', () => {
  test('a TlsSource whose Secret namespace is changed from JavaScript is checked again: no ReferenceGrant for an invalid namespace', () => {
    const c = chart();
    const tls = TlsSource.existingSecret('wildcard-tls', { namespace: 'certs' });
    (tls as any).secretNamespace = 'Kube_System';
    expect(() => gateway(c, { clusterIssuer: undefined, tls })).toThrow(/namespace/);
    expect(c.node.children).toHaveLength(0);
  });

  test('a TlsSource with both an issuer and a Secret (changed from JavaScript) is refused', () => {
    const c = chart();
    const tls = TlsSource.clusterIssuer('letsencrypt-prod');
    (tls as any).secretName = 'stolen';
    (tls as any).secretNamespace = 'kube-system';
    expect(() => gateway(c, { clusterIssuer: undefined, tls })).toThrow(/^test\/gw: tls is not a TlsSource its factories made/);
    expect(c.node.children).toHaveLength(0);
  });

  test('a tls getter that answers another source after the check: the gateway uses the checked one', () => {
    const c = chart();
    const checked = TlsSource.existingSecret('wildcard-tls', { namespace: 'certs' });
    const props = flipping({ namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() },
      'tls', checked, TlsSource.existingSecret('db-credentials', { namespace: 'kube-system' }), 1);
    const gw = new SecureGateway(c, 'gw', props);
    expect(gw.tls.secretName).toBe('wildcard-tls');
    const grant = objectsOfKind(synthValid(c), 'ReferenceGrant');
    expect(grant).toHaveLength(1);
    expect(grant[0].metadata.namespace).toBe('certs');
    expect(grant[0].spec.to).toEqual([{ group: '', kind: 'Secret', name: 'wildcard-tls' }]);
    expect(grant[0].spec.from).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'edge' }]);
  });
});

describe('Reachability: a DNS-01 edge reaches the backend on its port and nothing else', () => {
  test('with acmeHttp01 false the controller reaches the web pods on 8080 only, and never the solver pods', () => {
    const c = chart();
    new NamespaceIsolation(c, 'baseline');
    const web = backend(c);
    new SecureIngress(c, 'pub', {
      host: 'shop.example.com',
      backend: web,
      port: Port.tcp(8080),
      controller: IngressController.ingressNginx(),
      tls: TlsSource.issuerReference(IssuerReference.clusterIssuer('dns01', { acmeHttp01: false })),
    });
    const pod = (name: string, namespace: string, labels: { [key: string]: string }) => new ApiObject(c, `pod-${namespace}-${name}`, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'main', image: 'registry.example/x:1' }] },
    });
    pod('controller', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
    pod('cm-acme-http-solver-x', 'shop', { 'acme.cert-manager.io/http01-solver': 'true' });
    synthValid(c);
    const r = Reachability.fromChart(c);
    const controller = { namespace: 'ingress-nginx', pod: 'controller' };
    expect(r.isAllowed(controller, { namespace: 'shop', pod: 'web' }, Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(controller, { namespace: 'shop', pod: 'web' }, Port.tcp(8081))).toBe(false);
    expect(r.flows().filter((f) => f.destination === 'shop/web').map((f) => `${f.source} ${f.description}`)).toEqual(['ingress-nginx/controller TCP 8080']);
    expect(r.isAllowed(controller, { namespace: 'shop', pod: 'cm-acme-http-solver-x' }, Port.tcp(8089))).toBe(false);
    expect(r.flows().filter((f) => f.destination === 'shop/cm-acme-http-solver-x')).toEqual([]);
  });
});

describe('MeshInjection cannot be changed after MeshMtls reads it', () => {
  test('its namespace labels and data-plane flag are frozen', () => {
    const injection = MeshInjection.sidecar();
    expect(() => {
      (injection.namespaceLabels as any)['istio-injection'] = 'disabled';
    }).toThrow(TypeError);
    expect(() => {
      (injection as any)._isAmbient = true;
    }).toThrow(TypeError);
    const c = chart();
    new NamespaceIsolation(c, 'baseline', { createNamespace: true });
    new MeshMtls(c, 'mesh', { injection });
    expect(findObject(synthValid(c), 'Namespace', 'shop').metadata.labels).toMatchObject({ 'istio-injection': 'enabled' });
  });
});

describe('a SecureIngress\'s public lists are copies', () => {
  test('changing ingress.hosts after construction does not hide a second route of the same host and path', () => {
    const c = chart();
    const web = backend(c);
    const evil = new IsolatedTier(c, 'evil', { podLabels: { app: 'evil' }, ports: [Port.tcp(8080)] });
    const first = new SecureIngress(c, 'pub', {
      host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx(),
    });
    first.hosts.splice(0, 1, 'other.example.com');
    first.paths.splice(0, 1, '/other');
    expect(() => new SecureIngress(c, 'pub2', {
      host: 'shop.example.com', backend: evil, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx(),
    })).toThrow(/^test\/pub2: host and path are already routed by test\/pub to tier shop\/web \("shop.example.com\/"\)/);
    const ingress = findObject(synthValid(c), 'Ingress', 'pub', 'shop');
    expect(ingress.spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => p.path)])).toEqual([['shop.example.com', ['/']]]);
  });
});

describe('an edge\'s pods and ports cannot be changed after they are checked', () => {
  test('IngressController podLabels, containerPorts and webhookPorts are frozen', () => {
    const controller = IngressController.ingressNginx();
    expect(() => {
      delete (controller.podLabels as any)['app.kubernetes.io/name'];
    }).toThrow(TypeError);
    expect(() => controller.containerPorts!.push(Port.allTraffic())).toThrow(TypeError);
    expect(() => controller.webhookPorts.push(Port.allTraffic())).toThrow(TypeError);
    expect(controller.podLabels).toEqual({ 'app.kubernetes.io/name': 'ingress-nginx' });
    expect(controller.containerPorts!.map(String)).toEqual(['TCP 80', 'TCP 443']);
  });

  test('SecureGateway.dataPlaneLabels is frozen', () => {
    const gw = gateway(chart());
    expect(() => {
      (gw.dataPlaneLabels as any)['gateway.envoyproxy.io/owning-gateway-name'] = 'other';
    }).toThrow(TypeError);
    expect(gw.dataPlaneLabels).toEqual({ 'gateway.envoyproxy.io/owning-gateway-name': 'gw', 'gateway.envoyproxy.io/owning-gateway-namespace': 'edge' });
  });
});
