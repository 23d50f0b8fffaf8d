import { App, Chart, Testing } from 'cdk8s';
import {
  ClusterIsolation, GatewayImplementation, IngressController, IsolatedTier, MeshInjection, MeshMtls, MtlsMode, NamespaceExemption, Peer, Port,
  SecureGateway, SecureIngress, WorkloadIdentity,
} from '../../src';
import { Reachability } from '../../src/analysis';
import { findObject, validateAll } from '../util';

/*
 * An edge's data plane in a guarded namespace whose backends sit behind a mesh that asks callers for their
 * identity runs a sidecar, which must reach the mesh's control plane on TCP 15012 (issue 21 item 7, found
 * by the composition property): the guardrails write that egress on the data plane's platform tier, and
 * nothing more. Judged by the analyzer on the synthesized manifests plus the pods the platform runs.
 */

const API_SERVER = '10.0.0.0/28';
const pod = (namespace: string, name: string, labels: { [key: string]: string }) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] },
});
const at = (namespace: string, name: string) => ({ namespace, pod: name });
const ENVOY_LABELS = { 'gateway.envoyproxy.io/owning-gateway-name': 'edge', 'gateway.envoyproxy.io/owning-gateway-namespace': 'edge' };
const CONTROLLER_LABELS = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };
const PODS = [
  pod('istio-system', 'istiod', { app: 'istiod' }), pod('mesh-cp', 'istiod', { app: 'istiod' }), pod('shop', 'web', { app: 'web' }),
  pod('envoy-gateway-system', 'envoy', ENVOY_LABELS), pod('ingress-nginx', 'controller', CONTROLLER_LABELS),
];
const ISTIOD = at('istio-system', 'istiod');
const ENVOY = at('envoy-gateway-system', 'envoy');
const CONTROLLER = at('ingress-nginx', 'controller');

type Edge = 'envoy' | 'nginx';

interface Options {
  /** The mesh of the shop, given the identities of the edge (Envoy Gateway's service account carries a hash: the app names it). */
  readonly mesh?: (shop: Chart, identities: WorkloadIdentity[]) => void;
  readonly guardrailsFirst?: boolean;
  readonly webInMesh?: boolean;
  readonly exemptions?: NamespaceExemption[];
}

/** A shop whose web tier is reached through `edge`, under guardrails; returns the synthesized objects. */
function build(edge: Edge, options: Options = {}): any[] {
  const app: App = Testing.app();
  const guardrails = () => new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { apiServerAddresses: [API_SERVER], exemptions: options.exemptions });
  if (options.guardrailsFirst) guardrails();
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const identities: WorkloadIdentity[] = [];
  const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web', inMesh: options.webInMesh });
  if (edge === 'envoy') {
    const gateway = new SecureGateway(shop, 'edge', {
      namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod',
    });
    new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
    identities.push({ peer: gateway.peer, serviceAccountName: 'envoy-edge-3b2f1e4a' });
  } else {
    new SecureIngress(shop, 'public', {
      host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx(),
    });
  }
  (options.mesh ?? ((chart, ids) => new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT, identities: ids })))(shop, identities);
  if (!options.guardrailsFirst) guardrails();
  return validateAll(app.charts.flatMap((c) => Testing.synth(c)));
}

function reach(objects: any[]): Reachability {
  return Reachability.fromManifests([...objects, ...PODS]);
}

const NOT_MESHED: Array<[string, Options]> = [
  ['no mesh in the app', { mesh: () => undefined }],
  ['a PERMISSIVE mesh without authorization (plaintext callers are accepted)', {
    mesh: (shop, identities) => new MeshMtls(shop, 'mesh', { mode: MtlsMode.PERMISSIVE, allowPlaintext: true, authorization: false, identities }),
  }],
  ['a backend that stays out of the mesh (inMesh: false)', { webInMesh: false }],
];

