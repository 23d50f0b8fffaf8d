/*
 * Guardrails a platform team sets once for the whole cluster, and one team's app on top of them.
 *
 * The platform chart (no namespace) holds one ClusterIsolation:
 *   - Admin tier: no pod of any guarded namespace reaches the cloud metadata endpoint, whatever a
 *     team's NetworkPolicy says; the monitoring agent is the one named exception.
 *   - Baseline tier: every pod of every guarded namespace is denied ingress and egress except DNS, until
 *     a NetworkPolicy selects it. kube-system is exempt.
 *
 * The shop chart declares tiers without any NamespaceIsolation: under the guardrails every tier counts as
 * isolated, so each flow is written on both sides and nothing else is open.
 *
 *   web --TCP 9090--> api --TCP 5432--> db
 *   agent (namespace monitoring) --TCP 80--> 169.254.169.254    (the named exception, by explicit opt-in)
 *
 * Run `npx cdk8s synth` in this folder; the YAML lands in dist/ (one file per chart).
 */
import { App, Chart } from 'cdk8s';
import { AuditAcceptance, ClusterIsolation, IsolatedTier, MetadataEndpointAccess, Port, RestrictedEgress } from '../../src';

/** Builds the example into `app` and returns its two charts. */
export function buildClusterGuardrails(app: App): { platform: Chart; shop: Chart } {
  const platform = new Chart(app, 'platform');
  new ClusterIsolation(platform, 'guardrails', {
    exemptNamespaces: ['kube-system'],
    metadataEndpointAccess: [MetadataEndpointAccess.pods('monitoring', { app: 'agent' })],
  });

  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
  const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
  const db = new IsolatedTier(shop, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)] });
  api.allowFrom(web, Port.tcp(9090));
  db.allowFrom(api, Port.tcp(5432));
  for (const tier of [api, db]) tier.expose();

  // The agent reads instance metadata: the guardrail lets its NetworkPolicy decide, which opens TCP 80 only.
  const agent = new IsolatedTier(shop, 'agent', { podLabels: { app: 'agent' }, namespace: 'monitoring' });
  new RestrictedEgress(shop, 'agent-egress', { tier: agent, allow: [], allowMetadataEndpoint: true });
  AuditAcceptance.accept(agent, ['NETSEC005'], 'the monitoring agent reads instance metadata; the one named exception of the guardrails');
  return { platform, shop };
}

if (require.main === module) {
  const app = new App();
  buildClusterGuardrails(app);
  app.synth();
}
