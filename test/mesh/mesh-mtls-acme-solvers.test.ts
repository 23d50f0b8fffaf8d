import { Chart, Testing } from 'cdk8s';
import {
  GatewayImplementation, IngressController, IsolatedTier, MeshInjection, MeshMtls, Port, SecureGateway, SecureIngress,
} from '../../src';
import { meshAllows } from '../composition/istio-policy';
import { Pod } from '../composition/world';
import { checkIstioRules } from '../istio-rules';
import { findObject, objectsOfKind, synthValid } from '../util';

/*
 * MeshMtls and cert-manager's HTTP-01 solver pods (issue 21 item 7, found by the composition property):
 * the namespace's allow-nothing AuthorizationPolicy selects the solver pods too, and under ambient ztunnel
 * enforces it for every pod of the namespace; the edge's identity is let in on the solver port, nothing
 * else. Mesh verdicts come from the composition test's independent Istio evaluator.
 */

const SOLVER_LABELS = { 'acme.cert-manager.io/http01-solver': 'true' };

function synth(chart: Chart): any[] {
  const objects = synthValid(chart);
  objects.filter((o) => o.apiVersion.includes('istio.io')).forEach(checkIstioRules);
  return objects;
}

function app(injection: MeshInjection): Chart {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  new SecureIngress(chart, 'public', {
    host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx(),
  });
  new MeshMtls(chart, 'mesh', { injection });
  return chart;
}

const solver = (mesh: 'ambient' | 'sidecar'): Pod => ({ name: 'solver', namespace: 'shop', labels: SOLVER_LABELS, ports: [{ containerPort: 8089 }], mesh });
const controller: Pod = { name: 'controller', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, serviceAccount: 'ingress-nginx', mesh: 'sidecar' };
const web: Pod = { name: 'web', namespace: 'shop', labels: { app: 'web' }, serviceAccount: 'web', mesh: 'ambient' };
const allows = (objects: any[], source: Pod, destination: Pod, port: number) =>
  meshAllows(objects, { source: { pod: source }, destination: { pod: destination }, protocol: 'TCP', port });

describe('MeshMtls admits the edge to the HTTP-01 solver pods its allow-nothing policy binds', () => {
  test('ambient: an ALLOW policy for the solver pods, from the ingress controller\'s principal on 8089 only', () => {
    const objects = synth(app(MeshInjection.ambient()));
    const policy = findObject(objects, 'AuthorizationPolicy', 'acme-http01-solver', 'shop');
    expect(policy.spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: SOLVER_LABELS },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/ingress-nginx/sa/ingress-nginx'] } }], to: [{ operation: { ports: ['8089'] } }] }],
    });
    expect(allows(objects, controller, solver('ambient'), 8089)).toBe(true);
    expect(allows(objects, controller, solver('ambient'), 8080)).toBe(false);
    expect(allows(objects, web, solver('ambient'), 8089)).toBe(false);
    expect(allows(objects, { ...controller, serviceAccount: 'other' }, solver('ambient'), 8089)).toBe(false);
    // The backend keeps its own ALLOW: the controller on 8080 only.
    expect(allows(objects, controller, web, 8080)).toBe(true);
    expect(allows(objects, controller, web, 8089)).toBe(false);
  });

  test('sidecar: the same ALLOW, for solver pods an issuer lets the injector reach', () => {
    const objects = synth(app(MeshInjection.sidecar()));
    expect(allows(objects, controller, solver('sidecar'), 8089)).toBe(true);
    expect(allows(objects, { ...web, mesh: 'sidecar' }, solver('sidecar'), 8089)).toBe(false);
  });

  test('the solver ALLOW exists only where the mesh writes an allow-nothing policy', () => {
    const chart = app(MeshInjection.ambient());
    new MeshMtls(chart, 'edge-mesh', { namespace: 'other', injection: MeshInjection.ambient() });
    const policies = objectsOfKind(synth(chart), 'AuthorizationPolicy').map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(policies.filter((p) => p.endsWith('acme-http01-solver'))).toEqual(['shop/acme-http01-solver']);
  });

  test('ambient: an edge whose identity the mesh does not know is refused at synth, naming the solver namespace and the fix', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
    const gw = new SecureGateway(chart, 'edge', {
      gatewayClassName: 'proxy',
      clusterIssuer: 'letsencrypt-prod',
      implementation: GatewayImplementation.custom({ namespace: 'proxy-system', podLabels: { app: 'proxy' } }),
    });
    new SecureIngress(chart, 'api-edge', { host: 'api.example.com', backend: api, port: Port.tcp(9090), gateway: gw });
    new MeshMtls(chart, 'mesh', { injection: MeshInjection.ambient() });
    expect(() => Testing.synth(chart)).toThrow('[shop/mesh] shop/acme-http01-solver-shop: under ambient, ztunnel applies the mesh\'s allow-nothing policy to cert-manager\'s HTTP-01 solver pods in namespace shop, '
      + 'and the edge pods app=proxy in namespace proxy-system that must reach them has no identity the mesh knows, so ACME HTTP-01 challenges would fail ("pods app=proxy in namespace proxy-system"). '
      + 'Name the edge\'s service account (serviceAccountName of the IngressController or GatewayImplementation, or MeshMtls identities: [{ peer, serviceAccountName }]), or solve challenges with DNS-01 (acmeHttp01: false).');
  });
});
