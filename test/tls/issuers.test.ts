import { Chart, Testing, Yaml } from 'cdk8s';
import { Port } from '../../src/core/port';
import { GatewayImplementation } from '../../src/edge/gateway-implementation';
import { IngressController } from '../../src/edge/ingress-controller';
import { SecureGateway } from '../../src/edge/secure-gateway';
import { SecureIngress } from '../../src/edge/secure-ingress';
import { IsolatedTier } from '../../src/tiers/tier';
import { IssuerKind, TlsCertificate } from '../../src/tls/certificate';
import { AcmeClusterIssuer, PrivateCertificateAuthority } from '../../src/tls/issuers';
import { findObject, objectsOfKind, synthValid } from '../util';

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'shop' });
}

describe('AcmeClusterIssuer', () => {
  test('Let\'s Encrypt production, HTTP-01 through the nginx class, solver Service ClusterIP', () => {
    const c = chart();
    const acme = new AcmeClusterIssuer(c, 'letsencrypt', { email: 'ops@example.com' });
    const objects = synthValid(c);
    const issuer = findObject(objects, 'ClusterIssuer', 'letsencrypt');
    expect(issuer.metadata.namespace).toBeUndefined();
    expect(issuer.spec.acme).toEqual({
      server: 'https://acme-v02.api.letsencrypt.org/directory',
      email: 'ops@example.com',
      privateKeySecretRef: { name: 'letsencrypt-account-key' },
      solvers: [{
        http01: {
          ingress: {
            ingressClassName: 'nginx',
            serviceType: 'ClusterIP',
            podTemplate: { metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } } },
          },
        },
      }],
    });
    expect(acme.issuer.kind).toBe(IssuerKind.CLUSTER_ISSUER);
    expect(acme.issuer.name).toBe('letsencrypt');
    expect(acme.issuer.acmeHttp01).toBe(true);
    expect(Yaml.stringify(...objects)).toMatchSnapshot();
  });

  test('needs no namespace: a ClusterIssuer is cluster-scoped', () => {
    const c = new Chart(Testing.app(), 'cluster');
    new AcmeClusterIssuer(c, 'letsencrypt');
    expect(findObject(synthValid(c), 'ClusterIssuer', 'letsencrypt').metadata).toEqual({ name: 'letsencrypt' });
  });

  test('server, class, account key and name are configurable', () => {
    const c = chart();
    new AcmeClusterIssuer(c, 'staging', {
      name: 'le-staging',
      server: AcmeClusterIssuer.LETS_ENCRYPT_STAGING,
      ingressClassName: 'nginx-public',
      accountKeySecretName: 'le-staging-key',
    });
    const acme = findObject(synthValid(c), 'ClusterIssuer', 'le-staging').spec.acme;
    expect(acme.server).toBe('https://acme-staging-v02.api.letsencrypt.org/directory');
    expect(acme.email).toBeUndefined();
    expect(acme.privateKeySecretRef).toEqual({ name: 'le-staging-key' });
    expect(acme.solvers[0].http01.ingress.ingressClassName).toBe('nginx-public');
  });

  test.each([
    [{ server: 'http://acme.example.com/directory' }, /^test\/acme: server must be the https URL of an ACME directory \("http:\/\/acme.example.com\/directory"\)\. Use AcmeClusterIssuer.LETS_ENCRYPT_PRODUCTION/],
    [{ server: 'not a url' }, /server must be the https URL/],
    [{ email: 'ops' }, /email is not an e-mail address \("ops"\)/],
    [{ ingressClassName: 'Nginx' }, /ingressClassName must be a DNS-1123 subdomain/],
    [{ gateway: 'edge' as any }, /^test\/acme: gateway must be a SecureGateway \("edge"\)\. Pass the SecureGateway whose HTTP listener/],
    [{ gateway: 'gateway' as any, ingressClassName: 'nginx' }, /^test\/acme: both ingressClassName and gateway are set \("nginx"\)\. Challenges are solved through one edge/],
  ])('rejects bad input %#, leaving nothing in the tree; a retry with the same id works', (props, message) => {
    const c = chart();
    const gw = new SecureGateway(c, 'edge', { gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'acme' });
    const given = (props as any).gateway === 'gateway' ? { ...props, gateway: gw } : props;
    const before = c.node.findAll().length;
    expect(() => new AcmeClusterIssuer(c, 'acme', given)).toThrow(message);
    expect(c.node.findAll().length).toBe(before);
    new AcmeClusterIssuer(c, 'acme');
  });
});

