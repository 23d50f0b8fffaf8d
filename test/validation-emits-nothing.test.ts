import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { buildCiliumEgress } from '../examples/cilium-egress/main';
import { buildClusterGuardrails } from '../examples/cluster-guardrails/main';
import { buildComplete } from '../examples/complete/main';
import { buildEgressLockdown } from '../examples/egress-lockdown/main';
import { buildGatewayEdge } from '../examples/gateway-edge/main';
import { buildMeshMtls } from '../examples/mesh-mtls/main';
import { buildPublicWeb } from '../examples/public-web/main';
import { buildThreeTier } from '../examples/three-tier/main';
import {
  AuditAcceptance, AuditSeverity, GatewayImplementation, IngressController, IsolatedTier, MeshMtls, NamespaceIsolation, NetsecAudit, Peer, Port,
  SecureGateway, SecureIngress,
} from '../src';

/*
 * Validations only report: a whole-tree check (`node.addValidation`) neither adds constructs nor changes
 * an object's metadata. What an app emits is fixed when its constructs are made; what an object says is
 * rendered from the intent model when it renders. So validating an app any number of times leaves it as
 * it was, and synthesizing twice gives the same YAML.
 */

/** The construct paths of the app and the stored metadata of each object (not its rendering). */
function state(app: App): { paths: string[]; metadata: string[] } {
  const all = app.node.findAll();
  return {
    paths: all.map((c) => c.node.path),
    metadata: all.filter(ApiObject.isApiObject).map((o) => `${o.node.path} ${JSON.stringify((o as ApiObject).metadata.toJson())}`),
  };
}

function validateAll(app: App): string[] {
  return app.node.findAll().flatMap((c) => c.node.validate());
}

/** A mesh-wide MeshMtls, edges in a default-deny namespace, acceptances and an audit: the constructs that used to emit while validating. */
function meshWideApp(app: App): void {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new NamespaceIsolation(chart, 'baseline');
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
  const data = new Chart(app, 'data', { namespace: 'data' });
  const db = new IsolatedTier(data, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)], serviceAccountName: 'db' });
  new MeshMtls(chart, 'mesh', { meshWide: true });
  api.allowFrom(web, Port.tcp(9090));
  db.allowFrom(api, Port.tcp(5432));
  api.expose();
  db.expose();
  const edge = new Chart(app, 'edge', { namespace: 'edge' });
  const gateway = new SecureGateway(edge, 'gw', { gatewayClassName: 'istio', implementation: GatewayImplementation.istio(), clusterIssuer: 'letsencrypt-prod' });
  new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
  new SecureIngress(chart, 'legacy', {
    host: 'legacy.example.com',
    backend: api,
    port: Port.tcp(9090),
    clusterIssuer: 'letsencrypt-prod',
    controller: IngressController.ingressNginx({ serviceAccountName: 'ingress-nginx' }),
  });
  AuditAcceptance.accept(api, ['NETSEC004'], 'payment provider publishes no address ranges');
  api.allowTo(Peer.anyIpv4(), Port.tcp(443));
  // The gateway's ACME solver pods have open egress (NETSEC005): a finding of the fixture, not of the check.
  new NetsecAudit(chart, 'audit', { failOn: AuditSeverity.CRITICAL, ignore: ['NETSEC005'] });
}

const APPS: [string, (app: App) => unknown][] = [
  ['cilium-egress', buildCiliumEgress],
  ['cluster-guardrails', buildClusterGuardrails],
  ['complete', buildComplete],
  ['egress-lockdown', buildEgressLockdown],
  ['gateway-edge', buildGatewayEdge],
  ['mesh-mtls', buildMeshMtls],
  ['public-web', buildPublicWeb],
  ['three-tier', buildThreeTier],
  ['mesh-wide, edges, acceptances and an audit', meshWideApp],
];

describe('validating an app changes nothing in it', () => {
  test.each(APPS)('%s', (_name, build) => {
    const app = Testing.app();
    build(app);
    const before = state(app);
    expect(validateAll(app)).toEqual([]);
    expect(state(app)).toEqual(before);
    // Synthesizing (which validates once for the app and once per chart) changes nothing either.
    const yaml = app.synthYaml();
    expect(state(app)).toEqual(before);
    expect(app.synthYaml()).toEqual(yaml);
  });
});
