/*
 * The classic three-tier application: a public web frontend, an API, and a database in its own
 * namespace. Every namespace denies by default; each tier accepts only its callers on its port.
 *
 *   web (shop) --TCP 9090--> api (shop) --TCP 5432--> db (data)
 *
 * Run `npx cdk8s synth` in this folder; the YAML lands in dist/three-tier.k8s.yaml.
 */
import { App, Chart } from 'cdk8s';
import { IsolatedTier, NamespaceIsolation, Peer, Port } from 'cdk8s-netsec';

/** Builds the example into `app` and returns its chart. */
export function buildThreeTier(app: App): Chart {
  const chart = new Chart(app, 'three-tier', { namespace: 'shop' });

  new NamespaceIsolation(chart, 'shop-baseline', { createNamespace: true });
  new NamespaceIsolation(chart, 'data-baseline', { namespace: 'data', createNamespace: true });

  const web = new IsolatedTier(chart, 'web', {
    podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web',
  });
  const api = new IsolatedTier(chart, 'api', {
    podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api',
  });
  const db = new IsolatedTier(chart, 'db', {
    podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)], serviceAccountName: 'db',
  });

  // The ingress controller reaches the frontend; the API calls a payment provider outside the cluster.
  web.allowFrom(Peer.pods({ 'app.kubernetes.io/name': 'ingress-nginx' }, 'ingress-nginx'), Port.tcp(8080));
  api.allowFrom(web, Port.tcp(9090));
  db.allowFrom(api, Port.tcp(5432));
  api.allowTo(Peer.ipBlock('203.0.113.0/24'), Port.tcp(443));

  // A ClusterIP Service per tier, on the tier's port: clients call names, not pod IPs.
  for (const tier of [web, api, db]) tier.expose();
  return chart;
}

if (require.main === module) {
  const app = new App();
  buildThreeTier(app);
  app.synth();
}