describe('PrivateCertificateAuthority', () => {
  test('namespaced chain: self-signed Issuer -> CA Certificate -> CA Issuer, all in one namespace', () => {
    const c = chart();
    const ca = new PrivateCertificateAuthority(c, 'internal-ca', { commonName: 'shop internal CA' });
    new TlsCertificate(c, 'api', { dnsNames: ['api.shop.svc'], issuer: ca.issuer });
    const objects = synthValid(c);

    const selfSigned = findObject(objects, 'Issuer', 'internal-ca-selfsigned', 'shop');
    expect(selfSigned.spec).toEqual({ selfSigned: {} });
    const caCert = findObject(objects, 'Certificate', 'internal-ca-ca', 'shop').spec;
    expect(caCert).toMatchObject({
      isCA: true,
      commonName: 'shop internal CA',
      secretName: 'internal-ca-ca',
      issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'internal-ca-selfsigned' },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      duration: '8760h',
      renewBefore: '2880h',
    });
    const caIssuer = findObject(objects, 'Issuer', 'internal-ca', 'shop');
    expect(caIssuer.spec).toEqual({ ca: { secretName: caCert.secretName } });
    const leaf = findObject(objects, 'Certificate', 'api', 'shop').spec;
    expect(leaf.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'internal-ca' });
    expect(ca.issuer.toString()).toBe('Issuer shop/internal-ca');
    expect(Yaml.stringify(...objects)).toMatchSnapshot();
  });

  test('cluster-wide chain keeps the CA certificate in the cluster resource namespace', () => {
    const c = chart();
    const ca = new PrivateCertificateAuthority(c, 'mesh-ca', { commonName: 'mesh CA', clusterWide: true });
    const objects = synthValid(c);
    expect(objectsOfKind(objects, 'Issuer')).toEqual([]);
    expect(findObject(objects, 'ClusterIssuer', 'mesh-ca-selfsigned').spec).toEqual({ selfSigned: {} });
    const caCert = findObject(objects, 'Certificate', 'mesh-ca-ca', 'cert-manager').spec;
    expect(caCert.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'mesh-ca-selfsigned' });
    expect(findObject(objects, 'ClusterIssuer', 'mesh-ca').spec).toEqual({ ca: { secretName: 'mesh-ca-ca' } });
    expect(ca.issuer.kind).toBe(IssuerKind.CLUSTER_ISSUER);
    for (const issuer of objectsOfKind(objects, 'ClusterIssuer')) expect(issuer.metadata.namespace).toBeUndefined();
  });

  test('a namespaced CA cannot sign for another namespace', () => {
    const c = chart();
    const ca = new PrivateCertificateAuthority(c, 'ca', { commonName: 'shop CA' });
    expect(() => new TlsCertificate(c, 'db', { namespace: 'data', dnsNames: ['db.data.svc'], issuer: ca.issuer }))
      .toThrow(/^test\/db: Issuer shop\/ca cannot sign a Certificate in namespace data/);
  });

  test('namespace options must match the scope of the CA', () => {
    expect(() => new PrivateCertificateAuthority(chart(), 'ca', { commonName: 'x', clusterWide: true, namespace: 'shop' }))
      .toThrow(/namespace is set for a cluster-wide CA \("shop"\)/);
    expect(() => new PrivateCertificateAuthority(chart(), 'ca', { commonName: 'x', clusterResourceNamespace: 'cm' }))
      .toThrow(/clusterResourceNamespace is set for a namespaced CA \("cm"\)/);
  });
});

describe('AcmeClusterIssuer and the edge that serves each certificate\'s hosts', () => {
  function shop() {
    const c = chart();
    const web = new IsolatedTier(c, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const gateway = new SecureGateway(c, 'edge', { gatewayClassName: 'istio', implementation: GatewayImplementation.istio(), clusterIssuer: 'letsencrypt' });
    return { c, web, gateway };
  }

  test('an issuer that solves through the nginx class, for a host a gateway serves, is refused at synth naming the fix', () => {
    const { c, web, gateway } = shop();
    new AcmeClusterIssuer(c, 'letsencrypt', { ingressClassName: 'nginx' });
    new SecureIngress(c, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
    expect(() => Testing.synth(c)).toThrow('[test/letsencrypt] test/public: the hosts are served by gateway shop/edge, but ClusterIssuer letsencrypt answers HTTP-01 challenges through ingress class nginx, so the challenge for them can never be answered (["shop.example.com"]). '
      + 'Issue these hosts from an AcmeClusterIssuer bound to gateway shop/edge (gateway: <that SecureGateway>), or serve them through ingress class nginx.');
  });

  test('an issuer bound to the gateway that serves the host: the solver route attaches to the gateway the host\'s route uses', () => {
    const { c, web, gateway } = shop();
    new AcmeClusterIssuer(c, 'letsencrypt', { gateway });
    new SecureIngress(c, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
    const objects = synthValid(c);
    const solverParents = findObject(objects, 'ClusterIssuer', 'letsencrypt').spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs;
    const hostRoute = objectsOfKind(objects, 'HTTPRoute').find((r) => (r.spec.hostnames ?? []).includes('shop.example.com'));
    const key = (ref: any) => `${ref.namespace ?? 'shop'}/${ref.name}`;
    expect(solverParents.map(key)).toEqual(expect.arrayContaining(hostRoute.spec.parentRefs.map(key)));
  });

  test('an issuer for the nginx class and an nginx Ingress agree; another class is refused', () => {
    const c = chart();
    const web = new IsolatedTier(c, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    new AcmeClusterIssuer(c, 'letsencrypt', { ingressClassName: 'public' });
    new SecureIngress(c, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt', controller: IngressController.ingressNginx() });
    expect(() => Testing.synth(c)).toThrow(/\[test\/letsencrypt\] test\/public: the hosts are served by ingress class nginx, but ClusterIssuer letsencrypt answers HTTP-01 challenges through ingress class public/);
    const ok = chart();
    const tier = new IsolatedTier(ok, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    new AcmeClusterIssuer(ok, 'letsencrypt', { ingressClassName: 'nginx' });
    new SecureIngress(ok, 'public', { host: 'shop.example.com', backend: tier, port: Port.tcp(8080), clusterIssuer: 'letsencrypt', controller: IngressController.ingressNginx() });
    expect(() => synthValid(ok)).not.toThrow();
  });
});