describe.each<[Edge, { namespace: string; pod: { namespace: string; pod: string }; policy: string }]>([
  ['envoy', { namespace: 'envoy-gateway-system', pod: ENVOY, policy: 'gateway-edge-edge' }],
  ['nginx', { namespace: 'ingress-nginx', pod: CONTROLLER, policy: 'ingress-controller-nginx' }],
])('the %s data plane of a meshed backend, guarded', (edge, plane) => {
  test('reaches istiod on 15012, and no other istiod port; its backend still works', () => {
    const r = reach(build(edge));
    expect(r.isAllowed(plane.pod, ISTIOD, Port.tcp(15012))).toBe(true);
    for (const port of [15010, 15014, 15017]) expect([port, r.isAllowed(plane.pod, ISTIOD, Port.tcp(port))]).toEqual([port, false]);
    expect(r.isAllowed(plane.pod, at('shop', 'web'), Port.tcp(8080))).toBe(true);
  });

  test('its own policy carries the rule: pods of istio-system labelled app=istiod on TCP 15012', () => {
    const policy = findObject(build(edge), 'NetworkPolicy', plane.policy, plane.namespace);
    expect(policy.spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }],
      ports: [{ port: 15012, protocol: 'TCP' }],
    });
  });

  test('the guardrails declared before the edge and the mesh write the same (read when the app is validated)', () => {
    const policy = (objects: any[]) => findObject(objects, 'NetworkPolicy', plane.policy, plane.namespace);
    expect(policy(build(edge, { guardrailsFirst: true }))).toEqual(policy(build(edge)));
    expect(reach(build(edge, { guardrailsFirst: true })).isAllowed(plane.pod, ISTIOD, Port.tcp(15012))).toBe(true);
  });

  test('istiod\'s policy is not widened for it (istiod admits every pod on 15012 already)', () => {
    const withEdge = findObject(build(edge), 'NetworkPolicy', 'istiod', 'istio-system');
    expect(withEdge.spec.ingress.filter((rule: any) => (rule.ports ?? []).some((p: any) => p.port === 15012)))
      .toEqual([{ from: [{ namespaceSelector: {} }], ports: [{ port: 15012, protocol: 'TCP' }] }]);
  });

  test('an ambient mesh: the data plane (a sidecar) reaches istiod in the root namespace on 15012', () => {
    const objects = build(edge, {
      mesh: (shop, identities) => new MeshMtls(shop, 'mesh', { injection: MeshInjection.ambient(), identities }),
      exemptions: [NamespaceExemption.of('istio-system', 'ztunnel')],
    });
    expect(reach(objects).isAllowed(plane.pod, ISTIOD, Port.tcp(15012))).toBe(true);
  });

  test('a control plane named by the mesh (controlPlane) is the one reached, not istio-system\'s', () => {
    const r = reach(build(edge, { mesh: (shop, identities) => new MeshMtls(shop, 'mesh', { controlPlane: Peer.pods({ app: 'istiod' }, 'mesh-cp'), identities }) }));
    expect(r.isAllowed(plane.pod, at('mesh-cp', 'istiod'), Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(plane.pod, ISTIOD, Port.tcp(15012))).toBe(false);
  });

  test.each(NOT_MESHED)('%s: no egress to istiod is written', (_name, options) => {
    const objects = build(edge, options);
    expect(reach(objects).isAllowed(plane.pod, ISTIOD, Port.tcp(15012))).toBe(false);
  });
});

test('a mesh covering the data plane\'s own namespace decides for it: its sidecar rule is the namespace\'s, written once', () => {
  const app: App = Testing.app();
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  new SecureIngress(shop, 'public', {
    host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx(),
  });
  new MeshMtls(shop, 'mesh');
  new MeshMtls(shop, 'edge-mesh', { namespace: 'ingress-nginx', controlPlane: Peer.pods({ app: 'istiod' }, 'mesh-cp') });
  new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { apiServerAddresses: [API_SERVER] });
  const r = reach(validateAll(app.charts.flatMap((c) => Testing.synth(c))));
  // The ingress-nginx namespace's own mesh names mesh-cp; the backend's mesh (istio-system) adds nothing.
  expect(r.isAllowed(CONTROLLER, at('mesh-cp', 'istiod'), Port.tcp(15012))).toBe(true);
  expect(r.isAllowed(CONTROLLER, ISTIOD, Port.tcp(15012))).toBe(false);
});
