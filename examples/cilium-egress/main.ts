/*
 * FQDN egress without a service mesh: Cilium's DNS-aware policy enforces the names, so the pods need no
 * sidecar and the NetworkPolicies never open the FQDN ports to public addresses.
 *
 *   checkout --TCP 443--> api.stripe.com, *.ingest.sentry.io   (by name: Cilium toFQDNs)
 *   checkout --TCP 5432--> ledger (namespace data)
 *   exporter --TCP 443--> *.s3.eu-west-1.amazonaws.com         (by name: Cilium toFQDNs)
 *   exporter --TCP 22--> 198.51.100.0/24                        (the bank's SFTP servers, by address)
 *
 * Every pod resolves names through the cluster DNS; the CiliumNetworkPolicies send those lookups through
 * Cilium's DNS proxy, which is how Cilium learns the addresses behind the allowed names. Nothing else
 * leaves these pods. The cluster's CNI must be Cilium.
 *
 * Run `npx cdk8s synth` in this folder; the YAML lands in dist/cilium-egress.k8s.yaml.
 */
import { App, Chart } from 'cdk8s';
import { Destination, FqdnEnforcement, IsolatedTier, NamespaceIsolation, Port, RestrictedEgress } from 'cdk8s-netsec';

/** Builds the example into `app` and returns its chart. */
export function buildCiliumEgress(app: App): Chart {
  const chart = new Chart(app, 'cilium-egress', { namespace: 'payments' });

  new NamespaceIsolation(chart, 'payments-baseline', { createNamespace: true });
  new NamespaceIsolation(chart, 'data-baseline', { namespace: 'data', createNamespace: true });

  const checkout = new IsolatedTier(chart, 'checkout', { podLabels: { app: 'checkout' }, ports: [Port.tcp(8080)] });
  // The exporter is a batch job outside any mesh: only a CNI can enforce its names.
  const exporter = new IsolatedTier(chart, 'exporter', { podLabels: { app: 'exporter' }, inMesh: false });
  const ledger = new IsolatedTier(chart, 'ledger', { podLabels: { app: 'ledger' }, namespace: 'data', ports: [Port.tcp(5432)] });
  ledger.expose();

  new RestrictedEgress(chart, 'checkout-egress', {
    tier: checkout,
    fqdnEnforcement: FqdnEnforcement.CILIUM,
    allow: [
      Destination.fqdn('api.stripe.com', Port.tcp(443)),
      Destination.fqdn('*.ingest.sentry.io', Port.tcp(443)),
      Destination.tier(ledger, Port.tcp(5432)),
    ],
  });

  new RestrictedEgress(chart, 'exporter-egress', {
    tier: exporter,
    fqdnEnforcement: FqdnEnforcement.CILIUM,
    allow: [
      Destination.fqdn('*.s3.eu-west-1.amazonaws.com', Port.tcp(443)),
      Destination.cidr('198.51.100.0/24', Port.tcp(22)),
    ],
  });
  return chart;
}

if (require.main === module) {
  const app = new App();
  buildCiliumEgress(app);
  app.synth();
}
