import { IssuerKind, IssuerReference } from '../../src/tls/certificate';
import { resolveTlsSource, TlsSource } from '../../src/tls/tls-source';

describe('TlsSource', () => {
  test('clusterIssuer and issuer name an issuer that solves HTTP-01 unless told otherwise', () => {
    const cluster = TlsSource.clusterIssuer('letsencrypt-prod');
    expect([cluster.issuerRef?.kind, cluster.issuerRef?.name, cluster.acmeHttp01, cluster.secretName]).toEqual([IssuerKind.CLUSTER_ISSUER, 'letsencrypt-prod', true, undefined]);
    const ns = TlsSource.issuer('internal-ca', { acmeHttp01: false });
    expect([ns.issuerRef?.kind, ns.issuerRef?.namespace, ns.acmeHttp01]).toEqual([IssuerKind.ISSUER, undefined, false]);
    expect(String(cluster)).toBe('ClusterIssuer letsencrypt-prod');
  });

  test('issuerReference keeps what the reference knows; existingSecret needs no challenge', () => {
    const ref = IssuerReference.clusterIssuer('ca');
    expect(TlsSource.issuerReference(ref).issuerRef).toBe(ref);
    expect(TlsSource.issuerReference(ref).acmeHttp01).toBe(false);
    const secret = TlsSource.existingSecret('shop-tls', { namespace: 'certs' });
    expect([secret.secretName, secret.secretNamespace, secret.acmeHttp01, secret.issuerRef, String(secret)])
      .toEqual(['shop-tls', 'certs', false, undefined, 'Secret certs/shop-tls']);
  });

  test('the shorthand props resolve to the same sources; none given is undefined', () => {
    expect(resolveTlsSource('x', { clusterIssuer: 'le' }, ['clusterIssuer', 'issuer'])?.issuerRef?.name).toBe('le');
    expect(resolveTlsSource('x', { issuer: 'ca', acmeHttp01: false }, ['clusterIssuer', 'issuer'])?.acmeHttp01).toBe(false);
    expect(resolveTlsSource('x', { tlsSecretName: 's' }, ['tlsSecretName'])?.secretName).toBe('s');
    expect(resolveTlsSource('x', {}, ['clusterIssuer', 'issuer', 'tls'])).toBeUndefined();
  });

  describe('bad input fails with the value and the fix', () => {
    test.each<[string, () => unknown, RegExp]>([
      ['an invalid issuer name', () => TlsSource.clusterIssuer('Lets Encrypt'), /^TlsSource.clusterIssuer: name must be a DNS-1123 subdomain.*\("Lets Encrypt"\)\. Use the object's metadata.name/],
      ['a number as issuer name (JavaScript)', () => TlsSource.issuer(7 as any), /^TlsSource.issuer: name must be a string \(7\)/],
      ['acmeHttp01 not a boolean', () => TlsSource.clusterIssuer('le', { acmeHttp01: 'yes' as any }), /^TlsSource.clusterIssuer: acmeHttp01 must be true or false \("yes"\)/],
      ['a reference of another kind', () => TlsSource.issuerReference('le' as any), /^TlsSource.issuerReference: reference must be an IssuerReference \("le"\)\. Pass the issuer of an issuer helper/],
      ['an invalid Secret name', () => TlsSource.existingSecret('shop_tls'), /^TlsSource.existingSecret: name must be a DNS-1123 subdomain.*\("shop_tls"\)/],
      ['an invalid Secret namespace', () => TlsSource.existingSecret('s', { namespace: 'Certs' }), /^TlsSource.existingSecret: .*\("Certs"\)/],
      ['two shorthand sources', () => resolveTlsSource('shop/x', { clusterIssuer: 'a', issuer: 'b' }, ['clusterIssuer', 'issuer']),
        /^shop\/x: more than one TLS source is given \(clusterIssuer, issuer\) \(\{"clusterIssuer":"a","issuer":"b"\}\)\. Pass exactly one of them/],
      ['tls of another kind', () => resolveTlsSource('shop/x', { tls: 'le' as any }, ['tls']), /^shop\/x: tls must be a TlsSource \("le"\)/],
      ['acmeHttp01 next to tls', () => resolveTlsSource('shop/x', { tls: TlsSource.clusterIssuer('a'), acmeHttp01: true }, ['tls']),
        /^shop\/x: acmeHttp01 applies only next to clusterIssuer or issuer \(true\)/],
      ['an invalid shorthand name', () => resolveTlsSource('shop/x', { clusterIssuer: 'A' }, ['clusterIssuer']), /^shop\/x: clusterIssuer must be a DNS-1123 subdomain/],
    ])('%s', (_what, make, message) => {
      expect(make).toThrow(message);
    });
  });
});
