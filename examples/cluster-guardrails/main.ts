/*
 * Guardrails a platform team sets once for the whole cluster, with the platform itself inside them.
 *
 * The platform chart (no namespace) holds one ClusterIsolation:
 *   - Admin tier: no pod of any namespace reaches the cloud metadata endpoint, whatever a team's
 *     NetworkPolicy says; the monitoring agent is the one named exception.
 *   - Baseline tier: every pod of every guarded namespace is denied ingress and egress except DNS, until
 *     a NetworkPolicy selects it. Only kube-system is exempt (its documented reason), and only from this
 *     default deny: the metadata deny still applies there.
 *   - Platform components the app relies on, in guarded namespaces, get NetworkPolicies that admit exactly
 *     the flows they need: istiod (the payments mesh), Envoy Gateway's controller and the gateway's Envoy
 *     pods, cert-manager's controller, webhook and CA injector. They reach the API server at the
 *     addresses given.
 *
 * The teams' charts declare tiers without any NamespaceIsolation: under the guardrails every tier counts as
 * isolated, so each flow is written on both sides and nothing else is open.
 *
 *   internet --HTTPS--> Envoy (envoy-gateway-system) --TCP 8080--> web (shop)      shop.example.com
 *   web --TCP 9090--> api --TCP 5432--> db                                           (shop)
 *   checkout --TCP 8443--> ledger                              (payments, in the mesh: mTLS STRICT)
 *   agent (namespace monitoring) --TCP 80--> 169.254.169.254   (the named exception, by explicit opt-in)
 *
 * Run `npx cdk8s synth` in this folder; the YAML lands in dist/ (one file per chart).
 */
import { App, Chart } from 'cdk8s';
import {
  AcmeClusterIssuer, AuditAcceptance, ClusterIsolation, GatewayImplementation, IsolatedTier, MeshMtls, MetadataEndpointAccess,
  MtlsMode, NetsecAudit, Port, RestrictedEgress, SecureGateway, SecureIngress,
} from 'cdk8s-netsec';

/** The charts of the example. */
export interface ClusterGuardrailsCharts {
  readonly platform: Chart;
  readonly shop: Chart;
  readonly payments: Chart;
}

/** Builds the example into `app` and returns its charts. */
export function buildClusterGuardrails(app: App): ClusterGuardrailsCharts {
  const platform = new Chart(app, 'platform');
  new ClusterIsolation(platform, 'guardrails', {
    exemptNamespaces: ['kube-system'],
    // The kubernetes Service's endpoints (kubectl get endpointslices -l kubernetes.io/service-name=kubernetes).
    apiServerAddresses: ['10.0.0.0/28'],
    metadataEndpointAccess: [MetadataEndpointAccess.pods('monitoring', { app: 'agent' })],
  });
  new NetsecAudit(platform, 'audit'); // fails synthesis on any unaccepted finding of HIGH or above (the default)

  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
  const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
  const db = new IsolatedTier(shop, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)] });
  api.allowFrom(web, Port.tcp(9090));
  db.allowFrom(api, Port.tcp(5432));
  for (const tier of [web, api, db]) tier.expose();

  // The public edge: Envoy Gateway runs the proxies in envoy-gateway-system; Let's Encrypt proves the host
  // through the gateway's HTTP listener.
  const gateway = new SecureGateway(shop, 'edge', {
    namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt',
  });
  new AcmeClusterIssuer(shop, 'letsencrypt', { email: 'ops@example.com', gateway });
  new SecureIngress(shop, 'web-edge', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });

  // The agent reads instance metadata: the guardrail lets its NetworkPolicy decide, which opens TCP 80 only.
  const agent = new IsolatedTier(shop, 'agent', { podLabels: { app: 'agent' }, namespace: 'monitoring' });
  new RestrictedEgress(shop, 'agent-egress', { tier: agent, allow: [], allowMetadataEndpoint: true });
  AuditAcceptance.accept(agent, ['NETSEC005'], 'the monitoring agent reads instance metadata; the one named exception of the guardrails');

  // A team in the mesh: sidecars reach istiod in the guarded istio-system.
  const payments = new Chart(app, 'payments', { namespace: 'payments' });
  const checkout = new IsolatedTier(payments, 'checkout', {
    podLabels: { app: 'checkout' }, ports: [Port.tcp(8080)], serviceAccountName: 'checkout',
  });
  const ledger = new IsolatedTier(payments, 'ledger', { podLabels: { app: 'ledger' }, ports: [Port.tcp(8443)], serviceAccountName: 'ledger' });
  ledger.allowFrom(checkout, Port.tcp(8443));
  for (const tier of [checkout, ledger]) tier.expose();
  new MeshMtls(payments, 'mesh', { mode: MtlsMode.STRICT });
  return { platform, shop, payments };
}

if (require.main === module) {
  const app = new App();
  buildClusterGuardrails(app);
  app.synth();
}
