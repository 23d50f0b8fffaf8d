/*
 * A public site behind TLS with a private backend, in one default-deny namespace.
 *
 *   internet --HTTPS--> ingress-nginx --TCP 8080--> site --TCP 9090--> catalog
 *
 * The site is published at example.com and www.example.com through ingress-nginx, with a Let's Encrypt
 * certificate that cert-manager issues and renews (HTTP-01). Only the controller's pods reach the site,
 * only on 8080; only the site reaches the catalog API, which has a ClusterIP Service and no way in from
 * outside.
 *
 * Run `npx cdk8s synth` in this folder; the YAML lands in dist/public-web.k8s.yaml.
 */
import { App, Chart } from 'cdk8s';
import { AcmeClusterIssuer, IngressController, IsolatedTier, NamespaceIsolation, Port, SecureIngress, TlsSource } from 'cdk8s-netsec';

/** Builds the example into `app` and returns its chart. */
export function buildPublicWeb(app: App): Chart {
  const chart = new Chart(app, 'public-web', { namespace: 'storefront' });

  new NamespaceIsolation(chart, 'storefront-baseline', { createNamespace: true });

  const site = new IsolatedTier(chart, 'site', {
    podLabels: { app: 'site' }, ports: [Port.tcp(8080)], serviceAccountName: 'site',
  });
  const catalog = new IsolatedTier(chart, 'catalog', {
    podLabels: { app: 'catalog' }, ports: [Port.tcp(9090)], serviceAccountName: 'catalog',
  });

  // The private backend: a ClusterIP Service, reachable from the site only.
  catalog.allowFrom(site, Port.tcp(9090));
  catalog.expose();

  // The public entry point: TLS at ingress-nginx, a Let's Encrypt certificate, HTTP redirected to HTTPS.
  const letsencrypt = new AcmeClusterIssuer(chart, 'letsencrypt', { email: 'ops@example.com' });
  new SecureIngress(chart, 'public', {
    hosts: ['example.com', 'www.example.com'],
    backend: site,
    port: Port.tcp(8080),
    tls: TlsSource.issuerReference(letsencrypt.issuer),
    // The edge is always named; ingress-nginx is retired upstream (see examples/gateway-edge for Gateway API).
    controller: IngressController.ingressNginx(),
  });
  return chart;
}

if (require.main === module) {
  const app = new App();
  buildPublicWeb(app);
  app.synth();
}
