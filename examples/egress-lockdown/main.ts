/*
 * Egress lockdown for a payments namespace: every pod may resolve names and nothing else, then each
 * tier opens exactly the destinations it needs.
 *
 *   checkout --TLS 443--> api.stripe.com, *.ingest.sentry.io   (by name: the Istio sidecar enforces it)
 *   checkout --TCP 5432--> ledger (namespace data)
 *   reporter --TCP 22--> 198.51.100.0/24                        (the bank's SFTP servers)
 *   reporter --TCP 80--> 169.254.169.254                        (node credentials: explicit opt-in)
 *   notifier --TCP 443--> any public address                    (customer webhooks: explicit opt-in)
 *
 * Nothing else leaves these pods: no other address or port, no private range, and no metadata endpoint
 * for checkout and notifier. The payments namespace is labelled for Istio sidecar injection, because
 * the sidecar is what enforces checkout's names.
 *
 * Run `npx cdk8s synth` in this folder; the YAML lands in dist/egress-lockdown.k8s.yaml.
 */
import { App, Chart } from 'cdk8s';
import { AuditAcceptance, Destination, FqdnEnforcement, IsolatedTier, NamespaceIsolation, Port, RestrictedEgress } from 'cdk8s-netsec';

/** Builds the example into `app` and returns its chart. */
export function buildEgressLockdown(app: App): Chart {
  const chart = new Chart(app, 'egress-lockdown', { namespace: 'payments' });

  new NamespaceIsolation(chart, 'payments-baseline', {
    createNamespace: true, namespaceLabels: { 'istio-injection': 'enabled' },
  });
  new NamespaceIsolation(chart, 'data-baseline', { namespace: 'data', createNamespace: true });

  const checkout = new IsolatedTier(chart, 'checkout', {
    podLabels: { app: 'checkout' }, ports: [Port.tcp(8080)], serviceAccountName: 'checkout',
  });
  const reporter = new IsolatedTier(chart, 'reporter', { podLabels: { app: 'reporter' }, serviceAccountName: 'reporter' });
  const notifier = new IsolatedTier(chart, 'notifier', { podLabels: { app: 'notifier' }, serviceAccountName: 'notifier' });
  const ledger = new IsolatedTier(chart, 'ledger', {
    podLabels: { app: 'ledger' }, namespace: 'data', ports: [Port.tcp(5432)], serviceAccountName: 'ledger',
  });
  ledger.expose();

  // Payment and error-reporting APIs by name; the ledger database in its own namespace (both sides written).
  new RestrictedEgress(chart, 'checkout-egress', {
    tier: checkout,
    fqdnEnforcement: FqdnEnforcement.ISTIO,
    allow: [
      Destination.fqdn('api.stripe.com', Port.tcp(443)),
      Destination.fqdn('*.ingest.sentry.io', Port.tcp(443)),
      Destination.tier(ledger, Port.tcp(5432)),
    ],
  });

  // Nightly reports to the bank over SFTP, uploaded with the node's cloud credentials.
  new RestrictedEgress(chart, 'reporter-egress', {
    tier: reporter,
    allow: [Destination.cidr('198.51.100.0/24', Port.tcp(22))],
    allowMetadataEndpoint: true,
  });
  AuditAcceptance.accept(reporter, ['NETSEC005'], 'uploads with the node\'s cloud credentials; reviewed by security');

  // Webhooks go to whatever HTTPS endpoint a customer registers: the public internet on 443 only.
  new RestrictedEgress(chart, 'notifier-egress', {
    tier: notifier,
    allowInternet: true,
    allow: [Destination.internet(Port.tcp(443))],
  });
  AuditAcceptance.accept(notifier, ['NETSEC004'], 'customer webhooks go to any public HTTPS endpoint, on 443 only');
  return chart;
}

if (require.main === module) {
  const app = new App();
  buildEgressLockdown(app);
  app.synth();
}
