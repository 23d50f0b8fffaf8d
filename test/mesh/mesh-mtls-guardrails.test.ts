import { App, Chart, Testing } from 'cdk8s';
import { ClusterIsolation, IsolatedTier, MeshInjection, MeshMtls, NamespaceExemption, Peer, Port } from '../../src';
import { Reachability } from '../../src/analysis';
import { findObject, objectsOfKind, validateAll } from '../util';

/*
 * Sidecars under a ClusterIsolation (issue 21 item 7, found by the composition property): every pod of a
 * sidecar-meshed namespace must reach istiod on TCP 15012, or its sidecar never becomes ready, including
 * pods that no NetworkPolicy selects (only the Baseline isolates them). Judged by the analyzer on the
 * synthesized manifests plus the pods the cluster runs.
 */

const pod = (namespace: string, name: string, labels: { [key: string]: string }) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] },
});
const at = (namespace: string, name: string) => ({ namespace, pod: name });
const ISTIOD = at('istio-system', 'istiod');

const PODS = [pod('istio-system', 'istiod', { app: 'istiod' }), pod('shop', 'web', { app: 'web' }), pod('shop', 'job', { app: 'job' }),
  pod('team', 'x', { app: 'x' }), pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }), pod('mesh-cp', 'istiod', { app: 'istiod' })];

/** The synthesized objects of a guarded shop with a mesh; `guardrailsFirst` declares the ClusterIsolation before the mesh. */
function guardedMeshObjects(injection: MeshInjection, options: { guardrailsFirst?: boolean; meshWide?: boolean } = {}): any[] {
  const app: App = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  // ztunnel's flows cannot be written (refused in a guarded namespace): ambient needs istio-system exempt.
  const exemptions = injection._isAmbient ? [NamespaceExemption.of('istio-system', 'ztunnel')] : [];
  const guardrails = () => new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { apiServerAddresses: ['10.0.0.1/32'], exemptions });
  if (options.guardrailsFirst) guardrails();
  new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  new MeshMtls(chart, 'mesh', options.meshWide ? { injection, meshWide: true } : { injection });
  if (!options.guardrailsFirst) guardrails();
  return validateAll(app.charts.flatMap((c) => Testing.synth(c)));
}

function guardedMesh(injection: MeshInjection, options: { guardrailsFirst?: boolean; meshWide?: boolean } = {}): Reachability {
  return Reachability.fromManifests([...guardedMeshObjects(injection, options), ...PODS]);
}

describe('sidecars in a namespace a ClusterIsolation guards', () => {
  test('a tier of the namespace reaches istiod on 15012 (its NetworkPolicy says so), nothing else of istiod', () => {
    const r = guardedMesh(MeshInjection.sidecar());
    expect(r.isAllowed(at('shop', 'web'), ISTIOD, Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), ISTIOD, Port.tcp(15010))).toBe(false);
  });

  test('pods of an unmeshed guarded namespace do not reach istiod', () => {
    const r = guardedMesh(MeshInjection.sidecar());
    expect(r.isAllowed(at('team', 'x'), ISTIOD, Port.tcp(15012))).toBe(false);
  });

  // The Baseline accepts the egress the mesh requires of its namespaces (IntentModel.requiredEgress) for
  // the pods no NetworkPolicy selects, in a policy of the namespace's own.
  test('a pod of the meshed namespace that no NetworkPolicy selects reaches istiod on 15012, and only that', () => {
    const r = guardedMesh(MeshInjection.sidecar());
    expect(r.isAllowed(at('shop', 'job'), ISTIOD, Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('shop', 'job'), ISTIOD, Port.tcp(15010))).toBe(false);
    expect(r.isAllowed(at('shop', 'job'), at('shop', 'web'), Port.tcp(8080))).toBe(false);
  });

  test('the Baseline policy accepts exactly istiod on TCP 15012 for the meshed namespace, before the default deny', () => {
    const objects = guardedMeshObjects(MeshInjection.sidecar());
    const policy = findObject(objects, 'ClusterNetworkPolicy', 'guardrails-required-egress-shop');
    expect(policy.spec).toEqual({
      tier: 'Baseline',
      priority: 500,
      subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } },
      egress: [{
        name: 'accept-required-egress',
        action: 'Accept',
        to: [{ pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } } }],
        protocols: [{ tcp: { destinationPort: { number: 15012 } } }],
      }],
    });
    expect(findObject(objects, 'ClusterNetworkPolicy', 'guardrails-default-deny').spec.priority).toBe(501);
  });

  test('the guardrails declared before the mesh write the same (requirements are read at synth)', () => {
    const r = guardedMesh(MeshInjection.sidecar(), { guardrailsFirst: true });
    expect(r.isAllowed(at('shop', 'job'), ISTIOD, Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('team', 'x'), ISTIOD, Port.tcp(15012))).toBe(false);
    expect(objectsOfKind(guardedMeshObjects(MeshInjection.sidecar(), { guardrailsFirst: true }), 'ClusterNetworkPolicy').map((p) => p.metadata.name))
      .toEqual(objectsOfKind(guardedMeshObjects(MeshInjection.sidecar()), 'ClusterNetworkPolicy').map((p) => p.metadata.name));
  });

  test('a mesh-wide sidecar mesh: pods of every guarded namespace reach istiod on 15012 only', () => {
    const r = guardedMesh(MeshInjection.sidecar(), { meshWide: true });
    expect(r.isAllowed(at('team', 'x'), ISTIOD, Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('shop', 'job'), ISTIOD, Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('team', 'x'), ISTIOD, Port.tcp(15014))).toBe(false);
    expect(r.isAllowed(at('team', 'x'), at('shop', 'web'), Port.tcp(8080))).toBe(false);
  });

  test('a control plane elsewhere (controlPlane): the Baseline names it, not istio-system', () => {
    const app: App = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new MeshMtls(chart, 'mesh', { controlPlane: Peer.pods({ app: 'istiod' }, 'mesh-cp') });
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { apiServerAddresses: ['10.0.0.1/32'] });
    const r = Reachability.fromManifests([...validateAll(app.charts.flatMap((c) => Testing.synth(c))), ...PODS]);
    expect(r.isAllowed(at('shop', 'job'), at('mesh-cp', 'istiod'), Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('shop', 'job'), ISTIOD, Port.tcp(15012))).toBe(false);
  });

  test('an exempt meshed namespace gets no required-egress policy (the Baseline leaves it alone)', () => {
    const app: App = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new MeshMtls(chart, 'mesh');
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', {
      apiServerAddresses: ['10.0.0.1/32'], exemptions: [NamespaceExemption.of('shop', 'legacy')],
    });
    const names = objectsOfKind(validateAll(app.charts.flatMap((c) => Testing.synth(c))), 'ClusterNetworkPolicy').map((p) => p.metadata.name);
    expect(names.filter((n) => n.includes('required-egress'))).toEqual([]);
  });

  test('ambient pods have no sidecar: no pod of the namespace needs istiod', () => {
    const r = guardedMesh(MeshInjection.ambient());
    expect(r.isAllowed(at('shop', 'web'), ISTIOD, Port.tcp(15012))).toBe(false);
    expect(r.isAllowed(at('shop', 'job'), ISTIOD, Port.tcp(15012))).toBe(false);
  });
});
