/*
 * Everything together: a shop in two namespaces, meshed, with a public HTTPS entry point and an egress
 * allowlist.
 *
 *   internet --HTTPS--> ingress-nginx --TCP 8080--> web (shop)
 *   web (shop) --TCP 9090--> api (shop) --TCP 5432--> db (data)
 *   api (shop) --TLS 443--> api.stripe.com            (by name, through the Istio sidecar)
 *
 * Both namespaces deny by default, are labelled for sidecar injection, require STRICT mTLS, and authorize
 * each call by the caller's service account: the same flows at L4 (NetworkPolicy) and L7 (Istio).
 *
 * Run `npx cdk8s synth` in this folder; the YAML lands in dist/complete.k8s.yaml.
 */
import { App, Chart } from 'cdk8s';
import {
  AcmeClusterIssuer, Destination, FqdnEnforcement, IngressController, IsolatedTier, MeshMtls, MtlsMode, NamespaceIsolation,
  Port, RestrictedEgress, SecureIngress, TlsSource,
} from 'cdk8s-netsec';

/** Builds the example into `app` and returns its charts (shop first, then data). */
export function buildComplete(app: App): Chart[] {
  const shop = new Chart(app, 'complete', { namespace: 'shop' });
  const data = new Chart(app, 'complete-data', { namespace: 'data' });

  new NamespaceIsolation(shop, 'shop-baseline', { createNamespace: true });
  new NamespaceIsolation(data, 'data-baseline', { createNamespace: true });

  const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
  const db = new IsolatedTier(data, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)], serviceAccountName: 'db' });

  api.allowFrom(web, Port.tcp(9090));
  api.expose();
  db.allowFrom(api, Port.tcp(5432));
  db.expose();

  const letsencrypt = new AcmeClusterIssuer(shop, 'letsencrypt', { email: 'ops@example.com' });
  new SecureIngress(shop, 'public', {
    host: 'shop.example.com',
    backend: web,
    port: Port.tcp(8080),
    tls: TlsSource.issuerReference(letsencrypt.issuer),
    // Retired upstream; the mesh learns its service account (ingress-nginx) from here.
    controller: IngressController.ingressNginx(),
  });

  new RestrictedEgress(shop, 'api-egress', {
    tier: api,
    fqdnEnforcement: FqdnEnforcement.ISTIO,
    allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))],
  });

  new MeshMtls(shop, 'mesh', { mode: MtlsMode.STRICT });
  new MeshMtls(data, 'mesh', { mode: MtlsMode.STRICT });
  return [shop, data];
}

if (require.main === module) {
  const app = new App();
  buildComplete(app);
  app.synth();
}
