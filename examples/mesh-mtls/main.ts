/*
 * The three-tier application inside an Istio mesh: the same declared flows drive the NetworkPolicies
 * (L4) and Istio's mutual TLS and AuthorizationPolicies (identity), so each flow is enforced twice.
 *
 *   ingress-nginx --TCP 8080--> web (shop) --TCP 9090--> api (shop) --TCP 5432--> db (data)
 *   prometheus (monitoring, outside the mesh) --TCP 9102, plaintext--> api metrics
 *
 * Both namespaces get STRICT mTLS, a default-deny AuthorizationPolicy, one ALLOW policy per receiving
 * tier naming its callers' service accounts, sidecar injection, and egress to istiod on TCP 15012.
 *
 * Run `npx cdk8s synth` in this folder; the YAML lands in dist/mesh-mtls.k8s.yaml.
 */
import { App, Chart } from 'cdk8s';
import { AuditAcceptance, IsolatedTier, MeshMtls, MtlsMode, NamespaceIsolation, Peer, Port } from 'cdk8s-netsec';

/** Builds the example into `app` and returns its chart. */
export function buildMeshMtls(app: App): Chart {
  const chart = new Chart(app, 'mesh-mtls', { namespace: 'shop' });

  new NamespaceIsolation(chart, 'shop-baseline', { createNamespace: true });
  new NamespaceIsolation(chart, 'data-baseline', { namespace: 'data', createNamespace: true });

  const web = new IsolatedTier(chart, 'web', {
    podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web',
  });
  const api = new IsolatedTier(chart, 'api', {
    podLabels: { app: 'api' }, ports: [Port.tcp(9090), Port.tcp(9102)], serviceAccountName: 'api',
  });
  const db = new IsolatedTier(chart, 'db', {
    podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)], serviceAccountName: 'db',
  });

  const ingressController = Peer.pods({ 'app.kubernetes.io/name': 'ingress-nginx' }, 'ingress-nginx');
  web.allowFrom(ingressController, Port.tcp(8080));
  api.allowFrom(web, Port.tcp(9090));
  db.allowFrom(api, Port.tcp(5432));
  api.allowTo(Peer.ipBlock('203.0.113.0/24'), Port.tcp(443));
  api.allowFrom(Peer.pods({ 'app.kubernetes.io/name': 'prometheus' }, 'monitoring'), Port.tcp(9102));

  for (const tier of [web, api, db]) tier.expose();
  const mesh = new MeshMtls(chart, 'shop-mesh', {
    mode: MtlsMode.STRICT,
    // The controller runs in the mesh as the ingress-nginx service account: authorize it by principal.
    identities: [{ peer: ingressController, serviceAccountName: 'ingress-nginx' }],
    // Prometheus scrapes in plaintext, so the metrics port accepts it without mTLS.
    portExceptions: [{ workload: api, ports: [Port.tcp(9102)], mode: MtlsMode.PERMISSIVE }],
  });
  AuditAcceptance.accept(mesh, ['NETSEC009'], 'Prometheus scrapes the metrics port from outside the mesh');
  new MeshMtls(chart, 'data-mesh', { namespace: 'data' });
  return chart;
}

if (require.main === module) {
  const app = new App();
  buildMeshMtls(app);
  app.synth();
}
