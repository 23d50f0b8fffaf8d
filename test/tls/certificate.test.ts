import { Chart, Duration, Testing } from 'cdk8s';
import { IssuerKind, IssuerReference, KeyAlgorithm, TlsCertificate } from '../../src/tls/certificate';
import { findObject, objectsOfKind, synthValid } from '../util';

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'shop' });
}

describe('TlsCertificate', () => {
  test('secure defaults: ECDSA P-256, a new key on every renewal, 90 days renewed 30 days before expiry', () => {
    const c = chart();
    const cert = new TlsCertificate(c, 'api-tls', {
      dnsNames: ['api.shop.svc', 'api.shop.svc.cluster.local'],
      issuer: IssuerReference.clusterIssuer('internal-ca'),
    });
    const objects = synthValid(c);
    const spec = findObject(objects, 'Certificate', 'api-tls', 'shop').spec;
    expect(spec.privateKey).toEqual({ algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' });
    expect(spec.duration).toBe('2160h');
    expect(spec.renewBefore).toBe('720h');
    expect(spec.dnsNames).toEqual(['api.shop.svc', 'api.shop.svc.cluster.local']);
    expect(spec.secretName).toBe('api-tls-tls');
    expect(spec.secretName).toBe(cert.secretName);
    expect(spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'internal-ca' });
    expect(spec.isCA).toBeUndefined();
    expect(objects).toMatchSnapshot();
  });

  test('options set the key, lifetime, names and CA flag', () => {
    const c = chart();
    new TlsCertificate(c, 'ca', {
      name: 'root',
      secretName: 'root-ca',
      commonName: 'shop root CA',
      certificateAuthority: true,
      issuer: IssuerReference.issuer('selfsigned', { namespace: 'shop' }),
      keyAlgorithm: KeyAlgorithm.RSA_3072,
      duration: Duration.days(365),
      renewBefore: Duration.minutes(90),
      ipAddresses: ['10.0.0.10'],
    });
    const spec = findObject(synthValid(c), 'Certificate', 'root', 'shop').spec;
    expect(spec).toMatchObject({
      commonName: 'shop root CA',
      isCA: true,
      secretName: 'root-ca',
      ipAddresses: ['10.0.0.10'],
      privateKey: { algorithm: 'RSA', size: 3072, rotationPolicy: 'Always' },
      duration: '8760h',
      renewBefore: '1h30m',
      issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'selfsigned' },
    });
  });

  test.each([
    [KeyAlgorithm.ECDSA_P256, 'ECDSA', 256],
    [KeyAlgorithm.ECDSA_P384, 'ECDSA', 384],
    [KeyAlgorithm.RSA_2048, 'RSA', 2048],
    [KeyAlgorithm.RSA_3072, 'RSA', 3072],
    [KeyAlgorithm.RSA_4096, 'RSA', 4096],
  ])('keyAlgorithm %s emits privateKey algorithm %s, size %d, rotated on every renewal', (keyAlgorithm, algorithm, size) => {
    const c = chart();
    new TlsCertificate(c, 'tls', { dnsNames: ['shop.example.com'], issuer: IssuerReference.clusterIssuer('ca'), keyAlgorithm });
    expect(findObject(synthValid(c), 'Certificate', 'tls', 'shop').spec.privateKey).toEqual({ algorithm, size, rotationPolicy: 'Always' });
  });

  test('an Issuer of another namespace cannot sign', () => {
    expect(() => new TlsCertificate(chart(), 'tls', {
      dnsNames: ['shop.example.com'], issuer: IssuerReference.issuer('ca', { namespace: 'data' }),
    })).toThrow(/^test\/tls: Issuer data\/ca cannot sign a Certificate in namespace shop.*\("Issuer data\/ca"\)\. Put the Certificate in the Issuer's namespace/);
  });

  test.each([
    [{ dnsNames: [] }, /names no subject/],
    [{ dnsNames: ['Shop.example.com'] }, /dnsNames entry must be lower case \("Shop.example.com"\)/],
    [{ dnsNames: ['a.example.com', 'a.example.com'] }, /lists a name twice/],
    [{ dnsNames: ['a.example.com'], ipAddresses: ['10.0.0.0/8'] }, /ipAddresses entry is not an IP address/],
    [{ dnsNames: ['a.example.com'], duration: Duration.minutes(30) }, /duration is shorter than the one hour/],
    [{ dnsNames: ['a.example.com'], renewBefore: Duration.minutes(1) }, /renewBefore is shorter than the five minutes/],
    [{ dnsNames: ['a.example.com'], duration: Duration.days(10), renewBefore: Duration.days(10) }, /renewBefore is not shorter than duration, .*\("240h >= 240h"\)/],
    [{ dnsNames: ['a.example.com'], duration: Duration.millis(3600500) }, /duration must be a Duration of whole seconds/],
    [{ dnsNames: ['a.example.com'], secretName: 'Bad_Name' }, /secretName must be a DNS-1123 subdomain/],
    [{ dnsNames: ['a.example.com'], keyAlgorithm: 'ED25519' }, /^test\/tls: keyAlgorithm is not a KeyAlgorithm \("ED25519"\)\. Use KeyAlgorithm.ECDSA_P256/],
  ])('rejects bad input %#, leaving nothing in the tree; a retry with the same id works', (props, message) => {
    const c = chart();
    expect(() => new TlsCertificate(c, 'tls', { issuer: IssuerReference.clusterIssuer('ca'), ...props } as any))
      .toThrow(message as RegExp);
    expect(c.node.tryFindChild('tls')).toBeUndefined();
    new TlsCertificate(c, 'tls', { issuer: IssuerReference.clusterIssuer('ca'), dnsNames: ['a.example.com'] });
    expect(objectsOfKind(Testing.synth(c), 'Certificate')).toHaveLength(1);
  });

  test('two Certificates writing one Secret fail validation with both paths', () => {
    const c = chart();
    const issuer = IssuerReference.clusterIssuer('ca');
    new TlsCertificate(c, 'one', { dnsNames: ['a.example.com'], issuer, secretName: 'shared' });
    new TlsCertificate(c, 'two', { dnsNames: ['b.example.com'], issuer, secretName: 'shared' });
    expect(() => Testing.synth(c)).toThrow(/test\/two: Secret name is already used in namespace shop by test\/one \("shared"\)/);
  });
});

describe('IssuerReference', () => {
  test('knows its kind, namespace and whether it solves ACME HTTP-01', () => {
    const cluster = IssuerReference.clusterIssuer('letsencrypt-prod', { acmeHttp01: true });
    expect(cluster.kind).toBe(IssuerKind.CLUSTER_ISSUER);
    expect(cluster.acmeHttp01).toBe(true);
    expect(cluster.namespace).toBeUndefined();
    expect(cluster.toString()).toBe('ClusterIssuer letsencrypt-prod');
    const namespaced = IssuerReference.issuer('ca', { namespace: 'shop' });
    expect(namespaced.kind).toBe(IssuerKind.ISSUER);
    expect(namespaced.acmeHttp01).toBe(false);
    expect(namespaced.toString()).toBe('Issuer shop/ca');
  });

  test('rejects invalid names', () => {
    expect(() => IssuerReference.clusterIssuer('Lets_Encrypt')).toThrow(/^IssuerReference.clusterIssuer: issuer name must be a DNS-1123 subdomain/);
    expect(() => IssuerReference.issuer('ca', { namespace: 'Shop' })).toThrow(/^IssuerReference.issuer: namespace name/);
  });
});
